"""Accepted drift: a baseline file of findings already known, so a run reports only what is new.

Each finding has a stable id (:func:`finding_id`): a hash of its operation, kind and location, the
same identity de-duplication uses, so it survives reruns whatever seed, values or evidence a run
happens to show. ``--write-baseline FILE`` records a run's findings; ``--baseline FILE`` leaves them
out of the verdict (and counts them).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from pathlib import Path

from contracts.findings import Finding
from contracts.report.files import read_json

VERSION = 1


class BaselineError(ValueError):
    """A baseline file that cannot be read; ``str()`` says why."""


def finding_id(finding: Finding) -> str:
    text = "\n".join(finding.key)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def write_baseline(path: str | os.PathLike[str], findings: Sequence[Finding]) -> None:
    entries = [
        {"id": finding_id(f), "operation": f.operation, "kind": f.kind, "location": f.location}
        for f in findings
    ]
    data = {"baseline": VERSION, "findings": sorted(entries, key=lambda e: (e["operation"], e["id"]))}
    Path(path).write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


def read_baseline(path: str | os.PathLike[str]) -> frozenset[str]:
    """The finding ids a baseline file accepts."""
    data = read_json(path, BaselineError, f"--baseline {path}")
    entries = data.get("findings") if isinstance(data, dict) else None
    if not isinstance(entries, list) or not all(isinstance(e, dict) and "id" in e for e in entries):
        raise BaselineError(f"--baseline {path}: not a baseline (write one with --write-baseline)")
    return frozenset(str(e["id"]) for e in entries)


def new_findings(findings: Sequence[Finding], accepted: frozenset[str]) -> list[Finding]:
    return [f for f in findings if finding_id(f) not in accepted]
