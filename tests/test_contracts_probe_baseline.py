"""The probes' baseline requests come from the shared generator (oascore.fakes), and an operation a
probe could not exercise is reported, per probe, in every report and in the verdict.

Against the real mock: a parameter with a ``pattern`` and a ``multipleOf`` (the probes' old value
generator sent ``'probe'`` and ``1``, the mock refused, and the probes gave up without a word) is now
exercised; an operation whose required value no schema admits, and one that needs a resource the
server does not have, are reported with their reasons.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from contracts import cli
from contracts.engine import RunOptions, run
from contracts.probes.base import Pins, baseline_candidates
from contracts.probes.samples import NoValue, Samples
from mockserver.app import create_app
from mockserver.config import Config
from mockserver.testing import run_server
from oascore import spec_from_document

ROOT = Path(__file__).resolve().parent.parent
NAMESPACE = "^ns_[a-z0-9]{8}$"
WIDGETS = {
    "get": {
        "operationId": "listWidgets",
        "parameters": [
            {
                "name": "namespace",
                "in": "query",
                "required": True,
                "schema": {"type": "string", "pattern": NAMESPACE},
            },
            {
                "name": "step",
                "in": "query",
                "required": True,
                "schema": {"type": "integer", "multipleOf": 7, "minimum": 1},
            },
            {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 50}},
            {"name": "order", "in": "query", "schema": {"type": "string", "enum": ["asc", "desc"]}},
        ],
        "responses": {
            "200": {"description": "ok", "content": {"application/json": {"schema": {"type": "object"}}}},
            "422": {"description": "refused"},
        },
    }
}
IMPOSSIBLE = {  # no integer is at least 10 and at most 5: no request can be valid
    "get": {
        "operationId": "impossible",
        "parameters": [
            {
                "name": "n",
                "in": "query",
                "required": True,
                "schema": {"type": "integer", "minimum": 10, "maximum": 5},
            },
            {"name": "order", "in": "query", "schema": {"type": "string", "enum": ["asc", "desc"]}},
        ],
        "responses": {"200": {"description": "ok"}, "422": {"description": "refused"}},
    }
}


def _doc(paths: dict[str, Any]) -> dict[str, Any]:
    return {"openapi": "3.1.0", "info": {"title": "Probed", "version": "1"}, "paths": paths}


def _write(tmp_path: Path, doc: dict[str, Any]) -> Path:
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(doc))
    return path


def test_baseline_values_honour_pattern_and_multiple_of() -> None:
    spec = spec_from_document(_doc({"/widgets": WIDGETS}), "probed")
    (op,) = spec.operations
    for seed in range(20):
        requests = list(baseline_candidates(Samples(spec, seed), op, Pins()))
        assert requests
        for request in requests:
            assert re.search(NAMESPACE, request.query["namespace"]), request.query
            assert request.query["step"] % 7 == 0 and request.query["step"] >= 1


def test_no_value_names_the_parameter_and_why() -> None:
    spec = spec_from_document(_doc({"/impossible": IMPOSSIBLE}), "probed")
    with pytest.raises(NoValue, match=r"no value satisfies request\.query\.n: .*10.*5"):
        next(baseline_candidates(Samples(spec, 1), spec.operations[0], Pins()))


def test_a_patterned_parameter_is_exercised_against_the_real_mock(tmp_path: Path) -> None:
    path = _write(tmp_path, _doc({"/widgets": WIDGETS}))
    with run_server(create_app(Config(specs=[str(path)]))) as url:
        result = run(path, url, RunOptions(seed=3, phases=()))
    (coverage,) = result.coverage
    assert coverage.unexercised == {}
    # the baseline and the bounds and enums probes' requests were served, not refused
    assert coverage.reached.get(200, 0) >= 6, coverage.reached
    assert result.findings == [], [str(f) for f in result.findings]


def test_what_no_probe_could_exercise_is_in_every_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, _doc({"/widgets": WIDGETS, "/impossible": IMPOSSIBLE}))
    reports = {kind: tmp_path / f"report.{kind}" for kind in ("json", "xml", "html")}
    args = ["run", "--spec", str(path), "--seed", "3", "--phases", "examples", "--max-examples", "2"]
    args += ["--json", str(reports["json"]), "--junit", str(reports["xml"]), "--html", str(reports["html"])]
    with run_server(create_app(Config(specs=[str(path)]))) as url:
        code = cli.main([*args, "--url", url])
    out = capsys.readouterr().out
    reason = "no value satisfies request.query.n"
    assert code == 1
    assert "Operations not exercised by probe enums:" in out
    assert f"  GET /impossible: {reason}" in out
    assert "Operations not exercised by probe bounds:" in out  # n's minimum and maximum
    assert "2 probe/operation pairs not exercised" in out
    assert "GET /widgets:" not in out.split("Operations not exercised by probe")[1]

    data = json.loads(reports["json"].read_text())
    coverage = {c["operation"]: c for c in data["coverage"]}
    missed = coverage["GET /impossible"]["unexercised"]
    assert sorted(missed) == ["bounds", "enums"] and all(r.startswith(reason) for r in missed.values())
    assert coverage["GET /widgets"]["unexercised"] == {}
    assert data["summary"]["unexercised"] == 2

    suite = ET.parse(reports["xml"]).getroot().find("testsuite")
    assert suite is not None and suite.get("skipped") == "2"
    skipped = [
        (case.get("classname"), case.get("name"), case.find("skipped"))
        for case in suite.iter("testcase")
        if case.find("skipped") is not None
    ]
    assert sorted((op, family) for op, family, _ in skipped) == [
        ("GET /impossible", "bounds"),
        ("GET /impossible", "enums"),
    ]
    messages = [str(element.get("message")) for _, _, element in skipped if element is not None]
    assert f"not exercised by probe enums: {reason}" in "\n".join(messages)

    html = reports["html"].read_text()
    assert "Operations not exercised by probe enums</h2>" in html
    assert "<code>GET /impossible</code>: no value satisfies" in html
    assert "2 probe/operation pair(s) not exercised" in html


def test_an_operation_needing_a_resource_the_server_lacks_is_reported(
    capsys: pytest.CaptureFixture[str],
) -> None:
    spec = ROOT / "spec" / "mixpeek.yaml"
    with run_server(create_app(Config(specs=[str(spec)], seed=0))) as url:
        code = cli.main(
            [
                "run",
                "--spec",
                str(spec),
                "--url",
                url,
                "--seed",
                "3",
                "--phases",
                "examples",
                "--max-examples",
                "1",
                "--header",
                "Authorization: Bearer sk_test",
                "--include",
                "path:/v1/namespaces/{namespace_identifier}/clone",
                "--include",  # an operation that answers, or the run is a set-up error (all 404)
                "path:/v1/namespaces/migrations/list",
            ]
        )
    out = capsys.readouterr().out
    assert code == 1
    label = "POST /v1/namespaces/{namespace_identifier}/clone"
    assert re.search(
        rf"Operations not exercised by probe \w+:\n  {re.escape(label)}: no baseline request was accepted: "
        r"answered 404.*a resource that does not exist",
        out,
    ), out
