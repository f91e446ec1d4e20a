"""JUnit XML for CI: one case per operation and check family."""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from collections.abc import Sequence

from contracts.coverage import OperationCoverage
from contracts.findings import Finding
from contracts.report.summary import count, family_of


def write_junit(
    path: str | os.PathLike[str],
    findings: Sequence[Finding],
    *,
    operations: Sequence[str],
    families: Sequence[str],
    coverage: Sequence[OperationCoverage] = (),
) -> None:
    """One ``<testcase classname=operation name=family>`` for each operation and family.

    A case fails, with one ``<failure>`` listing its findings, when any finding falls in it; a
    finding outside the given operations or families gets a case of its own, so none is lost. A
    case whose probe could not exercise the operation (``coverage``) without finding anything is
    ``<skipped>``, its message the reason.
    """
    cases: dict[tuple[str, str], list[Finding]] = {(op, fam): [] for op in operations for fam in families}
    for finding in findings:
        cases.setdefault((finding.operation, family_of(finding.kind)), []).append(finding)
    missed = {(c.operation, probe): reason for c in coverage for probe, reason in c.unexercised.items()}
    for key in missed:
        cases.setdefault(key, [])
    failures = sum(1 for found in cases.values() if found)
    skipped = sum(1 for key, found in cases.items() if key in missed and not found)
    counts = {"tests": str(len(cases)), "failures": str(failures), "errors": "0"}
    root = ET.Element("testsuites", {"name": "contracts", **counts})
    suite = ET.SubElement(root, "testsuite", {"name": "contracts", **counts, "skipped": str(skipped)})
    for (operation, family), found in cases.items():
        case = ET.SubElement(suite, "testcase", {"classname": operation, "name": family})
        if found:
            failure = ET.SubElement(
                case, "failure", {"message": _failure_message(found), "type": _worst(found)}
            )
            failure.text = "\n".join(_failure_line(f) for f in found)
        elif (operation, family) in missed:
            reason = missed[operation, family]
            ET.SubElement(case, "skipped", {"message": f"not exercised by probe {family}: {reason}"})
    ET.indent(root)
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)


def _failure_message(found: Sequence[Finding]) -> str:
    return f"{count(len(found), 'finding')}: " + "; ".join(f"{f.kind} at {f.location}" for f in found)


def _failure_line(finding: Finding) -> str:
    return f"{finding}\n  {finding.evidence.curl}" if finding.evidence.curl else str(finding)


def _worst(found: Sequence[Finding]) -> str:
    return "breaking" if any(f.severity == "breaking" for f in found) else "warning"
