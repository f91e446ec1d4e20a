"""Accepted drift: --write-baseline records a run's findings, --baseline reports only new ones; JSON
findings carry an id that stays the same from run to run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from drift_servers import SPEC, make_app

from contracts import cli
from contracts.findings import Finding
from contracts.report.baseline import finding_id
from mockserver.testing import run_server


def _run(spec: Path, url: str, seed: int, *extra: str) -> list[str]:
    args = ["run", "--spec", str(spec), "--url", url, "--header", "Authorization: Bearer t"]
    return [*args, "--max-examples", "3", "--seed", str(seed), "--quiet", *extra]


def test_a_baseline_accepts_known_drift_and_reports_new(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec, baseline = tmp_path / "spec.json", tmp_path / "baseline.json"
    spec.write_text(json.dumps(SPEC))
    first, second = tmp_path / "1.json", tmp_path / "2.json"
    with run_server(make_app("bound-tighter")) as url:
        assert cli.main(_run(spec, url, 1, "--write-baseline", str(baseline), "--json", str(first))) == 1
        assert cli.main(_run(spec, url, 2, "--baseline", str(baseline), "--json", str(second))) == 0
    out = capsys.readouterr().out
    assert "1 known finding(s) accepted by" in out and "No drift found" in out
    ids = [f["id"] for f in json.loads(first.read_text())["findings"]]
    assert [e["id"] for e in json.loads(baseline.read_text())["findings"]] == ids
    assert json.loads(second.read_text())["findings"] == []
    with run_server(make_app("field-missing")) as url:  # a new drift: reported, whatever the baseline
        assert cli.main(_run(spec, url, 3, "--baseline", str(baseline), "--json", str(second))) == 1
    assert [f["kind"] for f in json.loads(second.read_text())["findings"]] == ["field-missing"]


def test_the_id_is_the_cause_not_the_values_seen() -> None:
    one = Finding("GET /x", "bound-tighter", "request.query.n", "max 50", "max 10", "breaking")
    other_values = Finding("GET /x", "bound-tighter", "request.query.n", "max 50", "max 12", "breaking")
    elsewhere = Finding("GET /y", "bound-tighter", "request.query.n", "max 50", "max 10", "breaking")
    assert finding_id(one) == finding_id(other_values) != finding_id(elsewhere)
    assert len(finding_id(one)) == 16


def test_an_unreadable_baseline_is_a_setup_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "b.json"
    bad.write_text('{"not": "a baseline"}')
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps(SPEC))
    with run_server(make_app(None)) as url:
        assert cli.main(_run(spec, url, 1, "--baseline", str(bad))) == 2
    assert "not a baseline" in capsys.readouterr().err
