"""Every parameter style and explode combination of OpenAPI 3.x, read and coerced (the table in
oascore/coerce.py), and non-JSON request bodies (form, multipart, XML) validated."""

from __future__ import annotations

import json
from typing import Any

import pytest

from oascore import parse_spec
from oascore.validation import FORM, MULTIPART, RequestValidator

ARRAY = {"type": "array", "items": {"type": "integer"}}
OBJECT = {"type": "object", "properties": {"role": {"type": "string"}, "n": {"type": "integer"}}}


def _validator(
    location: str, style: str | None, explode: bool | None, schema: dict[str, Any]
) -> RequestValidator:
    param: dict[str, Any] = {"name": "id", "in": location, "required": True, "schema": schema}
    if style is not None:
        param["style"] = style
    if explode is not None:
        param["explode"] = explode
    path = "/x/{id}" if location == "path" else "/x"
    doc = {
        "openapi": "3.1.0",
        "info": {"title": "T", "version": "1"},
        "paths": {path: {"get": {"parameters": [param], "responses": {"200": {"description": "ok"}}}}},
    }
    spec = parse_spec(json.dumps(doc))
    return RequestValidator(spec, spec.operations[0])


def _read(validator: RequestValidator, location: str, raw: Any) -> tuple[Any, list[str]]:
    path = {"id": raw} if location == "path" else {}
    query = raw if location == "query" else {}
    headers = {"id": raw} if location == "header" else {}
    cookies = raw if location == "cookie" else {}
    values, violations = validator.parameters(path, query, headers, cookies)
    return values[location].get("id"), [v.msg for v in violations]


# (location, style, explode, raw as the server receives it, expected value)
CASES = [
    ("path", None, None, "3,4,5", [3, 4, 5]),
    ("path", "simple", True, "3,4,5", [3, 4, 5]),
    ("path", "label", False, ".3,4,5", [3, 4, 5]),
    ("path", "label", True, ".3.4.5", [3, 4, 5]),
    ("path", "matrix", False, ";id=3,4,5", [3, 4, 5]),
    ("path", "matrix", True, ";id=3;id=4;id=5", [3, 4, 5]),
    ("header", "simple", False, "3,4,5", [3, 4, 5]),
    ("query", "form", True, {"id": ["3", "4", "5"]}, [3, 4, 5]),
    ("query", "form", False, {"id": ["3,4,5"]}, [3, 4, 5]),
    ("query", "spaceDelimited", False, {"id": ["3 4 5"]}, [3, 4, 5]),
    ("query", "pipeDelimited", False, {"id": ["3|4|5"]}, [3, 4, 5]),
    ("query", "pipeDelimited", True, {"id": ["3", "4", "5"]}, [3, 4, 5]),
    ("cookie", "form", False, {"id": "3,4,5"}, [3, 4, 5]),
]
OBJECT_CASES = [
    ("path", "simple", False, "role,admin,n,5", {"role": "admin", "n": 5}),
    ("path", "simple", True, "role=admin,n=5", {"role": "admin", "n": 5}),
    ("path", "label", False, ".role,admin,n,5", {"role": "admin", "n": 5}),
    ("path", "label", True, ".role=admin.n=5", {"role": "admin", "n": 5}),
    ("path", "matrix", False, ";id=role,admin,n,5", {"role": "admin", "n": 5}),
    ("path", "matrix", True, ";role=admin;n=5", {"role": "admin", "n": 5}),
    ("header", None, None, "role,admin,n,5", {"role": "admin", "n": 5}),
    ("header", "simple", True, "role=admin,n=5", {"role": "admin", "n": 5}),
    ("query", "form", True, {"role": ["admin"], "n": ["5"]}, {"role": "admin", "n": 5}),
    ("query", "form", False, {"id": ["role,admin,n,5"]}, {"role": "admin", "n": 5}),
    ("query", "deepObject", True, {"id[role]": ["admin"], "id[n]": ["5"]}, {"role": "admin", "n": 5}),
    ("cookie", "form", False, {"id": "role,admin,n,5"}, {"role": "admin", "n": 5}),
    ("cookie", "form", True, {"role": "admin", "n": "5"}, {"role": "admin", "n": 5}),
]


@pytest.mark.parametrize(("location", "style", "explode", "raw", "expected"), CASES + OBJECT_CASES)
def test_every_style_is_read_and_coerced(
    location: str, style: str | None, explode: bool | None, raw: Any, expected: Any
) -> None:
    schema = ARRAY if isinstance(expected, list) else OBJECT
    assert _read(_validator(location, style, explode, schema), location, raw) == (expected, [])


@pytest.mark.parametrize(("location", "style", "explode", "raw", "expected"), CASES[:6] + OBJECT_CASES[:6])
def test_a_bad_member_is_refused(
    location: str, style: str | None, explode: bool | None, raw: Any, expected: Any
) -> None:
    schema = ARRAY if isinstance(expected, list) else OBJECT
    bad = raw.replace("5", "five")
    value, problems = _read(_validator(location, style, explode, schema), location, bad)
    assert value is None and problems


def test_integer_formats_are_ranges() -> None:
    validator = _validator("path", None, None, {"type": "integer", "format": "int64"})
    assert _read(validator, "path", "9223372036854775807") == (2**63 - 1, [])
    assert _read(validator, "path", "9223372036854775808")[1] != []


def test_string_or_array_accepts_a_single_value() -> None:
    schema = {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string", "enum": ["a"]}}]}
    assert _read(_validator("query", None, None, schema), "query", {"id": ["0"]}) == ("0", [])


def test_accept_content_type_and_authorization_header_parameters_are_ignored() -> None:
    param = {
        "name": "Accept",
        "in": "header",
        "required": True,
        "schema": {"type": "string", "enum": ["a/b"]},
    }
    doc = {
        "openapi": "3.1.0",
        "info": {"title": "T", "version": "1"},
        "paths": {"/x": {"get": {"parameters": [param], "responses": {"200": {"description": "ok"}}}}},
    }
    spec = parse_spec(json.dumps(doc))
    assert RequestValidator(spec, spec.operations[0]).parameters({}, {}, {"accept": "*/*"}, {})[1] == []


def _body_validator(media: str, schema: dict[str, Any]) -> RequestValidator:
    doc = {
        "openapi": "3.1.0",
        "info": {"title": "T", "version": "1"},
        "paths": {
            "/x": {
                "post": {
                    "requestBody": {"required": True, "content": {media: {"schema": schema}}},
                    "responses": {"200": {"description": "ok"}},
                }
            }
        },
    }
    spec = parse_spec(json.dumps(doc))
    return RequestValidator(spec, spec.operations[0])


BODY = {
    "type": "object",
    "required": ["name"],
    "additionalProperties": False,
    "properties": {
        "name": {"type": "string"},
        "done": {"type": "boolean"},
        "tags": {"type": "array", "items": {"type": "integer"}},
        "meta": {"type": "object", "properties": {"k": {"type": "integer"}}},
    },
}


def test_form_bodies_are_coerced_and_validated() -> None:
    validator = _body_validator(FORM, BODY)
    good = b"name=x&done=true&tags=1&tags=2&meta[k]=3"
    assert validator.decoded_body(FORM, good, FORM) == (
        {"name": "x", "done": True, "tags": [1, 2], "meta": {"k": 3}},
        [],
    )
    _, problems = validator.decoded_body(FORM, b"done=AAA&other=1", FORM)
    assert sorted(".".join(map(str, v.loc)) for v in problems) == ["body.done", "body.name", "body.other"]


def test_multipart_bodies_are_coerced_and_validated() -> None:
    ctype = "multipart/form-data; boundary=XyZ"
    body = (
        b'--XyZ\r\nContent-Disposition: form-data; name="name"\r\n\r\nRex\r\n'
        b'--XyZ\r\nContent-Disposition: form-data; name="done"\r\n\r\nnope\r\n--XyZ--\r\n'
    )
    value, problems = _body_validator(MULTIPART, BODY).decoded_body(MULTIPART, body, ctype)
    assert value == {"name": "Rex", "done": "nope"}
    assert [v.loc for v in problems] == [("body", "done")]


def test_xml_bodies_are_coerced_and_validated() -> None:
    validator = _body_validator("application/xml", BODY)
    value, problems = validator.decoded_body(
        "application/xml", b"<pet><name>Rex</name><done>true</done></pet>", ""
    )
    assert (value, problems) == ({"name": "Rex", "done": True}, [])
    _, problems = validator.decoded_body("application/xml", b"<pet><done>AAA</done></pet>", "")
    assert {v.loc for v in problems} == {("body", "done"), ("body", "name")}
    assert validator.decoded_body("application/xml", b"<pet>", "")[1][0].type == "xml_invalid"


def test_discriminator_picks_the_branch_by_value() -> None:
    one = {"type": "object", "properties": {"kind": {"type": "string"}, "a": {"type": "string"}}}
    two = {"type": "object", "properties": {"kind": {"type": "string"}, "b": {"type": "integer"}}}
    doc = {
        "openapi": "3.0.3",
        "info": {"title": "T", "version": "1"},
        "paths": {
            "/x": {
                "post": {
                    "requestBody": {
                        "content": {
                            "application/json": {
                                "schema": {
                                    "oneOf": [
                                        {"$ref": "#/components/schemas/One"},
                                        {"$ref": "#/components/schemas/Two"},
                                    ],
                                    "discriminator": {
                                        "propertyName": "kind",
                                        "mapping": {"uno": "#/components/schemas/One"},
                                    },
                                }
                            }
                        }
                    },
                    "responses": {"200": {"description": "ok"}},
                }
            }
        },
        "components": {"schemas": {"One": one, "Two": two}},
    }
    spec = parse_spec(json.dumps(doc))
    validator = RequestValidator(spec, spec.operations[0])
    assert validator.body("application/json", {"kind": "uno"}) == []  # both shapes match: the value decides
    assert validator.body("application/json", {"kind": "Two", "b": 1}) == []
    assert validator.body("application/json", {"kind": "Two", "b": "x"}) != []
    assert validator.body("application/json", {"kind": ""}) != []  # names no schema


def test_read_only_properties_are_never_required_in_a_request() -> None:
    schema = {
        "type": "object",
        "required": ["id", "name"],
        "properties": {"id": {"type": "integer", "readOnly": True}, "name": {"type": "string"}},
    }
    validator = _body_validator("application/json", schema)
    assert validator.body("application/json", {"name": "x"}) == []
    assert [v.loc for v in validator.body("application/json", {"id": 1})] == [("body", "name")]


def test_a_discriminator_mapping_to_a_missing_file_reads_the_branches_plainly() -> None:
    """DigitalOcean's mappings name files the document never bundled: the branches as written still
    validate (``false`` is refused), rather than anything being accepted."""
    action = {
        "type": "object",
        "required": ["type"],
        "properties": {"type": {"enum": ["assign", "unassign"]}},
    }
    mapping = {"assign": "models/actions.yml#/assign", "unassign": "models/actions.yml#/unassign"}
    schema = {"anyOf": [action], "discriminator": {"propertyName": "type", "mapping": mapping}}
    doc = {
        "openapi": "3.0.3",
        "info": {"title": "T", "version": "1"},
        "paths": {
            "/x": {
                "post": {
                    "requestBody": {"content": {"application/json": {"schema": schema}}},
                    "responses": {"200": {"description": "ok"}},
                }
            }
        },
    }
    spec = parse_spec(json.dumps(doc))
    validator = RequestValidator(spec, spec.operations[0])
    assert validator.body("application/json", {"type": "assign"}) == []
    assert validator.body("application/json", False) != []
    assert validator.body("application/json", {"type": "other"}) != []
