"""Findings written out: a JSON document, JUnit XML for CI, and a plain-text console table."""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from contracts.findings import KINDS, Finding

FAMILIES: tuple[str, ...] = (
    "schema",
    "bounds",
    "enums",
    "status",
    "content-type",
    "headers",
    "auth",
    "pagination",
    "filters",
    "validation",
)

_FAMILY_OF_KIND: dict[str, str] = {
    "field-renamed": "schema",
    "field-missing": "schema",
    "field-undocumented": "schema",
    "type-mismatch": "schema",
    "enum-undeclared": "schema",
    "bound-tighter": "bounds",
    "bound-looser": "bounds",
    "enum-narrowed": "enums",
    "enum-widened": "enums",
    "status-undocumented": "status",
    "server-error": "status",
    "content-type-mismatch": "content-type",
    "header-mismatch": "headers",
    "auth-not-enforced": "auth",
    "pagination-violated": "pagination",
    "filter-ignored": "filters",
    "validation-missing": "validation",
}

_COLUMNS = ("kind", "location", "expected", "actual", "severity")


@dataclass(frozen=True, slots=True)
class Summary:
    operations: int
    requests: int
    findings: int
    by_kind: dict[str, int]


def family_of(kind: str) -> str:
    """The check family (one of :data:`FAMILIES`) a finding kind belongs to."""
    try:
        return _FAMILY_OF_KIND[kind]
    except KeyError:
        raise ValueError(f"unknown finding kind {kind!r}") from None


def summarize(findings: Sequence[Finding], *, operations: int, requests: int) -> Summary:
    counts = Counter(f.kind for f in findings)
    by_kind = {kind: counts[kind] for kind in KINDS if counts[kind]}
    return Summary(operations=operations, requests=requests, findings=len(findings), by_kind=by_kind)


def to_json(findings: Sequence[Finding], summary: Summary) -> dict[str, Any]:
    return {"findings": [f.to_dict() for f in findings], "summary": asdict(summary)}


def write_json(path: str | os.PathLike[str], findings: Sequence[Finding], summary: Summary) -> None:
    Path(path).write_text(json.dumps(to_json(findings, summary), indent=2) + "\n", encoding="utf-8")


def write_junit(
    path: str | os.PathLike[str],
    findings: Sequence[Finding],
    *,
    operations: Sequence[str],
    families: Sequence[str],
) -> None:
    """One ``<testcase classname=operation name=family>`` for each operation and family.

    A case fails, with one ``<failure>`` listing its findings, when any finding falls in it; a
    finding outside the given operations or families gets a case of its own, so none is lost.
    """
    cases: dict[tuple[str, str], list[Finding]] = {(op, fam): [] for op in operations for fam in families}
    for finding in findings:
        cases.setdefault((finding.operation, family_of(finding.kind)), []).append(finding)
    failures = sum(1 for found in cases.values() if found)
    counts = {"tests": str(len(cases)), "failures": str(failures), "errors": "0"}
    root = ET.Element("testsuites", {"name": "contracts", **counts})
    suite = ET.SubElement(root, "testsuite", {"name": "contracts", **counts, "skipped": "0"})
    for (operation, family), found in cases.items():
        case = ET.SubElement(suite, "testcase", {"classname": operation, "name": family})
        if found:
            failure = ET.SubElement(
                case, "failure", {"message": _failure_message(found), "type": _worst(found)}
            )
            failure.text = "\n".join(_failure_line(f) for f in found)
    ET.indent(root)
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)


def _failure_message(found: Sequence[Finding]) -> str:
    return f"{_count(len(found), 'finding')}: " + "; ".join(f"{f.kind} at {f.location}" for f in found)


def _failure_line(finding: Finding) -> str:
    return f"{finding}\n  {finding.evidence.curl}" if finding.evidence.curl else str(finding)


def _worst(found: Sequence[Finding]) -> str:
    return "breaking" if any(f.severity == "breaking" for f in found) else "warning"


def render_console(findings: Sequence[Finding], summary: Summary) -> str:
    """A plain-text table of findings grouped by operation, then the summary line."""
    groups: dict[str, list[Finding]] = {}
    for finding in findings:
        groups.setdefault(finding.operation, []).append(finding)
    rows = [_row(f) for f in findings]
    widths = [max(len(cell) for cell in column) for column in zip(_COLUMNS, *rows, strict=True)]
    lines: list[str] = []
    for operation, found in groups.items():
        lines += [operation, _line(_COLUMNS, widths), _line(tuple("-" * w for w in widths), widths)]
        lines += [_line(_row(f), widths) for f in found]
        lines.append("")
    lines.append(_summary_line(findings, summary))
    return "\n".join(lines)


def _row(finding: Finding) -> tuple[str, ...]:
    return (finding.kind, finding.location, finding.expected, finding.actual, finding.severity)


def _line(cells: Sequence[str], widths: Sequence[int]) -> str:
    return ("  " + " | ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True))).rstrip()


def _summary_line(findings: Sequence[Finding], summary: Summary) -> str:
    scope = f"{summary.operations} operations, {summary.requests} requests"
    if not summary.findings:
        return f"No drift found ({scope})."
    breaking = sum(1 for f in findings if f.severity == "breaking")
    kinds = ", ".join(f"{kind} {count}" for kind, count in summary.by_kind.items())
    affected = len({f.operation for f in findings})
    return (
        f"{_count(summary.findings, 'finding')} ({breaking} breaking, "
        f"{_count(len(findings) - breaking, 'warning')}) in {affected} of {scope}: {kinds}"
    )


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
