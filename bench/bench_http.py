"""Side-by-side HTTP benchmark: the mock, its ceiling and Prism 5, driven by wrk on loopback.

    python bench/bench_http.py                        # every target, 10 s per endpoint
    python bench/bench_http.py --quick --skip-prism   # a 3 s look at the mock and its ceiling
    python bench/bench_http.py --workers-sweep --json http.json

Targets, started one at a time as subprocesses on a free loopback port (never two servers under
load together), each warmed up, then measured with ``wrk -t{threads} -c{connections} --latency``
for every endpoint, then stopped:

- ``mock``: the real ``mockserver`` CLI on the bundled specs (``--workers N``, default 1); with
  ``--workers-sweep`` also ``mock-w2`` (two workers, each with its own in-memory state).
- ``ceiling``: ``bench/ceiling_app.py``, a bare Starlette app under the same uvicorn options,
  answering each endpoint with the exact status, headers and body bytes the mock returned for the
  same request just before. The most any Python ASGI server could do with those bytes.
- ``prism-static`` / ``prism-dynamic``: ``prism mock [-d] SPEC`` (one process per spec, so the
  hosting endpoint gets its own), from ``~/.cache/specmock/prism`` (``--prism-cache`` or
  ``SPECMOCK_PRISM_CACHE``), installed there with npm when missing; skipped with a note when it
  cannot be. Prism runs with ``-v warn`` (no per-request log line, as the mock has no access log).

A non-2xx response (or a socket error) makes the row an error: its figures are shown but no
ratio built on it passes. The machine may be shared: before each measurement the bench waits (up
to ``--quiet-wait`` s) for other processes to go quiet, and a row measured while they used a
quarter of a core or more says how much (CPU of the whole machine minus the server's and wrk's).

Prints requests/s, p50 and p99 per endpoint and target, and the server's CPU time per request
(user + system of its process group over the measured seconds, divided by the requests wrk
completed): on a shared machine requests/s falls with other load while CPU per request barely
moves, so each ratio is given both ways, by requests/s and by CPU per request (the baseline's CPU
per request over the mock's: higher is better, as for requests/s). Then the ratios mock /
prism-static, mock / prism-dynamic and mock / ceiling, and the issue's targets as PASS/FAIL: for
the migrations list >= 5x Prism static, >= 40x Prism dynamic, >= 0.4x the ceiling, p99 <= 5 ms
at 16 connections; for the collections list >= 0.5x the ceiling. Exit 2 when wrk is missing (no
numbers are invented).
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import importlib.util
import json
import os
import re
import resource
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
SPECS = {"mixpeek": ROOT / "spec" / "mixpeek.yaml", "hosting": ROOT / "spec" / "hosting.yaml"}
PRISM_PACKAGE = "@stoplight/prism-cli@5"
UNIQUE = "{unique}"  # in a body template: replaced by a name unique to each request
MAX_CLONES = 50_000  # the mock's --max-clones here (at most ~2 GB of clones)


# ---------------------------------------------------------------------------------------------
# Endpoints


@dataclass(frozen=True)
class Endpoint:
    name: str
    spec: str  # key of SPECS: the spec Prism must serve for it
    method: str
    path: str  # may hold {namespace_id} / {namespace_name}, filled from the mock's world
    route: str  # the Starlette route the ceiling serves it on
    headers: tuple[tuple[str, str], ...]
    body: str | None = None  # may hold UNIQUE
    note: str = ""

    def fill(self, names: dict[str, str]) -> Endpoint:
        headers = tuple((k, v.format(**names)) for k, v in self.headers)
        return Endpoint(
            self.name, self.spec, self.method, self.path.format(**names), self.route, headers,
            self.body, self.note,
        )  # fmt: skip

    @property
    def unique(self) -> bool:
        return self.body is not None and UNIQUE in self.body


JSON = ("Content-Type", "application/json")
MIXPEEK_AUTH = ("Authorization", "Bearer sk_test")

ENDPOINTS: tuple[Endpoint, ...] = (
    Endpoint(
        "migrations-list",
        "mixpeek",
        "POST",
        "/v1/namespaces/migrations/list",
        "/v1/namespaces/migrations/list",
        (MIXPEEK_AUTH, JSON),
        '{"limit":20}',
        "20 items, stateful, validated",
    ),
    Endpoint(
        "collections-list",
        "mixpeek",
        "POST",
        "/v1/collections/list",
        "/v1/collections/list",
        (MIXPEEK_AUTH, JSON, ("X-Namespace", "{namespace_name}")),
        '{"filters":{"AND":[{"field":"document_count","operator":"gte","value":0}]},'
        '"sort":{"field":"document_count","direction":"desc"}}',
        "one namespace, filter + sort",
    ),
    Endpoint(
        "hosting-list",
        "hosting",
        "GET",
        "/api/migrations?per=20",
        "/api/migrations",
        (("X-Api-Token", "tok_user"),),
        None,
        "20 items, one customer",
    ),
    Endpoint(
        "clone",
        "mixpeek",
        "POST",
        "/v1/namespaces/{namespace_id}/clone",
        "/v1/namespaces/{namespace_identifier}/clone",
        (MIXPEEK_AUTH, JSON),
        '{"namespace_name":"' + UNIQUE + '"}',
        "a stateful write, a new name per request (Prism and the ceiling answer without state)",
    ),
)
BY_NAME = {e.name: e for e in ENDPOINTS}


# ---------------------------------------------------------------------------------------------
# wrk: script and output


def lua_string(text: str) -> str:
    """A Lua string literal for any text (decimal escapes for everything not plain ASCII)."""
    out = []
    for byte in text.encode("utf-8"):
        char = chr(byte)
        out.append(char if 32 <= byte < 127 and char not in '"\\' else f"\\{byte:03d}")
    return '"' + "".join(out) + '"'


def lua_script(endpoint: Endpoint, run_id: str) -> str:
    """The wrk script for one endpoint: a fixed request, or one with a unique name per request."""
    headers = ", ".join(f"[{lua_string(k)}] = {lua_string(v)}" for k, v in endpoint.headers)
    if not endpoint.unique:
        lines = [f"wrk.method = {lua_string(endpoint.method)}", f"wrk.path = {lua_string(endpoint.path)}"]
        lines += [f"wrk.headers[{lua_string(k)}] = {lua_string(v)}" for k, v in endpoint.headers]
        if endpoint.body is not None:
            lines.append(f"wrk.body = {lua_string(endpoint.body)}")
        return "\n".join(lines) + "\n"
    assert endpoint.body is not None
    before, after = endpoint.body.split(UNIQUE, 1)
    return f"""local method, path = {lua_string(endpoint.method)}, {lua_string(endpoint.path)}
local before, after = {lua_string(before)}, {lua_string(after)}
local headers = {{{headers}}}
local threads, counter = 0, 0
function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end
function request()
  counter = counter + 1
  local name = "bench_{run_id}_" .. tostring(tid) .. "_" .. tostring(counter)
  return wrk.format(method, path, headers, before .. name .. after)
end
"""


class WrkParseError(ValueError):
    pass


TIME_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}
BYTE_UNITS = {"B": 1, "KB": 1024, "MB": 1024**2, "GB": 1024**3, "TB": 1024**4}


@dataclass(frozen=True)
class WrkResult:
    requests: int
    duration_s: float
    rps: float
    p50_ms: float
    p75_ms: float
    p90_ms: float
    p99_ms: float
    bytes_read: float
    non_2xx: int = 0
    socket_errors: dict[str, int] = field(default_factory=dict)

    @property
    def errors(self) -> int:
        return self.non_2xx + sum(self.socket_errors.values())


def _ms(number: str, unit: str) -> float:
    return float(number) * TIME_UNITS[unit]


def parse_wrk(text: str) -> WrkResult:
    """Requests/sec, the latency distribution and the error lines of ``wrk --latency`` output."""
    percentiles = {
        int(m[1]): _ms(m[2], m[3])
        for m in re.finditer(r"^\s*(50|75|90|99)(?:\.0+)?%\s+([\d.]+)(us|ms|s|m|h)\s*$", text, re.M)
    }
    total = re.search(r"(\d+) requests in ([\d.]+)(us|ms|s|m|h), ([\d.]+)(B|KB|MB|GB|TB) read", text)
    rate = re.search(r"^Requests/sec:\s+([\d.]+)", text, re.M)
    if total is None or rate is None or set(percentiles) != {50, 75, 90, 99}:
        raise WrkParseError(f"not wrk --latency output:\n{text[-1500:]}")
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    socket_errors = {}
    if sockets is not None:
        socket_errors = {
            kind: int(count)
            for kind, count in zip(("connect", "read", "write", "timeout"), sockets.groups(), strict=True)
            if int(count)
        }
    return WrkResult(
        requests=int(total[1]),
        duration_s=_ms(total[2], total[3]) / 1000,
        rps=float(rate[1]),
        p50_ms=percentiles[50],
        p75_ms=percentiles[75],
        p90_ms=percentiles[90],
        p99_ms=percentiles[99],
        bytes_read=float(total[4]) * BYTE_UNITS[total[5]],
        non_2xx=int(non_2xx[1]) if non_2xx else 0,
        socket_errors=socket_errors,
    )


# ---------------------------------------------------------------------------------------------
# Rows, ratios, targets


BUSY_CORES = 0.25  # other processes' CPU (in cores) from which a row says the machine was busy


@dataclass
class Row:
    target: str
    endpoint: str
    result: WrkResult | None = None
    error: str | None = None  # why there is no (trustworthy) result
    note: str = ""
    body_bytes: int | None = None  # of the preflight response (wrk's "MB read" is rounded)
    other_cores: float | None = None  # CPU used by other processes while measuring, in cores
    cpu_ms: float | None = None  # the server's CPU time per completed request, in ms

    def busy_note(self) -> str:
        """Said when other processes took a noticeable share of the machine during the run."""
        if self.other_cores is None or self.other_cores < BUSY_CORES:
            return ""
        return f"other load {self.other_cores:.2f} cores"

    @property
    def ok(self) -> bool:
        return self.result is not None and self.error is None and self.result.errors == 0

    def problem(self) -> str | None:
        if self.error is not None:
            return self.error
        if self.result is None:
            return "not measured"
        if self.result.errors:
            parts = [f"{self.result.non_2xx} non-2xx"] if self.result.non_2xx else []
            parts += [f"{n} {kind}" for kind, n in self.result.socket_errors.items()]
            return "errors: " + ", ".join(parts)
        return None


@dataclass(frozen=True)
class Target:
    op: str  # ">=" or "<="
    limit: float
    unit: str

    def text(self) -> str:
        sign = "≥" if self.op == ">=" else "≤"
        return f"{sign} {self.limit:g}{'x' if self.unit == 'x' else ' ' + self.unit}"

    def passes(self, value: float) -> bool:
        return value >= self.limit if self.op == ">=" else value <= self.limit


# The targets, for the migrations list (other endpoints get the same ratios, no target).
RATIO_TARGETS: dict[str, dict[str, Target]] = {
    "migrations-list": {
        "prism-static": Target(">=", 5.0, "x"),
        "prism-dynamic": Target(">=", 40.0, "x"),
        "ceiling": Target(">=", 0.4, "x"),
    },
    "collections-list": {"ceiling": Target(">=", 0.5, "x")},
}
P99_TARGETS: dict[str, Target] = {"migrations-list": Target("<=", 5.0, "ms")}
BASELINES = ("prism-static", "prism-dynamic", "ceiling")


def figure(
    name: str, value: float | None, unit: str, target: Target | None = None, note: str = ""
) -> dict[str, Any]:
    """One figure as every bench writes it to --json (bench/run.py reads these)."""
    passed = None if target is None or value is None else target.passes(value)
    return {
        "name": name,
        "value": value,
        "unit": unit,
        "target": target.text() if target else None,
        "pass": passed,
        "note": note,
    }


def figures(rows: Sequence[Row], connections: int) -> list[dict[str, Any]]:
    """Every measured figure, then each ratio mock / baseline and the p99 target, per endpoint."""
    out: list[dict[str, Any]] = []
    by_key = {(r.endpoint, r.target): r for r in rows}
    for endpoint in dict.fromkeys(r.endpoint for r in rows):
        for row in (r for r in rows if r.endpoint == endpoint):
            problem = row.problem()
            if row.result is None:
                out.append(figure(f"{endpoint}: {row.target} req/s", None, "req/s", note=problem or ""))
                continue
            res = row.result
            out.append(figure(f"{endpoint}: {row.target} req/s", res.rps, "req/s", note=problem or ""))
            out.append(figure(f"{endpoint}: {row.target} p50", res.p50_ms, "ms", note=problem or ""))
            out.append(figure(f"{endpoint}: {row.target} p99", res.p99_ms, "ms", note=problem or ""))
            if row.cpu_ms is not None:
                name = f"{endpoint}: {row.target} CPU per request"
                out.append(figure(name, row.cpu_ms, "ms", note=problem or ""))
        mock = by_key.get((endpoint, "mock"))
        for baseline in BASELINES:
            other = by_key.get((endpoint, baseline))
            if mock is None or other is None:
                continue
            target = RATIO_TARGETS.get(endpoint, {}).get(baseline)
            name = f"{endpoint}: mock / {baseline} req/s"
            if mock.result is None or other.result is None or not other.result.rps:
                reason = mock.problem() or other.problem() or "no result"
                out.append({**figure(name, None, "x", target), "pass": None, "note": reason})
                continue
            ratio = mock.result.rps / other.result.rps
            out.append(_guarded(figure(name, ratio, "x", target), mock, other))
            if mock.cpu_ms and other.cpu_ms:
                by_cpu = f"{endpoint}: mock / {baseline} by CPU per request"
                out.append(_guarded(figure(by_cpu, other.cpu_ms / mock.cpu_ms, "x", target), mock, other))
        p99 = P99_TARGETS.get(endpoint)
        if mock is not None and mock.result is not None and p99 is not None:
            name = f"{endpoint}: mock p99 at {connections} connections"
            out.append(_guarded(figure(name, mock.result.p99_ms, "ms", p99), mock))
    return out


def _guarded(fig: dict[str, Any], *rows: Row) -> dict[str, Any]:
    """A figure built on a row with errors is not a PASS (nor a FAIL): it says why. One built on a
    row measured while other processes were busy keeps its verdict and says that."""
    problems = [f"{r.target}: {r.problem()}" for r in rows if not r.ok]
    if problems:
        return {**fig, "pass": None, "note": "; ".join(problems)}
    busy = [f"{r.target} {r.other_cores:.2f}" for r in rows if r.busy_note()]
    return {**fig, "note": f"other load (cores): {', '.join(busy)}"} if busy else fig


def verdict(fig: dict[str, Any]) -> str:
    if fig["target"] is None:
        return ""
    if fig["pass"] is None:
        return "ERROR"
    return "PASS" if fig["pass"] else "FAIL"


def format_value(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "x":
        return f"{value:.2f}x"
    if unit == "req/s":
        return f"{value:,.0f}"
    if unit == "ms":
        return f"{value:.2f} ms"
    if unit == "MB":
        return f"{value:,.0f} MB"
    if unit == "s":
        return f"{value:.2f} s"
    return f"{value:g} {unit}"


def render_tables(rows: Sequence[Row], figs: Sequence[dict[str, Any]]) -> str:
    lines: list[str] = []
    for endpoint in dict.fromkeys(r.endpoint for r in rows):
        ep = BY_NAME.get(endpoint)
        title = f"{ep.method} {ep.path.split('?')[0]}" if ep else endpoint
        lines.append(f"\n{endpoint}  ({title}{'; ' + ep.note if ep and ep.note else ''})")
        head = f"{'target':<14} {'req/s':>9} {'p50':>10} {'p99':>10} {'CPU/req':>10} {'body bytes':>11}"
        lines.append(f"  {head}  note")
        for row in (r for r in rows if r.endpoint == endpoint):
            res = row.result
            if res is None:
                dash = f"{'—':>9} {'—':>10} {'—':>10} {'—':>10} {'—':>11}"
                lines.append(f"  {row.target:<14} {dash}  {row.problem()}")
                continue
            note = "; ".join(x for x in (row.problem() or "", row.busy_note(), row.note) if x)
            size = f"{row.body_bytes:,}" if row.body_bytes is not None else "—"
            cpu = f"{row.cpu_ms:.3f} ms" if row.cpu_ms is not None else "—"
            lines.append(
                f"  {row.target:<14} {res.rps:>9,.0f} {res.p50_ms:>7.2f} ms {res.p99_ms:>7.2f} ms "
                f"{cpu:>10} {size:>11}  {note}".rstrip()
            )
        for fig in figs:
            label = fig["name"].split(": ", 1)[1]
            if fig["name"].startswith(endpoint + ": ") and (
                (label.startswith("mock / ") and fig["unit"] == "x") or label.startswith("mock p99 at")
            ):
                target = f"target {fig['target']}" if fig["target"] else ""
                value = format_value(fig["value"], fig["unit"])
                text = f"  {label:<40} {value:>9}  {target:<14} {verdict(fig)}"
                if fig["note"]:
                    text += f"  ({fig['note']})"
                lines.append(text.rstrip())
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# Processes


class Server:
    """A subprocess in its own session (so stopping it stops its workers too), logging to a file."""

    def __init__(self, name: str, command: list[str], workdir: Path) -> None:
        self.name = name
        self.command = command
        self.log = workdir / f"{name}.log"
        handle = self.log.open("wb")
        self.process = subprocess.Popen(
            command, stdout=handle, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True
        )
        handle.close()

    def tail(self, chars: int = 1500) -> str:
        return self.log.read_text(errors="replace")[-chars:]

    def url_from_log(self, pattern: str, timeout: float) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            match = re.search(pattern, self.log.read_text(errors="replace"))
            if match:
                return match[1]
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited ({self.process.returncode}):\n{self.tail()}")
            time.sleep(0.05)
        raise RuntimeError(f"{self.name} printed no URL within {timeout:.0f}s:\n{self.tail()}")

    def wait_http(self, url: str, timeout: float) -> None:
        """Until the server answers anything at all on ``url``."""
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited ({self.process.returncode}):\n{self.tail()}")
            try:
                httpx.get(url, timeout=2)
                return
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{self.name} not answering within {timeout:.0f}s") from None
                time.sleep(0.1)

    def stop(self) -> None:
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(5)
        else:  # its workers may outlive it
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.process.pid, signal.SIGKILL)


@contextlib.contextmanager
def serving(name: str, command: list[str], workdir: Path) -> Iterator[Server]:
    server = Server(name, command, workdir)
    try:
        yield server
    finally:
        server.stop()


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


# ---------------------------------------------------------------------------------------------
# Prism


def prism_cache(flag: str | None) -> Path:
    chosen = flag or os.environ.get("SPECMOCK_PRISM_CACHE")
    return Path(chosen).expanduser() if chosen else Path.home() / ".cache" / "specmock" / "prism"


def ensure_prism(cache: Path, install_timeout: float = 300) -> tuple[Path | None, str]:
    """The prism executable in ``cache`` (installing it there with npm when missing), or a note."""
    binary = cache / "node_modules" / ".bin" / "prism"
    if binary.exists():
        return binary, ""
    npm, node = shutil.which("npm"), shutil.which("node")
    if npm is None or node is None:
        return None, "Prism skipped: node/npm not found (install Node.js 18+ to compare with Prism)"
    print(f"installing {PRISM_PACKAGE} into {cache} (npm, at most {install_timeout:.0f}s) ...", flush=True)
    cache.mkdir(parents=True, exist_ok=True)
    try:
        done = subprocess.run(
            [npm, "install", "--prefix", str(cache), "--no-audit", "--no-fund", PRISM_PACKAGE],
            capture_output=True,
            text=True,
            timeout=install_timeout,
        )
    except subprocess.TimeoutExpired:
        return None, f"Prism skipped: npm install {PRISM_PACKAGE} took over {install_timeout:.0f}s"
    if done.returncode != 0 or not binary.exists():
        last = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
        return None, f"Prism skipped: npm install {PRISM_PACKAGE} failed ({last[0]})"
    return binary, ""


def tool_version(command: list[str]) -> str:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    text = (done.stdout + done.stderr).strip().splitlines()
    return text[0].strip() if text else "unknown"


def wrk_version(wrk: str) -> str:
    line = tool_version([wrk, "--version"])
    match = re.match(r"(wrk \S+)", line)
    return match[1] if match else line


# ---------------------------------------------------------------------------------------------
# Measuring


@dataclass
class Settings:
    wrk: str
    seconds: float
    warmup: float
    connections: int
    threads: int
    workdir: Path
    quiet_wait: float = 0.0


TICKS = os.sysconf("SC_CLK_TCK")


def busy_ticks() -> int:
    """CPU time spent by the whole machine (all cores, not idle or iowait), in clock ticks."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields
    return user + nice + system + irq + softirq + steal


def group_ticks(pgid: int) -> int:
    """CPU time (user + system) of the live processes in process group ``pgid``."""
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        rest = stat[stat.rfind(")") + 2 :].split()
        if int(rest[2]) == pgid:
            total += int(rest[11]) + int(rest[12])
    return total


def other_cores(busy: int, ours: int, seconds: float) -> float:
    """Cores' worth of CPU used by anything but the server and wrk during a measurement."""
    return max(0.0, (busy - ours) / TICKS / seconds) if seconds > 0 else 0.0


def wait_quiet(max_wait: float, window: float = 1.0) -> float:
    """Wait (at most ``max_wait`` s) for a ``window`` in which other processes use under BUSY_CORES
    cores; returns the last window's use, in cores."""
    deadline = time.monotonic() + max_wait
    while True:
        before, started = busy_ticks(), time.monotonic()
        time.sleep(window)
        used = (busy_ticks() - before) / TICKS / (time.monotonic() - started)
        if used < BUSY_CORES or time.monotonic() >= deadline:
            return used
        time.sleep(1.0)


def run_wrk(settings: Settings, base_url: str, endpoint: Endpoint, seconds: float) -> WrkResult:
    run_id = secrets.token_hex(3)
    script = settings.workdir / f"{endpoint.name}-{run_id}.lua"
    script.write_text(lua_script(endpoint, run_id))
    threads = max(1, min(settings.threads, settings.connections))
    command = [settings.wrk, f"-t{threads}", f"-c{settings.connections}", f"-d{seconds:g}s"]
    command += ["--timeout", "5s", "--latency", "-s", str(script), base_url + endpoint.path]
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    if done.returncode != 0:
        raise WrkParseError(f"wrk exited {done.returncode}: {done.stderr.strip()[-500:]}")
    return parse_wrk(done.stdout)


def request_once(base_url: str, endpoint: Endpoint, unique: str) -> httpx.Response:
    body = endpoint.body.replace(UNIQUE, unique) if endpoint.body is not None else None
    return httpx.request(
        endpoint.method,
        base_url + endpoint.path,
        headers=dict(endpoint.headers),
        content=body.encode() if body is not None else None,
        timeout=30,
    )


def measure(
    settings: Settings,
    target: str,
    server: Server,
    base_url: str,
    endpoint: Endpoint,
    note: str = "",
    before_run: Callable[[], object] | None = None,
) -> Row:
    """Preflight (must be 2xx), warm up, ``before_run``, measure; and how much CPU anything else
    took meanwhile (this machine is shared: other load makes every figure lower, and the row says
    so)."""
    row = Row(target, endpoint.name, note=note)
    try:
        first = request_once(base_url, endpoint, f"bench_preflight_{secrets.token_hex(4)}")
    except httpx.HTTPError as exc:
        row.error = f"preflight failed: {exc!r}"
        return row
    if not 200 <= first.status_code < 300:
        row.error = f"preflight answered {first.status_code}: {first.text[:200]}"
        return row
    row.body_bytes = len(first.content)
    if settings.quiet_wait > 0:
        wait_quiet(settings.quiet_wait)
    try:
        if settings.warmup > 0:
            run_wrk(settings, base_url, endpoint, settings.warmup)
        if before_run is not None:
            before_run()
        busy, served = busy_ticks(), group_ticks(server.process.pid)
        children = _children_ticks()
        started = time.monotonic()
        row.result = run_wrk(settings, base_url, endpoint, settings.seconds)
        elapsed = time.monotonic() - started
        server_ticks = group_ticks(server.process.pid) - served
        ours = server_ticks + _children_ticks() - children
        row.other_cores = round(other_cores(busy_ticks() - busy, ours, elapsed), 2)
        if row.result.requests:
            row.cpu_ms = server_ticks / TICKS * 1000 / row.result.requests
    except (WrkParseError, subprocess.TimeoutExpired) as exc:
        row.error = str(exc)
    print(f"  {target:<14} {endpoint.name:<18} {_short(row)}", flush=True)
    return row


def _children_ticks() -> int:
    """CPU time of this process's finished children (wrk), in clock ticks."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return round((usage.ru_utime + usage.ru_stime) * TICKS)


def _short(row: Row) -> str:
    if row.result is None:
        return row.problem() or ""
    res = row.result
    text = f"{res.rps:9,.0f} req/s  p50 {res.p50_ms:7.2f} ms  p99 {res.p99_ms:8.2f} ms"
    text += f"  CPU {row.cpu_ms:.3f} ms/req" if row.cpu_ms is not None else ""
    text += f"  (other CPU {row.other_cores:.2f} cores)" if row.other_cores is not None else ""
    return text + (f"  [{row.problem()}]" if row.problem() else "")


def _world_names(base_url: str) -> dict[str, str]:
    """A namespace of the mock's world (id and name), for the X-Namespace header and clone path."""
    state = httpx.get(f"{base_url}/_mock/state", timeout=30).json()
    for api in state["apis"].values():
        if isinstance(api, dict) and api.get("namespaces"):
            first = api["namespaces"][0]
            return {"namespace_id": first["namespace_id"], "namespace_name": first["namespace_name"]}
    raise RuntimeError("the mock's state holds no Mixpeek namespace")


def canned_from(response: httpx.Response, endpoint: Endpoint) -> dict[str, Any]:
    from ceiling_app import Canned

    headers = tuple((k, v) for k, v in response.headers.multi_items())
    return Canned(endpoint.method, endpoint.route, response.status_code, headers, response.content).to_json()


def mock_command(workers: int) -> list[str]:
    # --quiet: no line per request (Prism runs with -v warn here too)
    command = [sys.executable, "-m", "mockserver", *map(str, SPECS.values()), "--port", "0", "--quiet"]
    # every clone request makes a clone (~40 KiB): room for a measured run at any rate one core
    # reaches (the world is reset after the warm-up), where the default 2,000 filled in a second
    # and the rest of the row measured the 409 that says so
    command += ["--max-clones", str(MAX_CLONES)]
    return [*command, "--workers", str(workers)]


def bench_mock(
    settings: Settings, target: str, workers: int, endpoints: Sequence[Endpoint]
) -> tuple[list[Row], list[Endpoint], list[dict[str, Any]]]:
    """Measure the mock; returns its rows, the endpoints filled with its world's names and the
    responses it gave (for the ceiling), fetched just before the load."""
    note = f"{workers} workers, in-memory state each" if workers > 1 else ""
    print(f"\n{target}: mockserver --workers {workers}", flush=True)
    with serving(target, mock_command(workers), settings.workdir) as server:
        url = server.url_from_log(r"listening on (http://\S+)", 120)
        server.wait_http(f"{url}/_mock/health", 120)
        names = _world_names(url)
        filled = [e.fill(names) for e in endpoints]
        canned = []
        for endpoint in filled:
            response = request_once(url, endpoint, f"bench_ceiling_{secrets.token_hex(4)}")
            canned.append(canned_from(response, endpoint))
        reset = functools.partial(httpx.post, f"{url}/_mock/reset", timeout=60)
        rows = [measure(settings, target, server, url, e, note, reset if e.unique else None) for e in filled]
    return rows, filled, canned


def bench_ceiling(
    settings: Settings, endpoints: Sequence[Endpoint], canned: list[dict[str, Any]]
) -> list[Row]:
    print("\nceiling: bare Starlette, the mock's bytes", flush=True)
    path = settings.workdir / "canned.json"
    path.write_text(json.dumps(canned))
    command = [sys.executable, str(BENCH / "ceiling_app.py"), str(path), "--port", "0"]
    with serving("ceiling", command, settings.workdir) as server:
        url = server.url_from_log(r"listening on (http://\S+)", 60)
        server.wait_http(url + "/", 60)
        return [measure(settings, "ceiling", server, url, e) for e in endpoints]


def bench_prism(settings: Settings, prism: Path, endpoints: Sequence[Endpoint]) -> list[Row]:
    rows: list[Row] = []
    for target, flags in (("prism-static", []), ("prism-dynamic", ["-d"])):
        for spec in dict.fromkeys(e.spec for e in endpoints):
            group = [e for e in endpoints if e.spec == spec]
            port = free_port()
            command = [str(prism), "mock", *flags, "-v", "warn", "-h", "127.0.0.1", "-p", str(port)]
            command.append(str(SPECS[spec]))
            print(f"\n{target}: prism mock {' '.join(flags)} {SPECS[spec].name}", flush=True)
            with serving(f"{target}-{spec}", command, settings.workdir) as server:
                url = f"http://127.0.0.1:{port}"
                try:
                    server.wait_http(url + "/", 120)
                except RuntimeError as exc:
                    rows += [Row(target, e.name, error=str(exc).splitlines()[0]) for e in group]
                    continue
                for endpoint in group:
                    note = "stateless: same canned/generated answer" if endpoint.unique else ""
                    rows.append(measure(settings, target, server, url, endpoint, note))
    return rows


def order_rows(rows: Sequence[Row], endpoints: Sequence[Endpoint]) -> list[Row]:
    rank = {"mock": 0, "mock-w2": 1, "ceiling": 2, "prism-static": 3, "prism-dynamic": 4}
    names = [e.name for e in endpoints]
    return sorted(rows, key=lambda r: (names.index(r.endpoint), rank.get(r.target, 9)))


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="measured seconds per endpoint (10)")
    parser.add_argument("--warmup", type=float, default=None, help="warm-up seconds (2; --quick: 1)")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=1, help="wrk threads (1: the server keeps a core)")
    parser.add_argument(
        "--endpoints",
        default=",".join(BY_NAME),
        help=f"comma-separated, from: {', '.join(BY_NAME)} (default: all)",
    )
    parser.add_argument("--workers", type=int, default=1, help="mockserver --workers for the mock row")
    parser.add_argument("--workers-sweep", action="store_true", help="also measure mockserver --workers 2")
    parser.add_argument("--skip-prism", action="store_true")
    parser.add_argument("--prism-cache", default=None, help="npm prefix holding Prism (default ~/.cache/...)")
    parser.add_argument(
        "--quiet-wait",
        type=float,
        default=20.0,
        help="before each measurement, wait up to this many seconds for other processes to go quiet",
    )
    parser.add_argument("--json", type=Path, default=None, help="write rows and figures here")
    parser.add_argument("--quick", action="store_true", help="3 s per endpoint, 1 s warm-up")
    args = parser.parse_args(argv)
    if args.quick:
        args.seconds = min(args.seconds, 3.0)
    if args.warmup is None:
        args.warmup = 1.0 if args.quick else 2.0
    unknown = [n for n in args.endpoints.split(",") if n not in BY_NAME]
    if unknown:
        parser.error(f"unknown endpoint(s) {', '.join(unknown)}; known: {', '.join(BY_NAME)}")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    wrk = shutil.which("wrk")
    if wrk is None:
        print("bench_http: wrk not found; install it (Debian/Ubuntu: apt-get install wrk) and rerun")
        return 2
    sys.path.insert(0, str(BENCH))
    endpoints = [BY_NAME[n] for n in args.endpoints.split(",")]
    workdir = Path(tempfile.mkdtemp(prefix="bench-http-"))
    settings = Settings(
        wrk, args.seconds, args.warmup, args.connections, args.threads, workdir, args.quiet_wait
    )
    notes: list[str] = []
    meta: dict[str, Any] = {
        "wrk": wrk_version(wrk),
        "wrk_command": f"wrk -t{args.threads} -c{args.connections} -d{args.seconds:g}s --latency",
        "warmup_s": args.warmup,
        "uvicorn_loop": "uvloop" if importlib.util.find_spec("uvloop") else "asyncio",
        "uvicorn_http": "httptools" if importlib.util.find_spec("httptools") else "h11",
        "prism": None,
    }
    print(f"{meta['wrk']}; {meta['wrk_command']} (+{args.warmup:g}s warm-up) per endpoint and target")
    print(f"uvicorn loop {meta['uvicorn_loop']}, http {meta['uvicorn_http']} (mock and ceiling)")
    try:
        rows, filled, canned = bench_mock(settings, "mock", args.workers, endpoints)
        if args.workers_sweep and args.workers != 2:
            sweep, _, _ = bench_mock(settings, "mock-w2", 2, endpoints)
            rows += sweep
        rows += bench_ceiling(settings, filled, canned)
        if args.skip_prism:
            notes.append("Prism skipped (--skip-prism)")
        else:
            prism, note = ensure_prism(prism_cache(args.prism_cache))
            if prism is None:
                notes.append(note)
                print(note, flush=True)
            else:
                meta["prism"] = tool_version([str(prism), "--version"])
                notes.append(f"Prism {meta['prism']} with -v warn; one process per spec")
                rows += bench_prism(settings, prism, filled)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    rows = order_rows(rows, endpoints)
    figs = figures(rows, args.connections)
    print(render_tables(rows, figs))
    for note in notes:
        print(f"note: {note}")
    if args.json:
        payload = {
            "bench": "http",
            "meta": meta,
            "notes": notes,
            "rows": [
                {
                    **asdict(r),
                    "result": asdict(r.result) if r.result else None,
                    "problem": r.problem(),
                    "busy": r.busy_note(),
                }
                for r in rows
            ],
            "figures": figs,
        }
        args.json.write_text(json.dumps(payload, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
