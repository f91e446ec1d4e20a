"""Wall time of ``contracts run`` against plain ``st run``: same spec, examples, seed and target.

    python bench/bench_contracts.py                 # the mock serving spec/mixpeek.yaml
    python bench/bench_contracts.py --target drift  # the conforming drift-fixture server
    python bench/bench_contracts.py --max-examples 50 --repeat 5
    python bench/bench_contracts.py --json contracts.json   # also the figures, for bench/run.py

Both commands run as subprocesses from a scratch directory (the CLI start-up counts for both);
``st run`` gets every check, every phase, ``--continue-on-failure`` and the same pinned parameters
(through a ``schemathesis.toml`` in that directory), as ``contracts run`` uses.
Prints the median of ``--repeat`` runs each and the ratio (target: at most 1.3x).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))


@contextmanager
def mock_target() -> Iterator[tuple[Path, str, list[str], list[str]]]:
    spec = ROOT / "spec" / "mixpeek.yaml"
    command = [sys.executable, "-m", "mockserver", str(spec), "--port", "0", "--seed", "1", "--quiet"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        assert process.stdout is not None
        url = next(
            line[line.index("http://") :].split()[0] for line in process.stdout if "http://127.0.0.1:" in line
        )
        state = httpx.get(f"{url}/_mock/state", timeout=10).json()
        namespace = next(a for a in state["apis"].values() if a.get("namespaces"))["namespaces"][0][
            "namespace_id"
        ]
        headers = ["Authorization: Bearer sk_bench"]
        params = [f"header.X-Namespace={namespace}", f"path.namespace_identifier={namespace}"]
        yield spec, url, headers, params
    finally:
        process.terminate()
        process.wait(10)


@contextmanager
def drift_target(scratch: Path) -> Iterator[tuple[Path, str, list[str], list[str]]]:
    from drift_servers import SPEC, make_app

    from mockserver.testing import run_server

    spec = scratch / "drift.json"
    spec.write_text(json.dumps(SPEC))
    with run_server(make_app(None)) as url:
        yield spec, url, ["Authorization: Bearer t"], []


def timed(command: list[str], cwd: Path) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SystemExit(f"{command[0]} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return elapsed, done.stdout


def st_cases(output: str) -> int | None:
    """Test cases st reports generating ("123 generated"), the measure of what it covered."""
    found = re.search(r"(\d+) generated", output)
    return int(found.group(1)) if found else None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", choices=("mock", "drift"), default="mock")
    parser.add_argument("--max-examples", type=int, default=25)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    parser.add_argument("--quick", action="store_true", help="one run each instead of --repeat")
    args = parser.parse_args()
    if args.quick:
        args.repeat = 1
    scratch = Path(tempfile.mkdtemp(prefix="bench-contracts-"))
    st = shutil.which("st") or shutil.which("schemathesis")
    if st is None:
        raise SystemExit("schemathesis CLI (st) not found")
    target = mock_target() if args.target == "mock" else drift_target(scratch)
    try:
        with target as (spec, url, headers, params):
            common = ["--max-examples", str(args.max_examples), "--seed", str(args.seed)]
            contracts = [
                sys.executable,
                "-m",
                "contracts",
                "run",
                "--spec",
                str(spec),
                "--url",
                url,
                "--quiet",
            ]
            contracts += [f"--header={h}" for h in headers] + [f"--param={p}" for p in params] + common
            contracts += ["--allow-untested", "--json", str(scratch / "contracts.json")]
            plain = [st, "run", str(spec), "--url", url, "--checks", "all", "--continue-on-failure"]
            plain += ["--generation-database", "none", "--workers", "1", "--no-color"]
            plain += [f"--header={h}" for h in headers] + common
            # st has no --param flag: it reads the same pins from the schemathesis.toml it discovers
            pins = "".join(f'"{p.split("=", 1)[0]}" = "{p.split("=", 1)[1]}"\n' for p in params)
            (scratch / "schemathesis.toml").write_text(f"[parameters]\n{pins}")
            times: dict[str, list[float]] = {"contracts run": [], "st run": []}
            for _ in range(args.repeat):
                elapsed, output = timed(plain, scratch)
                times["st run"].append(elapsed)
                cases = st_cases(output)
                times["contracts run"].append(timed(contracts, scratch)[0])
                report = json.loads((scratch / "contracts.json").read_text())["summary"]
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    medians = {name: statistics.median(values) for name, values in times.items()}
    print(
        f"target: {args.target}, max-examples {args.max_examples}, seed {args.seed}, {args.repeat} runs each"
    )
    for name, values in times.items():
        runs = ", ".join(f"{v:.2f}" for v in values)
        print(f"  {name:<14} median {medians[name]:6.2f}s  ({runs})")
    ratio = medians["contracts run"] / medians["st run"]
    print(f"  ratio contracts/st: {ratio:.2f}x (target <= 1.3x)")
    print(
        f"  equal coverage: the same {report['operations']} operations, every phase and check, the same"
        f" examples, seed and pins, st with --continue-on-failure (so it does not stop at an"
        f" operation's first failure); st generated {cases} test cases, contracts sent"
        f" {report['requests']} requests (its schemathesis phases plus the probes),"
        f" phases run: {', '.join(report['phases'])}"
    )
    if args.json:
        same = f"{args.target}, max-examples {args.max_examples}, seed {args.seed}, median of {args.repeat}"
        figures = [
            _figure("contracts run wall time", medians["contracts run"], "s", None, None, same),
            _figure("st run wall time", medians["st run"], "s", None, None, same),
            _figure("contracts run / st run wall time", ratio, "x", "≤ 1.3x", ratio <= 1.3, same),
        ]
        meta = {"target": args.target, "max_examples": args.max_examples, "seed": args.seed}
        meta["repeat"] = args.repeat
        args.json.write_text(json.dumps({"bench": "contracts", "meta": meta, "figures": figures}, indent=2))
    return 0


def _figure(
    name: str, value: float, unit: str, target: str | None, passed: bool | None, note: str
) -> dict[str, object]:
    return {"name": name, "value": value, "unit": unit, "target": target, "pass": passed, "note": note}


if __name__ == "__main__":
    sys.exit(main())
