"""Any OpenAPI spec, like Prism: a third-party 3.0 spec the core knows nothing about."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from mockserver.app import create_app
from mockserver.config import Config
from mockserver.testing import run_server
from tests.oracle import assert_response_valid

PETSTORE = """
openapi: 3.0.3
info: {title: Petstore, version: '1.0'}
components:
  securitySchemes:
    key: {type: apiKey, in: query, name: api_key}
  schemas:
    Pet:
      type: object
      required: [id, name, status]
      properties:
        id: {type: integer, format: int64, minimum: 1}
        name: {type: string, minLength: 1, maxLength: 40}
        status: {type: string, enum: [available, pending, sold]}
        tag: {type: string, nullable: true}
        owner_email: {type: string, format: email}
        born_at: {type: string, format: date-time}
      additionalProperties: false
    Pets: {type: array, items: {$ref: '#/components/schemas/Pet'}, maxItems: 5}
security: [{key: []}]
paths:
  /pets:
    get:
      operationId: listPets
      parameters:
        - {name: limit, in: query, schema: {type: integer, minimum: 1, maximum: 50}}
        - {name: tags, in: query, schema: {type: array, items: {type: string}}}
      responses:
        '200':
          description: pets
          headers:
            X-Total: {required: true, schema: {type: integer, minimum: 0}}
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Pets'}
    post:
      operationId: createPet
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Pet'}
      responses:
        '201':
          description: created
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Pet'}
              examples:
                rex: {value: {id: 7, name: Rex, status: sold}}
                tom: {value: {id: 8, name: Tom, status: pending}}
  /pets/{pet_id}:
    parameters:
      - {name: pet_id, in: path, required: true, schema: {type: integer}}
    delete:
      responses:
        '204': {description: deleted}
"""


@pytest.fixture(scope="module")
def petstore(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    path = tmp_path_factory.mktemp("spec") / "petstore.yaml"
    path.write_text(PETSTORE)
    with run_server(create_app(Config(specs=[str(path)], seed=3))) as url:
        yield url, path


def test_fake_list_is_valid_and_has_its_required_header(petstore: tuple[str, Path]) -> None:
    url, path = petstore
    response = httpx.get(url + "/pets", params={"api_key": "k", "tags": ["a", "b"], "limit": 3})
    assert response.status_code == 200
    assert_response_valid(path, "/pets", "GET", 200, "application/json", response.json())
    assert int(response.headers["x-total"]) >= 0
    other = httpx.get(url + "/pets", params={"api_key": "k", "limit": 5})
    assert other.headers["x-total"] == response.headers["x-total"]  # seeded by operation, not request


def test_examples_first_and_by_name(petstore: tuple[str, Path]) -> None:
    url, path = petstore
    pet = {"id": 1, "name": "Rex", "status": "sold"}
    assert httpx.post(url + "/pets?api_key=k", json=pet).json() == {"id": 7, "name": "Rex", "status": "sold"}
    named = httpx.post(url + "/pets?api_key=k", json=pet, headers={"Prefer": "example=tom"})
    assert named.json()["name"] == "Tom"
    dynamic = httpx.post(url + "/pets?api_key=k", json=pet, headers={"Prefer": "dynamic=true"})
    assert dynamic.status_code == 201
    assert_response_valid(path, "/pets", "POST", 201, "application/json", dynamic.json())
    assert dynamic.json() not in (
        {"id": 7, "name": "Rex", "status": "sold"},
        {"id": 8, "name": "Tom", "status": "pending"},
    )


def test_problem_json_when_the_spec_declares_no_error(petstore: tuple[str, Path]) -> None:
    url, _ = petstore
    unauthenticated = httpx.get(url + "/pets")
    assert unauthenticated.status_code == 401
    assert unauthenticated.headers["content-type"] == "application/problem+json"
    invalid = httpx.post(url + "/pets?api_key=k", json={"id": 0, "name": "", "status": "lost"})
    assert invalid.status_code == 422
    problem = invalid.json()
    assert problem["status"] == 422 and problem["title"] == "Validation failed"
    assert sorted(e["pointer"] for e in problem["errors"]) == ["/id", "/name", "/status"]


def test_no_content_and_path_parameter_types(petstore: tuple[str, Path]) -> None:
    url, _ = petstore
    deleted = httpx.delete(url + "/pets/12?api_key=k")
    assert deleted.status_code == 204 and deleted.content == b""
    bad = httpx.delete(url + "/pets/twelve?api_key=k")
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["loc"] == ["path", "pet_id"]
