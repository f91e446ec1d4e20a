from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from spec_variants import docs_page_spec

from contracts.diff.compare import diff_specs
from contracts.findings import Evidence
from oascore import Spec, load_spec, parse_spec

ROOT = Path(__file__).resolve().parent.parent
MIXPEEK = ROOT / "spec" / "mixpeek.yaml"
MIXPEEK_DOCS = ROOT / "spec" / "variants" / "mixpeek-docs.yaml"
BUNDLED = sorted([*ROOT.glob("spec/*.yaml"), *ROOT.glob("spec/variants/*.yaml")])

BASE: dict[str, Any] = yaml.safe_load(
    """
openapi: 3.1.0
info: {title: Items, version: "1"}
security: [{bearer: []}]
paths:
  /items/list:
    post:
      parameters:
        - {name: page, in: query, schema: {type: integer, minimum: 1}}
        - {name: X-Tenant, in: header, schema: {type: string, maxLength: 64}}
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/ListRequest'}
      responses:
        "200":
          description: ok
          headers:
            X-Request-Id: {schema: {type: string}}
          content:
            application/json:
              schema: {$ref: '#/components/schemas/ListResponse'}
        "422":
          description: invalid
          content:
            application/json:
              schema: {type: object, properties: {detail: {type: string}}}
  /items/{item_id}:
    get:
      parameters:
        - {name: item_id, in: path, required: true, schema: {type: string}}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Item'}
components:
  securitySchemes:
    bearer: {type: http, scheme: bearer}
  schemas:
    Kind: {type: string, enum: [re_extract, copy, extend]}
    ListRequest:
      type: object
      properties:
        limit: {type: integer, minimum: 1, maximum: 1000}
        kind: {$ref: '#/components/schemas/Kind'}
    Item:
      type: object
      required: [id, kind, status]
      properties:
        id: {type: string}
        kind: {$ref: '#/components/schemas/Kind'}
        status: {type: string, enum: [pending, done]}
        tags: {type: array, items: {type: string}}
    ListResponse:
      type: object
      required: [results, total]
      properties:
        results: {type: array, items: {$ref: '#/components/schemas/Item'}}
        total: {type: integer}
"""
)

Row = tuple[str, str, str, str, str, str]


def spec_of(change: Callable[[dict[str, Any]], object] | None = None) -> Spec:
    doc = copy.deepcopy(BASE)
    if change is not None:
        change(doc)
    return parse_spec(yaml.safe_dump(doc, sort_keys=False))


def schema(doc: dict[str, Any], name: str) -> dict[str, Any]:
    found: dict[str, Any] = doc["components"]["schemas"][name]
    return found


def list_op(doc: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = doc["paths"]["/items/list"]["post"]
    return found


def drift(change: Callable[[dict[str, Any]], object]) -> list[Row]:
    return [
        (f.operation, f.kind, f.location, f.expected, f.actual, f.severity)
        for f in diff_specs(spec_of(), spec_of(change))
    ]


LIST = "POST /items/list"
GET = "GET /items/{item_id}"


def test_identical_specs_have_no_drift() -> None:
    assert diff_specs(spec_of(), spec_of()) == []


def test_findings_carry_static_evidence() -> None:
    (finding,) = diff_specs(
        spec_of(), spec_of(lambda d: schema(d, "ListRequest")["properties"]["limit"].update(maximum=100))
    )
    assert finding.evidence == Evidence(note="static diff")
    assert finding.evidence.curl is None


def limit(doc: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = schema(doc, "ListRequest")["properties"]["limit"]
    return found


def test_request_max_lowered_is_bound_tighter() -> None:
    assert drift(lambda d: limit(d).update(maximum=100)) == [
        (LIST, "bound-tighter", "request.body.limit", "max 1000", "max 100", "breaking")
    ]


def test_request_min_lowered_is_bound_looser() -> None:
    assert drift(lambda d: limit(d).update(minimum=0)) == [
        (LIST, "bound-looser", "request.body.limit", "min 1", "min 0", "warning")
    ]


def test_two_tightened_bounds_at_one_location_are_one_finding() -> None:
    assert drift(lambda d: limit(d).update(minimum=5, maximum=100)) == [
        (LIST, "bound-tighter", "request.body.limit", "min 1, max 1000", "min 5, max 100", "breaking")
    ]


def test_bound_dropped_and_added() -> None:
    assert drift(lambda d: limit(d).pop("maximum")) == [
        (LIST, "bound-looser", "request.body.limit", "max 1000", "no max", "warning")
    ]
    assert drift(lambda d: schema(d, "Item")["properties"]["id"].update(maxLength=64)) == []


def test_shared_enum_narrowed_is_reported_once_at_the_request() -> None:
    assert drift(lambda d: schema(d, "Kind").update(enum=["re_extract", "copy"])) == [
        (
            LIST,
            "enum-narrowed",
            "request.body.kind",
            "re_extract, copy, extend",
            "re_extract, copy",
            "breaking",
        )
    ]


def test_shared_enum_widened_is_reported_once_at_the_request() -> None:
    assert drift(lambda d: schema(d, "Kind")["enum"].append("merge")) == [
        (
            LIST,
            "enum-widened",
            "request.body.kind",
            "re_extract, copy, extend",
            "re_extract, copy, extend, merge",
            "warning",
        )
    ]


def test_response_enum_widened_is_undeclared_and_narrowed_is_fine() -> None:
    def status(doc: dict[str, Any]) -> dict[str, Any]:
        found: dict[str, Any] = schema(doc, "Item")["properties"]["status"]
        return found

    assert drift(lambda d: status(d)["enum"].append("failed")) == [
        (
            LIST,
            "enum-undeclared",
            "response.body.results[].status",
            "pending, done",
            "pending, done, failed",
            "breaking",
        )
    ]
    assert drift(lambda d: status(d).update(enum=["done"])) == []


def test_response_type_change() -> None:
    assert drift(lambda d: schema(d, "ListResponse")["properties"]["total"].update(type="string")) == [
        (LIST, "type-mismatch", "response.body.total", "integer", "string", "breaking")
    ]


def test_renamed_response_field_is_one_finding() -> None:
    def rename(doc: dict[str, Any]) -> None:
        props = schema(doc, "ListResponse")["properties"]
        props["migrations"] = props.pop("results")
        schema(doc, "ListResponse")["required"] = ["migrations", "total"]

    assert drift(rename) == [
        (LIST, "field-renamed", "response.body.results", "results", "migrations", "breaking")
    ]


def test_rename_compares_array_items_structurally() -> None:
    def rename(doc: dict[str, Any]) -> None:
        props = schema(doc, "ListResponse")["properties"]
        props.pop("results")
        item = copy.deepcopy(schema(doc, "Item"))
        item["title"] = "An item, inlined"
        props["migrations"] = {"type": "array", "description": "renamed", "items": item}

    assert drift(rename) == [
        (LIST, "field-renamed", "response.body.results", "results", "migrations", "breaking")
    ]


def test_removed_field_with_an_unlike_new_one_is_missing_plus_undocumented() -> None:
    def change(doc: dict[str, Any]) -> None:
        props = schema(doc, "ListResponse")["properties"]
        props.pop("results")
        props["migrations"] = {"type": "array", "items": {"type": "string"}}

    assert drift(change) == [
        (LIST, "field-missing", "response.body.results", "required", "absent", "breaking"),
        (LIST, "field-undocumented", "response.body.migrations", "absent", "present", "warning"),
    ]


def test_optional_response_field_removed_is_fine_and_required_made_optional_is_a_warning() -> None:
    assert drift(lambda d: schema(d, "Item")["properties"].pop("tags")) == []
    assert drift(lambda d: schema(d, "ListResponse").update(required=["results"])) == [
        (LIST, "field-missing", "response.body.total", "required", "optional", "warning")
    ]


def test_new_response_field_is_undocumented_once_for_a_shared_component() -> None:
    assert drift(lambda d: schema(d, "Item")["properties"].update(owner={"type": "string"})) == [
        (LIST, "field-undocumented", "response.body.results[].owner", "absent", "present", "warning")
    ]


def test_request_field_made_required_or_added_required() -> None:
    assert drift(lambda d: schema(d, "ListRequest").update(required=["limit"])) == [
        (LIST, "bound-tighter", "request.body.limit", "optional", "required", "breaking")
    ]

    def add(doc: dict[str, Any]) -> None:
        schema(doc, "ListRequest")["properties"]["cursor"] = {"type": "string"}
        schema(doc, "ListRequest")["required"] = ["cursor"]

    assert drift(add) == [(LIST, "bound-tighter", "request.body.cursor", "absent", "required", "breaking")]
    assert drift(lambda d: schema(d, "ListRequest")["properties"].update(cursor={"type": "string"})) == []


def test_request_field_removed_or_renamed() -> None:
    assert drift(lambda d: schema(d, "ListRequest")["properties"].pop("limit")) == [
        (LIST, "field-missing", "request.body.limit", "present", "absent", "breaking")
    ]

    def rename(doc: dict[str, Any]) -> None:
        props = schema(doc, "ListRequest")["properties"]
        props["page_size"] = props.pop("limit")

    assert drift(rename) == [(LIST, "field-renamed", "request.body.limit", "limit", "page_size", "breaking")]


def test_request_type_change_is_one_finding() -> None:
    assert drift(lambda d: limit(d).update(type="string", maximum=5)) == [
        (LIST, "type-mismatch", "request.body.limit", "integer", "string", "breaking")
    ]


def test_parameters() -> None:
    def params(doc: dict[str, Any]) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = list_op(doc)["parameters"]
        return found

    assert drift(lambda d: params(d)[0]["schema"].update(minimum=2)) == [
        (LIST, "bound-tighter", "request.query.page", "min 1", "min 2", "breaking")
    ]
    assert drift(lambda d: params(d)[1]["schema"].update(maxLength=32)) == [
        (LIST, "bound-tighter", "request.header.x-tenant", "maxLength 64", "maxLength 32", "breaking")
    ]
    assert drift(lambda d: params(d)[0].update(required=True)) == [
        (LIST, "bound-tighter", "request.query.page", "optional", "required", "breaking")
    ]
    assert drift(lambda d: params(d).pop(0)) == [
        (LIST, "field-missing", "request.query.page", "present", "absent", "breaking")
    ]
    assert drift(lambda d: params(d).append({"name": "q", "in": "query", "required": True})) == [
        (LIST, "bound-tighter", "request.query.q", "absent", "required", "breaking")
    ]


def test_path_parameter_renamed_in_template_is_the_same_operation() -> None:
    def change(doc: dict[str, Any]) -> None:
        item = doc["paths"].pop("/items/{item_id}")
        item["get"]["parameters"][0]["name"] = "id"
        doc["paths"]["/items/{id}"] = item

    assert drift(change) == [
        (GET, "field-missing", "request.path.item_id", "present", "absent", "breaking"),
        (GET, "bound-tighter", "request.path.id", "absent", "required", "breaking"),
    ]


def test_operation_removed_and_added() -> None:
    def change(doc: dict[str, Any]) -> None:
        doc["paths"]["/items/{item_id}"]["delete"] = doc["paths"]["/items/{item_id}"].pop("get")

    assert drift(change) == [
        (GET, "field-missing", "paths", "GET /items/{item_id}", "absent", "breaking"),
        (
            "DELETE /items/{item_id}",
            "field-undocumented",
            "paths",
            "absent",
            "DELETE /items/{item_id}",
            "warning",
        ),
    ]


def test_security_removed_and_added() -> None:
    assert drift(lambda d: list_op(d).update(security=[])) == [
        (LIST, "auth-not-enforced", "request.header.authorization", "bearer", "none", "breaking")
    ]
    assert drift(lambda d: list_op(d).update(security=[{}, {"bearer": []}])) == [
        (LIST, "auth-not-enforced", "request.header.authorization", "bearer", "none", "breaking")
    ]

    def key_auth(doc: dict[str, Any]) -> None:
        doc["components"]["securitySchemes"]["key"] = {"type": "apiKey", "in": "header", "name": "X-Api-Key"}
        list_op(doc)["security"] = [{"key": []}]

    assert drift(key_auth) == [
        (LIST, "bound-tighter", "request.header.x-api-key", "bearer", "key", "breaking")
    ]
    old = spec_of(lambda d: d.pop("security"))
    new = spec_of(lambda d: (d.pop("security"), list_op(d).update(security=[{"bearer": []}])))
    assert [(f.kind, f.location, f.expected, f.actual) for f in diff_specs(old, new)] == [
        ("bound-tighter", "request.header.authorization", "none", "bearer")
    ]


def test_content_types() -> None:
    def request_type(doc: dict[str, Any]) -> None:
        content = list_op(doc)["requestBody"]["content"]
        content["application/x-www-form-urlencoded"] = content.pop("application/json")

    assert drift(request_type) == [
        (
            LIST,
            "content-type-mismatch",
            "request.header.content-type",
            "application/json",
            "application/x-www-form-urlencoded",
            "breaking",
        )
    ]

    def response_type(doc: dict[str, Any]) -> None:
        content = list_op(doc)["responses"]["200"]["content"]
        content["text/csv"] = {"schema": {"type": "string"}}

    assert drift(response_type) == [
        (
            LIST,
            "content-type-mismatch",
            "response.header.content-type",
            "application/json",
            "application/json, text/csv",
            "breaking",
        )
    ]


def test_status_codes_and_headers() -> None:
    def status(doc: dict[str, Any]) -> None:
        list_op(doc)["responses"]["404"] = {"description": "missing"}

    assert drift(status) == [
        (LIST, "status-undocumented", "response.status", "200, 422", "200, 404, 422", "warning")
    ]
    assert drift(lambda d: list_op(d)["responses"]["200"].pop("headers")) == [
        (LIST, "header-mismatch", "response.header.x-request-id", "present", "absent", "breaking")
    ]

    def header(doc: dict[str, Any]) -> dict[str, Any]:
        found: dict[str, Any] = list_op(doc)["responses"]["200"]["headers"]["X-Request-Id"]
        return found

    assert drift(lambda d: header(d).update(schema={"type": "integer"})) == [
        (LIST, "type-mismatch", "response.header.x-request-id", "string", "integer", "breaking")
    ]


def test_nullable_wrappers() -> None:
    def nullable(maximum: int, null: bool) -> Callable[[dict[str, Any]], None]:
        def change(doc: dict[str, Any]) -> None:
            branches: list[dict[str, Any]] = [{"type": "integer", "minimum": 1, "maximum": maximum}]
            if null:
                branches.append({"type": "null"})
            schema(doc, "ListRequest")["properties"]["limit"] = {"anyOf": branches} if null else branches[0]

        return change

    old, new = spec_of(nullable(1000, True)), spec_of(nullable(100, True))
    assert [(f.kind, f.location, f.expected, f.actual) for f in diff_specs(old, new)] == [
        ("bound-tighter", "request.body.limit", "max 1000", "max 100")
    ]
    assert [(f.kind, f.expected, f.actual) for f in diff_specs(old, spec_of(nullable(1000, False)))] == [
        ("type-mismatch", "integer | null", "integer")
    ]


def test_all_of_is_merged() -> None:
    def split(doc: dict[str, Any]) -> None:
        response = schema(doc, "ListResponse")
        doc["components"]["schemas"]["Page"] = {
            "type": "object",
            "required": ["total"],
            "properties": {"total": response["properties"].pop("total")},
        }
        response["required"] = ["results"]
        doc["components"]["schemas"]["ListResponse"] = {
            "allOf": [{"$ref": "#/components/schemas/Page"}, response]
        }

    assert drift(split) == []
    assert diff_specs(spec_of(split), spec_of(split)) == []


def test_one_cause_across_operations_and_recursion() -> None:
    def tree(doc: dict[str, Any]) -> None:
        item = schema(doc, "Item")
        item["properties"]["children"] = {"type": "array", "items": {"$ref": "#/components/schemas/Item"}}

    def tree_changed(doc: dict[str, Any]) -> None:
        tree(doc)
        schema(doc, "Item")["properties"]["status"]["enum"].append("failed")

    findings = diff_specs(spec_of(tree), spec_of(tree_changed))
    assert [(f.operation, f.kind, f.location) for f in findings] == [
        (LIST, "enum-undeclared", "response.body.results[].status")
    ]


def test_openapi_30_nullable() -> None:
    def as_30(doc: dict[str, Any]) -> None:
        doc["openapi"] = "3.0.3"
        schema(doc, "ListResponse")["properties"]["total"]["nullable"] = True

    old = spec_of(lambda d: d.update(openapi="3.0.3"))
    assert [(f.kind, f.expected, f.actual) for f in diff_specs(old, spec_of(as_30))] == [
        ("type-mismatch", "integer", "integer | null")
    ]


def test_mixpeek_docs_drift(tmp_path: Path) -> None:
    """The docs page against mixpeek.yaml without API 0.82's additions: the three documented changes."""
    findings = diff_specs(load_spec(docs_page_spec(tmp_path)), load_spec(MIXPEEK_DOCS))
    assert sorted(
        (f.operation, f.kind, f.location, f.expected, f.actual, f.severity) for f in findings
    ) == sorted(
        [
            (
                "POST /v1/namespaces/migrations/list",
                "field-renamed",
                "response.body.results",
                "results",
                "migrations",
                "breaking",
            ),
            (
                "POST /v1/namespaces/migrations/list",
                "bound-tighter",
                "request.body.limit",
                "max 1000",
                "max 100",
                "breaking",
            ),
            (
                "POST /v1/namespaces/migrations/list",
                "enum-narrowed",
                "request.body.migration_type",
                "re_extract, copy, extend",
                "re_extract, copy",
                "breaking",
            ),
        ]
    )


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.name)
def test_bundled_spec_against_itself(path: Path) -> None:
    assert diff_specs(load_spec(path), load_spec(path)) == []
