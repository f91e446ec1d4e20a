"""The oracle (tests/oracle.py) can say no: each thing the suite relies on it to catch, caught."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from tests.oracle import Document, assert_response_valid

DOC_30 = yaml.safe_load("""
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /pets/{id}:
    get:
      responses:
        '200':
          description: ok
          content:
            application/json; charset=utf-8:
              schema: {$ref: '#/components/schemas/Pet'}
        '4XX': {$ref: '#/components/responses/Problem'}
        default:
          description: anything else
          content: {application/problem+json: {schema: {type: object, required: [title]}}}
    delete:
      responses:
        '204': {description: gone}
        '202': {description: accepted}
components:
  responses:
    Problem:
      description: a problem
      content: {application/json: {schema: {type: object, required: [message]}}}
  schemas:
    Pet:
      type: object
      required: [id, name]
      properties:
        id: {type: string, format: uuid}
        name: {type: string, nullable: true}
        secret: {type: string, writeOnly: true}
        born: {type: string, format: date}
""")
PET = {"id": "0b4f7d3e-8a51-4c2e-9f61-2d7c5a9e0b13", "name": "Rex"}


def _errors(body: Any, status: int = 200, media: str = "application/json") -> list[str]:
    return Document(DOC_30).response_errors("/pets/{id}", "GET", status, body, media)


def test_a_valid_body_passes_and_nullable_is_read_as_oas_3_0_means_it() -> None:
    assert _errors(PET) == []
    assert _errors({**PET, "name": None}) == []
    assert_response_valid(DOC_30, "/pets/{id}", "GET", 200, "application/json", PET)


@pytest.mark.parametrize(
    "body",
    [
        {**PET, "id": "not-a-uuid"},  # format checked
        {**PET, "born": "2024-13-45"},
        {"id": PET["id"]},  # required
        {**PET, "name": 7},  # type
        {**PET, "secret": "s"},  # writeOnly in a response (OAS 3.0)
    ],
)
def test_what_breaks_the_schema_is_caught(body: dict[str, Any]) -> None:
    assert _errors(body)


def test_statuses_resolve_by_code_range_and_default_through_references() -> None:
    assert _errors({"message": "x"}, 404) == [] and _errors({}, 404)  # 4XX, a $ref'd response
    assert _errors({"title": "t"}, 500, "application/problem+json") == [] and _errors(
        {}, 500, "application/problem+json"
    )
    with pytest.raises(AssertionError, match="text/html is not documented"):
        _errors("<p>", 200, "text/html")
    with pytest.raises(AssertionError, match="200 is not documented"):
        Document(DOC_30).response_errors("/pets/{id}", "DELETE", 200, None)
    assert Document(DOC_30).success_status("/pets/{id}", "DELETE") == 202  # the lowest 2xx


def test_closed_refuses_an_undeclared_field_open_admits_it() -> None:
    extra = {**PET, "colour": "brown"}
    assert _errors(extra) == []
    closed = Document(DOC_30, closed=True)
    assert closed.response_errors("/pets/{id}", "GET", 200, extra)
    assert closed.response_errors("/pets/{id}", "GET", 200, PET) == []


def test_3_1_time_is_rfc_3339_full_time() -> None:
    doc = {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {}}
    document = Document(doc)
    assert document.schema_errors({"type": "string", "format": "time"}, "17:48:08Z") == []
    assert document.schema_errors({"type": "string", "format": "time"}, "25:00:00Z")
