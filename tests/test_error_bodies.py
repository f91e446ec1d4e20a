"""Error bodies in the document's own error schema: every required field, an enum code that fits
the status, the reason in the message, the operation's documented ``default`` response."""

from __future__ import annotations

import json

import httpx
import jsonschema

from mockserver.app import create_app
from mockserver.config import Config
from mockserver.pipeline.errors import fitting_code
from mockserver.testing import run_server
from tests.oracle import assert_response_valid

ERROR = {
    "type": "object",
    "required": ["code", "message", "documentation_url"],
    "properties": {
        "code": {"type": "string", "enum": ["RATE_LIMITED", "CONFLICT", "NOT_FOUND", "VALIDATION_ERROR"]},
        "message": {"type": "string"},
        "documentation_url": {"type": "string"},
    },
}
DOC = {
    "openapi": "3.0.3",
    "info": {"title": "Errors", "version": "1"},
    "paths": {
        "/pets": {
            "get": {
                "parameters": [
                    {"name": "limit", "in": "query", "schema": {"type": "integer", "format": "int32"}}
                ],
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {"application/json": {"schema": {"type": "array"}}},
                    },
                    "default": {
                        "description": "error",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                    },
                },
            }
        }
    },
    "components": {"schemas": {"Error": ERROR}},
}


def test_fitting_code_names_the_status() -> None:
    codes = ["RATE_LIMITED", "CONFLICT", "NOT_FOUND", "VALIDATION_ERROR"]
    assert fitting_code(codes, 422, "RATE_LIMITED") == "VALIDATION_ERROR"
    assert fitting_code(codes, 404, "CONFLICT") == "NOT_FOUND"
    assert fitting_code(codes, 429, "CONFLICT") == "RATE_LIMITED"
    assert fitting_code(["A", "B"], 405, "B") == "B"


def test_default_response_shapes_a_validation_error_with_its_reason(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "errors.json"
    path.write_text(json.dumps(DOC))
    with run_server(create_app(Config(specs=[str(path)], port=0))) as url:
        answer = httpx.get(f"{url}/pets", params={"limit": 2**31})
    assert answer.status_code == 422
    assert answer.headers["content-type"] == "application/json"
    body = answer.json()
    assert set(body) >= {"code", "message", "documentation_url"}
    assert_response_valid(DOC, "/pets", "GET", 422, "application/json", body)  # the default response
    assert body["code"] == "VALIDATION_ERROR"
    assert "query.limit" in body["message"] and "less than or equal" in body["message"]


def test_errors_items_follow_their_schema_strings_too(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """GitHub's ``validation-error-simple``: ``{message, documentation_url, errors: [string]}``; each
    violation is one string there, not an object the schema refuses."""
    simple = {
        "type": "object",
        "required": ["message", "documentation_url"],
        "properties": {
            "message": {"type": "string"},
            "documentation_url": {"type": "string"},
            "errors": {"type": "array", "items": {"type": "string"}},
        },
    }
    doc = json.loads(json.dumps(DOC))
    doc["paths"]["/pets"]["get"]["responses"] = {
        "200": {"description": "ok"},
        "422": {"description": "invalid", "content": {"application/json": {"schema": simple}}},
    }
    path = tmp_path / "simple.json"
    path.write_text(json.dumps(doc))
    with run_server(create_app(Config(specs=[str(path)], port=0))) as url:
        answer = httpx.get(f"{url}/pets", params={"limit": "many"})
    assert answer.status_code == 422
    body = answer.json()
    jsonschema.validate(body, simple)
    assert body["errors"] and all(e.startswith("limit: ") for e in body["errors"])
