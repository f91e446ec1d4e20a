"""Findings, coverage and the summary as one JSON document."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from contracts.coverage import OperationCoverage
from contracts.findings import Finding
from contracts.report.baseline import finding_id
from contracts.report.summary import Summary


def to_json(
    findings: Sequence[Finding], summary: Summary, coverage: Sequence[OperationCoverage] = ()
) -> dict[str, Any]:
    return {
        "findings": [{"id": finding_id(f), **f.to_dict()} for f in findings],
        "coverage": [c.to_dict() for c in coverage],
        "summary": {**asdict(summary), "phases": list(summary.phases)},
    }


def write_json(
    path: str | os.PathLike[str],
    findings: Sequence[Finding],
    summary: Summary,
    coverage: Sequence[OperationCoverage] = (),
) -> None:
    text = json.dumps(to_json(findings, summary, coverage), indent=2) + "\n"
    Path(path).write_text(text, encoding="utf-8")
