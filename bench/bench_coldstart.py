"""Cold start: spawn the real CLI, time spawn → first 200, against the issue's targets.

Scenarios (each run is a new process, as a user or a CI job starts it):

- ``bundled``: ``python -m mockserver --port P`` (no spec: spec/mixpeek.yaml + spec/hosting.yaml with
  their stateful worlds), first ``POST /v1/namespaces/migrations/list`` (bearer ``sk_test``,
  ``{"limit": 20}``) answered 200. Target ≤ 1 s.
- ``generated-500``: ``python -m mockserver /tmp/…/api-500.yaml --port P`` (``bench/gen_spec.py``),
  first ``GET /v1/billing/invoices?limit=20`` (bearer token) answered 200. Target ≤ 3 s.

The client polls with raw sockets every 2 ms from the moment of ``Popen``: a refused connection
means "not listening yet"; the first success is recorded as *listening*, the first 200 as the cold
start. Any other status is an error of the bench, not a slow start.

The breakdown runs the same start-up in one instrumented process (``mockserver.catalog``'s spec
loader and the API profiles' world builders are wrapped with timers) and splits it into:
interpreter start (``python -c pass``), imports (``mockserver.cli`` and everything it pulls in; the
heaviest top-level packages from ``-X importtime`` are listed), spec load (YAML + operation
index), compile (validators, security, error shapes, responder), world build (the stateful
profiles), server start (uvicorn until it listens) and the first request (including anything built
lazily on first use).

    python bench/bench_coldstart.py                   # 5 runs each, breakdown, PASS/FAIL
    python bench/bench_coldstart.py --quick           # 2 runs each (< 30 s)
    python bench/bench_coldstart.py --json out.json   # also write the figures (for bench/run.py)
    python bench/bench_coldstart.py --check           # exit 1 when a target is missed

Figures on this 2-core machine (5 runs, median / slowest; other engineers' test runs kept the
1-minute load at 2.5-4):

    scenario          before (8988e70)     after              target
    bundled           0.64 s / 0.77 s      0.19 s / 0.21 s    1 s
    generated-500     11.9 s / 12.9 s      0.64 s / 0.67 s    3 s

Where the 500-operation start went before: validator compiles 11-16 s (each got the whole
``components``), YAML 1.6 s (pure-Python parser); the bundled start: Faker's import and word
pools (~150 ms, twice), YAML 92 ms, jsonschema's import ~50 ms. The commits that changed
oascore/__init__.py, validation.py, fakes*.py and errors.py give each figure before and after.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from gen_spec import dump, generate_spec  # noqa: E402

POLL_S = 0.002
TIMEOUT_S = 60.0
# The environment of every child process; main() points its bytecode cache at a temporary folder.
CHILD_ENV: dict[str, str] = dict(os.environ)


def child_env(tmp: str, bytecode: bool) -> dict[str, str]:
    """A pip-installed package has its .pyc files compiled at install; this checkout's editable
    install has none, and ``PYTHONDONTWRITEBYTECODE=1`` (set in some shells and CI) would make
    every start compile mockserver's ~40 modules from source (~80 ms). By default the children
    write and reuse bytecode in a private folder (the warm-up run fills it), as a user's install
    does; ``--no-bytecode-cache`` measures the environment as it is."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    if bytecode:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(Path(tmp) / "pycache")
    return env


@dataclass
class Scenario:
    name: str
    args: list[str]
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    target_s: float
    runs: list[float] = field(default_factory=list)
    listening: list[float] = field(default_factory=list)

    def request(self, port: int) -> bytes:
        lines = [f"{self.method} {self.path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Connection: close"]
        lines += [f"{k}: {v}" for k, v in self.headers.items()]
        if self.body:
            lines.append(f"Content-Length: {len(self.body)}")
        return ("\r\n".join(lines) + "\r\n\r\n").encode() + self.body


def scenarios(spec_path: Path, operations: int) -> list[Scenario]:
    return [
        Scenario(
            name="bundled",
            args=[],
            method="POST",
            path="/v1/namespaces/migrations/list",
            headers={"Authorization": "Bearer sk_test", "Content-Type": "application/json"},
            body=b'{"limit":20}',
            target_s=1.0,
        ),
        Scenario(
            name=f"generated-{operations}",
            args=[str(spec_path)],
            method="GET",
            path="/v1/billing/invoices?limit=20",
            headers={"Authorization": "Bearer tok_bench", "Accept": "application/json"},
            body=b"",
            target_s=3.0,
        ),
    ]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _status(sock: socket.socket) -> int:
    """Read a whole response (Connection: close) and return its status code."""
    chunks: list[bytes] = []
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            break
        chunks.append(chunk)
    head = b"".join(chunks).split(b"\r\n", 1)[0]
    match = re.match(rb"HTTP/1\.[01] (\d{3})", head)
    if match is None:
        raise RuntimeError(f"not an HTTP response: {head[:80]!r}")
    return int(match.group(1))


def launcher(kind: str) -> list[str]:
    if kind == "module":
        return [sys.executable, "-m", "mockserver"]
    import sysconfig

    script = Path(sysconfig.get_path("scripts")) / "mockserver"
    if not script.exists():
        raise SystemExit(f"bench_coldstart: no console script at {script}")
    return [str(script)]


def cold_start(scenario: Scenario, command: list[str]) -> tuple[float, float]:
    """One spawn → first 200 (and spawn → listening), in seconds."""
    port = free_port()
    payload = scenario.request(port)
    with tempfile.TemporaryFile() as log:
        start = time.perf_counter()
        proc = subprocess.Popen(
            [*command, *scenario.args, "--port", str(port)],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            cwd=tempfile.gettempdir(),  # as from any directory: the bundled specs ship in the package
            env=CHILD_ENV,
        )
        listening: float | None = None
        try:
            while True:
                now = time.perf_counter()
                if now - start > TIMEOUT_S:
                    raise RuntimeError(f"{scenario.name}: no 200 within {TIMEOUT_S:.0f} s")
                if proc.poll() is not None:
                    log.seek(0)
                    raise RuntimeError(f"{scenario.name}: server exited: {log.read().decode()[-2000:]}")
                try:
                    with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT_S) as sock:
                        if listening is None:
                            listening = time.perf_counter() - start
                        sock.sendall(payload)
                        status = _status(sock)
                except (ConnectionRefusedError, ConnectionResetError):
                    time.sleep(POLL_S)
                    continue
                if status != 200:
                    raise RuntimeError(f"{scenario.name}: first answer was {status}, not 200")
                return time.perf_counter() - start, listening
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


_BREAKDOWN = r"""
import json, socket, sys, time
t0 = time.perf_counter()
import mockserver.cli
import mockserver.server
t_imports = time.perf_counter() - t0
import mockserver.catalog as catalog
from mockserver.app import MockApp
from mockserver.testing import run_server

spent = {"spec": 0.0, "world": 0.0}
real_load = catalog.load_spec

def load_spec(path):
    t = time.perf_counter()
    try:
        return real_load(path)
    finally:
        spent["spec"] += time.perf_counter() - t

class Timed:
    def __init__(self, profile):
        self.profile = profile
        self.name = profile.name
    def matches(self, spec):
        return self.profile.matches(spec)
    def create(self, spec, options, clock):
        t = time.perf_counter()
        try:
            return self.profile.create(spec, options, clock)
        finally:
            spent["world"] += time.perf_counter() - t

catalog.load_spec = load_spec
catalog.PROFILES = tuple(Timed(p) for p in catalog.PROFILES)
args, payload = json.loads(sys.argv[1])
config = mockserver.cli.parse_config(args)
t = time.perf_counter()
cat = catalog.load_catalog(config)
t_catalog = time.perf_counter() - t
t = time.perf_counter()
app = MockApp(config, cat)
t_app = time.perf_counter() - t
t = time.perf_counter()
with run_server(app) as url:
    t_server = time.perf_counter() - t
    host, port = url.rsplit("/", 1)[1].split(":")
    t = time.perf_counter()
    with socket.create_connection((host, int(port))) as sock:
        sock.sendall(payload.encode("latin-1"))
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    t_first = time.perf_counter() - t
    status = b"".join(chunks)[9:12]
    assert status == b"200", status
print(json.dumps({
    "imports_s": t_imports,
    "spec_load_s": spent["spec"],
    "compile_s": t_catalog - spent["spec"] - spent["world"] + t_app,
    "world_build_s": spent["world"],
    "server_start_s": t_server,
    "first_request_s": t_first,
}))
"""


def _median_run(command: list[str], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(command, check=True, cwd=tempfile.gettempdir(), env=CHILD_ENV)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def breakdown(scenario: Scenario, repeat: int) -> dict[str, float]:
    """Median phase times over ``repeat`` instrumented processes."""
    argument = json.dumps([scenario.args, scenario.request(0).decode("latin-1")])
    samples: list[dict[str, float]] = []
    for _ in range(repeat):
        out = subprocess.run(
            [sys.executable, "-c", _BREAKDOWN, argument],
            check=True,
            capture_output=True,
            text=True,
            cwd=tempfile.gettempdir(),
            env=CHILD_ENV,
        )
        samples.append(json.loads(out.stdout.strip().splitlines()[-1]))
    phases = {key: statistics.median(s[key] for s in samples) for key in samples[0]}
    return {"interpreter_s": _median_run([sys.executable, "-c", "pass"], repeat), **phases}


def heaviest_imports(limit: int = 8) -> list[tuple[str, float]]:
    """Top-level packages by the import time they add to ``import mockserver.cli`` (-X importtime)."""
    out = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import mockserver.cli"],
        check=True,
        capture_output=True,
        text=True,
        cwd=tempfile.gettempdir(),
        env=CHILD_ENV,
    )
    by_package: dict[str, float] = {}
    for line in out.stderr.splitlines():
        match = re.match(r"import time:\s+(\d+) \|\s+\d+ \|\s*(\S+)", line)
        if match:
            top = match.group(2).split(".")[0]
            by_package[top] = by_package.get(top, 0.0) + int(match.group(1)) / 1e6
    return sorted(by_package.items(), key=lambda kv: -kv[1])[:limit]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Cold start (spawn → first 200) of the mockserver CLI.")
    parser.add_argument("--repeat", type=int, default=5, help="runs per scenario (default 5)")
    parser.add_argument("--quick", action="store_true", help="2 runs, 1 breakdown run: under 30 s")
    parser.add_argument("--operations", type=int, default=500, help="size of the generated spec (500)")
    parser.add_argument(
        "--launcher",
        choices=("module", "script"),
        default="module",
        help="python -m mockserver (default) or the installed console script",
    )
    parser.add_argument("--no-breakdown", action="store_true", help="only the cold-start runs")
    parser.add_argument(
        "--no-bytecode-cache",
        action="store_true",
        help="keep PYTHONDONTWRITEBYTECODE as set (default: cache .pyc as installs do)",
    )
    parser.add_argument("--json", type=Path, default=None, help="write the figures to this JSON file")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)
    repeat = 2 if args.quick else args.repeat
    if repeat < 1:
        parser.error("--repeat must be at least 1")
    command = launcher(args.launcher)
    with tempfile.TemporaryDirectory() as tmp:
        CHILD_ENV.clear()
        CHILD_ENV.update(child_env(tmp, bytecode=not args.no_bytecode_cache))
        spec_path = Path(tmp) / f"api-{args.operations}.yaml"
        dump(generate_spec(args.operations), spec_path)
        runs = scenarios(spec_path, args.operations)
        for scenario in runs:
            cold_start(scenario, command)  # warm the OS page cache and .pyc files; not counted
            for _ in range(repeat):
                total, listening = cold_start(scenario, command)
                scenario.runs.append(total)
                scenario.listening.append(listening)
        phases = {}
        if not args.no_breakdown:
            phases = {s.name: breakdown(s, 1 if args.quick else 3) for s in runs}
        imports = [] if args.no_breakdown else heaviest_imports()

    print(
        f"cold start: spawn → first 200 ({' '.join(Path(c).name for c in command)}), "
        f"{repeat} runs, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f}"
    )
    print(f"  {'scenario':<16} {'median':>8} {'max':>8} {'listen':>8} {'target':>8}  result")
    ok = True
    report: dict[str, Any] = {
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "load_1min": os.getloadavg()[0],
            "launcher": args.launcher,
            "bytecode_cache": not args.no_bytecode_cache,
        },
        "scenarios": {},
    }
    for s in runs:
        median, worst = statistics.median(s.runs), max(s.runs)
        passed = worst <= s.target_s
        ok = ok and passed
        print(
            f"  {s.name:<16} {median:7.3f}s {worst:7.3f}s {statistics.median(s.listening):7.3f}s "
            f"{s.target_s:7.1f}s  {'PASS' if passed else 'FAIL'}"
        )
        report["scenarios"][s.name] = {
            "target_s": s.target_s,
            "runs_s": [round(x, 4) for x in s.runs],
            "median_s": round(median, 4),
            "max_s": round(worst, 4),
            "listening_median_s": round(statistics.median(s.listening), 4),
            "pass": passed,
        }
    if phases:
        names = list(next(iter(phases.values())))
        print("\nbreakdown (one instrumented process, median):")
        print(f"  {'phase':<16}" + "".join(f" {n:>16}" for n in phases))
        for key in names:
            cells = "".join(f" {p[key] * 1e3:14.1f}ms" for p in phases.values())
            print(f"  {key.removesuffix('_s'):<16}{cells}")
        print("\nheaviest imports of `import mockserver.cli` (-X importtime, self time by package):")
        print("  " + ", ".join(f"{name} {secs * 1e3:.0f} ms" for name, secs in imports))
        report["breakdown"] = {n: {k: round(v, 4) for k, v in p.items()} for n, p in phases.items()}
        report["imports_ms"] = {name: round(secs * 1e3, 1) for name, secs in imports}
    report["pass"] = ok
    if args.json is not None:
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 1 if args.check and not ok else 0


if __name__ == "__main__":
    sys.exit(main())
