"""Checks on the bundled OpenAPI documents in spec/ (shipped as ``mockserver.bundled``)."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
import yaml
from jsonschema import Draft202012Validator
from openapi_spec_validator import OpenAPIV31SpecValidator
from spec_variants import as_docs_page

from tests.oracle import Document
from tests.seed_facts import seed_001_doc

SPEC_DIR = Path(__file__).resolve().parents[1] / "spec"
MIXPEEK = SPEC_DIR / "mixpeek.yaml"
MIXPEEK_DOCS = SPEC_DIR / "variants" / "mixpeek-docs.yaml"
HOSTING = SPEC_DIR / "hosting.yaml"
ALL_SPECS = [MIXPEEK, MIXPEEK_DOCS, HOSTING]

MIGRATIONS = "/v1/namespaces/migrations/list"
CLONE = "/v1/namespaces/{namespace_identifier}/clone"
COLLECTIONS = "/v1/collections/list"
EXPECTED_OPERATIONS = {
    MIXPEEK: {f"POST {MIGRATIONS}", f"POST {CLONE}", f"POST {COLLECTIONS}"},
    MIXPEEK_DOCS: {f"POST {MIGRATIONS}", f"POST {CLONE}", f"POST {COLLECTIONS}"},
    HOSTING: {"GET /api/migrations"},
}
HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
SCHEMA_BASE = "urn:specmock:doc"


def load(path: Path) -> dict[str, Any]:
    with path.open() as fh:
        doc: dict[str, Any] = yaml.safe_load(fh)
    return doc


def operations(doc: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in doc["paths"].items():
        for method, op in item.items():
            if method in HTTP_METHODS:
                yield method, path, op


def pointer(parts: tuple[Any, ...]) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def get_at(doc: Any, parts: tuple[Any, ...]) -> Any:
    for p in parts:
        doc = doc[p]
    return doc


def deref(doc: dict[str, Any], ref: str) -> Any:
    assert ref.startswith("#/"), f"non-local $ref {ref!r}"
    node: Any = doc
    for raw in ref[2:].split("/"):
        key = raw.replace("~1", "/").replace("~0", "~")
        assert isinstance(node, dict) and key in node, f"unresolvable $ref {ref!r}"
        node = node[key]
    return node


def resolve(doc: dict[str, Any], node: Any) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        node = deref(doc, node["$ref"])
    return node


def root_schemas(doc: dict[str, Any]) -> Iterator[tuple[tuple[Any, ...], dict[str, Any]]]:
    """Every top-level Schema Object of the document, with its location."""
    for name, schema in doc.get("components", {}).get("schemas", {}).items():
        yield ("components", "schemas", name), schema
    for path, item in doc["paths"].items():
        for method, op in item.items():
            if method not in HTTP_METHODS:
                continue
            base = ("paths", path, method)
            for i, param in enumerate(op.get("parameters", [])):
                if "schema" in param:
                    yield (*base, "parameters", i, "schema"), param["schema"]
            for mt, media in op.get("requestBody", {}).get("content", {}).items():
                yield (*base, "requestBody", "content", mt, "schema"), media["schema"]
            for code, resp in op["responses"].items():
                for mt, media in resp.get("content", {}).items():
                    yield (*base, "responses", code, "content", mt, "schema"), media["schema"]


def walk_schema(loc: tuple[Any, ...], schema: Any) -> Iterator[tuple[tuple[Any, ...], dict[str, Any]]]:
    """A schema and all its subschemas (through the JSON Schema keywords the specs use)."""
    if not isinstance(schema, dict):
        return
    yield loc, schema
    for name, sub in schema.get("properties", {}).items():
        yield from walk_schema((*loc, "properties", name), sub)
    for key in ("items", "additionalProperties", "propertyNames", "not"):
        if isinstance(schema.get(key), dict):
            yield from walk_schema((*loc, key), schema[key])
    for key in ("anyOf", "oneOf", "allOf", "prefixItems"):
        for i, sub in enumerate(schema.get(key, [])):
            yield from walk_schema((*loc, key, i), sub)


def all_schemas(doc: dict[str, Any]) -> Iterator[tuple[tuple[Any, ...], dict[str, Any]]]:
    for loc, schema in root_schemas(doc):
        yield from walk_schema(loc, schema)


def walk_values(node: Any, loc: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    yield loc, node
    if isinstance(node, dict):
        for k, v in node.items():
            yield from walk_values(v, (*loc, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from walk_values(v, (*loc, i))


def validator_for(doc: dict[str, Any], loc: tuple[Any, ...]) -> Callable[[Any], list[str]]:
    """What is wrong with a value against the schema at ``loc``: the oracle (tests/oracle.py),
    openapi-schema-validator in the document's dialect with its format checker."""
    document = Document(doc)
    return lambda value: document.errors(pointer(loc), value)


def differences(a: Any, b: Any, loc: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Paths at which two YAML documents differ (a key present on one side only counts once)."""
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(a.keys() | b.keys(), key=str):
            if key not in a or key not in b:
                yield (*loc, key)
            else:
                yield from differences(a[key], b[key], (*loc, key))
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            yield from differences(x, y, (*loc, i))
    elif type(a) is not type(b) or a != b:
        yield loc


# --------------------------------------------------------------------------- validity / loading


@pytest.mark.parametrize("path", ALL_SPECS, ids=lambda p: p.name)
def test_valid_openapi_3_1(path: Path) -> None:
    doc = load(path)
    assert doc["openapi"] == "3.1.0"
    OpenAPIV31SpecValidator(doc).validate()


@pytest.mark.parametrize("path", ALL_SPECS, ids=lambda p: p.name)
def test_schemathesis_loads_and_lists_operations(path: Path) -> None:
    schema = schemathesis.openapi.from_path(str(path))
    labels = {result.ok().label for result in schema.get_all_operations()}
    assert labels == EXPECTED_OPERATIONS[path]


@pytest.mark.parametrize("path", ALL_SPECS, ids=lambda p: p.name)
def test_every_ref_resolves(path: Path) -> None:
    doc = load(path)
    refs = [
        (loc, node["$ref"]) for loc, node in walk_values(doc) if isinstance(node, dict) and "$ref" in node
    ]
    assert refs
    for loc, ref in refs:
        assert isinstance(ref, str), pointer(loc)
        target = deref(doc, ref)
        assert isinstance(target, dict), f"{pointer(loc)}: {ref} is not an object"


@pytest.mark.parametrize("path", ALL_SPECS, ids=lambda p: p.name)
def test_schema_examples_validate(path: Path) -> None:
    doc = load(path)
    checked = 0
    for loc, schema in all_schemas(doc):
        examples = schema.get("examples")
        if examples is None:
            continue
        assert isinstance(examples, list) and examples, pointer(loc)
        validator = validator_for(doc, loc)
        for example in examples:
            errors = validator(example)
            assert not errors, f"{pointer(loc)}: example {example!r}: {errors}"
            checked += 1
    assert checked


@pytest.mark.parametrize("path", ALL_SPECS, ids=lambda p: p.name)
def test_media_type_examples_validate(path: Path) -> None:
    doc = load(path)
    for method, api_path, op in operations(doc):
        for code, resp in op["responses"].items():
            for mt, media in resp.get("content", {}).items():
                loc = ("paths", api_path, method, "responses", code, "content", mt, "schema")
                validator = validator_for(doc, loc)
                values = [ex["value"] for ex in media.get("examples", {}).values()]
                if "example" in media:
                    values.append(media["example"])
                for value in values:
                    errors = validator(value)
                    assert not errors, f"{method} {api_path} {code}: {errors}"


@pytest.mark.parametrize("path", ALL_SPECS, ids=lambda p: p.name)
def test_no_docs_placeholders_copied(path: Path) -> None:
    doc = load(path)
    for loc, value in walk_values(doc):
        assert value not in ("<string>", "<unknown>", "<authorization>"), pointer(loc)
    for loc, schema in all_schemas(doc):
        for example in schema.get("examples", []):
            assert example != "string", f"{pointer(loc)}: placeholder example"


@pytest.mark.parametrize("path", ALL_SPECS, ids=lambda p: p.name)
def test_every_property_is_typed(path: Path) -> None:
    doc = load(path)

    def typed(s: dict[str, Any]) -> bool:
        return "type" in s or "$ref" in s

    for loc, schema in all_schemas(doc):
        for name, prop in schema.get("properties", {}).items():
            where = pointer((*loc, "properties", name))
            if "anyOf" in prop and "type" not in prop:
                assert all(typed(branch) for branch in prop["anyOf"]), where
            else:
                assert typed(prop), where


# --------------------------------------------------------------------------- mixpeek


@pytest.mark.parametrize("path", [MIXPEEK, MIXPEEK_DOCS], ids=lambda p: p.name)
def test_mixpeek_security_and_error_responses(path: Path) -> None:
    doc = load(path)
    scheme = doc["components"]["securitySchemes"]["bearerAuth"]
    assert scheme["type"] == "http"
    assert scheme["scheme"] == "bearer"
    assert scheme["description"].startswith(
        "Bearer token authentication using your API key. Format: 'Bearer sk_xxxxxxxxxxxxx'"
    )
    ops = list(operations(doc))
    assert len(ops) == 3
    for method, api_path, op in ops:
        label = f"{method.upper()} {api_path}"
        assert op["security"] == [{"bearerAuth": []}], label
        names = {p["name"].lower() for p in op.get("parameters", [])}
        assert "authorization" not in names, label
        expected = {
            "400": "ErrorResponse",
            "401": "ErrorResponse",
            "403": "ErrorResponse",
            "404": "ErrorResponse",
            "422": "HTTPValidationError",
            "500": "ErrorResponse",
        }
        if api_path == CLONE:
            expected["409"] = "ErrorResponse"
        assert set(op["responses"]) == {"200", *expected}, label
        for code, schema_name in expected.items():
            ref = op["responses"][code]["content"]["application/json"]["schema"]["$ref"]
            assert ref == f"#/components/schemas/{schema_name}", f"{label} {code}"
        if api_path != MIGRATIONS:
            example = op["responses"]["404"]["content"]["application/json"]["examples"]["NotFound"]["value"]
            assert example == doc["components"]["schemas"]["ErrorResponse"]["examples"][0]
            assert example["error"]["message"] == "Namespace not found"


# Where mixpeek.yaml departs from 001 on purpose: 001 points ValidationResult's lists at FastAPI's
# ``ValidationError`` (a name collision, see spec/README.md), and the 200 carries workflow links.
PREFLIGHT = "#/components/schemas/MigrationValidationError"


def test_migrations_list_is_verbatim_from_openapi_seed() -> None:
    seed = seed_001_doc()
    doc = load(MIXPEEK)
    for name, schema in seed["components"]["schemas"].items():
        ours = doc["components"]["schemas"][name]
        if name == "ValidationResult":
            ours = copy.deepcopy(ours)
            for key in ("errors", "warnings"):
                assert ours["properties"][key]["items"] == {"$ref": PREFLIGHT}
                ours["properties"][key]["items"] = {"$ref": "#/components/schemas/ValidationError"}
        assert ours == schema, name
    op = copy.deepcopy(doc["paths"][MIGRATIONS]["post"])
    assert op.pop("security") == [{"bearerAuth": []}]
    assert set(op["responses"]["200"].pop("links")) == {"CloneListedNamespace"}
    assert op == seed["paths"][MIGRATIONS]["post"]
    assert doc["info"] == seed["info"]
    assert doc["servers"] == seed["servers"]


def test_collections_list_parameters_and_body() -> None:
    doc = load(MIXPEEK)
    op = doc["paths"][COLLECTIONS]["post"]
    params = {(p["in"], p["name"]): p for p in op["parameters"]}
    header = params[("header", "X-Namespace")]
    assert header["required"] is True
    assert header["schema"]["type"] == "string"
    assert header["schema"]["examples"] == ["ns_abc123def456", "production", "my-namespace"]
    for name in ("limit", "offset"):
        assert params[("query", name)]["schema"]["type"] == ["integer", "null"]
        assert params[("query", name)].get("required", False) is False
    schemas = doc["components"]["schemas"]
    assert op["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/ListCollectionsRequest"
    )
    request = schemas["ListCollectionsRequest"]["properties"]
    assert request["case_sensitive"] == {**request["case_sensitive"], "type": "boolean", "default": False}
    assert set(schemas["Filters"]["properties"]) == {"AND", "OR"}
    assert schemas["SortOption"]["properties"]["direction"]["enum"] == ["asc", "desc"]
    response = schemas["ListCollectionsResponse"]
    assert response["required"] == ["results", "pagination", "total_count"]
    pagination = schemas["PaginationResponse"]["properties"]
    assert pagination["next_page"]["type"] == pagination["previous_page"]["type"] == ["string", "null"]


def test_clone_request_and_response() -> None:
    doc = load(MIXPEEK)
    op = doc["paths"][CLONE]["post"]
    (param,) = op["parameters"]
    assert (param["name"], param["in"], param["required"]) == ("namespace_identifier", "path", True)
    schemas = doc["components"]["schemas"]
    request = schemas["CloneNamespaceRequest"]
    assert request["required"] == ["namespace_name"]
    assert request["properties"]["namespace_name"]["minLength"] == 1
    defaults = {k: v["default"] for k, v in schemas["CloneNamespaceResourcesConfig"]["properties"].items()}
    assert defaults == {"collections": True, "retrievers": True, "taxonomies": False}
    response = schemas["CloneNamespaceResponse"]
    assert set(response["required"]) == {"namespace", "source_namespace_id"}
    status = response["properties"]["status"]
    assert (status["enum"], status["default"]) == (["cloning", "ready", "failed"], "cloning")
    infra = schemas["NamespaceInfrastructure"]
    assert infra["examples"][0]["ray_head_node_url"] == "ray://shared-cluster:10001"


def test_mixpeek_timestamps_are_date_time() -> None:
    doc = load(MIXPEEK)
    seen = 0
    for loc, schema in all_schemas(doc):
        for name, prop in schema.get("properties", {}).items():
            if name.endswith("_at") or name in {"last_schema_sync", "estimated_completion"}:
                branches = prop.get("anyOf", [prop])
                assert any(b.get("format") == "date-time" for b in branches), pointer((*loc, name))
                seen += 1
    assert seen >= 10


# Objects the docs show as free-form ({} or user-defined keys); every other object schema we
# reconstructed is closed.
FREE_FORM = {
    "vector_inference_map",
    "params",
    "parameters",
    "properties",
    "metadata",
    "input_mappings",
    "source_bucket_schemas",
}


def test_reconstructed_schemas_are_closed_except_free_form() -> None:
    seed = seed_001_doc()
    doc = load(MIXPEEK)
    new = {k: v for k, v in doc["components"]["schemas"].items() if k not in seed["components"]["schemas"]}
    assert len(new) >= 20
    for name, root in new.items():
        for loc, schema in walk_schema(("components", "schemas", name), root):
            types = schema.get("type")
            # "any JSON value" schemas (filter value, passthrough default) are not object schemas
            is_object = types in ("object", ["object", "null"])
            if not is_object:
                continue
            if "properties" in schema:
                assert schema.get("additionalProperties") in (False, True), pointer(loc)
                if schema.get("additionalProperties") is True:
                    assert loc[-2:] == ("taxonomy_applications", "items"), pointer(loc)
            elif loc[-1] == "items":
                assert loc[-2] in {"vector_indexes", "payload_indexes", "cluster_applications"}, pointer(loc)
            else:
                assert loc[-1] in FREE_FORM, pointer(loc)
                assert schema.get("additionalProperties") is True, pointer(loc)


def test_variant_differs_in_exactly_the_docs_changes() -> None:
    main, variant = load(MIXPEEK), load(MIXPEEK_DOCS)
    schemas = ("components", "schemas")
    found = set(differences(as_docs_page(main), variant))
    assert found == {
        (*schemas, "ListMigrationsResponse", "properties", "results"),
        (*schemas, "ListMigrationsResponse", "properties", "migrations"),
        (*schemas, "ListMigrationsResponse", "required", 0),
        (*schemas, "ListMigrationsRequest", "properties", "limit", "maximum"),
        (*schemas, "MigrationType", "enum"),
        (*schemas, "GetMigrationResponse", "properties", "task_id", "description"),
    }
    m, v = main["components"]["schemas"], variant["components"]["schemas"]
    assert "results" not in v["ListMigrationsResponse"]["properties"]
    assert v["ListMigrationsResponse"]["required"][0] == "migrations"
    results = {k: x for k, x in m["ListMigrationsResponse"]["properties"]["results"].items() if k != "title"}
    migrations = {
        k: x for k, x in v["ListMigrationsResponse"]["properties"]["migrations"].items() if k != "title"
    }
    assert results == migrations
    assert (
        m["ListMigrationsRequest"]["properties"]["limit"]["maximum"],
        v["ListMigrationsRequest"]["properties"]["limit"]["maximum"],
    ) == (1000, 100)
    assert m["MigrationType"]["enum"] == ["re_extract", "copy", "extend"]
    assert v["MigrationType"]["enum"] == ["re_extract", "copy"]
    # 000's own wording where it differs from 001's (the docs page lists "Celery task ID")
    assert v["GetMigrationResponse"]["properties"]["task_id"]["description"] == "Celery task ID"


def test_differences_helper_sees_nested_and_list_changes() -> None:
    a = {"x": {"y": [1, 2]}, "z": [1]}
    assert set(differences(a, {"x": {"y": [1, 3]}, "z": [1, 2]})) == {("x", "y", 1), ("z",)}
    assert set(differences(a, {"x": {}, "z": [True]})) == {("x", "y"), ("z", 0)}


# --------------------------------------------------------------------------- hosting


def test_hosting_operation() -> None:
    doc = load(HOSTING)
    scheme = doc["components"]["securitySchemes"]["X-Api-Token"]
    assert (scheme["type"], scheme["in"], scheme["name"]) == ("apiKey", "header", "X-Api-Token")
    op = doc["paths"]["/api/migrations"]["get"]
    assert op["security"] == [{"X-Api-Token": []}]
    params = {p["name"]: p for p in op["parameters"]}
    assert set(params) == {"customer_code", "status", "page", "per", "query"}
    assert all(p["in"] == "query" and not p.get("required", False) for p in params.values())
    assert "Admin only." in params["customer_code"]["description"]
    status = resolve(doc, params["status"]["schema"])
    assert status["enum"] == [
        "all",
        "validating",
        "to_schedule",
        "scheduled",
        "running",
        "failed",
        "completed_with_errors",
        "completed",
    ]
    for value in status["enum"]:
        assert f"`{value}` = " in params["status"]["description"]
    for name, default in (("page", 1), ("per", 25)):
        schema = params[name]["schema"]
        assert schema == {"type": "integer", "format": "int32", "default": default, "minimum": 1}
    migration = doc["components"]["schemas"]["Migration"]
    assert resolve(doc, migration["properties"]["status"])["enum"] == status["enum"][1:]
    for name in ("created_at", "updated_at", "first_execution_date", "second_execution_date", "from_date"):
        assert migration["properties"][name] == {"type": "string"}
    body = resolve(doc, op["responses"]["200"]["content"]["application/json"]["schema"])
    assert set(body["properties"]) == {"resources", "pagination"}
    pagination = resolve(doc, body["properties"]["pagination"])
    assert set(pagination["properties"]) == {"page", "per", "total", "total_pages"}
    assert "required" not in pagination
    assert Draft202012Validator(pagination).is_valid({})


def test_hosting_error_responses() -> None:
    doc = load(HOSTING)
    responses = doc["paths"]["/api/migrations"]["get"]["responses"]
    assert set(responses) == {"200", "401", "403", "404", "422"}
    messages = {"401": "Unauthorized", "403": "Forbidden", "404": "Not found", "422": "Validation failed"}
    for code, message in messages.items():
        media = responses[code]["content"]["application/json"]
        body = resolve(doc, media["schema"])
        assert body["required"] == ["message", "errors"]
        assert body["properties"]["message"]["type"] == "string"
        item = resolve(doc, body["properties"]["errors"]["items"])
        assert {k: v["type"] for k, v in item["properties"].items()} == {
            "field": "string",
            "description": "string",
        }
        (example,) = media["examples"].values()
        assert example["value"]["message"] == message
    validator = validator_for(doc, ("components", "schemas", "ErrorBody"))
    assert validator({"message": "Unauthorized"})
    assert validator({"message": "x", "errors": [{"field": "name"}]})
