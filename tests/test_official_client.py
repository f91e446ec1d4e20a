"""Mixpeek's official Python client (PyPI ``mixpeek==1.3.783``, generated from API 0.82) against the mock.

The mock runs on a real uvicorn on a free loopback port (seed 0, clones ready after 3 s of mock
clock). The client is used as a user would: ``ApiClient(Configuration(host, access_token))`` and the
generated ``*Api`` classes, which send their models' defaults on every call (``include_system``,
``case_sensitive``, ``mode: "copy"``) and parse every response into strict pydantic models: a
response they cannot parse raises ``pydantic.ValidationError``, so each call below is also a check
that the mock answers in API 0.82's shapes. Errors must raise the client's typed exceptions.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from mixpeek import (
    ApiClient,
    CloneNamespaceRequest,
    CloneNamespaceResourcesConfig,
    CollectionsApi,
    Configuration,
    ErrorResponse,
    ListCollectionsRequest,
    ListMigrationsRequest,
    Mixpeek,
    NamespaceCloneApi,
    NamespaceMigrationsApi,
    SortOption,
)
from mixpeek._client.client import MixpeekAPIError  # the wrapper's error (not exported)
from mixpeek.exceptions import (
    ConflictException,
    ForbiddenException,
    NotFoundException,
    ServiceException,
    UnprocessableEntityException,
)

from mockserver.app import create_app
from mockserver.config import Config
from mockserver.testing import run_server

BRANCH_REFUSED = "mode 'branch' is not available yet; use 'copy'"
MIXPEEK = Path(__file__).resolve().parents[1] / "spec" / "mixpeek.yaml"
KEY = "sk_test"
ADMIN_KEY = "sk_admin"  # registered with the admin role: cross-organization cloning is admin only
CLONE_SECONDS = 3.0
STATUSES = ["draft", "validating", "pending", "in_progress", "completed", "failed", "cancelled"]
TYPES = ["re_extract", "copy", "extend"]
LC = ListCollectionsRequest
PLAIN = LC()  # what the client sends by default: {include_system: false, case_sensitive: false}


@dataclass
class Mock:
    url: str
    http: httpx.Client

    def state(self) -> dict[str, Any]:
        state: dict[str, Any] = self.http.get("/_mock/state").json()["apis"]["Mixpeek API"]
        return state

    def advance(self, seconds: float) -> None:
        self.http.post("/_mock/clock/advance", json={"seconds": seconds}).raise_for_status()


@dataclass
class Clients:
    migrations: NamespaceMigrationsApi
    clones: NamespaceCloneApi
    collections: CollectionsApi


@dataclass(frozen=True)
class Namespace:
    """The seeded namespace with the most collections, and what the tests compare with."""

    id: str
    name: str
    count: int  # user collections (the system collection _direct_upsert not counted)
    first: str  # one of its collection names
    other: str  # another namespace's name


@pytest.fixture(scope="module")
def mock() -> Iterator[Mock]:
    config = Config(specs=[str(MIXPEEK)], seed=0, clone_seconds=CLONE_SECONDS, tokens={ADMIN_KEY: "admin"})
    app = create_app(config)
    with run_server(app) as url, httpx.Client(base_url=url, timeout=30) as http:
        yield Mock(url, http)


@pytest.fixture(scope="module")
def api(mock: Mock) -> Clients:
    client = ApiClient(Configuration(host=mock.url, access_token=KEY))
    return Clients(NamespaceMigrationsApi(client), NamespaceCloneApi(client), CollectionsApi(client))


@pytest.fixture(scope="module")
def ns(mock: Mock) -> Namespace:
    state = mock.state()
    users = [c for c in state["collections"] if not c.get("_system")]
    counts: dict[str, int] = {}
    for c in users:
        counts[c["_namespace_id"]] = counts.get(c["_namespace_id"], 0) + 1
    fullest = max(state["namespaces"], key=lambda n: counts.get(n["namespace_id"], 0))
    other = next(n for n in state["namespaces"] if n["namespace_id"] != fullest["namespace_id"])
    first = next(c["collection_name"] for c in users if c["_namespace_id"] == fullest["namespace_id"])
    return Namespace(
        fullest["namespace_id"],
        fullest["namespace_name"],
        counts[fullest["namespace_id"]],
        first,
        other["namespace_name"],
    )


def listing(api: Clients, namespace: str, request: LC | None = PLAIN, **query: Any) -> Any:
    response = api.collections.list_collections(
        list_collections_request=request, _headers={"X-Namespace": namespace}, **query
    )
    assert response.warnings == []  # a list, empty when X-Namespace resolved
    return response


# -- migrations list ---------------------------------------------------------------------------
def test_migrations_default_body(api: Clients) -> None:
    page = api.migrations.list_migrations_namespaces(ListMigrationsRequest())  # {limit: 20, offset: 0}
    assert (page.limit, page.offset, page.total) == (20, 0, 80)
    assert len(page.results) == 20


@pytest.mark.parametrize("status", STATUSES)
def test_migrations_status_filter_and_preflight_findings(api: Clients, status: str) -> None:
    page = api.migrations.list_migrations_namespaces(ListMigrationsRequest(status=status, limit=1000))
    assert page.results and page.total == len(page.results)
    for m in page.results:
        assert m.status.value == status
        result = m.validation_result
        if status == "draft":
            assert result is None
            continue
        assert result is not None and result.valid == (not result.errors)
        graph = {n.resource_id: n.resource_type.value for n in m.dependency_graph.nodes}
        for finding in [*(result.errors or []), *(result.warnings or [])]:
            assert finding.error_code and finding.message and finding.severity in ("error", "warning")
            if finding.resource_id is not None:
                assert graph[finding.resource_id] == finding.resource_type.value
        failed = [r.resource_id for r in m.progress.resources if r.status == "failed"]
        if status == "failed" and result.errors:  # refused at validation: no stage ever started
            assert all(f.severity == "error" for f in result.errors)
            assert all(s.started_at is None and s.status.value == "cancelled" for s in m.progress.stages)
            assert set(failed) == {e.resource_id for e in result.errors} - {None}
        elif status == "failed":  # failed at execution: the warning that foresaw it, on that resource
            assert result.warnings
            assert any(w.resource_id in failed for w in result.warnings) or not failed
        elif status != "validating":
            assert not result.errors  # only a migration still validating (or refused) is blocked
    if status in ("validating", "failed"):
        assert any(not m.validation_result.valid for m in page.results)
    if status == "failed":
        assert any(m.validation_result.valid for m in page.results)


@pytest.mark.parametrize("migration_type", TYPES)
def test_migrations_type_filter(api: Clients, migration_type: str) -> None:
    page = api.migrations.list_migrations_namespaces(
        ListMigrationsRequest(migration_type=migration_type, limit=1000)
    )
    assert page.results and all(m.config.migration_type.value == migration_type for m in page.results)


def test_migrations_source_namespace_filter(api: Clients, ns: Namespace) -> None:
    request = ListMigrationsRequest(source_namespace_id=ns.id, limit=1000)
    page = api.migrations.list_migrations_namespaces(request)
    assert page.results and all(m.config.source_namespace_id == ns.id for m in page.results)


def test_migrations_full_paging_walk(api: Clients) -> None:
    seen: list[str] = []
    offset, total = 0, 1
    while offset < total:
        page = api.migrations.list_migrations_namespaces(ListMigrationsRequest(limit=7, offset=offset))
        seen += [m.migration_id for m in page.results]
        offset, total = offset + 7, page.total
    assert len(seen) == len(set(seen)) == total == 80


# -- collections list --------------------------------------------------------------------------
def test_collections_by_name_by_id_and_without_a_body(api: Clients, ns: Namespace) -> None:
    by_name = listing(api, ns.name, limit=100)
    assert by_name.total_count == ns.count
    assert listing(api, ns.id, limit=100) == by_name
    assert listing(api, ns.name, None, limit=100) == by_name  # no body at all (optional in 0.82)


def _cond(field: str, op: str, value: Any) -> dict[str, Any]:
    return {"field": field, "operator": op, "value": value}


# label -> (filters, expected total_count given (namespace size, a collection name), or None)
Expect = Callable[[int], int] | None
FILTERS: dict[str, tuple[Callable[[str], dict[str, Any]], Expect]] = {
    "eq": (lambda name: {"AND": [_cond("collection_name", "eq", name)]}, lambda n: 1),
    "ne": (lambda name: {"AND": [_cond("collection_name", "ne", name)]}, lambda n: n - 1),
    "gt": (lambda name: {"AND": [_cond("created_at", "gt", "2000-01-01T00:00:00Z")]}, lambda n: n),
    "gte": (lambda name: {"AND": [_cond("document_count", "gte", 0)]}, lambda n: n),
    "lt": (lambda name: {"AND": [_cond("document_count", "lt", 10**12)]}, lambda n: n),
    "lte": (lambda name: {"AND": [_cond("created_at", "lte", "2100-01-01T00:00:00Z")]}, lambda n: n),
    "in": (lambda name: {"AND": [_cond("collection_name", "in", [name, "nope"])]}, lambda n: 1),
    "nin": (lambda name: {"AND": [_cond("collection_name", "nin", [name])]}, lambda n: n - 1),
    "in with a scalar": (lambda name: {"AND": [_cond("collection_name", "in", name)]}, lambda n: 1),
    "nin with a scalar": (lambda name: {"AND": [_cond("collection_name", "nin", name)]}, lambda n: n - 1),
    "contains": (lambda name: {"AND": [_cond("collection_name", "contains", name[1:-1].upper())]}, None),
    "OR": (
        lambda name: {"OR": [_cond("collection_name", "eq", name), _cond("document_count", "lt", 0)]},
        lambda n: 1,
    ),
    "dotted taxonomy_applications.taxonomy_id": (
        lambda name: {"AND": [_cond("taxonomy_applications.taxonomy_id", "ne", "tax_nope")]},
        lambda n: n,
    ),
    "free-form metadata.environment": (
        lambda name: {"AND": [_cond("metadata.environment", "ne", "nowhere")]},
        lambda n: n,
    ),
    # an unknown or empty field matches nothing, whatever the operator (spec/README.md)
    "nin with a scalar on an unknown field": (
        lambda name: {"AND": [_cond("blobs.type", "nin", "video")]},
        lambda n: 0,
    ),
    "in on an unknown field": (lambda name: {"AND": [_cond("blobs.type", "in", ["video"])]}, lambda n: 0),
    "empty field": (lambda name: {"AND": [_cond("", "eq", "x")]}, lambda n: 0),
}


@pytest.mark.parametrize("label", FILTERS)
def test_collections_filter(api: Clients, ns: Namespace, label: str) -> None:
    make, expect = FILTERS[label]
    page = listing(api, ns.name, LC(filters=make(ns.first), limit=100))
    if expect is not None:
        assert page.total_count == expect(ns.count), label
    if label == "contains":
        assert ns.first in [c.collection_name for c in page.results]


def test_collections_sort_and_sorts(api: Clients, ns: Namespace) -> None:
    newest = listing(api, ns.name, LC(sort=SortOption(field="created_at", direction="desc"), limit=100))
    stamps = [c.created_at for c in newest.results]
    assert stamps == sorted(stamps, reverse=True)
    by_name = listing(
        api,
        ns.name,
        LC(
            sorts=[{"field": "collection_name", "direction": "asc"}],
            sort=SortOption(field="created_at", direction="desc"),
            limit=100,
        ),
    )
    names = [c.collection_name for c in by_name.results]
    assert names == sorted(names)  # sorts wins over sort
    two_keys = listing(
        api,
        ns.name,
        LC(sorts=[{"field": "source.type"}, {"field": "collection_name", "direction": "asc"}], limit=100),
    )
    keys = [(c.source.type.value, c.collection_name) for c in two_keys.results]
    assert keys == sorted(keys, key=lambda k: (_desc(k[0]), k[1]))  # first key primary (desc by default)


def _desc(text: str) -> tuple[int, ...]:
    return tuple(-ord(ch) for ch in text)


def test_collections_search(api: Clients, ns: Namespace) -> None:
    needle = ns.first[:4]
    page = listing(api, ns.name, LC(search=needle.upper(), limit=100))
    assert page.total_count >= 1
    for c in page.results:
        assert needle.lower() in f"{c.collection_id} {c.collection_name} {c.description}".lower()
    assert listing(api, ns.name, LC(search=needle.upper(), case_sensitive=True)).total_count == 0


def test_collections_paging_parameters_and_their_precedence(api: Clients, ns: Namespace) -> None:
    everything = [c.collection_id for c in listing(api, ns.name, LC(limit=100)).results]
    assert len(everything) == ns.count >= 3

    def ids(request: LC | None = PLAIN, **query: Any) -> list[str]:
        return [c.collection_id for c in listing(api, ns.name, request, **query).results]

    assert ids(limit=2, offset=1) == everything[1:3]  # query parameters
    assert ids(page_size=2, page=2) == everything[2:4]
    assert ids(LC(limit=2, offset=1)) == everything[1:3]  # body
    assert ids(LC(page_size=2, page=2)) == everything[2:4]
    assert ids(LC(limit=1, page_size=3)) == everything[:1]  # limit wins over page_size
    assert ids(LC(limit=1, offset=0, page=3)) == everything[:1]  # offset wins over page
    assert ids(LC(limit=1), limit=5, offset=2) == everything[2:3]  # body limit wins, query offset used
    page = listing(api, ns.name, LC(page_size=2, page=2))
    assert (page.pagination.page, page.pagination.page_size, page.pagination.total) == (2, 2, ns.count)


def test_collections_include_system_lists_direct_upsert(api: Clients, ns: Namespace) -> None:
    plain = listing(api, ns.name, LC(limit=100))
    system = listing(api, ns.name, LC(include_system=True, limit=100))
    assert "_direct_upsert" not in [c.collection_name for c in plain.results]
    upsert = [c for c in system.results if c.collection_name == "_direct_upsert"]
    assert len(upsert) == 1 and upsert[0].source.type.value == "direct_upsert"
    assert system.total_count == plain.total_count + 1


def test_collections_full_paging_walk(api: Clients, ns: Namespace) -> None:
    seen: list[str] = []
    offset, total = 0, 1
    while offset < total:
        page = listing(api, ns.name, LC(limit=2, offset=offset))
        seen += [c.collection_id for c in page.results]
        offset, total = offset + 2, page.total_count
    assert len(seen) == len(set(seen)) == total == ns.count


# -- clone ---------------------------------------------------------------------------------------
def test_clone_lifecycle_to_ready_and_its_collections(api: Clients, mock: Mock, ns: Namespace) -> None:
    started = api.clones.clone_namespace(ns.name, CloneNamespaceRequest(namespace_name="client_clone_a"))
    assert (started.status, started.source_namespace_id) == ("cloning", ns.id)
    assert started.namespace.namespace_name == "client_clone_a" and started.task_id
    assert started.primary_retriever_id is not None and started.primary_retriever_id.startswith("ret_")
    new_id = started.namespace.namespace_id
    assert new_id.startswith("ns_") and new_id != ns.id
    assert listing(api, "client_clone_a").total_count == 0  # the name resolves at once, still empty
    mock.advance(CLONE_SECONDS + 1)
    record = next(c for c in mock.state()["clones"] if c["namespace_id"] == new_id)
    assert record["status"] == "ready" and record["cloned_resources"]["collections"] == ns.count
    source = {c.collection_name for c in listing(api, ns.name, LC(limit=100)).results}
    by_name = listing(api, "client_clone_a", LC(limit=100))
    assert {c.collection_name for c in by_name.results} == source and by_name.total_count == ns.count
    assert listing(api, new_id, LC(limit=100)) == by_name


def test_clone_with_every_option_and_its_ttl(api: Clients, mock: Mock, ns: Namespace) -> None:
    request = CloneNamespaceRequest(
        namespace_name="client_clone_ttl",
        description="short-lived copy",
        source_organization_id="org_abc123",
        ttl_seconds=120,
        include_resources=CloneNamespaceResourcesConfig(collections=True, retrievers=True, taxonomies=True),
    )
    with pytest.raises(ForbiddenException):  # source_organization_id: admin keys only
        api.clones.clone_namespace(ns.id, request)
    admin = NamespaceCloneApi(ApiClient(Configuration(host=mock.url, access_token=ADMIN_KEY)))
    started = admin.clone_namespace(ns.id, request)
    assert started.namespace.expires_at is not None and started.namespace.description == "short-lived copy"
    mock.advance(CLONE_SECONDS + 1)
    assert listing(api, "client_clone_ttl").total_count == ns.count
    mock.advance(120)
    with pytest.raises(NotFoundException):
        api.collections.list_collections(_headers={"X-Namespace": "client_clone_ttl"})
    assert started.namespace.namespace_id not in {n["namespace_id"] for n in mock.state()["namespaces"]}


def test_clone_without_retrievers_has_no_primary_retriever(api: Clients, ns: Namespace) -> None:
    request = CloneNamespaceRequest(
        namespace_name="client_clone_noret",
        include_resources=CloneNamespaceResourcesConfig(collections=False, retrievers=False),
    )
    assert api.clones.clone_namespace(ns.id, request).primary_retriever_id is None


def test_clone_mode_branch_is_refused(api: Clients, mock: Mock, ns: Namespace) -> None:
    """0.82's client accepts ``mode="branch"`` (a plain string) and sends it; the server refuses it
    as not available yet: the client's typed 422, its body FastAPI's ``{"detail": [...]}``."""
    with pytest.raises(UnprocessableEntityException) as caught:
        request = CloneNamespaceRequest(namespace_name="client_branch", mode="branch")
        api.clones.clone_namespace(ns.id, request)
    # 0.82 maps 422 to ErrorResponse, which FastAPI's body does not fit: data None, the text in body
    assert caught.value.status == 422 and caught.value.data is None
    (item,) = json.loads(caught.value.body or "")["detail"]
    assert (item["loc"], item["msg"]) == (["body", "mode"], BRANCH_REFUSED)
    with pytest.raises(MixpeekAPIError) as wrapped:  # the wrapper passes mode through **kwargs
        Mixpeek(KEY, base_url=mock.url + "/v1").namespaces.clone(
            ns.id, namespace_name="client_b", mode="branch"
        )
    assert wrapped.value.status == 422 and BRANCH_REFUSED in json.dumps(wrapped.value.detail)
    assert "client_branch" not in {n["namespace_name"] for n in mock.state()["namespaces"]}


# -- documented errors: the client's typed exceptions ------------------------------------------
def test_404_unknown_namespaces(api: Clients) -> None:
    with pytest.raises(NotFoundException) as clone:
        api.clones.clone_namespace("ns_doesnotexist00", CloneNamespaceRequest(namespace_name="client_x"))
    with pytest.raises(NotFoundException) as listed:
        api.collections.list_collections(list_collections_request=LC(), _headers={"X-Namespace": "nope_ns"})
    for caught in (clone, listed):
        data = caught.value.data
        assert isinstance(data, ErrorResponse)  # the client parsed the body into its model
        assert (data.status, data.error.type, data.success) == (404, "NotFoundError", False)


def test_409_name_taken(api: Clients, ns: Namespace) -> None:
    with pytest.raises(ConflictException) as caught:
        api.clones.clone_namespace(ns.id, CloneNamespaceRequest(namespace_name=ns.other))
    body = ErrorResponse.from_json(caught.value.body or "")  # 0.82 maps no model to 409
    assert body is not None and (body.status, body.error.code) == (409, "namespace_name_taken")


def test_422_out_of_bounds_and_empty_name(api: Clients, ns: Namespace) -> None:
    # the client checks bounds itself; model_construct builds the body it would refuse to send
    with pytest.raises(UnprocessableEntityException) as limit:
        api.migrations.list_migrations_namespaces(ListMigrationsRequest.model_construct(limit=5000))
    assert '"limit"' in (limit.value.body or "")
    with pytest.raises(UnprocessableEntityException) as name:
        api.clones.clone_namespace(ns.id, CloneNamespaceRequest.model_construct(namespace_name=""))
    assert '"namespace_name"' in (name.value.body or "")


# -- the hand-written wrapper (plain dicts, no migrations method) ---------------------------
def test_the_wrapper_lists_and_clones(mock: Mock, ns: Namespace) -> None:
    client = Mixpeek(KEY, base_url=mock.url + "/v1", namespace=ns.name)
    assert client.collections.list()["total_count"] == ns.count  # POSTs no body
    assert client.namespaces.clone(ns.id, namespace_name="client_wrapper")["status"] == "cloning"


# -- Prefer never makes the stateful API incoherent -----------------------------------------
def test_prefer_the_status_the_world_gives_returns_the_worlds_answer(api: Clients, mock: Mock) -> None:
    plain = api.migrations.list_migrations_namespaces(ListMigrationsRequest(limit=5, offset=3))
    forced = api.migrations.list_migrations_namespaces(
        ListMigrationsRequest(limit=5, offset=3), _headers={"Prefer": "code=200"}
    )
    assert forced == plain
    mock.http.put("/_mock/sessions/broken", json={"code": 500}).raise_for_status()
    try:
        session = {"X-Specmock-Session": "broken"}
        with pytest.raises(ServiceException):
            api.migrations.list_migrations_namespaces(ListMigrationsRequest(limit=5), _headers=session)
        overridden = api.migrations.list_migrations_namespaces(  # per request code=200 beats the session
            ListMigrationsRequest(limit=5, offset=3), _headers={**session, "Prefer": "code=200"}
        )
        assert overridden == plain
    finally:
        mock.http.delete("/_mock/sessions/broken")


def test_prefer_another_status_changes_nothing_in_the_world(api: Clients, mock: Mock, ns: Namespace) -> None:
    before = {n["namespace_id"] for n in mock.state()["namespaces"]}
    request = CloneNamespaceRequest(namespace_name="client_forced")
    for status, exc in ((404, NotFoundException), (409, ConflictException), (500, ServiceException)):
        with pytest.raises(exc):
            api.clones.clone_namespace(ns.id, request, _headers={"Prefer": f"code={status}"})
    assert {n["namespace_id"] for n in mock.state()["namespaces"]} == before  # nothing was cloned
    assert api.clones.clone_namespace(ns.id, request).namespace.namespace_name == "client_forced"
    with pytest.raises(ConflictException) as taken:  # now the world says 409 itself: its own answer
        api.clones.clone_namespace(ns.id, request, _headers={"Prefer": "code=409"})
    body = ErrorResponse.from_json(taken.value.body or "")
    assert body is not None and body.error.code == "namespace_name_taken"


def test_prefer_200_on_a_clone_the_world_refuses(api: Clients, mock: Mock, ns: Namespace) -> None:
    """A clone forced to 200 while the world answers 404 (unknown source) or 409 (name taken):
    the client parses a clone that honours the request, and nothing was cloned (as Prism)."""
    before = mock.state()["namespaces"]
    for identifier, name in (("ns_doesnotexist00", "client_forced_200"), (ns.id, ns.other)):
        request = CloneNamespaceRequest(namespace_name=name, ttl_seconds=60)
        answer = api.clones.clone_namespace(identifier, request, _headers={"Prefer": "code=200"})
        new = answer.namespace
        assert (new.namespace_name, answer.source_namespace_id) == (name, identifier)
        assert new.namespace_id and new.namespace_id.startswith("ns_") and new.namespace_id != identifier
        assert answer.status == "cloning" and answer.cloned_resources is not None
        assert answer.cloned_resources.collections == answer.cloned_resources.points == 0
        assert new.created_at is not None and new.updated_at is not None and new.expires_at is not None
        assert new.created_at <= new.updated_at
        assert (new.expires_at - new.created_at).total_seconds() == 60
    assert mock.state()["namespaces"] == before


def test_prefer_200_on_an_unknown_namespace_is_the_degraded_answer(api: Clients) -> None:
    page = api.collections.list_collections(
        list_collections_request=LC(limit=3, offset=6),
        _headers={"X-Namespace": "nope_ns", "Prefer": "code=200"},
    )
    assert page.results == [] and page.total_count == 0
    assert (page.pagination.page_size, page.pagination.page) == (3, 3)  # honours the request
    (warning,) = page.warnings
    assert (warning.resource, warning.id, warning.reason) == ("namespace", "nope_ns", "unresolved")
