"""Generated answers on any document: limit honoured, ids echoed, writeOnly never served, text
served as text, and a document example that breaks its own schema not served."""

from __future__ import annotations

import json
from pathlib import Path

import httpx

from mockserver.app import create_app
from mockserver.config import Config
from mockserver.testing import run_server
from tests.oracle import assert_response_valid

PET = {
    "type": "object",
    "required": ["id", "name"],
    "properties": {
        "id": {"type": "integer", "format": "int64"},
        "name": {"type": "string"},
        "secret": {"type": "string", "writeOnly": True},
    },
}
DOC = {
    "openapi": "3.0.3",
    "info": {"title": "Pets", "version": "1"},
    "paths": {
        "/pets": {
            "get": {
                "parameters": [{"name": "limit", "in": "query", "schema": {"type": "integer"}}],
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {
                            "application/json": {"schema": {"type": "array", "minItems": 3, "items": PET}}
                        },
                    }
                },
            }
        },
        "/pets/{petId}": {
            "get": {
                "parameters": [
                    {"name": "petId", "in": "path", "required": True, "schema": {"type": "integer"}}
                ],
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": PET}}}},
            }
        },
        "/page": {
            "get": {
                "responses": {
                    "200": {"description": "ok", "content": {"text/html": {"schema": {"type": "string"}}}}
                }
            }
        },
        "/broken": {
            "get": {
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {"application/json": {"schema": PET, "example": {"id": "not a number"}}},
                    }
                }
            }
        },
    },
}


def test_generated_answers(tmp_path: Path) -> None:
    path = tmp_path / "pets.json"
    path.write_text(json.dumps(DOC))
    with run_server(create_app(Config(specs=[str(path)], port=0))) as url:
        listed = httpx.get(f"{url}/pets", params={"limit": 5}).json()
        short = httpx.get(f"{url}/pets", params={"limit": 1}).json()
        pet = httpx.get(f"{url}/pets/42").json()
        page = httpx.get(f"{url}/page")
        broken = httpx.get(f"{url}/broken").json()
    assert 3 <= len(listed) <= 5
    assert len(short) >= 3  # minItems 3: the document forbids a shorter list
    assert pet["id"] == 42 and "secret" not in pet
    assert all("secret" not in p for p in listed)
    assert page.headers["content-type"].startswith("text/html") and not page.text.startswith('"')
    assert isinstance(broken["id"], int)
    # each answer is what the document promises (OAS 3.0: writeOnly never in a response)
    for template, status, body in (
        ("/pets", 200, listed),
        ("/pets", 200, short),
        ("/pets/{petId}", 200, pet),
        ("/broken", 200, broken),
    ):
        assert_response_valid(DOC, template, "GET", status, "application/json", body)
