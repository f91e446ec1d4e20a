from __future__ import annotations

import copy
import json
import re
import subprocess
import sys
import uuid
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jsonschema
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import FormatChecker

from oascore import Spec, load_spec, parse_spec
from oascore.fakes.generator import FakeData, FakeDataError, stable_seed
from tests.oracle import Document

ROOT = Path(__file__).resolve().parent.parent
SEED_001 = Path(__file__).resolve().parent / "seeds" / "001_1ba160fa95785ca0.txt"
SEEDS = range(200)


def _seed_block(path: Path) -> str:
    block = re.search(r"^````yaml[^\n]*\n(.*?)^````", path.read_text(encoding="utf-8"), re.S | re.M)
    assert block, f"{path} has no ````yaml block"
    return block.group(1)


def seed_spec(path: Path) -> Spec:
    """The OpenAPI YAML between the ```` fences of a seed file."""
    return parse_spec(_seed_block(path), str(path))


def fixture_specs() -> list[Spec]:
    return [seed_spec(SEED_001)] + [load_spec(p) for p in sorted((ROOT / "spec").glob("*.yaml"))]


def _as_written(spec: Spec) -> Document:
    """The judge of ``spec``'s values: the document as written, not as the core rewrote it."""
    if spec.source == str(SEED_001):
        return Document(yaml.safe_load(_seed_block(SEED_001)))
    if spec.source == "zoo":
        return Document(ZOO_DOC)
    if spec.source == "discriminated":
        return Document(DISCRIMINATED_DOC)
    return Document.at(spec.source)


def _formats(document: Document) -> FormatChecker:
    """The dialect's format checker (openapi-schema-validator's) and two it lacks (no rfc3987)."""
    checker = document.format_checker()

    @checker.checks("uri")
    def _is_uri(value: object) -> bool:
        if not isinstance(value, str):
            return True
        parts = urlsplit(value)
        return bool(parts.scheme and parts.netloc) and not re.search(r"\s", value)

    @checker.checks("hostname")
    def _is_hostname(value: object) -> bool:
        label = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
        return not isinstance(value, str) or re.fullmatch(rf"{label}(?:\.{label})*", value) is not None

    return checker


_JUDGES: dict[str, tuple[Document, FormatChecker]] = {}


def validator(spec: Spec, schema: Any = None, *, component: str | None = None) -> Callable[[Any], list[str]]:
    """What is wrong with a value against ``schema`` (written in the document's dialect) or the
    document's ``component``, judged by openapi-schema-validator on the document as written."""
    if spec.source not in _JUDGES:
        document = _as_written(spec)
        _JUDGES[spec.source] = (document, _formats(document))
    document, formats = _JUDGES[spec.source]
    if component is not None:
        pointer = document.component(component)
        return lambda value: document.errors(pointer, value, format_checker=formats)
    return lambda value: document.schema_errors(schema, value, format_checker=formats)


def assert_valid(spec: Spec, schema: Any, value: Any) -> None:
    errors = validator(spec, schema)(value)
    assert not errors, f"{json.dumps(value)[:500]} -> {errors[:3]}"


SPECS = fixture_specs()
FAKES = {spec.source: FakeData(spec) for spec in SPECS}
COMPONENTS = [
    pytest.param(spec, name, id=f"{Path(spec.source).stem}:{name}")
    for spec in SPECS
    for name in spec.doc.get("components", {}).get("schemas", {})
]


@pytest.mark.parametrize(("spec", "name"), COMPONENTS)
def test_every_component_schema_gives_valid_values(spec: Spec, name: str) -> None:
    schema = spec.doc["components"]["schemas"][name]
    check = validator(spec, component=name)
    fake = FAKES[spec.source]
    for seed in SEEDS:
        for static in (False, True) if seed < 5 else (False,):
            value = fake.generate(schema, seed, prefer_examples=static)
            errors = check(value)
            assert not errors, f"seed {seed}: {json.dumps(value)[:300]} -> {errors[:3]}"


def test_fixture_spec_was_found() -> None:
    assert COMPONENTS, "no spec fixture: neither the seed-001 file nor spec/*.yaml exists"


# ---------------------------------------------------------------------------------------------
# The zoo: one schema per tricky keyword, validated for many seeds.

ZOO_COMPONENTS: dict[str, Any] = {
    "Base": {
        "type": "object",
        "properties": {"id": {"type": "string"}, "kind": {"type": "string"}},
        "required": ["id"],
    },
    "Cat": {
        "type": "object",
        "properties": {"kind": {"const": "cat"}, "lives": {"type": "integer"}},
        "required": ["kind"],
    },
    "Dog": {
        "type": "object",
        "properties": {"kind": {"const": "dog"}, "bark": {"type": "boolean"}},
        "required": ["kind"],
    },
    "Tree": {
        "type": "object",
        "required": ["value", "children"],
        "properties": {
            "value": {"type": "integer"},
            "children": {"type": "array", "items": {"$ref": "#/components/schemas/Tree"}},
        },
    },
    "Chain": {
        "type": "object",
        "required": ["next"],
        "properties": {
            "label": {"type": "string"},
            "next": {"anyOf": [{"$ref": "#/components/schemas/Chain"}, {"type": "null"}]},
        },
    },
    "NullableChain": {
        "type": ["object", "null"],
        "required": ["next"],
        "properties": {"next": {"$ref": "#/components/schemas/NullableChain"}},
    },
    "Expr": {
        "oneOf": [
            {"type": "integer"},
            {
                "type": "object",
                "required": ["op", "args"],
                "properties": {
                    "op": {"enum": ["+", "*"]},
                    "args": {
                        "type": "array",
                        "minItems": 2,
                        "maxItems": 2,
                        "items": {"$ref": "#/components/schemas/Expr"},
                    },
                },
            },
        ]
    },
    "Status": {"type": "string", "enum": ["a", "b", "c"]},
    "Forever": {
        "type": "object",
        "required": ["again"],
        "properties": {"again": {"$ref": "#/components/schemas/Forever"}},
    },
}

ZOO: dict[str, Any] = {
    "type-array": {"type": ["string", "null"]},
    "multi-type": {"type": ["integer", "boolean", "array"], "items": {"type": "string"}},
    "empty": {},
    "boolean": {"type": "boolean"},
    "null": {"type": "null"},
    "enum": {"enum": ["red", "green", 3, None]},
    "enum-filtered": {"type": "string", "enum": ["x", 1, "yy"], "minLength": 2},
    "const-object": {"const": {"a": [1, 2]}},
    **{
        f"format-{f}": {"type": "string", "format": f}
        for f in (
            "date-time",
            "date",
            "time",
            "uuid",
            "email",
            "uri",
            "url",
            "hostname",
            "ipv4",
            "ipv6",
            "byte",
            "binary",
            "duration",
            "password",
            "unknown-format",
        )
    },
    "int-bounds": {"type": "integer", "minimum": -5, "maximum": 5},
    "int-exclusive": {"type": "integer", "exclusiveMinimum": 3, "exclusiveMaximum": 5},
    "int-multiple": {"type": "integer", "multipleOf": 7, "minimum": 100},
    "int-fraction-multiple": {"type": "integer", "multipleOf": 1.5, "maximum": -3},
    "int32": {"type": "integer", "format": "int32", "minimum": 2**31 - 3},
    "int64-negative": {"type": "integer", "format": "int64", "maximum": -(2**62)},
    "number-exclusive": {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1},
    "number-tiny-range": {"type": "number", "exclusiveMinimum": 0.001, "exclusiveMaximum": 0.002},
    "number-half": {"type": "number", "multipleOf": 0.5, "minimum": -2, "maximum": 2},
    "number-cents": {"type": "number", "multipleOf": 0.01, "minimum": 0, "maximum": 1},
    "number-far": {"type": "number", "minimum": 1e9},
    "string-length": {"type": "string", "minLength": 30, "maxLength": 31},
    "string-empty": {"type": "string", "maxLength": 0},
    "pattern-code": {"type": "string", "pattern": r"^[a-z]{3}-\d{4}$"},
    "pattern-ns": {"type": "string", "pattern": r"^ns_[a-zA-Z0-9]{12}$"},
    "pattern-alternation": {"type": "string", "pattern": r"^(foo|ba[rz])+(-\d{1,3})?$", "maxLength": 12},
    "pattern-unanchored": {"type": "string", "pattern": r"\d{3}", "minLength": 10},
    "pattern-classes": {"type": "string", "pattern": r"^\w+@\S+\.[A-Z]{2,3}$"},
    "pattern-backref": {"type": "string", "pattern": r"^(ab|cd)-\1$"},
    "pattern-lookahead": {"type": "string", "pattern": r"^(?!x)[a-z]{2}$"},
    "object-required-optional": {
        "type": "object",
        "required": ["a"],
        "properties": {"a": {"type": "string"}, "b": {"type": "integer"}},
    },
    "object-closed": {
        "type": "object",
        "additionalProperties": False,
        "minProperties": 1,
        "properties": {"a": {"type": "string"}, "b": {"type": "integer"}},
    },
    "object-map": {"type": "object", "additionalProperties": {"type": "integer", "minimum": 1}},
    "object-min-max": {
        "type": "object",
        "minProperties": 4,
        "maxProperties": 5,
        "properties": {"a": {"type": "string"}},
    },
    "object-max": {
        "type": "object",
        "maxProperties": 1,
        "properties": {k: {"type": "integer"} for k in "abcd"},
    },
    "pattern-properties": {
        "type": "object",
        "additionalProperties": False,
        "minProperties": 2,
        "patternProperties": {r"^x-[a-z]+$": {"type": "integer"}},
    },
    "pattern-properties-declared": {
        "type": "object",
        "required": ["x-id"],
        "properties": {"x-id": {"type": "integer"}},
        "patternProperties": {r"^x-": {"minimum": 10}},
    },
    "property-names-enum": {
        "type": "object",
        "additionalProperties": {"type": "integer"},
        "propertyNames": {"$ref": "#/components/schemas/Status"},
    },
    "property-names-pattern": {
        "type": "object",
        "minProperties": 2,
        "propertyNames": {"pattern": "^[A-Z]{2}$"},
    },
    "dependent-required": {
        "type": "object",
        "properties": {"a": {"type": "string"}, "b": {"type": "string"}},
        "dependentRequired": {"a": ["b"]},
    },
    "array-min": {"type": "array", "items": {"type": "integer"}, "minItems": 5},
    "array-max": {"type": "array", "items": {"type": "integer"}, "maxItems": 2},
    "array-unique-enum": {
        "type": "array",
        "uniqueItems": True,
        "minItems": 3,
        "items": {"enum": ["a", "b", "c"]},
    },
    "array-unique-bool": {"type": "array", "uniqueItems": True, "items": {"type": "boolean"}},
    "array-unique-small-ints": {
        "type": "array",
        "uniqueItems": True,
        "minItems": 4,
        "items": {"type": "integer", "minimum": 0, "maximum": 4},
    },
    "prefix-items": {
        "type": "array",
        "prefixItems": [{"type": "string"}, {"type": "integer"}],
        "items": False,
        "minItems": 2,
    },
    "contains": {"type": "array", "items": {"type": "integer"}, "contains": {"minimum": 100}},
    "oneOf-overlap-numbers": {"oneOf": [{"type": "integer"}, {"type": "number", "multipleOf": 0.5}]},
    "oneOf-overlap-strings": {"oneOf": [{"type": "string"}, {"type": "string", "maxLength": 3}]},
    "oneOf-overlap-objects": {
        "type": "object",
        "properties": {"a": {"type": "string"}, "b": {"type": "string"}},
        "oneOf": [{"required": ["a"]}, {"required": ["b"]}],
    },
    "oneOf-discriminated": {
        "oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}]
    },
    "anyOf-with-siblings": {
        "type": "object",
        "properties": {"a": {"type": "integer"}, "b": {"type": "integer"}},
        "anyOf": [{"required": ["a"]}, {"required": ["b"]}],
    },
    "allOf-merge": {
        "allOf": [
            {"$ref": "#/components/schemas/Base"},
            {
                "type": "object",
                "required": ["extra"],
                "properties": {"extra": {"type": "integer", "maximum": 3}},
            },
        ]
    },
    "allOf-two-patterns": {
        "allOf": [{"type": "string", "pattern": "^[a-c]+$"}, {"pattern": "a", "minLength": 2}]
    },
    "allOf-bounds": {"allOf": [{"type": "integer", "minimum": 10}, {"maximum": 12}, {"type": "number"}]},
    "not-enum": {"type": "string", "not": {"enum": ["a", "b"]}},
    "not-null": {"not": {"type": "null"}},
    "not-even": {"type": "integer", "not": {"multipleOf": 2}},
    "nullable-ref": {"anyOf": [{"$ref": "#/components/schemas/Base"}, {"type": "null"}]},
    "ref-with-siblings": {"$ref": "#/components/schemas/Status", "description": "the status"},
    "recursive-tree": {"$ref": "#/components/schemas/Tree"},
    "recursive-chain": {"$ref": "#/components/schemas/Chain"},
    "recursive-nullable": {"$ref": "#/components/schemas/NullableChain"},
    "recursive-oneOf": {"$ref": "#/components/schemas/Expr"},
}


ZOO_DOC = {
    "openapi": "3.1.0",
    "info": {"title": "zoo", "version": "1"},
    "paths": {},
    "components": {"schemas": ZOO_COMPONENTS},
}


def zoo_spec() -> Spec:
    return Spec(source="zoo", doc=copy.deepcopy(ZOO_DOC), version="3.1")


ZOO_SPEC = zoo_spec()
ZOO_FAKE = FakeData(ZOO_SPEC)


@pytest.mark.parametrize("key", list(ZOO))
def test_zoo_values_are_valid(key: str) -> None:
    schema = ZOO[key]
    check = validator(ZOO_SPEC, schema)
    for seed in range(150):
        value = ZOO_FAKE.generate(schema, seed)
        errors = check(value)
        assert not errors, f"seed {seed}: {json.dumps(value)[:300]} -> {errors[:3]}"


def test_zoo_values_vary() -> None:
    for key in ("pattern-code", "recursive-tree", "oneOf-overlap-numbers", "object-map", "format-date-time"):
        values = {json.dumps(ZOO_FAKE.generate(ZOO[key], seed)) for seed in range(30)}
        assert len(values) > 5, key


def test_oneof_uses_every_branch_it_can() -> None:
    values = [ZOO_FAKE.generate(ZOO["oneOf-overlap-numbers"], seed) for seed in range(100)]
    assert all(not float(v).is_integer() for v in values)  # integers would match both branches
    kinds = {ZOO_FAKE.generate(ZOO["oneOf-discriminated"], seed)["kind"] for seed in range(50)}
    assert kinds == {"cat", "dog"}


# Two user shapes whose discriminating property is a free, optional string (GitHub's private-user /
# public-user): one branch named by the mapping, one only by its schema name, and an inline branch
# nothing can name. A base schema carries an embedded discriminator (no oneOf).
_USER = {"type": "object", "properties": {"login": {"type": "string"}, "view": {"type": "string"}}}
_PRIVATE = {
    "type": "object",
    "properties": {**_USER["properties"], "plan": {"type": "string"}},
    "required": ["login", "plan"],
}
DISCRIMINATED_DOC: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "users", "version": "1"},
    "paths": {},
    "components": {
        "schemas": {
            "private-user": _PRIVATE,
            "public-user": {**_USER, "additionalProperties": False},
            "Pet": {
                "type": "object",
                "properties": {"kind": {"type": "string"}},
                "discriminator": {"propertyName": "kind", "mapping": {"cat": "Cat", "dog": "Dog"}},
            },
            "one": {
                "oneOf": [
                    {"$ref": "#/components/schemas/private-user"},
                    {"$ref": "#/components/schemas/public-user"},
                ],
                "discriminator": {
                    "propertyName": "view",
                    "mapping": {"private": "#/components/schemas/private-user"},
                },
            },
            "any": {
                "anyOf": [{"$ref": "#/components/schemas/public-user"}, _USER],
                "discriminator": {"propertyName": "view"},
            },
        }
    },
}
DISCRIMINATED = parse_spec(json.dumps(DISCRIMINATED_DOC), "discriminated")


@pytest.mark.parametrize(
    ("name", "known"),
    [("one", {"private", "private-user", "public-user"}), ("any", {"public-user"}), ("Pet", {"cat", "dog"})],
)
def test_discriminated_values_name_a_known_schema(name: str, known: set[str]) -> None:
    """The discriminator property always holds a value the mapping or the implicit schema-name rule
    accepts (what schemathesis checks, and what the mock's own validator requires), and the value
    is still valid against the plain schema (``oneOf``: exactly one branch)."""
    fake = FakeData(DISCRIMINATED)
    schema = DISCRIMINATED.doc["components"]["schemas"][name]
    prop = DISCRIMINATED.doc["components"]["schemas"][name]["discriminator"]["propertyName"]
    values = [fake.generate(schema, seed) for seed in range(60)]
    for value in values:
        assert_valid(DISCRIMINATED, schema, value)
    named = {v[prop] for v in values}
    assert named <= known and len(named) >= min(2, len(known)), named  # known values, every branch


def test_an_example_naming_no_schema_is_not_served() -> None:
    schema = {
        **DISCRIMINATED.doc["components"]["schemas"]["one"],
        "example": {"login": "octocat", "plan": "pro", "view": "unknown"},
    }
    values = {FakeData(DISCRIMINATED).generate(schema, s, prefer_examples=True)["view"] for s in range(20)}
    assert values <= {"private", "private-user", "public-user"}


def test_nullable_prefers_the_value() -> None:
    values = [ZOO_FAKE.generate(ZOO["type-array"], seed) for seed in range(200)]
    assert 10 < sum(v is None for v in values) < 70


def test_recursion_is_capped() -> None:
    def depth(node: Any) -> int:
        return 1 + max((depth(c) for c in node["children"]), default=0)

    assert max(depth(ZOO_FAKE.generate(ZOO["recursive-tree"], seed)) for seed in range(50)) <= 8


def test_unsatisfiable_schemas_raise() -> None:
    for schema in (
        {"type": "string", "minLength": 3, "maxLength": 2},
        {"$ref": "#/components/schemas/Forever"},
        {"allOf": [{"type": "string"}, {"type": "integer"}]},
        {"enum": [1], "type": "string"},
    ):
        with pytest.raises(FakeDataError):
            ZOO_FAKE.generate(schema, 1)


# ---------------------------------------------------------------------------------------------
# Determinism


def test_same_arguments_same_value() -> None:
    other = FakeData(ZOO_SPEC)
    for key in ("recursive-tree", "object-map", "oneOf-overlap-objects", "format-uuid"):
        for seed in range(20):
            first = ZOO_FAKE.generate(ZOO[key], seed, name="thing")
            assert first == ZOO_FAKE.generate(ZOO[key], seed, name="thing")
            assert first == other.generate(json.loads(json.dumps(ZOO[key])), seed, name="thing")


def test_same_value_in_a_fresh_process() -> None:
    script = (
        "import json, sys\n"
        "sys.path.insert(0, sys.argv[1])\n"
        "from test_fakes import SPECS, FAKES\n"
        "spec = SPECS[0]\n"
        "out = {n: [FAKES[spec.source].generate(s, seed) for seed in range(5)]\n"
        "       for n, s in spec.doc['components']['schemas'].items()}\n"
        "print(json.dumps(out, sort_keys=True))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(Path(__file__).parent)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        timeout=300,
    )
    spec = SPECS[0]
    here = {
        n: [FAKES[spec.source].generate(s, seed) for seed in range(5)]
        for n, s in spec.doc["components"]["schemas"].items()
    }
    assert result.stdout.strip() == json.dumps(here, sort_keys=True)


def test_names_change_values() -> None:
    schema = {"type": "string"}
    assert ZOO_FAKE.generate(schema, 7, name="label") != ZOO_FAKE.generate(schema, 7, name="title")


def test_stable_seed() -> None:
    assert stable_seed("a", 1) == stable_seed("a", 1)
    assert stable_seed("a", 1) != stable_seed("a", "1") != stable_seed(1, "a")
    assert 0 <= stable_seed("x", None, 2.5) < 2**64
    assert stable_seed("spec", "op", 3) == 2106247336704492603  # pinned: must never change


# ---------------------------------------------------------------------------------------------
# Name hints


def hinted(name: str, schema: Any = None, seeds: range = range(50)) -> list[Any]:
    return [ZOO_FAKE.generate(schema or {"type": "string"}, seed, name=name) for seed in seeds]


def test_id_hints() -> None:
    expected = {
        "namespace_id": "ns_",
        "source_namespace_id": "ns_",
        "collection_id": "col_",
        "bucket_id": "bkt_",
        "org_id": "org_",
        "organization_id": "org_",
        "taxonomy_id": "tax_",
        "retriever_id": "ret_",
        "cluster_id": "iclstr_",
        "feature_extractor_id": "fe_",
        "migration_id": "mig_",
        "namespaceId": "ns_",
    }
    for name, prefix in expected.items():
        assert all(v.startswith(prefix) for v in hinted(name)), name
    assert all(uuid.UUID(v) for v in hinted("task_id"))
    assert all(re.fullmatch("[a-z0-9]{6,}", v) for v in hinted("internal_id") + hinted("id"))
    items = hinted("collection_ids", {"type": "array", "items": {"type": "string"}})
    assert all(v.startswith("col_") for value in items for v in value)


def test_text_hints() -> None:
    assert all(
        datetime.fromisoformat(v).tzinfo is not None for v in hinted("created_at") + hinted("run_date")
    )
    assert all(re.fullmatch(r"[^@\s]+@[^@\s]+\.[a-z]+", v) for v in hinted("email"))
    assert all(v.startswith("https://") for v in hinted("webhook_url") + hinted("image_url"))
    assert all(re.fullmatch(r"[a-z]+_[a-z]+_[a-z0-9]+", v) for v in hinted("namespace_name"))
    assert all(re.fullmatch(r"[a-z]+_\d{4}\.[a-z0-9]+", v) for v in hinted("file_name"))
    assert all(re.fullmatch(r"v\d+|\d+\.\d+\.\d+", v) for v in hinted("version"))
    assert all(v.isupper() for v in hinted("code"))
    assert all(v.endswith(".") and " " in v for v in hinted("description") + hinted("message"))
    assert all(" " in v for v in hinted("owner"))


def test_number_hints() -> None:
    assert all(
        0 <= v <= 250
        for v in hinted("total", {"type": "integer"}) + hinted("item_count", {"type": "integer"})
    )
    assert all(0 <= v <= 100 for v in hinted("progress_percent", {"type": "number"}))
    assert all(v >= 1024 for v in hinted("file_size", {"type": "integer"}))


def test_hints_never_override_the_schema() -> None:
    cases = [
        ("namespace_id", {"type": "string", "pattern": "^[0-9]+$"}),
        ("namespace_id", {"type": "string", "maxLength": 4}),
        ("namespace_id", {"type": "string", "format": "uuid"}),
        ("created_at", {"type": "integer", "minimum": 5}),
        ("created_at", {"type": "string", "format": "date"}),
        ("email", {"type": "string", "maxLength": 5}),
        ("total", {"type": "integer", "minimum": 1000}),
        ("total", {"type": "integer", "maximum": -10}),
        ("progress_percent", {"type": "number", "exclusiveMinimum": 100}),
        ("name", {"enum": ["x", "y"]}),
        ("file_size", {"type": "string", "pattern": "^[A-F]{4}$"}),
    ]
    for name, schema in cases:
        for value in hinted(name, schema):
            assert_valid(ZOO_SPEC, schema, value)


# ---------------------------------------------------------------------------------------------
# Examples


def test_prefer_examples_uses_valid_examples_only() -> None:
    good = {"type": "integer", "examples": [42], "default": 7}
    assert {ZOO_FAKE.generate(good, s, prefer_examples=True) for s in range(10)} == {42}
    bad = {"type": "integer", "maximum": 10, "examples": [42], "default": 99}
    assert all(ZOO_FAKE.generate(bad, s, prefer_examples=True) <= 10 for s in range(30))
    ref_default = {"$ref": "#/components/schemas/Status", "default": "b"}
    assert ZOO_FAKE.generate(ref_default, 3, prefer_examples=True) == "b"


def test_examples_are_sometimes_used_and_copied() -> None:
    schema = {"type": "object", "examples": [{"tags": ["a"]}], "properties": {"tags": {"type": "array"}}}
    values = [ZOO_FAKE.generate(schema, s) for s in range(100)]
    assert 5 < sum(v == {"tags": ["a"]} for v in values) < 50
    ZOO_FAKE.generate(schema, 1, prefer_examples=True)["tags"].append("mutated")
    assert schema["examples"] == [{"tags": ["a"]}]


def test_openapi_30_nullable_is_honoured() -> None:
    spec = parse_spec(
        json.dumps(
            {
                "openapi": "3.0.3",
                "info": {"title": "t", "version": "1"},
                "paths": {},
                "components": {"schemas": {"N": {"type": "string", "nullable": True, "example": "hi"}}},
            }
        )
    )
    fake = FakeData(spec)
    values = [fake.generate(spec.doc["components"]["schemas"]["N"], s) for s in range(100)]
    assert None in values and any(isinstance(v, str) for v in values)
    assert fake.generate(spec.doc["components"]["schemas"]["N"], 1, prefer_examples=True) == "hi"


# ---------------------------------------------------------------------------------------------
# Properties over generated schemas

bounds = st.one_of(st.none(), st.integers(-1000, 1000))


@settings(max_examples=150, deadline=None)
@given(
    low=bounds,
    high=bounds,
    exclusive=st.booleans(),
    multiple=st.sampled_from([None, 1, 3, 0.5, 0.25, 0.1]),
    kind=st.sampled_from(["integer", "number"]),
    seed=st.integers(0, 2**64 - 1),
)
def test_numeric_bounds_hold(
    low: int | None, high: int | None, exclusive: bool, multiple: float | None, kind: str, seed: int
) -> None:
    schema: dict[str, Any] = {"type": kind}
    if low is not None:
        schema["exclusiveMinimum" if exclusive else "minimum"] = low
    if high is not None:
        schema["maximum"] = high
    if multiple is not None:
        schema["multipleOf"] = multiple
    satisfiable = any(
        jsonschema.Draft202012Validator(schema).is_valid(v) for v in _candidates(low, high, multiple)
    )
    if not satisfiable:
        return
    assert_valid(ZOO_SPEC, schema, ZOO_FAKE.generate(schema, seed))


def _candidates(low: int | None, high: int | None, multiple: float | None) -> list[float]:
    start = (low if low is not None else (high or 0) - 50) - 1
    step = multiple or 1
    return [start + i * step for i in range(int(100 / step) + 1)]


@settings(max_examples=150, deadline=None)
@given(
    min_length=st.integers(0, 40),
    extra=st.integers(0, 10),
    seed=st.integers(0, 2**32),
    pattern=st.sampled_from([None, "^[a-z]+$", "[0-9]", r"^\w*$", "^(ab)*c?$", r"^[A-Z][a-z]*( [a-z]+)*$"]),
    name=st.sampled_from([None, "namespace_id", "description", "email", "created_at"]),
)
def test_string_lengths_and_patterns_hold(
    min_length: int, extra: int, seed: int, pattern: str | None, name: str | None
) -> None:
    schema: dict[str, Any] = {"type": "string", "minLength": min_length, "maxLength": min_length + extra}
    if pattern:
        schema["pattern"] = pattern
    if (pattern == "^(ab)*c?$" and extra < 2) or (pattern and pattern != r"^\w*$" and not min_length + extra):
        return  # unsatisfiable: (ab)*c? has no match of some lengths, the others none of length 0
    assert_valid(ZOO_SPEC, schema, ZOO_FAKE.generate(schema, seed, name=name))
