from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from contracts.findings import KINDS, Evidence, Finding
from contracts.report import (
    FAMILIES,
    Summary,
    family_of,
    render_console,
    summarize,
    to_json,
    write_json,
    write_junit,
)
from contracts.report.baseline import finding_id

LIST = "POST /v1/namespaces/migrations/list"
CLONE = "POST /v1/namespaces/{namespace_identifier}/clone"
CURL = "curl -X POST http://127.0.0.1:4010/v1/namespaces/migrations/list -d '{\"limit\": 101}'"

FINDINGS = [
    Finding(LIST, "field-renamed", "response.body.results", "results", "migrations", "breaking"),
    Finding(
        LIST, "bound-tighter", "request.body.limit", "max 1000", "max 100", "breaking",
        evidence=Evidence(curl=CURL, seed=0, status=422),
    ),
    Finding(LIST, "enum-narrowed", "request.body.migration_type", "re_extract, copy, extend",
            "re_extract, copy", "breaking"),
    Finding(CLONE, "field-undocumented", "response.body.extra", "absent", "present", "warning"),
]  # fmt: skip


def summary() -> Summary:
    return summarize(FINDINGS, operations=3, requests=240)


def test_family_of_covers_every_kind() -> None:
    assert {family_of(kind) for kind in KINDS} == set(FAMILIES)
    assert family_of("field-renamed") == "schema"
    assert family_of("bound-tighter") == "bounds"
    assert family_of("enum-narrowed") == "enums"
    with pytest.raises(ValueError, match="nope"):
        family_of("nope")


def test_summarize_counts_by_kind() -> None:
    assert summary() == Summary(
        operations=3,
        requests=240,
        findings=4,
        by_kind={"field-renamed": 1, "field-undocumented": 1, "bound-tighter": 1, "enum-narrowed": 1},
    )
    assert summarize([], operations=0, requests=0).by_kind == {}


def test_json_shape(tmp_path: Path) -> None:
    data = to_json(FINDINGS, summary())
    assert set(data) == {"findings", "coverage", "summary"}
    assert data["summary"] == {
        "operations": 3,
        "requests": 240,
        "findings": 4,
        "by_kind": {"field-renamed": 1, "field-undocumented": 1, "bound-tighter": 1, "enum-narrowed": 1},
        "untested": 0,
        "unexercised": 0,
        "phases": [],
        "stopped": "",
    }
    assert data["findings"][1] == {
        "id": finding_id(FINDINGS[1]),
        "operation": LIST,
        "kind": "bound-tighter",
        "location": "request.body.limit",
        "expected": "max 1000",
        "actual": "max 100",
        "severity": "breaking",
        "evidence": {"curl": CURL, "seed": 0, "status": 422},
        "message": "",
    }
    path = tmp_path / "report.json"
    write_json(path, FINDINGS, summary())
    assert json.loads(path.read_text(encoding="utf-8")) == data


def junit(tmp_path: Path, findings: list[Finding], operations: list[str]) -> ET.Element:
    path = tmp_path / "junit.xml"
    write_junit(path, findings, operations=operations, families=FAMILIES)
    return ET.parse(path).getroot()


def test_junit_has_a_case_per_operation_and_family(tmp_path: Path) -> None:
    root = junit(tmp_path, FINDINGS, [LIST, CLONE, "GET /v1/collections"])
    (suite,) = root.findall("testsuite")
    cases = suite.findall("testcase")
    assert root.tag == "testsuites"
    assert suite.get("name") == "contracts"
    assert len(cases) == 3 * len(FAMILIES)
    assert suite.get("tests") == str(3 * len(FAMILIES))
    assert suite.get("failures") == root.get("failures") == "4"
    failing = {(c.get("classname"), c.get("name")) for c in cases if c.find("failure") is not None}
    assert failing == {(LIST, "schema"), (LIST, "bounds"), (LIST, "enums"), (CLONE, "schema")}


def test_junit_failure_lists_its_findings_with_curl(tmp_path: Path) -> None:
    root = junit(tmp_path, FINDINGS, [LIST, CLONE])
    cases = {(c.get("classname"), c.get("name")): c for c in root.iter("testcase")}
    failures = cases[(LIST, "bounds")].findall("failure")
    assert len(failures) == 1
    assert failures[0].get("message") == "1 finding: bound-tighter at request.body.limit"
    assert failures[0].get("type") == "breaking"
    text = failures[0].text or ""
    assert str(FINDINGS[1]) in text
    assert CURL in text
    assert cases[(CLONE, "schema")].find("failure").get("type") == "warning"  # type: ignore[union-attr]
    assert list(cases[(CLONE, "auth")]) == []


def test_junit_keeps_findings_outside_the_given_operations(tmp_path: Path) -> None:
    root = junit(tmp_path, FINDINGS, [LIST])
    cases = {(c.get("classname"), c.get("name")) for c in root.iter("testcase")}
    assert (CLONE, "schema") in cases
    assert root.get("tests") == str(len(FAMILIES) + 1)


def test_junit_without_findings_passes(tmp_path: Path) -> None:
    root = junit(tmp_path, [], [LIST])
    assert root.get("failures") == "0"
    assert not list(root.iter("failure"))


def test_console_groups_by_operation() -> None:
    text = render_console(FINDINGS, summary())
    lines = text.splitlines()
    assert lines.count(LIST) == 1
    assert lines.count(CLONE) == 1
    list_block = lines[lines.index(LIST) : lines.index(CLONE)]
    assert any("bound-tighter" in line and "max 1000" in line and "max 100" in line for line in list_block)
    assert not any("field-undocumented" in line for line in list_block)
    header = lines[lines.index(LIST) + 1]
    assert [cell.strip() for cell in header.split("|")] == [
        "kind",
        "location",
        "expected",
        "actual",
        "severity",
    ]
    rows = [line for line in lines if line.startswith("  ") and "|" in line]
    assert len({line.index("|") for line in rows}) == 1  # columns line up across groups
    assert lines[-1] == (
        "4 findings (3 breaking, 1 warning) in 2 of 3 operations, 240 requests: "
        "field-renamed 1, field-undocumented 1, bound-tighter 1, enum-narrowed 1"
    )
    assert "\x1b" not in text


def test_console_without_findings() -> None:
    text = render_console([], summarize([], operations=3, requests=10))
    assert text == "No drift found (3 operations, 10 requests)."
