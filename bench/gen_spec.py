"""A deterministic, realistic OpenAPI 3.1 spec with N operations (default 500), for start-up benches.

The spec looks like a large SaaS API split into domains (billing, crm, inventory …), each with
resources that have the usual eight operations::

    GET    /v1/{domain}/{resources}                     list: page/limit/status/sort/q/created_after
    POST   /v1/{domain}/{resources}                     create: a $ref'd Create body, 201
    GET    /v1/{domain}/{resources}/{id}                by id (uuid path parameter), 404
    PUT    /v1/{domain}/{resources}/{id}                replace: the Create body
    PATCH  /v1/{domain}/{resources}/{id}                update: every field optional
    DELETE /v1/{domain}/{resources}/{id}                204
    GET    /v1/{domain}/{resources}/{id}/events         a sub-list (cursor pagination)
    POST   /v1/{domain}/{resources}/{id}/archive        an action with a small body

Every resource has its own component schemas (resource, create, update, list, line item) with
nested objects ($ref'd ``Owner`` → ``Address``, ``Money``), arrays, enums, ``date-time`` / ``uuid``
/ ``email`` / ``uri`` formats, patterns, bounds, nullable fields and required lists; shared
parameters and error responses are ``$ref``'d from ``components`` as in real specs; every
operation documents 400/401/404/422 with an ``Error`` schema and needs a bearer token. The same
``operations`` always gives the same document (no randomness beyond a seeded ``Random``).

    python bench/gen_spec.py --operations 500 -o /tmp/api-500.yaml
    from bench.gen_spec import generate_spec; doc = generate_spec(500)
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path
from typing import Any

DOMAINS = (
    "billing", "crm", "inventory", "shipping", "analytics", "support", "hr", "marketing",
    "identity", "catalog", "payments", "content",
)  # fmt: skip
NOUNS = (
    ("invoice", "invoices"), ("customer", "customers"), ("order", "orders"), ("product", "products"),
    ("shipment", "shipments"), ("ticket", "tickets"), ("employee", "employees"),
    ("campaign", "campaigns"), ("account", "accounts"), ("subscription", "subscriptions"),
    ("warehouse", "warehouses"), ("report", "reports"), ("contract", "contracts"),
    ("vendor", "vendors"), ("asset", "assets"), ("project", "projects"), ("team", "teams"),
    ("webhook", "webhooks"), ("coupon", "coupons"), ("refund", "refunds"), ("dashboard", "dashboards"),
)  # fmt: skip
STATUS_SETS = (
    ["draft", "open", "paid", "void", "uncollectible"],
    ["active", "inactive", "suspended"],
    ["pending", "processing", "shipped", "delivered", "cancelled"],
    ["new", "in_progress", "resolved", "closed"],
    ["scheduled", "running", "completed", "failed"],
)
CURRENCIES = ["USD", "EUR", "GBP", "JPY", "CAD", "AUD"]
COUNTRIES = ["US", "GB", "DE", "FR", "JP", "CA", "AU", "NL"]
OPS_PER_RESOURCE = 8


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _camel(*words: str) -> str:
    return "".join(w[:1].upper() + w[1:] for word in words for w in word.split("_"))


def _shared_components() -> dict[str, Any]:
    schemas: dict[str, Any] = {
        "Address": {
            "type": "object",
            "required": ["line1", "city", "country"],
            "properties": {
                "line1": {"type": "string", "minLength": 1, "maxLength": 200},
                "line2": {"type": ["string", "null"], "maxLength": 200},
                "city": {"type": "string", "minLength": 1, "maxLength": 100},
                "postal_code": {"type": "string", "pattern": "^[0-9A-Z -]{3,10}$"},
                "country": {"type": "string", "enum": COUNTRIES},
            },
        },
        "Owner": {
            "type": "object",
            "required": ["id", "email"],
            "properties": {
                "id": {"type": "string", "format": "uuid"},
                "name": {"type": "string", "maxLength": 120},
                "email": {"type": "string", "format": "email"},
                "address": _ref("Address"),
            },
        },
        "Money": {
            "type": "object",
            "required": ["amount", "currency"],
            "properties": {
                "amount": {"type": "integer", "minimum": 0, "maximum": 100_000_000},
                "currency": {"type": "string", "enum": CURRENCIES},
            },
        },
        "Pagination": {
            "type": "object",
            "required": ["page", "limit", "total"],
            "properties": {
                "page": {"type": "integer", "minimum": 1},
                "limit": {"type": "integer", "minimum": 1, "maximum": 100},
                "total": {"type": "integer", "minimum": 0},
                "has_more": {"type": "boolean"},
            },
        },
        "Event": {
            "type": "object",
            "required": ["id", "type", "created_at"],
            "properties": {
                "id": {"type": "string", "format": "uuid"},
                "type": {"type": "string", "enum": ["created", "updated", "archived", "deleted"]},
                "created_at": {"type": "string", "format": "date-time"},
                "actor": _ref("Owner"),
                "changes": {"type": "object", "additionalProperties": {"type": "string"}},
            },
        },
        "EventList": {
            "type": "object",
            "required": ["data", "next_cursor"],
            "properties": {
                "data": {"type": "array", "items": _ref("Event"), "maxItems": 50},
                "next_cursor": {"type": ["string", "null"]},
            },
        },
        "ArchiveRequest": {
            "type": "object",
            "required": ["reason"],
            "properties": {
                "reason": {"type": "string", "enum": ["duplicate", "obsolete", "requested", "other"]},
                "comment": {"type": "string", "maxLength": 500},
                "notify": {"type": "boolean", "default": False},
            },
            "additionalProperties": False,
        },
        "Error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string", "examples": ["not_found"]},
                "message": {"type": "string"},
                "request_id": {"type": "string", "format": "uuid"},
                "details": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["field", "issue"],
                        "properties": {"field": {"type": "string"}, "issue": {"type": "string"}},
                    },
                },
            },
        },
    }
    parameters = {
        "Page": {
            "name": "page", "in": "query", "description": "1-based page number",
            "schema": {"type": "integer", "minimum": 1, "default": 1},
        },
        "Limit": {
            "name": "limit", "in": "query", "description": "page size",
            "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 20},
        },
        "CreatedAfter": {
            "name": "created_after", "in": "query", "schema": {"type": "string", "format": "date-time"},
        },
        "Search": {"name": "q", "in": "query", "schema": {"type": "string", "maxLength": 200}},
        "Cursor": {"name": "cursor", "in": "query", "schema": {"type": "string"}},
        "RequestId": {
            "name": "X-Request-Id", "in": "header", "required": False,
            "schema": {"type": "string", "format": "uuid"},
        },
    }  # fmt: skip
    error = {"content": {"application/json": {"schema": _ref("Error")}}}
    responses = {
        "BadRequest": {"description": "Malformed request", **error},
        "Unauthorized": {"description": "Missing or invalid bearer token", **error},
        "NotFound": {"description": "No such resource", **error},
        "Unprocessable": {"description": "Validation failed", **error},
    }
    return {
        "schemas": schemas,
        "parameters": parameters,
        "responses": responses,
        "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
    }


def _resource_schemas(name: str, rng: random.Random) -> tuple[dict[str, Any], list[str]]:
    """The component schemas of one resource, and its status enum."""
    statuses = rng.choice(STATUS_SETS)
    line = {
        "type": "object",
        "required": ["sku", "quantity"],
        "properties": {
            "sku": {"type": "string", "pattern": "^[A-Z]{3}-[0-9]{4}$"},
            "quantity": {"type": "integer", "minimum": 1, "maximum": 1000},
            "unit_price": _ref("Money"),
            "description": {"type": "string", "maxLength": 300},
        },
    }
    writable: dict[str, Any] = {
        "name": {"type": "string", "minLength": 1, "maxLength": 120},
        "description": {"type": ["string", "null"], "maxLength": 2000},
        "status": {"type": "string", "enum": statuses},
        "email": {"type": "string", "format": "email"},
        "website": {"type": "string", "format": "uri"},
        "priority": {"type": "integer", "minimum": 1, "maximum": 5},
        "score": {"type": "number", "minimum": 0, "maximum": 1},
        "tags": {"type": "array", "items": {"type": "string", "maxLength": 32}, "maxItems": 10},
        "metadata": {"type": "object", "additionalProperties": {"type": "string", "maxLength": 500}},
        "owner": _ref("Owner"),
        "total": _ref("Money"),
        "lines": {"type": "array", "items": _ref(f"{name}Line"), "maxItems": 20},
    }
    # Not every resource has every field, as in real APIs.
    optional = ["email", "website", "score", "metadata", "total", "lines"]
    dropped = set(rng.sample(optional, k=rng.randint(0, 3)))
    fields = {k: v for k, v in writable.items() if k not in dropped}
    required_create = [k for k in ("name", "status", "owner") if k in fields]
    resource = {
        "type": "object",
        "description": f"A {name}.",
        "required": ["id", "created_at", "updated_at", *required_create],
        "properties": {
            "id": {"type": "string", "format": "uuid", "readOnly": True},
            "object": {"type": "string", "const": name.lower()},
            **fields,
            "created_at": {"type": "string", "format": "date-time", "readOnly": True},
            "updated_at": {"type": "string", "format": "date-time", "readOnly": True},
            "archived": {"type": "boolean"},
        },
    }
    create = {
        "type": "object",
        "required": required_create,
        "properties": dict(fields),
        "additionalProperties": False,
    }
    update = {"type": "object", "properties": dict(fields), "additionalProperties": False, "minProperties": 1}
    listing = {
        "type": "object",
        "required": ["data", "pagination"],
        "properties": {
            "data": {"type": "array", "items": _ref(name), "maxItems": 100},
            "pagination": _ref("Pagination"),
        },
    }
    schemas = {
        name: resource,
        f"{name}Create": create,
        f"{name}Update": update,
        f"{name}List": listing,
        f"{name}Line": line,
    }
    return schemas, statuses


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"content": {"application/json": {"schema": schema}}}


def _errors(*codes: str) -> dict[str, Any]:
    names = {"400": "BadRequest", "401": "Unauthorized", "404": "NotFound", "422": "Unprocessable"}
    return {code: {"$ref": f"#/components/responses/{names[code]}"} for code in codes}


def _resource_operations(
    domain: str, singular: str, plural: str, name: str, statuses: list[str]
) -> list[tuple[str, str, dict[str, Any]]]:
    base = f"/v1/{domain}/{plural}"
    item = f"{base}/{{{singular}_id}}"
    tag = f"{domain}.{plural}"
    oid = f"{domain}_{singular}"
    id_param = {
        "name": f"{singular}_id",
        "in": "path",
        "required": True,
        "description": f"The {singular}'s id",
        "schema": {"type": "string", "format": "uuid"},
    }
    page = [{"$ref": "#/components/parameters/Page"}, {"$ref": "#/components/parameters/Limit"}]
    request_id = {"$ref": "#/components/parameters/RequestId"}
    list_params = [
        *page,
        {"name": "status", "in": "query", "schema": {"type": "string", "enum": statuses}},
        {
            "name": "sort",
            "in": "query",
            "schema": {"type": "string", "enum": ["created_at", "-created_at", "name", "-name"]},
        },
        {"$ref": "#/components/parameters/Search"},
        {"$ref": "#/components/parameters/CreatedAfter"},
        {
            "name": "tags",
            "in": "query",
            "style": "form",
            "explode": True,
            "schema": {"type": "array", "items": {"type": "string"}, "maxItems": 10},
        },
        request_id,
    ]
    ok = {"200": {"description": "OK", **_json(_ref(name))}}
    return [
        ("get", base, {
            "operationId": f"list_{domain}_{plural}", "summary": f"List {plural}", "tags": [tag],
            "parameters": list_params,
            "responses": {"200": {"description": "A page of results", **_json(_ref(f"{name}List"))},
                          **_errors("400", "401", "422")},
        }),
        ("post", base, {
            "operationId": f"create_{oid}", "summary": f"Create a {singular}", "tags": [tag],
            "parameters": [request_id],
            "requestBody": {"required": True, **_json(_ref(f"{name}Create"))},
            "responses": {"201": {"description": "Created", **_json(_ref(name)),
                                  "headers": {"Location": {"schema": {"type": "string", "format": "uri"}}}},
                          **_errors("400", "401", "422")},
        }),
        ("get", item, {
            "operationId": f"get_{oid}", "summary": f"Get a {singular}", "tags": [tag],
            "parameters": [id_param], "responses": {**ok, **_errors("401", "404", "422")},
        }),
        ("put", item, {
            "operationId": f"replace_{oid}", "summary": f"Replace a {singular}", "tags": [tag],
            "parameters": [id_param], "requestBody": {"required": True, **_json(_ref(f"{name}Create"))},
            "responses": {**ok, **_errors("400", "401", "404", "422")},
        }),
        ("patch", item, {
            "operationId": f"update_{oid}", "summary": f"Update a {singular}", "tags": [tag],
            "parameters": [id_param], "requestBody": {"required": True, **_json(_ref(f"{name}Update"))},
            "responses": {**ok, **_errors("400", "401", "404", "422")},
        }),
        ("delete", item, {
            "operationId": f"delete_{oid}", "summary": f"Delete a {singular}", "tags": [tag],
            "parameters": [id_param],
            "responses": {"204": {"description": "Deleted"}, **_errors("401", "404", "422")},
        }),
        ("get", f"{item}/events", {
            "operationId": f"list_{oid}_events", "summary": f"A {singular}'s events", "tags": [tag],
            "parameters": [id_param, {"$ref": "#/components/parameters/Cursor"},
                           {"$ref": "#/components/parameters/Limit"}],
            "responses": {"200": {"description": "Events, newest first", **_json(_ref("EventList"))},
                          **_errors("401", "404", "422")},
        }),
        ("post", f"{item}/archive", {
            "operationId": f"archive_{oid}", "summary": f"Archive a {singular}", "tags": [tag],
            "parameters": [id_param],
            "requestBody": {"required": True, **_json(_ref("ArchiveRequest"))},
            "responses": {**ok, **_errors("400", "401", "404", "422")},
        }),
    ]  # fmt: skip


def generate_spec(operations: int = 500, *, seed: int = 0) -> dict[str, Any]:
    """An OpenAPI 3.1 document with exactly ``operations`` operations."""
    if operations < 1:
        raise ValueError("operations must be at least 1")
    rng = random.Random(seed)
    components = _shared_components()
    paths: dict[str, dict[str, Any]] = {}
    count = 0
    resources = [(d, s, p) for s, p in NOUNS for d in DOMAINS]
    if operations > len(resources) * OPS_PER_RESOURCE:
        raise ValueError(f"at most {len(resources) * OPS_PER_RESOURCE} operations")
    for domain, singular, plural in resources:
        if count >= operations:
            break
        name = _camel(domain, singular)
        schemas, statuses = _resource_schemas(name, rng)
        components["schemas"].update(schemas)
        for method, path, op in _resource_operations(domain, singular, plural, name, statuses):
            if count >= operations:
                break
            paths.setdefault(path, {})[method] = op
            count += 1
    tags = sorted({t for item in paths.values() for op in item.values() for t in op["tags"]})
    return {
        "openapi": "3.1.0",
        "info": {
            "title": f"Generated API ({operations} operations)",
            "version": "1.0.0",
            "description": "A synthetic API shaped like a large real one, for start-up benchmarks.",
        },
        "servers": [{"url": "https://api.example.com"}],
        "security": [{"bearerAuth": []}],
        "tags": [{"name": t} for t in tags],
        "paths": paths,
        "components": components,
    }


def dump(doc: dict[str, Any], path: Path) -> None:
    """Write ``doc`` as YAML (``.yaml``/``.yml``) or JSON (anything else)."""
    doc = json.loads(json.dumps(doc))  # no shared objects, so no YAML anchors/aliases
    if path.suffix in (".yaml", ".yml"):
        import yaml

        dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
        path.write_text(yaml.dump(doc, Dumper=dumper, sort_keys=False, width=120), encoding="utf-8")
    else:
        path.write_text(json.dumps(doc, indent=2), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--operations", "-n", type=int, default=500, help="number of operations (500)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the variations between resources")
    parser.add_argument("-o", "--output", type=Path, default=None, help=".yaml or .json (default: stdout)")
    args = parser.parse_args(argv)
    doc = generate_spec(args.operations, seed=args.seed)
    if args.output is None:
        json.dump(doc, sys.stdout, indent=2)
        print()
    else:
        dump(doc, args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
