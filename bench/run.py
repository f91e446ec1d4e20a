"""Every benchmark in one command, one combined summary, one Markdown table.

    python bench/run.py                       # the full set (about 10 minutes on 2 cores)
    python bench/run.py --quick               # a short pass over the same figures
    python bench/run.py --hardening           # also the long self-fuzz, durability, hardening benches
    python bench/run.py --markdown PATH       # where the table goes (default bench/RESULTS.md)
    python bench/run.py --update-readme       # also copy the table into README.md's Benchmarks section

Runs each bench as a subprocess with ``--json <tmpfile>`` (and ``--quick``), one after another
(never two under load together): ``bench_http.py`` (the mock vs its Starlette ceiling vs Prism 5,
with wrk), ``bench_coldstart.py``, ``bench_world.py`` (the million-migration world) and
``bench_contracts.py`` (``contracts run`` vs ``st run``). A bench that does not exist is reported as
``skipped: missing``; one that fails is reported with its exit code. Then prints every figure with
its target and PASS/FAIL, and writes the same as Markdown with the date and the machine.

A bench's JSON is read as ``{"figures": [{"name", "value", "unit", "target", "pass", "note"}]}``
when it has that list; otherwise every scalar in it is a figure without a target, and a boolean
``ok`` is a PASS/FAIL figure.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
README = ROOT / "README.md"
BEGIN, END = "<!-- bench/run.py: results begin -->", "<!-- bench/run.py: results end -->"


@dataclass(frozen=True)
class Bench:
    name: str
    script: str
    title: str
    timeout: float  # seconds, whole run
    args: tuple[str, ...] = ()
    quick_args: tuple[str, ...] = ("--quick",)


BENCHES = (
    Bench(
        "http",
        "bench_http.py",
        "HTTP: mock vs ceiling vs Prism 5 (wrk)",
        1800,
        ("--workers-sweep",),
        ("--quick",),
    ),
    Bench("coldstart", "bench_coldstart.py", "Cold start to first 200", 900),
    Bench("world", "bench_world.py", "The million-migration world (handlers, no HTTP)", 900),
    Bench("contracts", "bench_contracts.py", "contracts run vs st run (same examples)", 900),
    Bench("proxy", "bench_proxy.py", "--proxy overhead per request vs a direct call (migrations list)", 900),
)
HARDENING = (
    Bench("selffuzz", "selffuzz.py", "Self-fuzz (schemathesis, every phase)", 3600),
    Bench("durability", "bench_durability.py", "Durability: concurrent clones, kill -9, restart", 1800),
    Bench("postgres", "bench_postgres.py", "A team's mock: 4 replicas on PostgreSQL vs SQLite", 1800),
    Bench("hardening", "bench_hardening.py", "Hardening", 3600),
    Bench("slowloris", "bench_slowloris.py", "Slowloris: a normal client beside 1,000 slow connections", 600),
)


@dataclass
class Outcome:
    bench: Bench
    status: str  # "ok", "skipped: missing", "failed: ..."
    figures: list[dict[str, Any]] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0


# ---------------------------------------------------------------------------------------------
# Reading a bench's JSON


def figures_from(data: Any) -> list[dict[str, Any]]:
    """The figures of one bench's JSON (see the module docstring)."""
    if isinstance(data, dict) and isinstance(data.get("figures"), list):
        return [_normal(f) for f in data["figures"] if isinstance(f, dict) and "name" in f]
    if isinstance(data, dict) and isinstance(data.get("scenarios"), dict):
        return coldstart_figures(data)
    out: list[dict[str, Any]] = []
    for name, value in _scalars(data, ""):
        if name == "ok" and isinstance(value, bool):
            out.append(_normal({"name": "ok", "value": value, "unit": "", "target": "true", "pass": value}))
        else:
            out.append(_normal({"name": name, "value": value, "unit": ""}))
    return out


def coldstart_figures(data: dict[str, Any]) -> list[dict[str, Any]]:
    """bench_coldstart.py's JSON: per scenario the median, and the slowest run against its target."""
    out = []
    for name, scenario in data["scenarios"].items():
        if not isinstance(scenario, dict):
            continue
        runs = len(scenario.get("runs_s") or [])
        note = f"{runs} runs" if runs else ""
        out.append(_normal({"name": f"{name}: median", "value": scenario.get("median_s"), "unit": "s"}))
        target = scenario.get("target_s")
        fig = {"name": f"{name}: slowest run", "value": scenario.get("max_s"), "unit": "s", "note": note}
        if target is not None:
            fig.update(target=f"≤ {target:g} s", **{"pass": scenario.get("pass")})
        out.append(_normal(fig))
    return out


def _normal(fig: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": str(fig["name"]),
        "value": fig.get("value"),
        "unit": str(fig.get("unit") or ""),
        "target": fig.get("target"),
        "pass": fig.get("pass"),
        "note": str(fig.get("note") or ""),
    }


def _scalars(data: Any, prefix: str) -> list[tuple[str, Any]]:
    if isinstance(data, dict):
        out = []
        for key, value in data.items():
            out += _scalars(value, f"{prefix}.{key}" if prefix else str(key))
        return out
    if isinstance(data, bool | int | float) or (isinstance(data, str) and len(data) <= 60):
        return [(prefix, data)]
    return []  # lists (examples, samples) and long strings are evidence, not figures


def verdict(fig: dict[str, Any]) -> str:
    if fig.get("target") is None:
        return ""
    if fig.get("pass") is None:
        return "ERROR"
    return "PASS" if fig["pass"] else "FAIL"


def format_value(value: Any, unit: str) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if unit == "x":
        return f"{value:.2f}x"
    if unit == "req/s":
        return f"{value:,.0f} req/s"
    if unit == "ms":
        return f"{value:.2f} ms" if value < 100 else f"{value:,.0f} ms"
    if unit == "s":
        return f"{value:.2f} s"
    if unit == "MB":
        return f"{value:,.0f} MB"
    if isinstance(value, float):
        return f"{value:,.3g} {unit}".strip()
    return f"{value:,} {unit}".strip()


# ---------------------------------------------------------------------------------------------
# Running


def run_bench(bench: Bench, quick: bool, extra: Sequence[str], workdir: Path) -> Outcome:
    script = BENCH / bench.script
    if not script.exists():
        print(f"\n== {bench.name}: skipped: missing ({script.relative_to(ROOT)})", flush=True)
        return Outcome(bench, "skipped: missing")
    out = workdir / f"{bench.name}.json"
    command = [sys.executable, str(script), "--json", str(out)]
    command += list(bench.quick_args if quick else bench.args) + list(extra)
    print(f"\n== {bench.name}: {' '.join(command[1:])}", flush=True)
    started = dt.datetime.now()
    try:
        done = subprocess.run(command, cwd=ROOT, timeout=bench.timeout)
        code: int | None = done.returncode
    except subprocess.TimeoutExpired:
        code = None
    seconds = (dt.datetime.now() - started).total_seconds()
    data: dict[str, Any] = {}
    if out.exists():
        try:
            loaded = json.loads(out.read_text())
            data = loaded if isinstance(loaded, dict) else {"value": loaded}
        except json.JSONDecodeError:
            data = {}
    figs = figures_from(data) if data else []
    if code is None:
        status = f"failed: over its {bench.timeout:.0f}s limit"
    elif code == 2 and not data:
        status = "failed: exit 2 (set-up problem; see its output)"
    elif not data:
        status = f"failed: exit {code}, no JSON"
    elif code != 0:
        status = f"failed: exit {code}"
        figs.append(_normal({"name": "exit code", "value": code, "target": "0", "pass": False}))
    else:
        status = "ok"
    return Outcome(bench, status, figs, data, seconds)


# ---------------------------------------------------------------------------------------------
# Machine


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine(outcomes: Sequence[Outcome], load: str) -> dict[str, str]:
    http = next((o.data for o in outcomes if o.bench.name == "http" and o.data), {})
    meta = http.get("meta", {}) if isinstance(http, dict) else {}
    wrk = meta.get("wrk")
    if not wrk and shutil.which("wrk"):
        done = subprocess.run(["wrk", "--version"], capture_output=True, text=True)
        match = re.match(r"(wrk \S+)", done.stdout + done.stderr)
        wrk = match[1] if match else None
    return {
        "cores": str(os.cpu_count()),
        "cpu": cpu_model(),
        "python": platform.python_version(),
        "prism": meta.get("prism") or "not run",
        "wrk": wrk or "not found",
        "uvicorn": f"loop {meta['uvicorn_loop']}, http {meta['uvicorn_http']}" if meta else "—",
        "load average at start": load,
    }


def load_average() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


# ---------------------------------------------------------------------------------------------
# Rendering


def _md(text: str) -> str:
    return text.replace("|", "\\|")


def http_side_by_side(data: dict[str, Any]) -> list[str]:
    """Markdown: per endpoint, every target's req/s, p50, p99 and body size, side by side."""
    rows = data.get("rows") or []
    if not rows:
        return []
    lines = [
        "| endpoint | target | req/s | p50 | p99 | body bytes | note |",
        "| --- | --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for row in rows:
        res = row.get("result")
        parts = (row.get("problem"), row.get("busy"), row.get("note"))
        note = "; ".join(x for x in parts if x)
        size = f"{row['body_bytes']:,}" if row.get("body_bytes") is not None else "—"
        if res is None:
            lines.append(f"| {row['endpoint']} | {row['target']} | — | — | — | {size} | {_md(note)} |")
            continue
        lines.append(
            f"| {row['endpoint']} | {row['target']} | {res['rps']:,.0f} | {res['p50_ms']:.2f} ms "
            f"| {res['p99_ms']:.2f} ms | {size} | {_md(note)} |"
        )
    return lines


def summary_figures(outcome: Outcome) -> list[dict[str, Any]]:
    """What the summary table lists: for the HTTP bench, the ratios and targets (its raw figures
    are in the side-by-side table); for the others, every figure."""
    if outcome.bench.name == "http" and outcome.data.get("rows"):
        return [f for f in outcome.figures if f["unit"] == "x" or f["target"] is not None]
    return outcome.figures


def render_markdown(
    outcomes: Sequence[Outcome], info: dict[str, str], command: str, when: dt.datetime
) -> str:
    lines = [
        f"Run {when:%Y-%m-%d %H:%M} with `{command}`.",
        "",
        "| machine | |",
        "| --- | --- |",
        *(f"| {k} | {_md(v)} |" for k, v in info.items()),
        "",
    ]
    for outcome in outcomes:
        if outcome.bench.name == "http" and outcome.status == "ok":
            meta = outcome.data.get("meta", {})
            lines += [
                f"**{outcome.bench.title}**: `{meta.get('wrk_command', 'wrk')}` per endpoint and target.",
                "",
            ]
            lines += [*http_side_by_side(outcome.data), ""]
            lines += [f"Note: {_md(n)}" for n in outcome.data.get("notes", [])]
            lines.append("")
    lines += ["| bench | figure | value | target | result | note |", "| --- | --- | ---: | --- | --- | --- |"]
    for outcome in outcomes:
        if outcome.status != "ok":
            lines.append(f"| {outcome.bench.name} | {_md(outcome.bench.title)} | — | | | {outcome.status} |")
        for fig in summary_figures(outcome):
            lines.append(
                f"| {outcome.bench.name} | {_md(fig['name'])} | {format_value(fig['value'], fig['unit'])} "
                f"| {fig['target'] or ''} | {verdict(fig)} | {_md(fig['note'])} |"
            )
    return "\n".join(lines) + "\n"


def render_console(outcomes: Sequence[Outcome]) -> str:
    lines = ["", "== summary"]
    width = max([len(f["name"]) for o in outcomes for f in summary_figures(o)] + [20])
    for outcome in outcomes:
        lines.append(
            f"{outcome.bench.name}: {outcome.bench.title} [{outcome.status}, {outcome.seconds:.0f}s]"
        )
        for fig in summary_figures(outcome):
            target = f"target {fig['target']}" if fig["target"] is not None else ""
            value = format_value(fig["value"], fig["unit"])
            text = f"  {fig['name']:<{width}} {value:>14}  {target:<16} {verdict(fig)}"
            if fig["note"]:
                text += f"  ({fig['note']})"
            lines.append(text.rstrip())
    counts = {v: sum(verdict(f) == v for o in outcomes for f in o.figures) for v in ("PASS", "FAIL", "ERROR")}
    lines.append(f"targets: {counts['PASS']} PASS, {counts['FAIL']} FAIL, {counts['ERROR']} ERROR")
    return "\n".join(lines)


def update_readme(markdown: str, readme: Path = README) -> bool:
    """Replace the table between the markers in README.md's Benchmarks section."""
    text = readme.read_text()
    start, end = text.find(BEGIN), text.find(END)
    if start < 0 or end < start:
        return False
    readme.write_text(text[: start + len(BEGIN)] + "\n" + markdown + text[end:])
    return True


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="pass --quick to every bench")
    parser.add_argument("--hardening", action="store_true", help="also the long hardening benches")
    parser.add_argument("--skip-prism", action="store_true", help="bench_http.py without Prism")
    parser.add_argument("--markdown", type=Path, default=BENCH / "RESULTS.md")
    parser.add_argument("--update-readme", action="store_true", help="copy the table into README.md")
    args = parser.parse_args(argv)
    when, load = dt.datetime.now(), load_average()
    command = "python bench/run.py" + "".join(
        f" {flag}" for flag, on in (("--quick", args.quick), ("--hardening", args.hardening),
                                    ("--skip-prism", args.skip_prism)) if on
    )  # fmt: skip
    benches = BENCHES + (HARDENING if args.hardening else ())
    outcomes = []
    with tempfile.TemporaryDirectory(prefix="bench-run-") as workdir:
        for bench in benches:
            extra = ["--skip-prism"] if bench.name == "http" and args.skip_prism else []
            outcomes.append(run_bench(bench, args.quick, extra, Path(workdir)))
    print(render_console(outcomes))
    markdown = render_markdown(outcomes, machine(outcomes, load), command, when)
    args.markdown.write_text("# Benchmark results\n\n" + markdown)
    print(f"\nwrote {args.markdown}")
    if args.update_readme:
        print("updated README.md" if update_readme(markdown) else "README.md has no results markers")
    return 0 if all(o.status in ("ok", "skipped: missing") for o in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
