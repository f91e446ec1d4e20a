"""The plain-text console report: findings grouped by operation, then the summary line."""

from __future__ import annotations

from collections.abc import Sequence

from contracts.coverage import OperationCoverage
from contracts.findings import Finding
from contracts.report.summary import Summary, count

_COLUMNS = ("kind", "location", "expected", "actual", "severity")


def render_console(
    findings: Sequence[Finding],
    summary: Summary,
    coverage: Sequence[OperationCoverage] = (),
    max_findings: int | None = None,
) -> str:
    """Findings grouped by operation (the first ``max_findings``, the rest counted), the operations
    whose success was never reached, those a probe could not exercise, the summary (which counts
    every finding)."""
    shown = findings if max_findings is None else findings[:max_findings]
    rest = len(findings) - len(shown)
    groups: dict[str, list[Finding]] = {}
    for finding in shown:
        groups.setdefault(finding.operation, []).append(finding)
    rows = [_row(f) for f in shown]
    widths = [max(len(cell) for cell in column) for column in zip(_COLUMNS, *rows, strict=True)]
    lines: list[str] = []
    for operation, found in groups.items():
        lines += [operation, _line(_COLUMNS, widths), _line(tuple("-" * w for w in widths), widths)]
        lines += [_line(_row(f), widths) for f in found]
        lines.append("")
    if rest:
        lines += [f"… and {count(rest, 'more finding')} not shown (--max-findings {max_findings})", ""]
    lines += _untested(coverage)
    lines += _unexercised(coverage)
    if summary.stopped:
        lines += [f"Run ended early: {summary.stopped}", ""]
    lines.append(_summary_line(findings, summary))
    return "\n".join(lines)


def _untested(coverage: Sequence[OperationCoverage]) -> list[str]:
    untested = [c for c in coverage if c.untested]
    if not untested:
        return []
    lines = ["Untested: the documented success was never reached, so its response was never checked"]
    for c in untested:
        lines.append(f"  {c.operation}: documented {', '.join(c.documented)}; answered {c.reached_text()}")
        lines.append(f"    to reach it: {c.hint}")
    return [*lines, ""]


def _unexercised(coverage: Sequence[OperationCoverage]) -> list[str]:
    """Per probe, the operations it could not exercise and why (no accepted baseline request)."""
    by_probe: dict[str, list[tuple[str, str]]] = {}
    for c in coverage:
        for probe, reason in c.unexercised.items():
            by_probe.setdefault(probe, []).append((c.operation, reason))
    lines: list[str] = []
    for probe, missed in by_probe.items():
        lines.append(f"Operations not exercised by probe {probe}:")
        lines += [f"  {operation}: {reason}" for operation, reason in missed]
    return [*lines, ""] if lines else []


def _row(finding: Finding) -> tuple[str, ...]:
    return (finding.kind, finding.location, finding.expected, finding.actual, finding.severity)


def _line(cells: Sequence[str], widths: Sequence[int]) -> str:
    return ("  " + " | ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True))).rstrip()


def _summary_line(findings: Sequence[Finding], summary: Summary) -> str:
    scope = f"{count(summary.operations, 'operation')}, {count(summary.requests, 'request')}"
    if summary.phases:
        scope += f"; phases run: {', '.join(summary.phases)}"
    untested = f"; {summary.untested} of {summary.operations} untested" if summary.untested else ""
    if summary.unexercised:
        untested += f"; {count(summary.unexercised, 'probe/operation pair')} not exercised"
    if not summary.findings:
        return f"No drift found ({scope}){untested}."
    breaking = sum(1 for f in findings if f.severity == "breaking")
    kinds = ", ".join(f"{kind} {n}" for kind, n in summary.by_kind.items())
    affected = len({f.operation for f in findings})
    return (
        f"{count(summary.findings, 'finding')} ({breaking} breaking, "
        f"{count(len(findings) - breaking, 'warning')}) in {affected} of {scope}: {kinds}{untested}"
    )
