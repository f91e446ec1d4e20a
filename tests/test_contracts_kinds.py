"""Each drift kind, proven against a real server that drifts in exactly that way (and one that doesn't)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from drift_servers import EXPECTED, SPEC, STALL, make_app

from contracts.engine import RunOptions, RunResult, run
from contracts.findings import KINDS
from mockserver.testing import run_server

AUTH = {"Authorization": "Bearer t"}
# drift -> (expected, actual) where the exact strings are part of the contract
STRINGS = {
    "field-renamed": ("results", "entries"),
    "bound-tighter": ("max 1000", "max 100"),
    "bound-tighter-query": ("max 50", "max 10"),
    "bound-looser": ("max 1000", "max 5000"),
    "enum-narrowed": ("a, b, c", "a, b"),
    "enum-undeclared": ("new, done", "archived"),
}


@pytest.fixture(scope="module")
def spec_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("spec") / "drift.json"
    path.write_text(json.dumps(SPEC))
    return path


def _run(spec_path: Path, drift: str | None, **options: object) -> RunResult:
    with run_server(make_app(drift)) as url:
        return run(spec_path, url, RunOptions(headers=AUTH, max_examples=5, seed=7, **options))  # type: ignore[arg-type]


def test_every_kind_has_a_drift_server() -> None:
    assert {kind for kind, _ in EXPECTED.values()} == set(KINDS)


@pytest.mark.parametrize("drift", [None, *EXPECTED])
def test_the_drift_and_nothing_else_is_found(spec_path: Path, drift: str | None) -> None:
    result = _run(spec_path, drift, **({"timeout": STALL / 2} if drift == "response-timeout" else {}))
    found = {(f.kind, f.location) for f in result.findings}
    assert found == ({EXPECTED[drift]} if drift else set()), [str(f) for f in result.findings]
    assert result.operations == 2 and result.requests > 50
    for finding in result.findings:
        assert finding.evidence.curl and finding.evidence.curl.startswith("curl")
        assert finding.evidence.seed == 7
    if drift in STRINGS:
        (finding,) = result.findings
        assert (finding.expected, finding.actual) == STRINGS[drift]


def test_open_schemas_let_undocumented_fields_through(spec_path: Path) -> None:
    result = _run(spec_path, "field-undocumented", closed_schemas=False)
    assert result.findings == [] and result.requests > 50


def test_a_probe_cause_absorbs_its_schemathesis_symptoms(spec_path: Path) -> None:
    """limit=1001 accepted (negative data) and limit=500 refused (positive data) are the bound findings."""
    looser = _run(spec_path, "bound-looser")
    tighter = _run(spec_path, "bound-tighter")
    assert [f.kind for f in looser.findings] == ["bound-looser"]
    assert [f.kind for f in tighter.findings] == ["bound-tighter"]
    assert tighter.findings[0].evidence.note == "probe"
