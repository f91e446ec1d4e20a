"""Coverage is part of the verdict: an unreached success is reported with its fix; a run that can test
nothing is a set-up error; the banner names only the phases that ran."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from drift_servers import SPEC as DRIFT_SPEC
from drift_servers import make_app as drift_app
from recording_server import NAMESPACE, OWNER_OPERATION, SPEC, Seen, make_app

from contracts import cli
from mockserver.testing import run_server

PINS = ["--param", f"header.X-Namespace={NAMESPACE}", "--param", f"path.ns_id={NAMESPACE}"]


def _spec(tmp_path: Path, doc: object) -> str:
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(doc))
    return str(path)


def _args(spec: str, url: str, *extra: str) -> list[str]:
    return ["run", "--spec", spec, "--url", url, "--max-examples", "3", "--seed", "2", *extra]


def test_an_operation_whose_success_was_never_reached_fails_the_run_with_the_param_that_fixes_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = {**SPEC, "paths": {**SPEC["paths"], "/ns/{ns_id}/owners/{owner_id}": OWNER_OPERATION}}
    spec, report = _spec(tmp_path, doc), tmp_path / "r.json"
    with run_server(make_app([])) as url:
        code = cli.main(_args(spec, url, *PINS, "--json", str(report)))
        out, _ = capsys.readouterr()
        allowed = cli.main(_args(spec, url, *PINS, "--allow-untested"))
    assert code == 1 and allowed == 0
    assert "No drift found" in out and "1 of 4 untested" in out
    assert "GET /ns/{ns_id}/owners/{owner_id}: documented 200, 404, 422; answered 404 x" in out
    assert "to reach it: --param path.owner_id=… (a value that exists on the server)" in out
    coverage = {c["operation"]: c for c in json.loads(report.read_text())["coverage"]}
    assert coverage["GET /ns/{ns_id}/things"]["success_reached"] is True
    assert coverage["POST /ns/{ns_id}/things"]["reached"]["201"] > 0
    assert coverage["GET /ns/{ns_id}/owners/{owner_id}"]["success_reached"] is False
    assert set(coverage["GET /ns/{ns_id}/owners/{owner_id}"]["reached"]) == {"404"}


def test_the_stateful_phase_reaches_what_links_lead_to(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log: list[Seen] = []
    with run_server(make_app(log)) as url:
        code = cli.main(_args(_spec(tmp_path, SPEC), url, *PINS))
    out, _ = capsys.readouterr()
    assert code == 0, out
    assert "phases run: probes, examples, coverage, fuzzing, stateful" in out and "untested" not in out


def test_the_banner_lists_only_the_phases_that_ran(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with run_server(drift_app(None)) as url:  # a spec without examples or links
        code = cli.main(_args(_spec(tmp_path, DRIFT_SPEC), url, "--header", "Authorization: Bearer t"))
    out, err = capsys.readouterr()
    assert code == 0, out
    assert "phases run: probes, coverage, fuzzing)" in out
    assert "stateful" not in out + err and "phase examples" not in err


def test_a_wrong_base_url_is_a_setup_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log: list[Seen] = []
    with run_server(make_app(log)) as url:
        code = cli.main(_args(_spec(tmp_path, SPEC), f"{url}/api/v2", *PINS))
    assert code == 2
    err = capsys.readouterr().err
    assert "every operation answered 404" in err and "base URL" in err and "Traceback" not in err
    assert len(log) <= 10  # found out from the first requests, not after a whole run


def test_a_spec_without_operations_is_a_setup_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = _spec(tmp_path, {"openapi": "3.1.0", "info": {"title": "empty", "version": "1"}, "paths": {}})
    with run_server(make_app([])) as url:
        assert cli.main(_args(spec, url)) == 2
    assert "no operations" in capsys.readouterr().err


def test_unknown_phases_are_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        cli.main(["run", "--spec", "s.yaml", "--url", "http://127.0.0.1:9", "--phases", "examples,nope"]) == 2
    )
    assert "--phases 'examples,nope'" in capsys.readouterr().err
