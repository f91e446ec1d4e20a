"""``contracts merge``: shard reports folded into one verdict; and the report a run writes for it.

A run's JSON report (``--json``) carries, beside its findings, coverage and summary, a ``run``
object: the seed, the shard (``"2/3"`` or ``null``) and the labels of the operations it covered.
Merging checks that the reports are the shards of one run (same ``N``, same seed, each shard once,
every shard there), then unions the findings and folds them again over every operation (one per
cause, as a run folds them: a server-wide cause seen on two shards is one finding) and sums
coverage: operations, requests, the statuses each operation reached, the untested operations and
the phases that ran. What comes out has the shape of an unsharded run's report (``run.shard`` is
``null``), so it reads, renders and merges like one.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from contracts.coverage import OperationCoverage
from contracts.findings import KINDS, Evidence, Finding
from contracts.fold import fold, unfold
from contracts.report.files import read_json
from contracts.report.json import to_json
from contracts.report.summary import Summary, summarize
from contracts.shard import Shard, ShardError


class MergeError(ValueError):
    """Reports that cannot be merged (unreadable, not a run report, not the shards of one run)."""


@dataclass(frozen=True, slots=True)
class RunReport:
    findings: list[Finding]
    summary: Summary
    seed: int | None
    shard: Shard | None  # None: an unsharded run, or shards merged into the whole run
    operations: list[str]  # labels of the operations the run covered
    coverage: tuple[OperationCoverage, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        shard = None if self.shard is None else str(self.shard)
        run = {"seed": self.seed, "shard": shard, "operations": self.operations}
        return {**to_json(self.findings, self.summary, self.coverage), "run": run}


def write_report(path: str | os.PathLike[str], report: RunReport) -> None:
    Path(path).write_text(json.dumps(report.to_dict(), indent=2) + "\n", encoding="utf-8")


def read_report(path: str | os.PathLike[str]) -> RunReport:
    """A run's ``--json`` report; :class:`MergeError` says what is wrong with it."""
    data = read_json(path, MergeError, str(path))
    run = data.get("run") if isinstance(data, dict) else None
    if not isinstance(run, dict) or not isinstance(data.get("findings"), list):
        raise MergeError(f"{path}: not a report of 'contracts run --json' (no 'run' and 'findings')")
    try:
        findings = [_finding(item) for item in data["findings"]]
        summary = data["summary"]
        return RunReport(
            findings=findings,
            summary=summarize(
                findings,
                operations=int(summary["operations"]),
                requests=int(summary["requests"]),
                untested=int(summary.get("untested", 0)),
                unexercised=int(summary.get("unexercised", 0)),
                phases=[str(p) for p in summary.get("phases") or ()],
                stopped=str(summary.get("stopped") or ""),
            ),
            seed=None if run.get("seed") is None else int(run["seed"]),
            shard=None if run.get("shard") is None else Shard.parse(str(run["shard"])),
            operations=[str(label) for label in run["operations"]],
            coverage=tuple(OperationCoverage.from_dict(c) for c in data.get("coverage") or ()),
        )
    except ShardError as exc:
        raise MergeError(f"{path}: 'run.shard' {exc.args[0].split(' ', 1)[1]}") from None
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise MergeError(f"{path}: malformed report ({type(exc).__name__}: {exc})") from None


def _finding(item: dict[str, Any]) -> Finding:
    fields = {k: v for k, v in item.items() if k not in ("evidence", "id")}  # id: derived, not stored
    return Finding(**fields, evidence=Evidence(**item.get("evidence", {})))


def merge(reports: Sequence[RunReport]) -> RunReport:
    """One report for the shards ``reports`` of one run; :class:`MergeError` if they are not."""
    if not reports:
        raise MergeError("nothing to merge: give the shard reports")
    _check_shards(reports)
    operations = sorted(label for report in reports for label in report.operations)
    order = {label: k for k, label in enumerate(operations)}

    def rank(finding: Finding) -> tuple[int, int]:
        return (order.get(finding.operation, len(order)), KINDS.index(finding.kind))

    # each shard folded its own share: unfold to one finding per operation, fold the union again
    # over every operation, so one cause seen on two shards is one finding (server-wide if so)
    seen = [
        (k > 0, f) for r in reports for found in r.findings for k, f in enumerate(unfold(found, r.operations))
    ]
    union: dict[tuple[str, str, str], Finding] = {}
    for _, finding in sorted(seen, key=lambda item: (item[0], *rank(item[1]))):
        union.setdefault(finding.key, finding)
    merged = sorted(fold(list(union.values()), len(operations)), key=rank)
    coverage = _sum_coverage([c for report in reports for c in report.coverage], order)
    ran = dict.fromkeys(phase for report in reports for phase in report.summary.phases)  # ordered union
    summary = summarize(
        merged,
        operations=sum(r.summary.operations for r in reports),
        requests=sum(r.summary.requests for r in reports),
        untested=sum(1 for c in coverage if c.untested),
        unexercised=sum(len(c.unexercised) for c in coverage),
        phases=list(ran),
        stopped="; ".join(r.summary.stopped for r in reports if r.summary.stopped),
    )
    return RunReport(merged, summary, reports[0].seed, None, operations, coverage)


def _sum_coverage(entries: list[OperationCoverage], order: dict[str, int]) -> tuple[OperationCoverage, ...]:
    """One entry per operation (each is in one shard), reached statuses summed should one recur."""
    by_label: dict[str, OperationCoverage] = {}
    for entry in entries:
        seen = by_label.get(entry.operation)
        if seen is None:
            by_label[entry.operation] = entry
            continue
        reached = Counter(seen.reached) + Counter(entry.reached)
        by_label[entry.operation] = OperationCoverage(
            seen.operation,
            seen.documented,
            dict(reached),
            "" if reached else seen.hint,
            {**entry.unexercised, **seen.unexercised},
        )
    return tuple(sorted(by_label.values(), key=lambda c: order.get(c.operation, len(order))))


def _check_shards(reports: Sequence[RunReport]) -> None:
    if len(reports) == 1 and reports[0].shard is None:
        return
    if any(r.shard is None for r in reports):
        raise MergeError("an unsharded report cannot be merged with others: give the shards of one run")
    shards = [r.shard for r in reports if r.shard is not None]
    counts = {s.count for s in shards}
    if len(counts) != 1:
        raise MergeError(f"reports of different shard counts ({sorted(counts)}): give the shards of one run")
    seeds = {r.seed for r in reports}
    if len(seeds) != 1:
        raise MergeError(f"reports of different seeds ({sorted(map(str, seeds))}): shards must share --seed")
    (count,) = counts
    seen = [s.index for s in shards]
    twice = sorted({i for i in seen if seen.count(i) > 1})
    missing = sorted(set(range(1, count + 1)) - set(seen))
    if twice or missing:
        problems = [f"shard {i}/{count} given twice" for i in twice]
        problems += [f"shard {i}/{count} missing" for i in missing]
        raise MergeError("; ".join(problems))
