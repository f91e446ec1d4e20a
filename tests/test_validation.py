"""oascore.validation on its own: the message and type each schema keyword's failure is phrased
as, where it is located, which one a location keeps, the discriminator's branch choice, the
parameters that are read or ignored, readOnly in requests, and the decoded bodies' errors."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest

from oascore import parse_spec
from oascore.model import Operation, Spec
from oascore.validation import (
    FORM,
    MULTIPART,
    RequestValidator,
    Violation,
    compile_schema,
    is_decoded,
    lenient_schema,
    operation_pointer,
    schema_violations,
)


def _spec(schemas: dict[str, Any] | None = None, **operation: Any) -> Spec:
    op = {"responses": {"200": {"description": "ok"}}, **operation}
    doc = {
        "openapi": "3.1.0",
        "info": {"title": "T", "version": "1"},
        "paths": {"/n": {"post": op}},
        "components": {"schemas": schemas or {}},
    }
    return parse_spec(json.dumps(doc))


def _body(
    schema: dict[str, Any], payload: Any, schemas: dict[str, Any] | None = None
) -> list[tuple[Any, ...]]:
    spec = _spec(schemas, requestBody={"content": {"application/json": {"schema": schema}}})
    found = RequestValidator(spec, spec.operations[0]).body("application/json", payload)
    return [(v.loc, v.msg, v.type) for v in found]


@pytest.mark.parametrize(
    ("schema", "value", "msg", "typ"),
    [
        ({"maximum": 5}, 6, "Input should be less than or equal to 5", "less_than_equal"),
        ({"minimum": 5}, 4, "Input should be greater than or equal to 5", "greater_than_equal"),
        ({"exclusiveMaximum": 5}, 5, "Input should be less than 5", "less_than"),
        ({"exclusiveMinimum": 5}, 5, "Input should be greater than 5", "greater_than"),
        ({"minLength": 2}, "a", "String should have at least 2 characters", "string_too_short"),
        ({"maxLength": 2}, "abc", "String should have at most 2 characters", "string_too_long"),
        ({"minItems": 2}, [1], "List should have at least 2 items", "too_short"),
        ({"maxItems": 1}, [1, 2], "List should have at most 1 items", "too_long"),
        ({"multipleOf": 3}, 4, "Input should be a multiple of 3", "multiple_of"),
        ({"type": "integer"}, "x", "Input should be a valid integer", "int_type"),
        ({"type": ["null", "boolean"]}, "x", "Input should be a valid boolean", "bool_type"),
        ({"enum": ["a"]}, "b", "Input should be 'a'", "enum"),
        ({"enum": ["a", "b"]}, "c", "Input should be 'a' or 'b'", "enum"),
        ({"enum": [1, "b", None]}, "c", "Input should be 1, 'b' or None", "enum"),
        ({"pattern": "^a+$"}, "b", "String should match pattern '^a+$'", "string_pattern_mismatch"),
        ({"format": "email"}, "nope", "Input should be a valid email", "value_error"),
        ({"const": 1}, 2, "1 was expected", "value_error"),
    ],
)
def test_each_keyword_is_phrased_like_fastapi(schema: dict[str, Any], value: Any, msg: str, typ: str) -> None:
    got = _body({"type": "object", "properties": {"v": schema}}, {"v": value})
    assert got == [(("body", "v"), msg, typ)]


def test_required_and_extra_properties_are_located_at_the_property() -> None:
    schema = {
        "type": "object",
        "required": ["a"],
        "properties": {"a": {"type": "string"}},
        "additionalProperties": False,
    }
    assert sorted(_body(schema, {"x": 1, "y": 2})) == [
        (("body", "a"), "Field required", "missing"),
        (("body", "x"), "Extra inputs are not permitted", "extra_forbidden"),
        (("body", "y"), "Extra inputs are not permitted", "extra_forbidden"),
    ]
    assert _body(schema, {"a": "ok"}) == []


def test_a_location_keeps_its_most_specific_violation() -> None:
    # both a type and an enum fail at one place: the enum says more
    schema = {"type": "object", "properties": {"v": {"allOf": [{"type": "string"}, {"enum": ["a", "b"]}]}}}
    assert _body(schema, {"v": 3}) == [(("body", "v"), "Input should be 'a' or 'b'", "enum")]
    bounds = {"type": "object", "properties": {"v": {"minimum": 3, "multipleOf": 2}}}
    assert _body(bounds, {"v": 1}) == [
        (("body", "v"), "Input should be greater than or equal to 3", "greater_than_equal")
    ]


def test_a_failed_any_of_reports_the_branch_that_was_nearly_right() -> None:
    schema = {
        "anyOf": [
            {"type": "string"},
            {"type": "object", "required": ["id"], "properties": {"id": {"type": "integer", "minimum": 1}}},
        ]
    }
    assert _body(schema, {"id": 0}) == [
        (("body", "id"), "Input should be greater than or equal to 1", "greater_than_equal")
    ]
    # every branch merely of the wrong type (nested too): the anyOf failure itself, at the body
    assert [(loc, typ) for loc, _, typ in _body(schema, {"id": "x"})] == [(("body",), "value_error")]
    assert _body(schema, {}) == [(("body", "id"), "Field required", "missing")]
    # two plausible branches: the anyOf failure itself, at the body
    two = {"oneOf": [{"type": "object", "required": ["a"]}, {"type": "object", "required": ["b"]}]}
    got = _body(two, {})
    assert [(loc, typ) for loc, _, typ in got] == [(("body",), "value_error")]
    only_types = {"anyOf": [{"type": "string"}, {"type": "integer"}]}
    assert [(loc, typ) for loc, _, typ in _body(only_types, [])] == [(("body",), "value_error")]


PETS = {
    "Cat": {"type": "object", "properties": {"kind": {"type": "string"}, "claws": {"type": "integer"}}},
    "Dog": {"type": "object", "properties": {"kind": {"type": "string"}, "bark": {"type": "boolean"}}},
}


def test_a_discriminator_picks_the_branch_by_its_value() -> None:
    schema = {
        "oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}],
        "discriminator": {"propertyName": "kind"},
    }
    # both branches accept {"kind": "Cat"}: plain oneOf would refuse it, the discriminator does not
    assert _body(schema, {"kind": "Cat"}, PETS) == []
    assert _body(schema, {"kind": "Dog", "bark": "loud"}, PETS) == [
        (("body", "bark"), "Input should be a valid boolean", "bool_type")
    ]
    assert _body(schema, {"kind": "Cow"}, PETS) == [
        (("body", "kind"), "Input should be 'Cat' or 'Dog'", "enum")
    ]
    assert _body(schema, {}, PETS) == [(("body", "kind"), "Field required", "missing")]


def test_a_discriminator_mapping_names_schemas_by_name_or_ref() -> None:
    schema = {
        "anyOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}],
        "discriminator": {
            "propertyName": "kind",
            "mapping": {"cat": "Cat", "dog": "#/components/schemas/Dog"},
        },
    }
    assert _body(schema, {"kind": "dog", "bark": True}, PETS) == []
    assert _body(schema, {"kind": "cat", "claws": "sharp"}, PETS) == [
        (("body", "claws"), "Input should be a valid integer", "int_type")
    ]
    # the branches' own names stay values as well
    assert _body(schema, {"kind": "Cat", "claws": 3}, PETS) == []
    assert _body(schema, {"kind": "bird"}, PETS)[0][2] == "enum"


def test_a_discriminator_it_cannot_honour_leaves_the_schema_as_written() -> None:
    inline = {
        "oneOf": [{"type": "object", "required": ["a"]}, {"type": "object", "required": ["b"]}],
        "discriminator": {"propertyName": "kind"},
    }
    assert _body(inline, {"a": 1}) == []  # no names to choose by: plain oneOf
    assert _body(inline, {"a": 1, "b": 2})[0][2] == "value_error"
    inline_mapped = {
        **inline,
        "discriminator": {"propertyName": "kind", "mapping": {"x": {"type": "object"}}},
    }
    assert _body(inline_mapped, {"a": 1}) == []
    no_name = {**inline, "discriminator": {"mapping": {}}}
    assert _body(no_name, {"a": 1}) == []


def test_a_nested_discriminator_is_honoured_inside_arrays_and_properties() -> None:
    pet = {
        "oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}],
        "discriminator": {"propertyName": "kind"},
    }
    schema = {"type": "object", "properties": {"pets": {"type": "array", "items": pet}}}
    assert _body(schema, {"pets": [{"kind": "Cat"}, {"kind": "Dog"}]}, PETS) == []
    assert _body(schema, {"pets": [{"kind": "Dog", "bark": 1}]}, PETS) == [
        (("body", "pets", 0, "bark"), "Input should be a valid boolean", "bool_type")
    ]


def test_a_schema_the_validator_cannot_compile_accepts_anything_with_one_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    spec = _spec()
    with caplog.at_level(logging.WARNING, logger="oascore"):
        lenient = lenient_schema(spec, {"type": "string", "pattern": "(unclosed"}, "#/here")
    assert lenient.is_valid(12) and lenient.is_valid({"any": "thing"})
    assert len(caplog.records) == 1
    assert caplog.records[0].getMessage().startswith("<spec>: #/here: schema not usable (")
    assert caplog.records[0].getMessage().endswith("); anything is accepted there")
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="oascore"):
        strict = lenient_schema(spec, {"type": "string"}, "#/there")
    assert not strict.is_valid(12) and not caplog.records
    with pytest.raises(ValueError):
        compile_schema(spec, {"pattern": "(unclosed"})


def test_operation_pointers_escape_the_path() -> None:
    op = Operation("GET", "/a~b/{id}", "x", "", (), None, {}, ())
    assert operation_pointer(op) == "#/paths/~1a~0b~1{id}/get"


def test_violation_field_is_the_dotted_place_or_the_section() -> None:
    assert Violation(("body", "filters", "AND", 0), "m", "t").field == "filters.AND.0"
    assert Violation(("body",), "m", "t").field == "body"
    assert Violation(("query", "q"), "m", "t").as_fastapi() == {
        "loc": ["query", "q"],
        "msg": "m",
        "type": "t",
    }


def test_schema_violations_prefix_the_location_and_pass_valid_input() -> None:
    validator = compile_schema(_spec(), {"type": "object", "properties": {"n": {"type": "integer"}}})
    assert schema_violations(validator, {"n": 1}, ("query", "deep")) == []
    assert schema_violations(validator, {"n": "x"}, ("query", "deep")) == [
        Violation(("query", "deep", "n"), "Input should be a valid integer", "int_type")
    ]


def test_decoded_media_types() -> None:
    assert is_decoded(FORM) and is_decoded(MULTIPART)
    assert is_decoded("application/xml") and is_decoded("application/atom+xml")
    assert not is_decoded("application/json") and not is_decoded("text/plain")


def _parameters(params: list[dict[str, Any]], **given: Any) -> tuple[dict[str, Any], list[tuple[Any, ...]]]:
    spec = _spec(parameters=params)
    args = {"path": {}, "query": {}, "headers": {}, "cookies": {}, **given}
    values, found = RequestValidator(spec, spec.operations[0]).parameters(**args)
    return values, [(v.loc, v.msg, v.type) for v in found]


def test_a_missing_required_parameter_is_field_required_an_optional_one_is_absent() -> None:
    params = [
        {"name": "need", "in": "query", "required": True, "schema": {"type": "integer"}},
        {"name": "may", "in": "header", "schema": {"type": "integer"}},
    ]
    values, found = _parameters(params)
    assert found == [(("query", "need"), "Field required", "missing")]
    assert values == {"path": {}, "query": {}, "header": {}, "cookie": {}}
    values, found = _parameters(params, query={"need": ["4"]}, headers={"may": "5"})
    assert found == [] and values["query"] == {"need": 4} and values["header"] == {"may": 5}


def test_a_parameter_reports_its_first_reading_when_none_fits() -> None:
    params = [{"name": "n", "in": "query", "schema": {"type": "integer", "maximum": 3}}]
    _, found = _parameters(params, query={"n": ["9"]})
    assert found == [(("query", "n"), "Input should be less than or equal to 3", "less_than_equal")]
    values, found = _parameters(params, query={"n": ["2"]})
    assert found == [] and values["query"] == {"n": 2}


@pytest.mark.parametrize("name", ["Accept", "content-type", "AUTHORIZATION"])
def test_accept_content_type_and_authorization_header_parameters_are_ignored(name: str) -> None:
    params = [{"name": name, "in": "header", "required": True, "schema": {"type": "integer"}}]
    values, found = _parameters(params, headers={name.lower(): "text"})
    assert found == [] and values["header"] == {}
    # the same name in the query is an ordinary parameter
    _, found = _parameters([{**params[0], "in": "query"}])
    assert found == [(("query", name), "Field required", "missing")]


def test_read_only_properties_are_not_required_in_a_request() -> None:
    schemas = {
        "Item": {
            "type": "object",
            "required": ["id", "name"],
            "properties": {"id": {"type": "integer", "readOnly": True}, "name": {"type": "string"}},
        }
    }
    schema = {
        "type": "object",
        "required": ["items", "owner"],
        "properties": {
            "items": {"type": "array", "items": {"$ref": "#/components/schemas/Item"}},
            "owner": {"type": "string", "readOnly": False},
        },
    }
    assert _body(schema, {"items": [{"name": "a"}], "owner": "o"}, schemas) == []
    assert sorted(_body(schema, {"items": [{}]}, schemas)) == [
        (("body", "items", 0, "name"), "Field required", "missing"),
        (("body", "owner"), "Field required", "missing"),
    ]
    # a readOnly property with a wrong value is still refused
    assert _body(schema, {"items": [{"id": "x", "name": "a"}], "owner": "o"}, schemas) == [
        (("body", "items", 0, "id"), "Input should be a valid integer", "int_type")
    ]


def test_no_body_validator_for_an_undeclared_media_type() -> None:
    spec = _spec(requestBody={"content": {"application/json": {"schema": {"type": "integer"}}}})
    validator = RequestValidator(spec, spec.operations[0])
    assert validator.body("text/plain", "x") == []
    assert list(validator.body_validators) == ["application/json"]


def test_decoded_bodies_without_a_schema_or_malformed() -> None:
    schema = {"type": "object", "properties": {"n": {"type": "integer"}}}
    spec = _spec(
        requestBody={
            "content": {
                FORM: {"schema": schema},
                MULTIPART: {"schema": schema},
                "application/xml": {"schema": schema},
                "text/csv": {},
            }
        }
    )
    validator = RequestValidator(spec, spec.operations[0])
    assert validator.decoded_body("text/csv", b"a,\xff", "text/csv") == ("a,\ufffd", [])
    assert validator.decoded_body(FORM, b"n=x", FORM) == (
        {"n": "x"},
        [Violation(("body", "n"), "Input should be a valid integer", "int_type")],
    )
    assert validator.decoded_body(FORM, b"n=2", FORM) == ({"n": 2}, [])
    payload, found = validator.decoded_body(MULTIPART, b"no parts", MULTIPART)
    assert payload is None and [(v.loc, v.type) for v in found] == [(("body",), "value_error")]
    assert found[0].msg.startswith("Not a well-formed multipart/form-data body")
    assert validator.decoded_body("application/xml", b"<a>", "application/xml") == (
        None,
        [Violation(("body",), "Not well-formed XML", "xml_invalid")],
    )
    assert validator.decoded_body("application/xml", b"<r><n>3</n></r>", "application/xml") == ({"n": 3}, [])


STRICT_PETS = {
    "Cat": {"type": "object", "required": ["claws"], "properties": {"claws": {"type": "integer"}}},
    "Dog": {"type": "object", "required": ["bark"], "properties": {"bark": {"type": "boolean"}}},
}
STRICT_PET = {
    "oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}],
    "discriminator": {"propertyName": "kind"},
}


def test_only_the_branch_the_discriminator_names_applies() -> None:
    assert _body(STRICT_PET, {"kind": "Cat", "claws": 1}, STRICT_PETS) == []
    assert _body(STRICT_PET, {"kind": "Dog", "bark": True}, STRICT_PETS) == []
    assert _body(STRICT_PET, {"kind": "Dog", "claws": 1}, STRICT_PETS) == [
        (("body", "bark"), "Field required", "missing")
    ]


def test_a_discriminator_keeps_the_schemas_own_all_of_and_works_inside_lists() -> None:
    with_all_of = {**STRICT_PET, "allOf": [{"required": ["id"]}]}
    assert _body(with_all_of, {"kind": "Cat", "claws": 1}, STRICT_PETS) == [
        (("body", "id"), "Field required", "missing")
    ]
    assert _body(with_all_of, {"kind": "Cat", "claws": 1, "id": 1}, STRICT_PETS) == []
    inside_all_of = {"allOf": [STRICT_PET, {"type": "object"}]}
    assert _body(inside_all_of, {"kind": "Cat", "claws": 1}, STRICT_PETS) == []


def test_a_discriminator_without_one_of_or_any_of_and_a_plain_one_of_beside_it() -> None:
    # the allOf-inheritance pattern: the parent names the discriminator, no oneOf to choose in
    parent = {
        "type": "object",
        "discriminator": {"propertyName": "kind"},
        "properties": {
            "kind": {"type": "string"},
            "size": {"oneOf": [{"type": "integer"}, {"type": "string"}]},
        },
    }
    assert _body(parent, {"kind": "x", "size": 3}) == []
    assert _body(parent, {"kind": 1})[0][:2] == (("body", "kind"), "Input should be a valid string")


def test_a_missing_required_property_the_schema_does_not_declare_is_still_required() -> None:
    schema = {
        "type": "object",
        "required": ["ghost"],
        "properties": {"seen": {"type": "string", "readOnly": True}},
    }
    assert _body(schema, {}) == [(("body", "ghost"), "Field required", "missing")]


def test_a_decoded_body_of_a_media_type_the_operation_does_not_declare_is_its_text() -> None:
    spec = _spec(requestBody={"content": {FORM: {"schema": {"type": "object"}}}})
    validator = RequestValidator(spec, spec.operations[0])
    assert validator.decoded_body("text/csv", "é,1".encode(), "text/csv") == ("é,1", [])
    bodiless = _spec()
    assert RequestValidator(bodiless, bodiless.operations[0]).decoded_body(FORM, b"a=1", FORM) == ("a=1", [])


def test_an_unparsable_parameter_is_located_at_it() -> None:
    params = [{"name": "n", "in": "query", "schema": {"type": "integer"}}]
    _, found = _parameters(params, query={"n": ["x"]})
    assert [(loc, msg) for loc, msg, _ in found] == [
        (("query", "n"), "Input should be a valid integer, unable to parse string")
    ]


def test_one_of_and_two_type_errors_at_one_place() -> None:
    one_of = {
        "oneOf": [
            {"type": "string"},
            {"type": "object", "required": ["id"], "properties": {"id": {"type": "integer", "minimum": 1}}},
        ]
    }
    assert _body(one_of, {"id": 0}) == [
        (("body", "id"), "Input should be greater than or equal to 1", "greater_than_equal")
    ]
    # two type errors at one place: the first stands
    both = {"type": "object", "properties": {"v": {"allOf": [{"type": "string"}, {"type": "integer"}]}}}
    assert _body(both, {"v": []}) == [(("body", "v"), "Input should be a valid string", "string_type")]


def test_a_one_of_valid_under_more_than_one_branch_is_reported_at_its_place() -> None:
    schema = {"oneOf": [{"type": "object"}, {"required": ["a"]}, {"required": ["b"]}]}
    found = _body(schema, {"a": 1})
    assert [(loc, typ) for loc, _, typ in found] == [(("body",), "value_error")]
