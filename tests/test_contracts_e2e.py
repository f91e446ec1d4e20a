"""The documented drift, end to end: the real mock (as a subprocess) and ``contracts run``."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import httpx
import pytest
from spec_variants import docs_page_spec

from contracts.engine import RunOptions, run
from contracts.selection import Selection
from tests.childlines import read_lines

ROOT = Path(__file__).resolve().parent.parent
MIXPEEK = ROOT / "spec" / "mixpeek.yaml"
HOSTING = ROOT / "spec" / "hosting.yaml"
DOCS = ROOT / "spec" / "variants" / "mixpeek-docs.yaml"


def _serve(*specs: Path) -> Iterator[str]:
    # pinned (--anchor): the hooks test compares the world before a run with the one after its reset
    pinned = ["--seed", "1", "--anchor", "2025-06-01T12:00:00Z", "--quiet"]
    command = [sys.executable, "-m", "mockserver", *map(str, specs), "--port", "0", *pinned]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=ROOT)
    try:
        url = _url_from(process)
        yield url
    finally:
        process.terminate()
        process.wait(10)


def _url_from(process: subprocess.Popen[str]) -> str:
    assert process.stdout is not None
    lines = read_lines(process.stdout, lambda line: "http://127.0.0.1:" in line, timeout=30)
    if lines and "http://127.0.0.1:" in lines[-1]:
        line = lines[-1]
        return line[line.index("http://127.0.0.1:") :].split()[0].rstrip("/.,")
    raise RuntimeError(f"mockserver did not print its URL (exit {process.poll()})")


@pytest.fixture(scope="module")
def docs_mock() -> Iterator[str]:
    yield from _serve(DOCS)


@pytest.fixture(scope="module")
def canonical_mock() -> Iterator[str]:
    yield from _serve(MIXPEEK, HOSTING)


def _namespace(url: str) -> str:
    """A namespace that exists in the mock's world, from its exported state."""
    state = httpx.get(f"{url}/_mock/state", timeout=10).json()
    api = next(a for a in state["apis"].values() if a.get("namespaces"))
    return str(api["namespaces"][0]["namespace_id"])


def _mixpeek(url: str) -> RunOptions:
    namespace = _namespace(url)
    return RunOptions(
        headers={"Authorization": "Bearer sk_test"},
        params={"header.X-Namespace": namespace, "path.namespace_identifier": namespace},
        max_examples=10,
        seed=1,
        invalid_credentials=False,  # the mock takes any key of the documented form, by design
    )


def test_the_documented_drift_is_exactly_three_findings(docs_mock: str, tmp_path: Path) -> None:
    """mixpeek.yaml without API 0.82's additions (tests/spec_variants.py) against the docs-page mock."""
    result = run(docs_page_spec(tmp_path), docs_mock, _mixpeek(docs_mock))
    found = {(f.operation, f.kind, f.location, f.expected, f.actual) for f in result.findings}
    operation = "POST /v1/namespaces/migrations/list"
    assert found == {
        (operation, "field-renamed", "response.body.results", "results", "migrations"),
        (operation, "bound-tighter", "request.body.limit", "max 1000", "max 100"),
        (
            operation,
            "enum-narrowed",
            "request.body.migration_type",
            "re_extract, copy, extend",
            "re_extract, copy",
        ),
    }, [str(f) for f in result.findings]
    narrowed = next(f for f in result.findings if f.kind == "enum-narrowed")
    assert "extend" in narrowed.message and "extend" in (narrowed.evidence.curl or "")


def test_the_canonical_mixpeek_mock_does_not_drift(canonical_mock: str) -> None:
    """With the pins reaching every phase, collections list's successes are checked too. A scalar
    ``value`` with ``in``/``nin`` (which the spec admits) is a one-element list, so the run is clean."""
    result = run(MIXPEEK, canonical_mock, _mixpeek(canonical_mock))
    assert result.findings == [], [str(f) for f in result.findings]
    assert result.untested == [], result.untested  # every success reached, so every success checked
    assert result.unexercised == 0, [c.unexercised for c in result.coverage]  # every probe ran
    assert result.operations == 3


def test_a_selection_keeps_the_stateful_phase_over_the_links_it_holds(canonical_mock: str) -> None:
    """--include leaving out a link's target (collections list) must not cost the stateful phase:
    schemathesis refuses a document whose link names an operation it does not hold."""
    selection = Selection(include=("path:/v1/namespaces/migrations/list", "path:*/clone"))
    options = replace(_mixpeek(canonical_mock), selection=selection, phases=("stateful",))
    result = run(MIXPEEK, canonical_mock, options)
    assert result.operations == 2
    assert "stateful" in result.phases, result.phases
    assert result.findings == [], [str(f) for f in result.findings]


def test_the_mock_taking_any_documented_key_is_one_auth_warning_per_api(canonical_mock: str) -> None:
    """By design the mock accepts any key of the documented form (README): the probe says so, once."""
    result = run(MIXPEEK, canonical_mock, replace(_mixpeek(canonical_mock), invalid_credentials=True))
    (found,) = result.findings
    assert (found.kind, found.location, found.severity) == (
        "auth-invalid-accepted",
        "request.header.authorization",
        "warning",
    )
    assert "Bearer sk_invalid_" not in (found.evidence.curl or "")  # a credential, so masked


def test_the_canonical_hosting_mock_does_not_drift(canonical_mock: str) -> None:
    options = RunOptions(
        headers={"X-Api-Token": "tok_user"}, max_examples=10, seed=1, invalid_credentials=False
    )
    result = run(HOSTING, canonical_mock, options)
    assert result.findings == [], [str(f) for f in result.findings]
    assert result.untested == [], result.untested
    assert result.unexercised == 0, [c.unexercised for c in result.coverage]
