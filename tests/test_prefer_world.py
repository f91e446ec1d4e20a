"""``Prefer: code=N`` never makes a stateful API incoherent (issue 10, item 7), on a real server.

Three rules, checked on the three Mixpeek operations and the hosting list:
- N is the status the world gives anyway: the world's own answer, byte for byte, with what it
  changes (a clone forced to 200 that would succeed is performed);
- a per-request ``code=200`` beats a session's ``code=500``;
- N is a status the world would not give: the world changes nothing, and the answer honours the
  request (the path's namespace, the body's name, the paging asked for) with timestamps and
  statuses that agree; every such body fits the spec's schema for N.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import httpx
import pytest

from mockserver.app import create_app
from mockserver.config import Config
from mockserver.testing import run_server
from tests.conftest import API_TOKEN, BEARER, HOSTING, MIXPEEK
from tests.test_world_support import closed_document

ADMIN = {"Authorization": "Bearer sk_admin"}
ADMIN_TOKEN = {"X-Api-Token": "tok_admin"}
MIGRATIONS = "/v1/namespaces/migrations/list"
COLLECTIONS = "/v1/collections/list"
HOSTING_LIST = "/api/migrations"
OPS = {  # path -> (spec, method, spec path)
    MIGRATIONS: (MIXPEEK, "POST", MIGRATIONS),
    "clone": (MIXPEEK, "POST", "/v1/namespaces/{namespace_identifier}/clone"),
    COLLECTIONS: (MIXPEEK, "POST", COLLECTIONS),
    HOSTING_LIST: (HOSTING, "GET", HOSTING_LIST),
}


@pytest.fixture(scope="module")
def http() -> Iterator[httpx.Client]:
    config = Config(seed=0, clone_seconds=3.0, tokens={"sk_admin": "admin", "tok_admin": "admin"})
    with run_server(create_app(config)) as url, httpx.Client(base_url=url, timeout=30) as client:
        yield client


def _state(http: httpx.Client) -> dict[str, Any]:
    state: dict[str, Any] = http.get("/_mock/state").json()["apis"]["Mixpeek API"]
    return state


def _world(http: httpx.Client) -> tuple[Any, ...]:
    """What a request can change: namespaces, collections, the clone sequence (a clone's status
    moves with the clock on its own, so it is left out)."""
    state = _state(http)
    return state["namespaces"], state["collections"], state["sequences"]


def _namespaces(http: httpx.Client) -> list[dict[str, Any]]:
    return sorted(_state(http)["namespaces"], key=lambda n: n["namespace_id"])


def _fits(op: str, status: int, body: Any) -> None:
    """``body`` is what the document (as written, every object closed) promises for ``status``."""
    path, method, template = OPS[op]
    problems = closed_document(path).response_errors(template, method, status, body)
    assert not problems, f"{method} {template} {status}: " + "; ".join(problems[:10])


def _clone(http: httpx.Client, source: str, body: dict[str, Any], prefer: str | None = None, **headers: str):
    extra = {"Prefer": prefer} if prefer else {}
    return http.post(f"/v1/namespaces/{source}/clone", json=body, headers={**BEARER, **extra, **headers})


def _when(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _coherent_clone(answer: dict[str, Any], name: str, source_id: str | None, ttl: int | None) -> None:
    """A clone answer agrees with itself and with the request."""
    ns = answer["namespace"]
    assert ns["namespace_name"] == name
    assert ns["namespace_id"].startswith("ns_") and ns["namespace_id"] != answer["source_namespace_id"]
    if source_id is not None:
        assert answer["source_namespace_id"] == source_id
    assert _when(ns["created_at"]) <= _when(ns["updated_at"])
    if ttl is None:
        assert ns["expires_at"] is None
    else:
        assert (_when(ns["expires_at"]) - _when(ns["created_at"])).total_seconds() == ttl
    assert answer["status"] == "cloning"  # just started: nothing copied yet, nothing counted
    assert set(answer["cloned_resources"].values()) == {0}
    assert ns["collection_count"] == ns["document_count"] == ns["bucket_count"] == 0
    assert answer["task_id"]


# -- the status the world gives anyway: the world's own answer ------------------------------
def test_the_worlds_status_is_the_worlds_answer(http: httpx.Client) -> None:
    source = _namespaces(http)[0]
    requests = [
        (MIGRATIONS, {"limit": 4, "offset": 2}, {}, 200),
        (COLLECTIONS, {"limit": 2}, {"X-Namespace": source["namespace_name"]}, 200),
        (COLLECTIONS, {"limit": 2}, {"X-Namespace": "nope_ns"}, 404),
    ]
    for path, body, headers, status in requests:
        plain = http.post(path, json=body, headers={**BEARER, **headers})
        forced = http.post(path, json=body, headers={**BEARER, **headers, "Prefer": f"code={status}"})
        assert plain.status_code == forced.status_code == status
        assert forced.content == plain.content, path
    for params, headers, status in (
        ({"per": 3, "page": 2}, API_TOKEN, 200),
        ({"customer_code": "ACME"}, API_TOKEN, 403),  # customer_code is for admin tokens
        ({"customer_code": "ACME", "per": 2}, ADMIN_TOKEN, 200),
    ):
        plain = http.get(HOSTING_LIST, params=params, headers=headers)
        forced = http.get(HOSTING_LIST, params=params, headers={**headers, "Prefer": f"code={status}"})
        assert plain.status_code == forced.status_code == status
        assert forced.content == plain.content, params


def test_a_clone_forced_to_the_status_it_gets_is_the_worlds_clone(http: httpx.Client) -> None:
    source = _namespaces(http)[0]
    made = _clone(http, source["namespace_id"], {"namespace_name": "forced_ok"}, "code=200")
    assert made.status_code == 200
    new_id = made.json()["namespace"]["namespace_id"]
    assert new_id in {n["namespace_id"] for n in _namespaces(http)}  # performed: it exists now
    listed = http.post(COLLECTIONS, json={}, headers={**BEARER, "X-Namespace": "forced_ok"})
    assert listed.status_code == 200  # and resolves by its name
    # the world's own refusals, asked for by their status: the same bytes as without Prefer
    unknown = {"namespace_name": "forced_nowhere"}
    assert (
        _clone(http, "ns_doesnotexist00", unknown, "code=404").content
        == _clone(http, "ns_doesnotexist00", unknown).content
    )
    taken = {"namespace_name": "forced_ok"}
    forced_409 = _clone(http, source["namespace_id"], taken, "code=409")
    assert (
        forced_409.status_code == 409
        and forced_409.content == _clone(http, source["namespace_id"], taken).content
    )
    org = {"namespace_name": "forced_org", "source_organization_id": "org_abc123"}
    assert (
        _clone(http, source["namespace_id"], org, "code=403").content
        == _clone(http, source["namespace_id"], org).content
    )


# -- a session's code=500 and a per-request code=200 -------------------------------------------
def test_a_per_request_200_beats_a_session_500(http: httpx.Client) -> None:
    source = _namespaces(http)[0]
    ns_header = {"X-Namespace": source["namespace_name"]}
    plain_list = http.post(MIGRATIONS, json={"limit": 3}, headers=BEARER)
    plain_page = http.post(COLLECTIONS, json={"limit": 3}, headers={**BEARER, **ns_header})
    plain_hosting = http.get(HOSTING_LIST, params={"per": 3}, headers=API_TOKEN)
    http.put("/_mock/sessions/default", json={"code": 500}).raise_for_status()
    try:
        ok = {"Prefer": "code=200"}
        assert http.post(MIGRATIONS, json={"limit": 3}, headers=BEARER).status_code == 500
        undocumented = http.get(HOSTING_LIST, params={"per": 3}, headers=API_TOKEN)  # it documents no 500:
        assert undocumented.headers["x-specmock-error"] == "prefer"  # the mock's own error, as Prism's
        before = _namespaces(http)
        assert _clone(http, source["namespace_id"], {"namespace_name": "session_500"}).status_code == 500
        assert _namespaces(http) == before  # the session's 500 cloned nothing

        assert (
            http.post(MIGRATIONS, json={"limit": 3}, headers={**BEARER, **ok}).content == plain_list.content
        )
        page = http.post(COLLECTIONS, json={"limit": 3}, headers={**BEARER, **ns_header, **ok})
        assert page.content == plain_page.content
        hosting = http.get(HOSTING_LIST, params={"per": 3}, headers={**API_TOKEN, **ok})
        assert hosting.content == plain_hosting.content
        made = _clone(http, source["namespace_id"], {"namespace_name": "session_200"}, "code=200")
        assert made.status_code == 200
        assert made.json()["namespace"]["namespace_id"] in {n["namespace_id"] for n in _namespaces(http)}
    finally:
        http.delete("/_mock/sessions/default")
    assert http.post(MIGRATIONS, json={"limit": 3}, headers=BEARER).status_code == 200


# -- a status the world would not give: nothing changes, the answer honours the request --------
def test_a_clone_forced_to_200_that_the_world_refuses(http: httpx.Client) -> None:
    namespaces = _namespaces(http)
    source, other = namespaces[0], namespaces[1]
    cases = [  # (path identifier, body, headers, the source id the answer must name, why the world refuses)
        (
            "ns_doesnotexist00",
            {"namespace_name": "forced_a", "ttl_seconds": 120},
            {},
            "ns_doesnotexist00",
            404,
        ),
        ("no_such_namespace", {"namespace_name": "forced_b"}, {}, None, 404),
        (
            source["namespace_id"],
            {"namespace_name": other["namespace_name"]},
            {},
            source["namespace_id"],
            409,
        ),
        (
            source["namespace_name"],
            {"namespace_name": "forced_c", "source_organization_id": "org_abc123", "description": "mine"},
            {},
            source["namespace_id"],
            403,
        ),
    ]
    for identifier, body, headers, source_id, refused in cases:
        before = _world(http)
        assert _clone(http, identifier, body, **headers).status_code == refused
        forced = _clone(http, identifier, body, "code=200", **headers)
        assert forced.status_code == 200, identifier
        answer = forced.json()
        _fits("clone", 200, answer)
        _coherent_clone(answer, body["namespace_name"], source_id, body.get("ttl_seconds"))
        assert answer["namespace"]["description"] == body.get(
            "description", answer["namespace"]["description"]
        )
        assert _world(http) == before  # Prism-like: a forced success changes no world
        assert answer["namespace"]["namespace_id"] not in {n["namespace_id"] for n in before[0]}
        again = _clone(http, identifier, body, "code=200", **headers).json()
        assert (
            again["namespace"]["namespace_id"] == answer["namespace"]["namespace_id"]
        )  # same request, same ids
    unknown = _clone(http, "ns_doesnotexist00", {"namespace_name": "forced_a"}, "code=200").json()
    assert unknown["primary_retriever_id"] is None  # an unknown source has no retrievers
    # the name taken stays its owner's: the forced answer did not claim it
    owner = http.post(COLLECTIONS, json={}, headers={**BEARER, "X-Namespace": other["namespace_name"]})
    assert owner.status_code == 200


def test_a_clone_forced_to_an_error_names_the_request(http: httpx.Client) -> None:
    source = _namespaces(http)[0]
    before = _world(http)
    body = {"namespace_name": "forced_error"}
    for status in (400, 401, 403, 404, 409, 422, 500):
        answer = _clone(http, source["namespace_id"], body, f"code={status}")
        assert answer.status_code == status
        _fits("clone", status, answer.json())
        if status != 422:
            assert answer.json()["status"] == status
    not_found = _clone(http, source["namespace_id"], body, "code=404").json()
    assert not_found["error"]["details"] == {"id": source["namespace_id"], "resource": "namespace"}
    taken = _clone(http, source["namespace_id"], body, "code=409").json()
    assert taken["error"]["details"] == {"namespace_name": "forced_error"}
    assert _world(http) == before  # none of them cloned anything


def test_lists_forced_to_another_status_honour_the_request(http: httpx.Client) -> None:
    source = _namespaces(http)[0]
    before = _world(http)
    degraded = http.post(
        COLLECTIONS,
        json={"limit": 3, "offset": 6},
        headers={**BEARER, "X-Namespace": "nope_ns", "Prefer": "code=200"},
    ).json()
    _fits(COLLECTIONS, 200, degraded)
    assert degraded["results"] == [] and degraded["total_count"] == 0
    assert (degraded["pagination"]["page_size"], degraded["pagination"]["page"]) == (3, 3)
    assert [w["id"] for w in degraded["warnings"]] == ["nope_ns"]
    named = {"X-Namespace": source["namespace_name"]}
    missing = http.post(COLLECTIONS, json={}, headers={**BEARER, **named, "Prefer": "code=404"})
    assert missing.status_code == 404
    assert missing.json()["error"]["details"]["id"] == source["namespace_name"]  # the header sent
    for path, headers in ((MIGRATIONS, {}), (COLLECTIONS, named)):
        for status in (400, 401, 403, 404, 422, 500):
            answer = http.post(
                path, json={"limit": 3}, headers={**BEARER, **headers, "Prefer": f"code={status}"}
            )
            assert answer.status_code == status
            _fits(path, status, answer.json())
            if status != 422:
                assert answer.json()["status"] == status
    assert _world(http) == before


def test_the_hosting_list_forced_to_another_status_honours_the_request(http: httpx.Client) -> None:
    refused = {"customer_code": "ACME", "per": 3, "page": 2}
    assert http.get(HOSTING_LIST, params=refused, headers=API_TOKEN).status_code == 403
    forced = http.get(HOSTING_LIST, params=refused, headers={**API_TOKEN, "Prefer": "code=200"})
    assert forced.status_code == 200
    _fits(HOSTING_LIST, 200, forced.json())
    # a page of what the token may not see is empty, at the paging asked for
    assert forced.json() == {
        "resources": [],
        "pagination": {"page": 2, "per": 3, "total": 0, "total_pages": 0},
    }
    for status in (401, 403, 404, 422):
        answer = http.get(HOSTING_LIST, params={"per": 3}, headers={**API_TOKEN, "Prefer": f"code={status}"})
        assert answer.status_code == status
        _fits(HOSTING_LIST, status, answer.json())
        assert all(e["field"] in ("per",) for e in answer.json()["errors"])  # no field the request lacks
