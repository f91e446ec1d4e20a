from __future__ import annotations

import pytest

from oascore import SpecError, parse_spec

OPENAPI_30 = """
openapi: 3.0.3
info: {title: Legacy, version: '1'}
paths:
  /pets:
    get:
      parameters:
        - {name: limit, in: query, schema: {type: integer, minimum: 0, exclusiveMinimum: true}}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Pet'}
components:
  schemas:
    Pet:
      type: object
      properties:
        tag: {type: string, nullable: true, enum: [a, b]}
"""


def test_openapi_30_is_rewritten_to_json_schema() -> None:
    spec = parse_spec(OPENAPI_30)
    assert spec.version == "3.0"
    tag = spec.doc["components"]["schemas"]["Pet"]["properties"]["tag"]
    # OAS 3.0.3: nullable adds null to the type; an enum without null still refuses it
    assert tag["type"] == ["string", "null"] and tag["enum"] == ["a", "b"]
    limit = spec.operations[0].parameters[0].schema
    assert limit == {"type": "integer", "exclusiveMinimum": 0}
    assert spec.operations[0].operation_id == "get_pets"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("- a list", "expected a mapping"),
        ("swagger: '2.0'\npaths: {}", "Swagger 2.0"),
        ("openapi: 3.1.0\ninfo: {title: x}", "no 'paths'"),
        ("openapi: 3.1.0\npaths: {/a: {get: {parameters: [{$ref: '#/nope'}]}}}", "unresolvable $ref"),
        ("openapi: 4.0.0\npaths: {}", "unsupported 'openapi' version"),
    ],
)
def test_bad_specs_say_why(text: str, reason: str) -> None:
    with pytest.raises(SpecError, match=reason.replace("$", r"\$")):
        parse_spec(text, "x.yaml")
