"""A typed layer generated from the bundled specs parses every response the mock sends.

The typed layer is pydantic v2 models generated at test time by ``datamodel-code-generator``.
``openapi-python-client`` (0.29.1) was tried first and is not usable here: it cannot type the
"any JSON value" properties of mixpeek.yaml (``type: [string, number, boolean, array, object,
'null']`` on ``FilterCondition.value`` and ``FieldPassthrough.default``), so it drops those
schemas, every schema that references them (``ListCollectionsResponse`` among them) and with them
the whole ``POST /v1/collections/list`` endpoint: its client cannot cover every operation.

Strictness: the models are validated in pydantic's strict JSON mode (no "1" for 1); optional
properties that are not nullable use pydantic's ``MISSING`` sentinel, so an explicit ``null``
is rejected; and every object schema that does not say ``additionalProperties`` is closed
before generation (``additionalProperties: true`` stays open), so an undocumented key in a
response is an error rather than silently dropped.

Every response is looked up by (operation, status) in the spec: an undocumented status, a
non-JSON body, or a body its declared model rejects fails the test with the exchange.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
import yaml

pytest.importorskip("datamodel_code_generator")

from pydantic import BaseModel, ValidationError

from mockserver.app import create_app
from mockserver.config import Config
from mockserver.testing import run_server

ROOT = Path(__file__).resolve().parent.parent
SPECS = {"mixpeek": ROOT / "spec" / "mixpeek.yaml", "hosting": ROOT / "spec" / "hosting.yaml"}
BEARER = {"Authorization": "Bearer sk_test"}
USER = {"X-Api-Token": "tok_user"}
ADMIN = {"X-Api-Token": "tok_admin"}
MIGRATIONS = ("mixpeek", "POST", "/v1/namespaces/migrations/list")
CLONE = ("mixpeek", "POST", "/v1/namespaces/{namespace_identifier}/clone")
COLLECTIONS = ("mixpeek", "POST", "/v1/collections/list")
HOSTING = ("hosting", "GET", "/api/migrations")
Op = tuple[str, str, str]


# -- generating the typed layer ---------------------------------------------------------------
def _close_objects(schema: Any) -> None:
    """Add ``additionalProperties: false`` to every object schema with properties that leaves
    it unsaid, walking only schema positions (a property may itself be named "properties")."""
    if not isinstance(schema, dict):
        return
    props = schema.get("properties")
    if isinstance(props, dict):
        if "additionalProperties" not in schema and "patternProperties" not in schema:
            schema["additionalProperties"] = False
        for sub in props.values():
            _close_objects(sub)
    for key in ("items", "additionalProperties", "not"):
        _close_objects(schema.get(key))
    for key in ("anyOf", "oneOf", "allOf", "prefixItems"):
        for sub in schema.get(key) or []:
            _close_objects(sub)


def _generate(name: str, source: Path, out: Path) -> ModuleType:
    doc = yaml.safe_load(source.read_text())
    for schema in doc["components"]["schemas"].values():
        _close_objects(schema)
    closed = out / f"{name}_closed.json"
    closed.write_text(json.dumps(doc))
    target = out / f"{name}_models.py"
    cmd = [
        sys.executable,
        "-m",
        "datamodel_code_generator",
        "--input",
        str(closed),
        "--input-file-type",
        "openapi",
        "--output",
        str(target),
        "--output-model-type",
        "pydantic_v2.BaseModel",
        "--target-python-version",
        "3.11",
        "--use-annotated",
        "--field-constraints",
        "--strict-nullable",
        "--use-missing-sentinel",
        "--formatters",
        "builtin",
        "--disable-timestamp",
        "--disable-warnings",
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, f"datamodel-codegen failed for {source.name}:\n{done.stderr}"
    spec = importlib.util.spec_from_file_location(f"typed_{name}_models", target)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # pydantic resolves the postponed annotations through it
    spec.loader.exec_module(module)
    return module


class TypedLayer:
    """The generated models of both specs, and what was parsed with them."""

    def __init__(self, out: Path) -> None:
        self.specs = {name: yaml.safe_load(path.read_text()) for name, path in SPECS.items()}
        self.modules = {name: _generate(name, path, out) for name, path in SPECS.items()}
        self.parsed: dict[Op, set[int]] = {}

    def operations(self) -> list[Op]:
        return [
            (api, method.upper(), path)
            for api, doc in self.specs.items()
            for path, item in doc["paths"].items()
            for method in item
            if method in ("get", "put", "post", "delete", "patch", "head", "options")
        ]

    def documented(self, op: Op) -> set[int]:
        api, method, path = op
        return {int(s) for s in self.specs[api]["paths"][path][method.lower()]["responses"]}

    def model_for(self, op: Op, status: int) -> type[BaseModel]:
        api, method, path = op
        responses = self.specs[api]["paths"][path][method.lower()]["responses"]
        response = responses.get(str(status))
        if response is None:
            raise LookupError(f"status {status} is not documented; documented: {sorted(responses)}")
        ref = response["content"]["application/json"]["schema"]["$ref"]
        model = getattr(self.modules[api], ref.rsplit("/", 1)[-1])
        assert isinstance(model, type) and issubclass(model, BaseModel)
        return model

    def parse(self, op: Op, resp: httpx.Response, expect: int | None = None) -> Any:
        """The response parsed into the model its spec declares for its status; fails otherwise."""
        exchange = (
            f"{resp.request.method} {resp.request.url} {resp.request.content[:300]!r}\n"
            f"-> {resp.status_code} {resp.headers.get('content-type')} {resp.text[:2000]}"
        )
        if expect is not None:
            assert resp.status_code == expect, f"expected {expect}:\n{exchange}"
        try:
            model = self.model_for(op, resp.status_code)
        except LookupError as exc:
            pytest.fail(f"{exc}\n{exchange}")
        ctype = resp.headers.get("content-type", "")
        assert ctype.split(";")[0].strip() == "application/json", f"not JSON:\n{exchange}"
        try:
            parsed = model.model_validate_json(resp.content, strict=True)
        except ValidationError as exc:
            pytest.fail(f"{model.__name__} rejected the response:\n{exchange}\n{exc}")
        self.parsed.setdefault(op, set()).add(resp.status_code)
        return parsed


@pytest.fixture(scope="module")
def typed(tmp_path_factory: pytest.TempPathFactory) -> TypedLayer:
    return TypedLayer(tmp_path_factory.mktemp("typed_client"))


@pytest.fixture(scope="module")
def http() -> Iterator[httpx.Client]:
    config = Config(seed=0, tokens={"tok_admin": "admin"})
    with run_server(create_app(config)) as url, httpx.Client(base_url=url, timeout=10) as client:
        yield client


@pytest.fixture(scope="module")
def world(http: httpx.Client) -> dict[str, Any]:
    """The seeded state: namespaces, collections, migrations of both APIs."""
    apis = http.get("/_mock/state").json()["apis"]
    return {api["api"]: api for api in apis.values()}


def _ns_path(identifier: str) -> str:
    return f"/v1/namespaces/{identifier}/clone"


# -- the generated layer itself ----------------------------------------------------------------
def test_every_documented_response_has_a_generated_model(typed: TypedLayer) -> None:
    ops = typed.operations()
    assert sorted(ops) == sorted([MIGRATIONS, CLONE, COLLECTIONS, HOSTING])
    for op in ops:
        for status in typed.documented(op):
            assert typed.model_for(op, status).model_fields, (op, status)


def test_the_typed_layer_is_strict(typed: TypedLayer) -> None:
    """Guard the strictness the other tests rely on: an undocumented key, a null where the spec
    has no null, and a string for an integer are each rejected."""
    hosting = typed.modules["hosting"]
    good = {"resources": [{"code": "M1", "status": "running"}], "pagination": {"page": 1, "x": 1}}
    hosting.MigrationList.model_validate_json(json.dumps(good), strict=True)
    for bad in (
        {**good, "extra": 1},
        {**good, "resources": [{"code": "M1", "status": "running", "owner": None}]},
        {**good, "pagination": {"page": "1"}},
    ):
        with pytest.raises(ValidationError):
            hosting.MigrationList.model_validate_json(json.dumps(bad), strict=True)
    mixpeek = typed.modules["mixpeek"]
    error = {"status": 404, "error": {"message": "m", "type": "t"}}
    mixpeek.ErrorResponse.model_validate_json(json.dumps(error), strict=True)
    with pytest.raises(ValidationError):  # ErrorResponse says nothing about extra keys: closed
        mixpeek.ErrorResponse.model_validate_json(json.dumps({**error, "trace": "x"}), strict=True)


# -- POST /v1/namespaces/migrations/list -------------------------------------------------------
def test_list_migrations(typed: TypedLayer, http: httpx.Client, world: dict[str, Any]) -> None:
    op, path = MIGRATIONS, MIGRATIONS[2]
    migrations = world["mixpeek"]["migrations"]
    source = migrations[0]["namespace_id"]
    mixpeek = typed.modules["mixpeek"]
    bodies: list[dict[str, Any]] = [
        {},
        {"limit": 1},
        {"limit": 5, "offset": 3},
        {"limit": 1000},
        {"offset": 10_000},
        {"status": None, "migration_type": None, "source_namespace_id": None},
        {"source_namespace_id": source},
        {"source_namespace_id": "ns_nope"},
        {"status": "completed", "migration_type": "copy", "limit": 50},
    ]
    bodies += [{"status": s.value, "limit": 100} for s in mixpeek.MigrationStatus]
    bodies += [{"migration_type": t.value, "limit": 100} for t in mixpeek.MigrationType]
    rows = 0
    for body in bodies:
        page = typed.parse(op, http.post(path, json=body, headers=BEARER), expect=200)
        assert page.limit == body.get("limit", 20) and page.offset == body.get("offset", 0)
        if body.get("status"):
            assert {m.status.value for m in page.results} <= {body["status"]}
        rows += len(page.results)
    assert rows >= len(migrations), "the filters should have returned every seeded migration"

    for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic c2tfdGVzdA=="}):
        typed.parse(op, http.post(path, json={}, headers=headers), expect=401)
    for bad in (
        {"limit": 0},
        {"limit": 1001},
        {"offset": -1},
        {"limit": "5"},
        {"status": "bogus"},
        {"migration_type": "move"},
        [],
        "x",
    ):
        typed.parse(op, http.post(path, json=bad, headers=BEARER), expect=422)
    typed.parse(op, http.post(path, headers=BEARER), expect=422)  # no body
    beyond = typed.parse(op, http.post(path, json={"offset": 2**64}, headers=BEARER), expect=200)
    assert beyond.results == [] and beyond.offset == 2**64  # unbounded in the spec: echoed exactly
    json_headers = {**BEARER, "Content-Type": "application/json"}
    typed.parse(op, http.post(path, content=b"{bad", headers=json_headers), expect=422)


# -- POST /v1/namespaces/{namespace_identifier}/clone ------------------------------------------
def test_clone_namespace(typed: TypedLayer, http: httpx.Client, world: dict[str, Any]) -> None:
    op = CLONE
    namespaces = world["mixpeek"]["namespaces"]
    first, last = namespaces[0], namespaces[-1]
    requests: list[tuple[str, dict[str, Any]]] = [
        (first["namespace_name"], {"namespace_name": "typed_a"}),
        (first["namespace_id"], {"namespace_name": "typed_b", "description": "B"}),
        (last["namespace_name"], {"namespace_name": "typed_c", "description": None}),
        (
            last["namespace_id"],
            {
                "namespace_name": "typed_d",
                "source_organization_id": "org_1",
                "include_resources": {"collections": False, "retrievers": False},
            },
        ),
        (
            first["namespace_id"],
            {"namespace_name": "typed_e", "include_resources": {"collections": True, "taxonomies": True}},
        ),
        ("typed_a", {"namespace_name": "typed_a_of_a"}),  # a clone of a clone
    ]
    admin = {"Authorization": "Bearer tok_admin"}  # source_organization_id is admin only (002)
    for identifier, body in requests:
        headers = admin if "source_organization_id" in body else BEARER
        clone = typed.parse(op, http.post(_ns_path(identifier), json=body, headers=headers), expect=200)
        assert clone.namespace.namespace_name == body["namespace_name"]

    again = http.post(_ns_path(first["namespace_name"]), json={"namespace_name": "typed_a"}, headers=BEARER)
    conflict = typed.parse(op, again, expect=409)
    assert conflict.error.code == "namespace_name_taken"
    taken = http.post(
        _ns_path(last["namespace_id"]), json={"namespace_name": first["namespace_name"]}, headers=BEARER
    )
    typed.parse(op, taken, expect=409)

    for identifier in ("nope", "ns_000000000000"):
        missing = http.post(_ns_path(identifier), json={"namespace_name": "typed_x"}, headers=BEARER)
        typed.parse(op, missing, expect=404)
    target = _ns_path(first["namespace_name"])
    for headers in ({}, {"Authorization": "Bearer nope"}):
        typed.parse(op, http.post(target, json={"namespace_name": "typed_y"}, headers=headers), expect=401)
    for bad in (
        {},
        {"namespace_name": ""},
        {"namespace_name": 5},
        {"namespace_name": "z", "bogus": 1},
        {"namespace_name": "z", "include_resources": {"buckets": True}},
        {"namespace_name": "z", "include_resources": {"collections": "yes"}},
        [],
    ):
        typed.parse(op, http.post(target, json=bad, headers=BEARER), expect=422)


@pytest.fixture(scope="module")
def instant_http() -> Iterator[httpx.Client]:
    with (
        run_server(create_app(Config(seed=0, clone_seconds=0))) as url,
        httpx.Client(base_url=url, timeout=10) as client,
    ):
        yield client


def test_clone_namespace_when_ready(typed: TypedLayer, instant_http: httpx.Client) -> None:
    """With no clone delay the response is ``ready`` and carries ``cloned_resources``."""
    apis = instant_http.get("/_mock/state").json()["apis"]
    namespaces = next(a for a in apis.values() if a["api"] == "mixpeek")["namespaces"]
    for i, ns in enumerate(namespaces):
        body = {"namespace_name": f"ready_{i}", "include_resources": {"taxonomies": True}}
        resp = instant_http.post(_ns_path(ns["namespace_id"]), json=body, headers=BEARER)
        clone = typed.parse(CLONE, resp, expect=200)
        assert clone.status.value == "ready" and clone.cloned_resources is not None


# -- POST /v1/collections/list -----------------------------------------------------------------
def test_list_collections(typed: TypedLayer, http: httpx.Client, world: dict[str, Any]) -> None:
    op, path = COLLECTIONS, COLLECTIONS[2]
    namespaces = world["mixpeek"]["namespaces"]
    collection = world["mixpeek"]["collections"][0]
    taxonomy = (collection.get("taxonomy_applications") or [{}])[0].get("taxonomy_id", "tax_x")
    clone = http.post(
        _ns_path(namespaces[0]["namespace_id"]), json={"namespace_name": "typed_cols"}, headers=BEARER
    )
    typed.parse(CLONE, clone, expect=200)
    identifiers = [ns[key] for ns in namespaces for key in ("namespace_name", "namespace_id")]
    identifiers += ["typed_cols", clone.json()["namespace"]["namespace_id"]]
    bodies: list[dict[str, Any]] = [
        {},
        {"search": "video"},
        {"search": None, "case_sensitive": True},
        {"sort": {"field": "collection_name"}},
        {"sort": {"field": "document_count", "direction": "asc"}},
        {"sort": {"field": "created_at", "direction": "desc"}, "search": "E"},
        {
            "filters": {
                "AND": [{"field": "taxonomy_applications.taxonomy_id", "operator": "eq", "value": taxonomy}]
            }
        },
        {
            "filters": {
                "OR": [
                    {"field": "enabled", "operator": "eq", "value": True},
                    {"field": "document_count", "operator": "gt", "value": 10.5},
                ]
            }
        },
        {
            "filters": {
                "AND": [
                    {
                        "field": "collection_name",
                        "operator": "in",
                        "value": [collection["collection_name"], "x"],
                    },
                    {"field": "metadata.team", "operator": "ne", "value": None},
                ]
            },
            "case_sensitive": True,
        },
        {
            "filters": {
                "AND": [{"field": "description", "operator": "contains", "value": "embed"}],
                "OR": [{"field": "source.type", "operator": "nin", "value": ["collection"]}],
            },
            "sort": {"field": "updated_at", "direction": "asc"},
        },
        {"filters": {}},
    ]
    pages: list[dict[str, Any]] = [
        {},
        {"limit": 1},
        {"limit": 2, "offset": 1},
        {"offset": 50},
        {"limit": 1000},
    ]
    results = 0
    for identifier in identifiers:
        headers = {**BEARER, "X-Namespace": identifier}
        for body in bodies:
            listing = typed.parse(op, http.post(path, json=body, headers=headers), expect=200)
            results += len(listing.results)
        for params in pages:
            resp = http.post(path, json={}, params=params, headers=headers)
            listing = typed.parse(op, resp, expect=200)
            assert listing.pagination.page_size == min(params.get("limit", 10), 1000)
    assert results > 0

    known = {**BEARER, "X-Namespace": namespaces[0]["namespace_name"]}
    for headers in ({**BEARER, "X-Namespace": "nope"}, {**BEARER, "X-Namespace": "ns_000000000000"}):
        typed.parse(op, http.post(path, json={}, headers=headers), expect=404)
    for headers in (
        {"X-Namespace": "nope"},
        {"X-Namespace": namespaces[0]["namespace_name"]},
        {"Authorization": "Bearer nope", "X-Namespace": namespaces[0]["namespace_name"]},
    ):
        typed.parse(op, http.post(path, json={}, headers=headers), expect=401)
    typed.parse(op, http.post(path, json={}, headers=BEARER), expect=422)  # no X-Namespace
    for params in ({"limit": "ten"}, {"offset": "x"}):
        typed.parse(op, http.post(path, json={}, params=params, headers=known), expect=422)
    typed.parse(op, http.post(path, json={}, params={"limit": 2**64}, headers=known), expect=422)  # 1..1000
    widest = typed.parse(op, http.post(path, json={}, params={"limit": 1000}, headers=known), expect=200)
    assert widest.results and widest.pagination.page_size == 1000
    for bad in (
        {"bogus": 1},
        {"search": 5},
        {"case_sensitive": "yes"},
        {"sort": {"direction": "asc"}},
        {"sort": {"field": "created_at", "direction": "up"}},
        {"filters": {"NOT": []}},
        {"filters": {"AND": [{"field": "x", "operator": "zz", "value": 1}]}},
        {"filters": {"AND": [{"field": "x", "operator": "eq"}]}},
        {"filters": {"AND": {"field": "x", "operator": "eq", "value": 1}}},
        [],
    ):
        typed.parse(op, http.post(path, json=bad, headers=known), expect=422)


# -- GET /api/migrations -----------------------------------------------------------------------
def test_hosting_list_migrations(typed: TypedLayer, http: httpx.Client, world: dict[str, Any]) -> None:
    op, path = HOSTING, HOSTING[2]
    hosting = typed.modules["hosting"]
    customers = world["hosting"]["customers"]
    sample = world["hosting"]["migrations"][0]
    queries: list[dict[str, Any]] = [
        {},
        {"page": 1, "per": 1},
        {"page": 2, "per": 3},
        {"page": 1000},
        {"per": 100, "query": sample["preset"]},
        {"query": "no such thing"},
        {"status": "all", "per": 50},
    ]
    queries += [{"status": s.value, "per": 100} for s in hosting.MigrationStatusFilter]
    admin_only = [{"customer_code": c, "per": 100} for c in customers]
    admin_only += [
        {"customer_code": "nobody"},
        {"customer_code": customers[0].lower(), "status": "completed"},
    ]
    rows = 0
    for token, batch in (
        (USER, queries),
        ({"X-Api-Token": "tok_other"}, queries),
        (ADMIN, queries + admin_only),
    ):
        for query in batch:
            listing = typed.parse(op, http.get(path, params=query, headers=token), expect=200)
            assert listing.pagination.per == query.get("per", 25)
            rows += len(listing.resources)
    assert rows > 0

    for headers in ({}, {"X-Api-Token": "nope"}, {"X-Api-Token": ""}, {"Authorization": "Bearer tok_user"}):
        typed.parse(op, http.get(path, headers=headers), expect=401)
    for query in ({"customer_code": customers[0]}, {"customer_code": "nobody", "page": 2}):
        typed.parse(op, http.get(path, params=query, headers=USER), expect=403)
    for query in ({"page": 0}, {"per": 0}, {"page": "abc"}, {"per": 2**40}, {"status": "bogus"}):
        typed.parse(op, http.get(path, params=query, headers=USER), expect=422)


# -- every documented status, forced with Prefer -----------------------------------------------
def _call(http: httpx.Client, op: Op, headers: dict[str, str]) -> httpx.Response:
    if op == HOSTING:
        return http.get(op[2], headers={**USER, **headers})
    if op == CLONE:
        target = _ns_path("real_estate_listings_prod")
        return http.post(target, json={"namespace_name": "typed_forced"}, headers={**BEARER, **headers})
    if op == COLLECTIONS:
        headers = {"X-Namespace": "real_estate_listings_prod", **headers}
    return http.post(op[2], json={}, headers={**BEARER, **headers})


def test_every_documented_status_parses(typed: TypedLayer, http: httpx.Client) -> None:
    """``Prefer: code=N`` makes the mock answer with any documented status (its generic
    responder); with ``dynamic=true`` bodies are generated from the schema, for several seeds."""
    for op in typed.operations():
        for status in sorted(typed.documented(op)):
            typed.parse(op, _call(http, op, {"Prefer": f"code={status}"}), expect=status)
            for seed in range(5):
                prefer = f"code={status}, dynamic=true, seed={seed}"
                typed.parse(op, _call(http, op, {"Prefer": prefer}), expect=status)
        for name in typed.specs[op[0]]["paths"][op[2]][op[1].lower()]["responses"]:
            media = typed.specs[op[0]]["paths"][op[2]][op[1].lower()]["responses"][name]["content"]
            for example in media["application/json"].get("examples", {}):
                prefer = f"code={name}, example={example}"
                typed.parse(op, _call(http, op, {"Prefer": prefer}), expect=int(name))
        assert typed.parsed[op] == typed.documented(op), op
