"""Durability benchmark: a thousand concurrent clones, ``kill -9``, restart, nothing lost.

Run ``python bench/bench_durability.py [--clones 1000] [--workers 1] [--json out.json]``
(``--quick``: 200 clones). It starts the real ``mockserver`` command with a fresh ``--state-file``
(``--workers N`` processes), fires ``--clones`` clone requests at once (a fifth of the names asked
for twice, so those must get 409), SIGKILLs the server's whole process group, restarts it on the
same file, and checks every acknowledged clone is there and no name is held or acknowledged
twice. Prints clones/s, acknowledged, lost, duplicates and the restart time; exits 1 on any loss,
duplicate or transport error.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from clone_storm import check, storm  # noqa: E402
from mockproc import MockProcess  # noqa: E402


def run(clones: int, workers: int, concurrency: int | None) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        args = ["--state-file", str(Path(tmp) / "state.db"), "--clone-seconds", "0"]
        args += ["--workers", str(workers)]
        with MockProcess(*args) as server:
            first_start = server.started_in
            result = storm(server.url, clones, concurrency=concurrency)
            before_kill = check(server.url, result)
            killed = time.perf_counter()
            server.kill()
            kill_seconds = time.perf_counter() - killed
        with MockProcess(*args) as restarted:
            verdict = check(restarted.url, result)
            restart_seconds = restarted.started_in
    expected_409 = clones - len(set(result.names))
    return {
        "clones": clones,
        "workers": workers,
        "concurrency": concurrency or clones,
        "seconds": round(result.seconds, 3),
        "clones_per_second": round(clones / result.seconds, 1) if result.seconds else None,
        "acknowledged": len(result.acknowledged),
        "conflicts_409": result.statuses.get(409, 0),
        "expected_409": expected_409,
        "other_statuses": {str(s): c for s, c in result.statuses.items() if s not in (200, 409)},
        "transport_errors": len(result.errors),
        "ok_before_kill": before_kill.ok,
        "lost": len(verdict.lost),
        "duplicates": len(verdict.held_twice) + len(verdict.acknowledged_twice),
        "unreachable": len(verdict.unreachable),
        "namespaces_after_restart": verdict.namespaces,
        "kill_seconds": round(kill_seconds, 3),
        "first_start_seconds": round(first_start, 3),
        "restart_seconds": round(restart_seconds, 3),
        "examples": {
            "lost": verdict.lost[:5],
            "held_twice": verdict.held_twice[:5],
            "acknowledged_twice": verdict.acknowledged_twice[:5],
            "errors": result.errors[:5],
        },
    }


def failed(figures: dict[str, object]) -> bool:
    return bool(
        figures["lost"]
        or figures["duplicates"]
        or figures["unreachable"]
        or figures["transport_errors"]
        or figures["other_statuses"]
        or figures["conflicts_409"] != figures["expected_409"]
        or not figures["ok_before_kill"]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clones", type=int, default=1000, help="concurrent clone requests (default 1000)")
    parser.add_argument("--workers", type=int, default=1, help="mockserver --workers (default 1)")
    parser.add_argument(
        "--concurrency", type=int, default=None, help="open connections at once (default: --clones)"
    )
    parser.add_argument("--quick", action="store_true", help="200 clones: a run of a few seconds")
    parser.add_argument("--json", metavar="PATH", help="also write the figures as one JSON object")
    args = parser.parse_args(argv)
    clones = 200 if args.quick else args.clones
    if clones < 5 or args.workers < 1:
        parser.error("--clones must be at least 5 and --workers at least 1")
    figures = run(clones, args.workers, args.concurrency)
    figures["ok"] = not failed(figures)
    print(
        f"clones {figures['clones']} (workers {figures['workers']}, concurrency {figures['concurrency']}):"
        f" {figures['clones_per_second']} clones/s over {figures['seconds']} s"
    )
    print(
        f"acknowledged {figures['acknowledged']}, 409 {figures['conflicts_409']}"
        f" (expected {figures['expected_409']}), other statuses {figures['other_statuses'] or 'none'},"
        f" transport errors {figures['transport_errors']}"
    )
    print(
        f"after kill -9 and restart: lost {figures['lost']}, duplicates {figures['duplicates']},"
        f" unreachable {figures['unreachable']}, namespaces {figures['namespaces_after_restart']}"
    )
    print(f"first start {figures['first_start_seconds']} s, restart {figures['restart_seconds']} s")
    if not figures["ok"]:
        print(f"FAILED: {json.dumps(figures['examples'])}")
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2) + "\n")
    return 0 if figures["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
