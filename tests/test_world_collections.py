"""The collections list (scoping, filters, sort, search, paging, stats) and namespace clones."""

from __future__ import annotations

import math
import random
from typing import Any

import pytest

from mockserver.apis.mixpeek.filters import OPERATORS, compile_filters, values_at
from tests.test_world_support import CLONE, COLLECTIONS, FrozenClock, World, world


def _list(w: World, ns: str, body: dict[str, Any] | None = None, **query: Any) -> Any:
    response = w.call(COLLECTIONS, body if body is not None else {}, headers={"x-namespace": ns}, query=query)
    if response.status == 200:
        w.check(COLLECTIONS, response)
    return response


def _namespaces(w: World) -> list[dict[str, Any]]:
    return list(w.backend.export_state()["namespaces"])


def _collections_of(w: World, ns_id: str) -> list[dict[str, Any]]:
    """The namespace's user collections (without its system collection ``_direct_upsert``)."""
    cols = [c for c in w.backend.export_state()["collections"] if c["_namespace_id"] == ns_id]
    return [{k: v for k, v in c.items() if not k.startswith("_")} for c in cols if not c.get("_system")]


@pytest.fixture(scope="module")
def w() -> World:
    return world(seed=21)


def test_scoped_by_name_or_id(w: World) -> None:
    for ns in _namespaces(w):
        by_name = _list(w, ns["namespace_name"], limit=100).body
        by_id = _list(w, ns["namespace_id"], limit=100).body
        assert by_name == by_id
        expected = {c["collection_id"] for c in _collections_of(w, ns["namespace_id"])}
        assert {c["collection_id"] for c in by_name["results"]} == expected
        assert by_name["total_count"] == len(expected) == by_name["pagination"]["total"]


def test_unknown_namespace_is_the_seed_404(w: World) -> None:
    response = _list(w, "no_such_namespace")
    assert response.status == 404
    assert response.body == {
        "success": False,
        "status": 404,
        "error": {
            "message": "Namespace not found",
            "type": "NotFoundError",
            "details": {"id": "no_such_namespace", "resource": "namespace"},
        },
    }
    w.check(COLLECTIONS, response)


def test_default_page_size_and_pagination_fields(w: World) -> None:
    ns = max(_namespaces(w), key=lambda n: len(_collections_of(w, n["namespace_id"])))["namespace_id"]
    total = len(_collections_of(w, ns))
    body = _list(w, ns).body
    assert body["pagination"]["page_size"] == 10 and body["pagination"]["page"] == 1
    assert body["pagination"]["previous_page"] is None
    body = _list(w, ns, limit=2, offset=2).body
    assert body["pagination"] == {
        "total": total,
        "page": 2,
        "page_size": 2,
        "total_pages": math.ceil(total / 2),
        "next_page": "?limit=2&offset=4" if total > 4 else None,
        "previous_page": "?limit=2&offset=0",
    }


def _random_condition(r: random.Random, docs: list[dict[str, Any]]) -> dict[str, Any]:
    field = r.choice(
        [
            "collection_name",
            "document_count",
            "enabled",
            "metadata.team",
            "source.type",
            "taxonomy_applications.taxonomy_id",
            "feature_extractor.feature_extractor_name",
            "retriever_count",
            "created_at",
            "description",
        ]
    )
    values = [v for d in docs for v in values_at(d, field)] or ["x"]
    op = r.choice([o for o in OPERATORS if o != "exists"] + ["exists"])
    value: Any = r.choice(values)
    if op in ("in", "nin"):
        value = r.sample(values, min(len(values), r.randint(1, 3)))
    elif op in ("contains", "starts_with") and isinstance(value, str):
        value = value[: r.randint(1, max(1, len(value)))].upper() if r.random() < 0.5 else value[:4]
    elif op == "exists":
        value = r.random() < 0.7
    return {"field": field, "operator": op, "value": value}


def _leaves(doc: Any, path: str) -> list[Any]:
    """Independent of the implementation: walk ``path``, fanning out over lists."""
    found: list[Any] = [doc]
    for part in path.split("."):
        nxt: list[Any] = []
        for node in found:
            for item in node if isinstance(node, list) else [node]:
                if isinstance(item, dict) and item.get(part) is not None:
                    nxt.append(item[part])
        found = nxt
    out: list[Any] = []
    for value in found:
        out.extend(value if isinstance(value, list) else [value])
    return out


def _holds(op: str, have: Any, want: Any, sensitive: bool) -> bool:
    low = (lambda v: v) if sensitive else (lambda v: v.lower() if isinstance(v, str) else v)
    h, wv = low(have), (low(want) if not isinstance(want, list) else [low(x) for x in want])
    same_kind = type(h) is type(wv) or (
        isinstance(h, int | float)
        and isinstance(wv, int | float)
        and not isinstance(h, bool)
        and not isinstance(wv, bool)
    )
    if op == "eq":
        return same_kind and h == wv
    if op == "in":
        return any(_holds("eq", have, x, sensitive) for x in want)
    if op in ("gt", "gte", "lt", "lte"):
        if not same_kind:
            return False
        return {"gt": h > wv, "gte": h >= wv, "lt": h < wv, "lte": h <= wv}[op]
    if op == "contains":
        return (isinstance(h, str) and isinstance(wv, str) and wv in h) or _holds("eq", have, want, sensitive)
    if op == "starts_with":
        return isinstance(h, str) and isinstance(wv, str) and h.startswith(wv)
    raise AssertionError(op)


def _oracle(doc: dict[str, Any], filters: Any, sensitive: bool) -> bool:
    if not filters:
        return True
    ((group, conditions),) = filters.items()
    results = []
    for c in conditions:
        values = _leaves(doc, c["field"])
        op, want = c["operator"], c["value"]
        if op == "exists":
            ok = bool(values) == bool(want)
        elif op in ("ne", "nin"):
            ok = not any(_holds("eq" if op == "ne" else "in", v, want, sensitive) for v in values or [None])
        else:
            ok = any(_holds(op, v, want, sensitive) for v in values)
        results.append(ok)
    return all(results) if group == "AND" else any(results)


def test_random_filters_sort_search_and_paging(w: World) -> None:
    r = random.Random(5)
    namespaces = _namespaces(w)
    sizes: list[tuple[int, int]] = []
    for _ in range(80):
        ns = r.choice(namespaces)
        docs = _collections_of(w, ns["namespace_id"])
        body: dict[str, Any] = {}
        if r.random() < 0.8:
            body["filters"] = {
                r.choice(["AND", "OR"]): [_random_condition(r, docs) for _ in range(r.randint(1, 3))]
            }
        if r.random() < 0.3:
            body["search"] = r.choice(["product", "VIDEO", "col_", "derived", "zzz"])
        if r.random() < 0.5:
            body["case_sensitive"] = r.random() < 0.5
        if r.random() < 0.6:
            body["sort"] = {
                "field": r.choice(["document_count", "collection_name", "created_at"]),
                "direction": r.choice(["asc", "desc"]),
            }
        sensitive = body.get("case_sensitive", False)
        needle = body.get("search")
        expected = [
            d
            for d in docs
            if _oracle(d, body.get("filters"), sensitive)
            and (
                not needle
                or any(
                    (needle if sensitive else needle.lower())
                    in (str(d[k]) if sensitive else str(d[k]).lower())
                    for k in ("collection_id", "collection_name", "description")
                )
            )
        ]
        sizes.append((len(expected), len(docs)))
        limit = r.randint(1, 4)
        seen: list[str] = []
        offset = 0
        while True:
            page = _list(w, ns["namespace_name"], body, limit=limit, offset=offset).body
            assert page["total_count"] == page["pagination"]["total"] == len(expected), body
            assert page["pagination"]["page"] == offset // limit + 1
            assert page["stats"]["total_documents"] == sum(d["document_count"] for d in expected)
            assert page["stats"]["total_retrievers"] == sum(d["retriever_count"] for d in expected)
            assert page["stats"]["collections_with_taxonomies"] == sum(
                1 for d in expected if d["taxonomy_applications"]
            )
            if not page["results"]:
                break
            seen.extend(c["collection_id"] for c in page["results"])
            offset += limit
        assert sorted(seen) == sorted(d["collection_id"] for d in expected)
        assert len(seen) == len(set(seen))
        if "sort" in body:
            keys = [
                values_at(next(d for d in expected if d["collection_id"] == cid), body["sort"]["field"])[0]
                for cid in seen
            ]
            assert keys == sorted(keys, reverse=body["sort"]["direction"] == "desc")
    assert sum(1 for n, _ in sizes if n == 0) > 5  # the cases are not all trivial either way
    assert sum(1 for n, total in sizes if 0 < n < total) > 20


def test_nested_path_matches_any_array_element(w: World) -> None:
    for ns in _namespaces(w):
        docs = _collections_of(w, ns["namespace_id"])
        tagged = [d for d in docs if d["taxonomy_applications"]]
        if not tagged:
            continue
        tax = tagged[0]["taxonomy_applications"][-1]["taxonomy_id"]
        body = {
            "filters": {
                "AND": [{"field": "taxonomy_applications.taxonomy_id", "operator": "eq", "value": tax}]
            }
        }
        listed = _list(w, ns["namespace_id"], body, limit=100).body["results"]
        assert {c["collection_id"] for c in listed} == {
            d["collection_id"]
            for d in docs
            if any(a["taxonomy_id"] == tax for a in d["taxonomy_applications"] or [])
        }
        return
    pytest.fail("no namespace has a collection with taxonomies")


def test_case_sensitivity_applies_to_filters_and_search(w: World) -> None:
    ns = _namespaces(w)[0]
    name = _collections_of(w, ns["namespace_id"])[0]["collection_name"]
    eq = {"filters": {"AND": [{"field": "collection_name", "operator": "eq", "value": name.upper()}]}}
    assert _list(w, ns["namespace_id"], eq).body["total_count"] == 1
    assert _list(w, ns["namespace_id"], {**eq, "case_sensitive": True}).body["total_count"] == 0
    assert _list(w, ns["namespace_id"], {"search": name.upper()}).body["total_count"] >= 1
    assert (
        _list(w, ns["namespace_id"], {"search": name.upper(), "case_sensitive": True}).body["total_count"]
        == 0
    )


@pytest.mark.parametrize(
    ("filters", "loc"),
    [
        (
            {"AND": [{"field": "enabled", "operator": "like", "value": True}]},
            ["body", "filters", "AND", 0, "operator"],
        ),
        ({"OR": [{"field": "enabled", "value": True}]}, ["body", "filters", "OR", 0, "operator"]),
        ({"AND": {"field": "enabled"}}, ["body", "filters", "AND"]),
        ({"AND": [{"field": "x", "operator": "in"}]}, ["body", "filters", "AND", 0, "value"]),
        ({"NOT": []}, ["body", "filters", "NOT"]),
    ],
)
def test_malformed_filters_are_422_naming_the_place(w: World, filters: Any, loc: list[Any]) -> None:
    response = _list(w, _namespaces(w)[0]["namespace_id"], {"filters": filters})
    assert response.status == 422
    assert response.body["detail"][0]["loc"] == loc
    assert response.body["detail"][0]["type"] == "value_error"
    w.check(COLLECTIONS, response)


def test_nested_groups_are_understood() -> None:
    docs = [{"a": 1, "b": "x"}, {"a": 2, "b": "y"}, {"a": 3, "b": "x"}]
    match = compile_filters(
        {
            "OR": [
                {
                    "AND": [
                        {"field": "a", "operator": "gte", "value": 2},
                        {"field": "b", "operator": "eq", "value": "X"},
                    ]
                },
                {"field": "a", "operator": "eq", "value": 1},
            ]
        },
        False,
    )
    assert [d["a"] for d in docs if match(d)] == [1, 3]


# -- clone ---------------------------------------------------------------------------------


def _clone(w: World, source: str, body: dict[str, Any]) -> Any:
    response = w.call(CLONE, body, path={"namespace_identifier": source})
    w.check(CLONE, response)
    return response


def test_clone_lifecycle_and_listing_under_the_clone() -> None:
    w = world(seed=4, clone_seconds=3.0, clock=FrozenClock())
    source = _namespaces(w)[0]
    source_docs = _collections_of(w, source["namespace_id"])
    response = _clone(w, source["namespace_name"], {"namespace_name": "catalog_staging_copy"})
    assert response.status == 200
    body = response.body
    assert body["status"] == "cloning" and body["task_id"]
    # the docs example: an object while cloning, every count zero until ready
    assert body["cloned_resources"] == dict.fromkeys(
        ("collections", "retrievers", "taxonomies", "buckets", "objects", "points"), 0
    )
    assert body["source_namespace_id"] == source["namespace_id"]
    new_id = body["namespace"]["namespace_id"]
    assert new_id.startswith("ns_") and new_id != source["namespace_id"]
    assert body["namespace"]["description"] == source["description"]
    # the name is reserved at once; collections appear when the clone is ready
    assert _list(w, "catalog_staging_copy").body["total_count"] == 0
    w.clock.advance(3.0)
    listed = _list(w, "catalog_staging_copy", limit=100).body
    assert listed["total_count"] == len(source_docs)
    assert {c["collection_name"] for c in listed["results"]} == {d["collection_name"] for d in source_docs}
    assert not {c["collection_id"] for c in listed["results"]} & {d["collection_id"] for d in source_docs}
    assert _list(w, new_id, limit=100).body == listed
    clone_state = next(c for c in w.backend.export_state()["clones"] if c["namespace_id"] == new_id)
    assert clone_state["status"] == "ready"
    assert clone_state["cloned_resources"]["collections"] == len(source_docs)
    assert clone_state["cloned_resources"]["points"] == sum(d["document_count"] for d in source_docs)
    # the source is untouched
    assert _collections_of(w, source["namespace_id"]) == source_docs


def test_the_same_list_asked_again_follows_the_clock_and_the_writes() -> None:
    """Pages are kept per write version and for as long as the clock leaves them true: the same
    request sees a clone turn ready, expire, and a write elsewhere in the world."""
    w = world(seed=4, clone_seconds=3.0, clock=FrozenClock())
    source = _namespaces(w)[0]
    _clone(w, source["namespace_name"], {"namespace_name": "short_lived", "ttl_seconds": 10})
    page = _list(w, "short_lived")
    assert page.body["total_count"] == 0
    assert _list(w, "short_lived").raw is page.raw  # the kept page, the very same bytes
    w.clock.advance(3.0)
    ready = _list(w, "short_lived").body
    assert ready["total_count"] == len(_collections_of(w, source["namespace_id"])) > 0
    first = _list(w, source["namespace_name"])
    _clone(w, source["namespace_name"], {"namespace_name": "another_copy"})  # a write: versions move
    again = _list(w, source["namespace_name"])
    assert again.body == first.body  # the source's own list is unchanged
    assert again.raw is not first.raw  # but made again: the write emptied the kept pages
    assert _list(w, "short_lived").body == ready
    w.clock.advance(7.0)
    assert _list(w, "short_lived").status == 404  # expired, though its page was kept a moment ago


def test_clone_name_taken_is_409_and_unknown_source_is_404() -> None:
    w = world(seed=4)
    source, other = _namespaces(w)[:2]
    assert _clone(w, source["namespace_id"], {"namespace_name": "dup"}).status == 200
    for name in ("dup", other["namespace_name"]):
        response = _clone(w, source["namespace_id"], {"namespace_name": name})
        assert response.status == 409
        assert response.body == {
            "success": False,
            "status": 409,
            "error": {
                "message": f"Namespace name '{name}' is already taken",
                "type": "ConflictError",
                "code": "namespace_name_taken",
                "details": {"namespace_name": name},
            },
        }
    response = _clone(w, "ns_missing", {"namespace_name": "fresh"})
    assert response.status == 404 and response.body["error"]["details"] == {
        "id": "ns_missing",
        "resource": "namespace",
    }


def test_clone_options_description_and_immediate_readiness() -> None:
    w = world(seed=6, clone_seconds=0)
    source = _namespaces(w)[0]
    body = {
        "namespace_name": "bare",
        "description": "An empty fork for experiments.",
        "include_resources": {"collections": False, "retrievers": False, "taxonomies": True},
    }
    response = _clone(w, source["namespace_id"], body).body
    assert response["status"] == "ready"
    assert response["namespace"]["description"] == "An empty fork for experiments."
    assert response["cloned_resources"]["collections"] == 0
    assert response["cloned_resources"]["retrievers"] == 0
    assert response["cloned_resources"]["taxonomies"] == len(source["_taxonomy_ids"])
    assert _list(w, "bare").body["total_count"] == 0


def test_clone_ids_are_deterministic_per_seed_and_sequence() -> None:
    def run() -> list[str]:
        w = world(seed=12)
        source = _namespaces(w)[1]["namespace_id"]
        _clone(w, source, {"namespace_name": _namespaces(w)[0]["namespace_name"]})  # 409, uses no number
        return [
            _clone(w, source, {"namespace_name": f"copy_{i}"}).body["namespace"]["namespace_id"]
            for i in range(3)
        ]

    assert run() == run()
    assert len(set(run())) == 3


def test_export_round_trips_clones() -> None:
    w = world(seed=4, clock=FrozenClock())
    _clone(w, _namespaces(w)[0]["namespace_id"], {"namespace_name": "pending_copy"})
    state = w.backend.export_state()
    assert [c["status"] for c in state["clones"]] == ["cloning"]
    other = world(seed=4, clock=w.clock)
    other.backend.import_state(state)
    assert other.backend.export_state() == state
    assert (
        other.call(
            CLONE,
            {"namespace_name": "pending_copy"},
            path={"namespace_identifier": _namespaces(w)[0]["namespace_id"]},
        ).status
        == 409
    )


def test_scalar_in_is_a_one_element_list_and_unknown_fields_match_nothing(w: World) -> None:
    ns = max(_namespaces(w), key=lambda n: len(_collections_of(w, n["namespace_id"])))["namespace_id"]
    docs = _collections_of(w, ns)
    name = docs[0]["collection_name"]

    def total(field: str, op: str, value: Any) -> int:
        body = _list(w, ns, {"filters": {"AND": [{"field": field, "operator": op, "value": value}]}}).body
        return int(body["total_count"])

    assert total("collection_name", "in", name) == total("collection_name", "in", [name]) == 1
    assert total("collection_name", "nin", name) == total("collection_name", "nin", [name]) == len(docs) - 1
    # a condition on an empty or unknown field matches no document, whatever its operator
    for field in ("", "blobs.type", "no_such_field", "source.nope"):
        for op in ("eq", "ne", "in", "nin", "contains"):
            assert total(field, op, "video") == 0, (field, op)
    # a declared field a document leaves out is null there; free-form objects admit any key
    assert total("source.collection_id", "ne", "x") == len(docs)
    assert total("metadata.no_such_key", "nin", ["x"]) == len(docs)


def test_source_organization_id_is_admin_only() -> None:
    """The docs: "Source org ID for cross-org cloning (admin only)"."""
    w = world(seed=4, tokens={"sk_boss": "admin"})
    source = _namespaces(w)[0]["namespace_name"]
    body = {"namespace_name": "cross_org_copy", "source_organization_id": "org_abc123"}
    refused = w.call(CLONE, body, path={"namespace_identifier": source}, principal="sk_user")
    w.check(CLONE, refused)
    assert refused.status == 403
    assert "source_organization_id" in refused.body["error"]["message"]
    assert refused.body["error"]["details"] == {"field": "source_organization_id"}
    assert (
        w.call(
            CLONE,
            {**body, "source_organization_id": None},
            path={"namespace_identifier": source},
            principal="sk_user",
        ).status
        == 200
    )
    admin = w.call(
        CLONE,
        {**body, "namespace_name": "cross_org_admin"},
        path={"namespace_identifier": source},
        principal="sk_boss",
    )
    assert admin.status == 200
