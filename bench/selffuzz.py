"""Long self-fuzz: plain schemathesis, every phase and every check, at least 2,000 cases per spec.

Run ``python bench/selffuzz.py [--min-cases 2000] [--seed 1] [--json out.json]`` (``--quick``: a
short campaign of a few hundred cases per spec). For each bundled spec (``spec/mixpeek.yaml``,
``spec/hosting.yaml``, ``spec/variants/mixpeek-docs.yaml``) it starts a fresh ``mockserver SPEC``
and runs::

    python -m schemathesis.cli run SPEC --url URL --checks all \\
        --phases examples,coverage,fuzzing,stateful --max-examples N --seed S -H CREDENTIAL

It reads the number of test cases from schemathesis's summary; while a run generated fewer than
``--min-cases``, it runs again (on a fresh mock) with ``--max-examples`` raised in proportion.
Prints per spec: cases, failures, ``--max-examples`` and wall time; exits 1 on any failure in any
run (or when a spec never reaches ``--min-cases``).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from mockproc import MockProcess  # noqa: E402
from selffuzz_kit import (  # noqa: E402
    DOCS_VARIANT,
    HOSTING,
    MIXPEEK,
    SERVER_ARGS,
    SPECS,
    parse_summary,
    schemathesis_run,
)

# --max-examples that reached 2,000 cases when measured (schemathesis 4.x): a first guess, raised
# in proportion when a run falls short.
FIRST_GUESS = {MIXPEEK: 900, HOSTING: 2200, DOCS_VARIANT: 950}
MAX_ATTEMPTS = 4


def fuzz_spec(spec: Path, *, min_cases: int, max_examples: int, seed: int, workers: int) -> dict[str, Any]:
    attempts: list[dict[str, Any]] = []
    started = time.perf_counter()
    while True:
        with MockProcess(str(spec), *SERVER_ARGS) as server:
            run_started = time.perf_counter()
            result = schemathesis_run(
                spec, server.url, max_examples=max_examples, seed=seed, workers=workers, timeout=7200
            )
            seconds = time.perf_counter() - run_started
            server_log = server.text()
        summary = parse_summary(result.stdout)
        cases = summary.generated if summary else 0
        failures = summary.failed if summary else None
        attempt = {
            "max_examples": max_examples,
            "cases": cases,
            "counts": summary.counts if summary else {},
            "failures": failures,
            "exit_code": result.returncode,
            "seconds": round(seconds, 1),
        }
        attempts.append(attempt)
        print(
            f"  {spec.name}: --max-examples {max_examples}: {cases} cases, failures {failures},"
            f" exit {result.returncode}, {seconds:.1f} s",
            flush=True,
        )
        failed = result.returncode != 0 or summary is None or bool(failures)
        if failed:
            attempt["output_tail"] = result.stdout[-8000:] + result.stderr[-2000:]
            attempt["server_log_tail"] = server_log[-4000:]
        # a failing run still ramps up: the report then says what a full-size campaign finds
        if summary is None or cases >= min_cases or len(attempts) >= MAX_ATTEMPTS:
            break
        max_examples = math.ceil(max_examples * min_cases / max(cases, 1) * 1.15)
    last = attempts[-1]
    failing = [a for a in attempts if a["exit_code"] != 0 or a["failures"] != 0]
    return {
        "spec": str(spec.relative_to(ROOT)),
        "cases": last["cases"],
        "failures": last["failures"],
        "failed_attempts": len(failing),
        "failure_output": failing[-1]["output_tail"] if failing else None,
        "max_examples": last["max_examples"],
        "exit_code": last["exit_code"],
        "seconds": last["seconds"],
        "total_seconds": round(time.perf_counter() - started, 1),
        "reached_min_cases": last["cases"] >= min_cases,
        "attempts": attempts,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--min-cases", type=int, default=2000, help="test cases per spec (default 2000)")
    parser.add_argument("--seed", type=int, default=1, help="schemathesis --seed (default 1)")
    parser.add_argument("--workers", type=int, default=1, help="schemathesis --workers (default 1)")
    parser.add_argument(
        "--max-examples", type=int, default=None, help="first --max-examples (default: measured per spec)"
    )
    parser.add_argument("--spec", action="append", type=Path, help="only this bundled spec (repeatable)")
    parser.add_argument("--quick", action="store_true", help="a short campaign (--max-examples 10, no ramp)")
    parser.add_argument("--json", metavar="PATH", help="also write the figures as one JSON object")
    args = parser.parse_args(argv)
    specs = [p.resolve() for p in args.spec] if args.spec else list(SPECS)
    unknown = [str(p) for p in specs if p not in SPECS]
    if unknown:
        parser.error(f"not a bundled spec: {unknown}; choose from {[str(s) for s in SPECS]}")
    min_cases = 0 if args.quick else args.min_cases
    results = []
    for spec in specs:
        first = 10 if args.quick else args.max_examples or FIRST_GUESS[spec]
        results.append(
            fuzz_spec(spec, min_cases=min_cases, max_examples=first, seed=args.seed, workers=args.workers)
        )
    ok = all(not r["failed_attempts"] and r["reached_min_cases"] for r in results)
    print(f"{'spec':40} {'cases':>6} {'failures':>8} {'max-examples':>12} {'wall s':>7}")
    for r in results:
        cells = f"{r['cases']:>6} {r['failures']!s:>8} {r['max_examples']:>12} {r['seconds']:>7}"
        print(f"{r['spec']:40} {cells}")
    for r in results:
        if r["failed_attempts"]:
            print(f"\n{r['spec']} FAILED:\n{r['failure_output']}")
        elif not r["reached_min_cases"]:
            print(f"\n{r['spec']}: only {r['cases']} cases after {MAX_ATTEMPTS} attempts")
    listed = []  # what bench/run.py's summary shows: per spec, cases against the minimum, failures
    for r in results:
        name = Path(r["spec"]).name
        listed.append(
            {
                "name": f"{name}: cases (seed {args.seed})",
                "value": r["cases"],
                "target": f"≥ {min_cases:,}" if min_cases else None,
                "pass": bool(r["reached_min_cases"]) if min_cases else None,
            }
        )
        listed.append(
            {
                "name": f"{name}: runs with a failure",
                "value": r["failed_attempts"],
                "target": "0",
                "pass": not r["failed_attempts"],
                "note": f"{r['seconds']} s",
            }
        )
    figures = {"ok": ok, "min_cases": min_cases, "seed": args.seed, "specs": results, "figures": listed}
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2) + "\n")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
