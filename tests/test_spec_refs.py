"""Documents split across files and URLs: external ``$ref``s bundled at load, for both tools.

The oracle for "the bundled document is what the split one says" is openapi-spec-validator
(nobody here wrote it): it validates the split original itself, resolving its references, and
then our bundled result; the mock then serves and validates through the bundled document.
"""

from __future__ import annotations

import functools
import http.server
import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import yaml
from openapi_spec_validator import validate
from openapi_spec_validator.readers import read_from_filename

from mockserver.app import create_app
from mockserver.config import Config
from mockserver.testing import run_server
from oascore import SpecError, load_spec, parse_spec

ROOT_DOC = {
    "openapi": "3.0.3",
    "info": {"title": "Split pets", "version": "1"},
    "paths": {
        "/pets": {
            "get": {
                "parameters": [{"$ref": "parameters.yaml#/limit"}],
                "responses": {
                    "200": {
                        "description": "the pets",
                        "content": {
                            "application/json": {
                                "schema": {"type": "array", "items": {"$ref": "schemas/pet.yaml#/Pet"}},
                                "example": [{"$ref": "not a reference: an example value", "name": "x"}],
                            }
                        },
                    },
                    "404": {"$ref": "responses.yaml#/NotFound"},
                },
            }
        },
        "/pets/{id}": {"$ref": "paths/pet-by-id.yaml"},
    },
    "components": {"schemas": {"Local": {"type": "string", "enum": ["local"]}}},
}
FILES = {
    "parameters.yaml": {
        "limit": {"name": "limit", "in": "query", "schema": {"type": "integer", "maximum": 5}},
    },
    "schemas/pet.yaml": {
        "Pet": {
            "type": "object",
            "required": ["name", "tree"],
            "properties": {
                "name": {"type": "string"},
                "kind": {"$ref": "../openapi.yaml#/components/schemas/Local"},
                "tree": {"$ref": "#/Node"},
            },
        },
        "Node": {
            "type": "object",
            "properties": {"children": {"type": "array", "maxItems": 2, "items": {"$ref": "#/Node"}}},
        },
    },
    "responses.yaml": {"NotFound": {"description": "no such pet"}},
    "paths/pet-by-id.yaml": {
        "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}],
        "get": {
            "responses": {
                "200": {
                    "description": "one pet",
                    "content": {"application/json": {"schema": {"$ref": "../schemas/pet.yaml#/Pet"}}},
                }
            }
        },
    },
}


def write_split(root: Path, ref_base: str = "") -> Path:
    """The split document under ``root``; with ``ref_base`` the root's references are absolute URLs."""
    for name, content in FILES.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(yaml.safe_dump(content))
    text = json.dumps(ROOT_DOC).replace('"$ref": "parameters.yaml', f'"$ref": "{ref_base}parameters.yaml')
    doc = json.loads(text)
    (root / "openapi.yaml").write_text(yaml.safe_dump(doc))
    return root / "openapi.yaml"


def external_refs(node: object) -> list[str]:
    if isinstance(node, dict):
        own = [node["$ref"]] if isinstance(node.get("$ref"), str) and not node["$ref"].startswith("#") else []
        return own + [r for key, v in node.items() if key != "example" for r in external_refs(v)]
    if isinstance(node, list):
        return [r for v in node for r in external_refs(v)]
    return []


def test_the_split_document_is_valid_to_an_independent_validator(tmp_path: Path) -> None:
    path = write_split(tmp_path)
    doc, base_uri = read_from_filename(str(path))
    validate(doc, base_uri=base_uri)  # resolves the external references itself


def test_external_refs_are_bundled_into_one_valid_self_contained_document(tmp_path: Path) -> None:
    spec = load_spec(write_split(tmp_path), keep_raw=True)
    assert spec.raw is not None
    assert external_refs(spec.raw) == []
    validate(spec.raw)  # nothing left to resolve outside the document
    schemas = spec.raw["components"]["schemas"]
    assert set(schemas) == {"Local", "Pet", "Node"}  # one copy each, Pet reached twice
    assert schemas["Node"]["properties"]["children"]["items"] == {"$ref": "#/components/schemas/Node"}
    assert schemas["Pet"]["properties"]["kind"] == {"$ref": "#/components/schemas/Local"}
    assert spec.raw["components"]["parameters"]["limit"]["schema"]["maximum"] == 5
    assert spec.raw["components"]["responses"]["NotFound"] == {"description": "no such pet"}
    example = spec.raw["paths"]["/pets"]["get"]["responses"]["200"]["content"]["application/json"]["example"]
    assert example[0]["$ref"] == "not a reference: an example value"
    by_label = {op.label: op for op in spec.operations}
    assert set(by_label) == {"GET /pets", "GET /pets/{id}"}
    assert [p.name for p in by_label["GET /pets/{id}"].parameters] == ["id"]


def test_the_mock_serves_and_validates_through_bundled_refs(tmp_path: Path) -> None:
    path = write_split(tmp_path)
    with run_server(create_app(Config(specs=[str(path)]))) as url, httpx.Client(base_url=url) as client:
        too_many = client.get("/pets", params={"limit": 6})  # maximum 5, from parameters.yaml
        assert too_many.status_code in (400, 422)
        ok = client.get("/pets", params={"limit": 2})
        assert ok.status_code == 200
        one = client.get("/pets/7")
        assert one.status_code == 200
        assert set(one.json()) >= {"name", "tree"} and one.json().get("kind", "local") == "local"


@pytest.fixture()
def http_root(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield tmp_path, f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def test_a_document_and_its_refs_load_from_urls(http_root: tuple[Path, str]) -> None:
    root, base = http_root
    write_split(root)
    spec = load_spec(base + "openapi.yaml")
    assert {op.label for op in spec.operations} == {"GET /pets", "GET /pets/{id}"}
    assert external_refs(spec.doc) == []


def test_a_local_document_may_reference_a_url(
    http_root: tuple[Path, str], tmp_path_factory: pytest.TempPathFactory
) -> None:
    served, base = http_root
    write_split(served)
    local = tmp_path_factory.mktemp("local")
    path = write_split(local, ref_base=base)  # parameters.yaml is read from the URL
    (local / "parameters.yaml").unlink()
    spec = load_spec(path)
    (get_pets,) = [op for op in spec.operations if op.label == "GET /pets"]
    assert get_pets.parameters[0].schema["maximum"] == 5


def test_an_unreadable_ref_is_one_clear_error(tmp_path: Path) -> None:
    path = write_split(tmp_path)
    (tmp_path / "responses.yaml").unlink()
    with pytest.raises(SpecError) as caught:
        load_spec(path)
    assert "responses.yaml#/NotFound" in str(caught.value) and "\n" not in str(caught.value)
    result = subprocess.run(
        [sys.executable, "-m", "mockserver", str(path), "--port", "0"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and "responses.yaml" in result.stderr


def test_a_missing_pointer_is_one_clear_error(tmp_path: Path) -> None:
    path = write_split(tmp_path)
    (tmp_path / "responses.yaml").write_text("Other: {description: x}\n")
    with pytest.raises(SpecError, match="unresolvable"):
        load_spec(path)


def test_text_without_a_location_refuses_external_refs() -> None:
    with pytest.raises(SpecError, match="no location"):
        parse_spec(yaml.safe_dump(ROOT_DOC))


def test_the_mock_serves_a_document_given_by_url(http_root: tuple[Path, str]) -> None:
    root, base = http_root
    write_split(root)
    with run_server(create_app(Config(specs=[base + "openapi.yaml"]))) as url:
        assert httpx.get(url + "/pets/3").status_code == 200


def test_a_folded_local_ref_needs_no_location() -> None:
    """``$ref: >-`` then ``#/…`` on the next line (as seed 001 writes it) is a local reference."""
    text = yaml.safe_dump(FILES["schemas/pet.yaml"]["Node"])
    doc = f"""
openapi: 3.1.0
info: {{title: folded, version: '1'}}
paths:
  /nodes:
    get:
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                $ref: >-
                  #/components/schemas/Node
components:
  schemas:
    Node: {json.dumps(yaml.safe_load(text))}
"""
    (op,) = parse_spec(doc).operations
    assert op.responses["200"].content["application/json"].schema == {"$ref": "#/components/schemas/Node"}
