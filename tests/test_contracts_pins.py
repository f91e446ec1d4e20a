"""Pins reach every phase: a server that records what it receives sees each pin on every positive request."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from recording_server import NAMESPACE, SPEC, Seen, make_app

from contracts import cli
from contracts.options import parse_pins
from contracts.phases import pinned_parameters
from mockserver.testing import run_server
from oascore import spec_from_document

_BODY = Draft202012Validator(
    SPEC["paths"]["/ns/{ns_id}/things"]["post"]["requestBody"]["content"]["application/json"]["schema"]
)


def _positive(seen: Seen) -> bool:
    """Spec-valid apart from the pins: a documented method, a valid query and body, the header sent."""
    parts = seen.path.strip("/").split("/")
    documented = (seen.method, len(parts)) in {("GET", 3), ("POST", 3), ("GET", 4)}
    limit = seen.query.get("limit")
    query_ok = set(seen.query) <= {"limit"} and (limit is None or (limit.isdigit() and 1 <= int(limit) <= 10))
    body_ok = seen.method != "POST" or _BODY.is_valid(seen.body)
    return documented and query_ok and body_ok and "x-namespace" in seen.headers


@pytest.mark.parametrize("spelling", ["x-namespace", "X-NAMESPACE"])
def test_every_positive_request_of_every_phase_carries_every_pin(
    spelling: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps(SPEC))
    log: list[Seen] = []
    with run_server(make_app(log)) as url:
        args = ["run", "--spec", str(spec), "--url", url, "--max-examples", "5", "--seed", "3"]
        args += ["--param", f"header.{spelling}={NAMESPACE}", "--param", f"path.ns_id={NAMESPACE}"]
        code = cli.main(args)
    out, err = capsys.readouterr()
    assert code == 0, out
    positive = [s for s in log if _positive(s)]
    assert len(positive) > 50, err  # examples, coverage, fuzzing and the stateful links all sent some
    unpinned = [
        s for s in positive if s.headers["x-namespace"] != NAMESPACE or s.path.split("/")[2] != NAMESPACE
    ]
    assert unpinned == []
    assert any(s.method == "GET" and s.path.count("/") == 4 and s.path.split("/")[4] != "" for s in positive)
    # the only requests without the header are the ones built to leave it out (one per operation and phase)
    assert len([s for s in log if "x-namespace" not in s.headers]) <= 2 * 3


def test_a_header_pin_is_passed_under_every_spelling_the_spec_uses() -> None:
    doc = json.loads(json.dumps(SPEC))
    doc["paths"]["/ns/{ns_id}/things/{thing_id}"]["get"]["parameters"][1] = {
        **doc["paths"]["/ns/{ns_id}/things/{thing_id}"]["get"]["parameters"][1],
        "name": "x-namespace",
    }
    pins = parse_pins({}, {"header.X-NAMESPACE": "ns", "path.ns_id": "p"})
    assert pinned_parameters(spec_from_document(doc, "mem"), pins) == {
        "header.x-namespace": "ns",
        "header.X-Namespace": "ns",
        "path.ns_id": "p",
    }
