"""Documents the OpenAPI specification allows, and common real-world deviations: each starts.

A deviation the mock serves anyway is reported once per kind, naming the JSON pointer of its first
occurrence; a document that cannot be served is refused with one line (exit 2, tests/test_cli.py).
"""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from mockserver.app import create_app
from mockserver.config import Config
from mockserver.testing import run_server
from oascore import SpecError, parse_spec
from oascore.validation import RequestValidator


def _doc(version: str, schema: dict[str, object], **extra: object) -> str:
    return json.dumps(
        {
            "openapi": version,
            "info": {"title": "T", "version": "1"},
            "paths": {
                "/n": {
                    "post": {
                        "requestBody": {"content": {"application/json": {"schema": schema}}},
                        "responses": {"200": {"description": "ok"}},
                    }
                }
            },
            **extra,
        }
    )


def _body_errors(text: str, payload: object) -> list[str]:
    spec = parse_spec(text)
    return [v.msg for v in RequestValidator(spec, spec.operations[0]).body("application/json", payload)]


def test_yaml_dates_stay_text() -> None:
    spec = parse_spec(
        "openapi: 3.1.0\ninfo: {title: T, version: 2024-10-01}\npaths:\n  /d:\n    get:\n"
        "      parameters: [{name: since, in: query, schema: {type: string, enum: [2024-10-01], "
        "default: 2024-10-01T12:00:00Z}}]\n      responses: {'200': {description: ok}}\n"
    )
    assert spec.doc["info"]["version"] == "2024-10-01"
    schema = spec.operations[0].parameters[0].schema
    assert schema == {"type": "string", "enum": ["2024-10-01"], "default": "2024-10-01T12:00:00Z"}


def test_json_documents_read_as_json() -> None:
    text = _doc("3.1.0", {"type": "object", "properties": {"on": {"type": "string"}}})
    assert parse_spec(text).doc == json.loads(text)  # "on" stays a key (YAML 1.1 would read True)


def test_30_idioms_in_31_are_served_as_meant_with_one_warning_per_kind() -> None:
    schema = {
        "type": "object",
        "properties": {
            "a": {"type": "string", "nullable": True},
            "b": {"type": "string", "nullable": True},
            "n": {"type": "integer", "minimum": 0, "exclusiveMinimum": True},
        },
    }
    text = _doc("3.1.0", schema)
    spec = parse_spec(text)
    assert len(spec.warnings) == 2
    nullable = next(w for w in spec.warnings if "nullable" in w)
    assert nullable.startswith("#/paths/~1n/post/requestBody/content/application~1json/schema/properties/a:")
    assert "1 more" in nullable
    assert _body_errors(text, {"a": None, "b": None, "n": 1}) == []
    assert _body_errors(text, {"n": 0}) == ["Input should be greater than 0"]


def test_nullable_beside_oneof_admits_null_in_30() -> None:
    schema = {
        "type": "object",
        "properties": {"m": {"nullable": True, "oneOf": [{"type": "string"}, {"type": "integer"}]}},
    }
    assert _body_errors(_doc("3.0.3", schema), {"m": None}) == []
    assert _body_errors(_doc("3.0.3", schema), {"m": 1.5}) != []


def test_percent_encoded_ref_pointers_resolve() -> None:
    text = json.dumps(
        {
            "openapi": "3.0.0",
            "info": {"title": "T", "version": "1"},
            "paths": {
                "/k/{id}": {
                    "get": {
                        "parameters": [
                            {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}
                        ],
                        "responses": {"200": {"description": "ok"}},
                    },
                    "delete": {
                        "parameters": [{"$ref": "#/paths/~1k~1%7Bid%7D/get/parameters/0"}],
                        "responses": {"204": {"description": "gone"}},
                    },
                }
            },
        }
    )
    spec = parse_spec(text)
    assert spec.operations[1].parameters[0].name == "id"


@pytest.mark.parametrize(
    "extra", [{"webhooks": {"ping": {"post": {"responses": {"200": {"description": "ok"}}}}}}]
)
def test_31_without_paths_starts_and_serves_nothing(extra: dict[str, object]) -> None:
    spec = parse_spec(json.dumps({"openapi": "3.1.0", "info": {"title": "W", "version": "1"}, **extra}))
    assert spec.operations == [] and spec.warnings[0].startswith("#/paths:")
    with pytest.raises(SpecError, match="no 'paths'"):
        parse_spec(json.dumps({"openapi": "3.0.3", "info": {"title": "W", "version": "1"}, **extra}))


def test_uncompilable_schema_is_accepted_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(_doc("3.1.0", {"type": "string", "pattern": "(?<!unbalanced"}))
    with run_server(create_app(Config(specs=[str(path)], port=0))) as url:
        answer = httpx.post(f"{url}/n", json="anything")
    assert answer.status_code == 200
    assert any("#/paths/~1n/post/requestBody" in r.getMessage() for r in caplog.records)
