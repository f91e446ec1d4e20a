"""Drift the proxy saw, folded per cause: how often, when first and last, one example request.

Served at ``GET /_mock/findings`` as JSON (the ``contracts --json`` finding shape plus counts), JUnit
XML (one case per operation and kind, as CI reads ``contracts --junit``) or a self-contained HTML
page (``?format=junit|html``).
"""

from __future__ import annotations

import html
import threading
import time
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass
from typing import Any

from oascore.findings import Finding

FORMATS = ("json", "junit", "html")


@dataclass(slots=True)
class Folded:
    finding: Finding
    count: int
    first: float
    last: float
    example: str  # "POST /v1/... -> 422", credentials never included


class FindingLog:
    """The findings of this process, one per cause (:attr:`Finding.key`), bounded by the causes a
    spec can have rather than by traffic."""

    def __init__(self) -> None:
        self._folded: dict[tuple[str, str, str], Folded] = {}
        self._lock = threading.Lock()
        self.exchanges = 0
        self.kinds: Counter[str] = Counter()
        self.undocumented: Counter[str] = Counter()  # "GET /health": requests the spec has no operation for

    def add(self, findings: list[Finding], example: str) -> list[Finding]:
        """Count one exchange and its findings; returns those whose cause is new."""
        now = time.time()
        new: list[Finding] = []
        with self._lock:
            self.exchanges += 1
            for found in findings:
                folded = self._folded.get(found.key)
                if folded is None:
                    self._folded[found.key] = Folded(found, 1, now, now, example)
                    self.kinds[found.kind] += 1
                    new.append(found)
                else:
                    folded.count += 1
                    folded.last = now
        return new

    def add_undocumented(self, request: str) -> bool:
        """Count a request to an operation the spec lacks; ``True`` the first time it is seen."""
        with self._lock:
            self.exchanges += 1
            self.undocumented[request] += 1
            return self.undocumented[request] == 1

    def clear(self) -> None:
        with self._lock:
            self._folded.clear()
            self.kinds.clear()
            self.undocumented.clear()
            self.exchanges = 0

    def folded(self) -> list[Folded]:
        with self._lock:
            return sorted(self._folded.values(), key=lambda f: f.finding.key)

    def to_json(self) -> dict[str, Any]:
        findings = [
            {
                **f.finding.to_dict(),
                "count": f.count,
                "first_seen": f.first,
                "last_seen": f.last,
                "example": f.example,
            }
            for f in self.folded()
        ]
        breaking = sum(1 for f in findings if f["severity"] == "breaking")
        summary = {
            "exchanges": self.exchanges,
            "findings": len(findings),
            "breaking": breaking,
            "by_kind": dict(self.kinds),
        }
        undocumented = [{"operation": op, "count": n} for op, n in sorted(self.undocumented.items())]
        return {"findings": findings, "undocumented_operations": undocumented, "summary": summary}

    def to_junit(self) -> bytes:
        folded = self.folded()
        cases: dict[tuple[str, str], list[Folded]] = {}
        for f in folded:
            cases.setdefault((f.finding.operation, f.finding.kind), []).append(f)
        counts = {"tests": str(len(cases)), "failures": str(len(cases)), "errors": "0"}
        root = ET.Element("testsuites", {"name": "specmock-proxy", **counts})
        suite = ET.SubElement(root, "testsuite", {"name": "specmock-proxy", **counts, "skipped": "0"})
        for (operation, kind), found in cases.items():
            case = ET.SubElement(suite, "testcase", {"classname": operation, "name": kind})
            worst = "breaking" if any(f.finding.severity == "breaking" for f in found) else "warning"
            message = "; ".join(f"{kind} at {f.finding.location}" for f in found)
            failure = ET.SubElement(case, "failure", {"message": message, "type": worst})
            failure.text = "\n".join(f"{f.finding} (seen {f.count}x, e.g. {f.example})" for f in found)
        ET.indent(root)
        return bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True))

    def to_html(self) -> bytes:
        rows = "".join(
            "<tr>"
            + "".join(
                f"<td>{html.escape(str(cell))}</td>"
                for cell in (
                    f.finding.operation,
                    f.finding.kind,
                    f.finding.location,
                    f.finding.expected,
                    f.finding.actual,
                    f.finding.severity,
                    f.count,
                    f.example,
                )
            )
            + "</tr>"
            for f in self.folded()
        )
        head = "".join(
            f"<th>{h}</th>"
            for h in ("operation", "kind", "location", "expected", "actual", "severity", "seen", "example")
        )
        page = (
            "<!doctype html><html><head><meta charset='utf-8'><title>specmock proxy findings</title>"
            "<style>body{font-family:sans-serif}td,th{border:1px solid #ccc;padding:4px}"
            "table{border-collapse:collapse}</style></head><body>"
            f"<h1>Drift seen by the proxy</h1><p>{self.exchanges} exchanges, {len(self._folded)} findings</p>"
            f"<table><tr>{head}</tr>{rows}</table></body></html>"
        )
        return page.encode("utf-8")
