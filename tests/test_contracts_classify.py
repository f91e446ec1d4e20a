"""Classification: a response body's drift named at its cause; closed response schemas."""

from __future__ import annotations

import json
from typing import Any

from contracts.classify.classifier import dedupe
from contracts.classify.closing import close_response_schemas
from contracts.classify.response import response_drift
from contracts.findings import Evidence, Finding
from oascore import Spec, parse_spec

EVIDENCE = Evidence(curl="curl http://x", seed=1)
PAGE = {
    "type": "object",
    "required": ["results", "total"],
    "properties": {
        "results": {"type": "array", "items": {"$ref": "#/components/schemas/Item"}},
        "total": {"type": "integer", "maximum": 100},
    },
}
DOC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "t", "version": "1"},
    "paths": {
        "/items": {
            "post": {
                "requestBody": {
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Item"}}}
                },
                "responses": {
                    "200": {"description": "ok", "content": {"application/json": {"schema": PAGE}}}
                },
            }
        }
    },
    "components": {
        "schemas": {
            "Item": {
                "type": "object",
                "required": ["id"],
                "properties": {
                    "id": {"type": "string"},
                    "state": {"anyOf": [{"enum": ["on", "off"]}, {"type": "null"}]},
                },
            },
            "Mixed": {"allOf": [{"$ref": "#/components/schemas/Item"}, {"properties": {"extra": {}}}]},
        }
    },
}


def _closed() -> Spec:
    return parse_spec(json.dumps(close_response_schemas(DOC)))


def _drift(body: Any) -> set[tuple[str, str, str, str]]:
    spec = _closed()
    found = response_drift(spec, spec.operations[0], 200, "application/json", body, EVIDENCE)
    return {(f.kind, f.location, f.expected, f.actual) for f in found}


def test_a_missing_field_beside_an_undocumented_twin_is_one_rename() -> None:
    assert _drift({"entries": [{"id": "a"}], "total": 1}) == {
        ("field-renamed", "response.body.results", "results", "entries")
    }


def test_a_missing_field_without_a_twin_stays_missing_and_the_stranger_undocumented() -> None:
    assert _drift({"results": [], "note": "x"}) == {
        ("field-missing", "response.body.total", "present", "absent"),
        ("field-undocumented", "response.body.note", "absent", "present"),
    }


def test_nested_values_are_named_by_their_path() -> None:
    body = {"results": [{"id": 1, "state": "broken"}], "total": 1}
    assert _drift(body) == {
        ("type-mismatch", "response.body.results[].id", "string", "integer"),
        ("enum-undeclared", "response.body.results[].state", "on, off", "broken"),
    }


def test_a_value_past_a_response_bound_is_named_as_the_diff_names_it() -> None:
    assert _drift({"results": [], "total": 101}) == {
        ("bound-looser", "response.body.total", "max 100", "101")
    }


def test_a_conforming_body_has_no_drift() -> None:
    assert _drift({"results": [{"id": "a", "state": None}], "total": 1}) == set()


def test_closing_touches_response_schemas_only_and_leaves_all_of_members_open() -> None:
    closed = close_response_schemas(DOC)
    schemas = closed["components"]["schemas"]
    assert "additionalProperties" not in schemas["Item"]  # the request body still uses it, open
    assert schemas["Item__response"]["additionalProperties"] is False
    page = closed["paths"]["/items"]["post"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert page["additionalProperties"] is False
    assert page["properties"]["results"]["items"] == {"$ref": "#/components/schemas/Item__response"}
    assert "Item__response" not in DOC["components"]["schemas"]  # the input is not modified
    assert "additionalProperties" not in PAGE
    assert (
        "additionalProperties"
        not in close_response_schemas(
            {"paths": {}, "components": {"schemas": {"Mixed": DOC["components"]["schemas"]["Mixed"]}}}
        )["components"]["schemas"]["Mixed"]
    )


def test_dedupe_keeps_the_first_finding_per_cause() -> None:
    first = Finding("GET /x", "bound-tighter", "request.query.n", "max 10", "max 5", "breaking")
    second = Finding("GET /x", "bound-tighter", "request.query.n", "max 10", "refuses 7", "breaking")
    assert dedupe([first, second]) == [first]
