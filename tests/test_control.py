"""The control plane under /_mock/: state, journal, coverage, clock, sessions, and who may use it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import orjson
import pytest
from starlette.testclient import TestClient

from mockserver.apis.common.worldkit import ANCHOR
from mockserver.app import MockApp, create_app
from mockserver.config import Config
from mockserver.testing import run_server
from tests.conftest import API_TOKEN, BEARER

LIST = "/v1/namespaces/migrations/list"
JSON_TYPE = {"Content-Type": "application/json"}  # what the control plane takes (crosssite.py)
CLONE = "/v1/namespaces/{}/clone"


@pytest.fixture()
def mock() -> Iterator[httpx.Client]:
    """A fresh server per test: these tests change state. Pinned (``--anchor``): exports are compared."""
    app = create_app(Config(seed=5, clone_seconds=3, anchor=ANCHOR))
    with run_server(app) as url, httpx.Client(base_url=url) as c:
        yield c


def _namespace(client: httpx.Client) -> dict[str, Any]:
    state = client.get("/_mock/state").json()
    namespaces: list[dict[str, Any]] = state["apis"]["Mixpeek API"]["namespaces"]
    return namespaces[0]


def test_index_and_health(mock: httpx.Client) -> None:
    assert "POST /_mock/reset" in mock.get("/_mock").json()["endpoints"]
    assert sorted(mock.get("/_mock/health").json()["specs"]) == ["Hosting API", "Mixpeek API"]
    missing = mock.get("/_mock/nothing")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"


def test_export_import_round_trip_and_reset(mock: httpx.Client) -> None:
    before = mock.get("/_mock/state").json()
    source = _namespace(mock)["namespace_name"]
    assert (
        mock.post(CLONE.format(source), headers=BEARER, json={"namespace_name": "qa_copy"}).status_code == 200
    )
    changed = mock.get("/_mock/state").json()
    assert changed != before
    assert mock.put("/_mock/state", json=before).status_code == 200
    assert mock.get("/_mock/state").json() == before
    assert mock.put("/_mock/state", json=changed).status_code == 200
    assert mock.post("/_mock/reset").status_code == 200
    assert mock.get("/_mock/state").json() == before


@pytest.mark.parametrize(
    "body",
    [b"not json", b"[]", b'{"apis": {"Nope": {}}}', b'{"apis": {"Mixpeek API": {"seed": -1}}}'],
)
def test_bad_imports_are_refused_and_change_nothing(mock: httpx.Client, body: bytes) -> None:
    before = mock.get("/_mock/state").json()
    response = mock.put("/_mock/state", content=body, headers=JSON_TYPE)
    assert response.status_code in (400, 422)
    assert response.json()["detail"]
    assert mock.get("/_mock/state").json() == before


def test_an_import_refused_for_one_api_changes_no_other(mock: httpx.Client) -> None:
    before = mock.get("/_mock/state").json()
    hosting = {**before["apis"]["Hosting API"]}
    hosting["migrations"] = hosting["migrations"][:3]
    response = mock.put("/_mock/state", json={"apis": {"Hosting API": hosting, "Mixpeek API": {"seed": -1}}})
    assert response.status_code == 422 and "Mixpeek API" in response.json()["detail"]
    assert mock.get("/_mock/state").json() == before


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("_clone", {"ready_at": "soon"}),
        ("_bucket_ids", None),
        ("_taxonomy_ids", [{"id": 1}]),
        ("object_count", "many"),
    ],
)
def test_imports_that_later_requests_could_not_serve_are_refused(
    mock: httpx.Client, field: str, value: Any
) -> None:
    before = mock.get("/_mock/state").json()
    state = orjson.loads(orjson.dumps(before))
    namespace = state["apis"]["Mixpeek API"]["namespaces"][0]
    namespace[field] = value
    response = mock.put("/_mock/state", json=state)
    assert response.status_code == 422, response.text
    assert field in response.json()["detail"]
    assert mock.get("/_mock/state").json() == before
    listed = mock.post(
        "/v1/collections/list", headers={**BEARER, "X-Namespace": namespace["namespace_id"]}, json={}
    )
    assert listed.status_code == 200


def test_clock_drives_the_clone_lifecycle(mock: httpx.Client) -> None:
    source = _namespace(mock)
    cloned = mock.post(CLONE.format(source["namespace_id"]), headers=BEARER, json={"namespace_name": "later"})
    assert cloned.json()["status"] == "cloning"
    scoped = {**BEARER, "X-Namespace": "later"}
    assert mock.post("/v1/collections/list", headers=scoped, json={}).json()["total_count"] == 0
    offset = mock.post("/_mock/clock/advance", json={"seconds": 5}).json()["offset_seconds"]
    assert offset == pytest.approx(5)
    original = mock.post(
        "/v1/collections/list", headers={**BEARER, "X-Namespace": source["namespace_name"]}, json={}
    )
    copies = mock.post("/v1/collections/list", headers=scoped, json={})
    assert copies.json()["total_count"] == original.json()["total_count"] > 0
    for bad in ({"seconds": -1}, {"seconds": "5"}, {}, []):
        assert mock.post("/_mock/clock/advance", json=bad).status_code == 422


def test_journal_filters_and_redacts(mock: httpx.Client) -> None:
    mock.post(LIST, headers=BEARER, json={"limit": 2})
    mock.post(LIST, json={})
    mock.get("/api/migrations", headers=API_TOKEN)
    entries = mock.get("/_mock/journal", params={"operation": "migrations/list"}).json()["entries"]
    assert [e["status"] for e in entries] == [401, 200]
    assert entries[1]["headers"]["authorization"] == "[redacted]"
    hosting = mock.get("/_mock/journal", params={"status": 200, "method": "GET"}).json()["entries"]
    assert [e["operation"] for e in hosting] == ["GET /api/migrations"]
    assert hosting[0]["headers"]["x-api-token"] == "[redacted]"
    assert all(e["latency_ms"] >= 0 for e in entries)
    assert mock.get("/_mock/journal", params={"limit": "x"}).status_code == 400
    assert mock.delete("/_mock/journal").status_code == 204
    assert mock.get("/_mock/journal").json()["count"] == 0


def test_coverage_shows_served_and_never_served(mock: httpx.Client) -> None:
    mock.post(LIST, headers=BEARER, json={})
    mock.post(LIST, headers=BEARER, json={"limit": 0})
    coverage = mock.get("/_mock/coverage").json()
    listed = next(o for o in coverage["operations"] if o["operation"] == "POST " + LIST)
    assert listed["served"] == {"200": 1, "422": 1}
    assert 401 in listed["never_served"] and 200 not in listed["never_served"]
    assert coverage["summary"]["served"] == 2


def test_sessions_steer_clients_that_cannot_send_headers(mock: httpx.Client) -> None:
    assert mock.put("/_mock/sessions/demo", json={"code": 403}).json() == {"code": 403}
    assert mock.post(LIST, headers={**BEARER, "X-Specmock-Session": "demo"}, json={}).status_code == 403
    assert mock.post(LIST + "?__session=demo", headers=BEARER, json={}).status_code == 403
    assert mock.post(LIST, headers=BEARER, json={}).status_code == 200
    mock.put("/_mock/sessions/default", json={"code": 404})
    assert mock.post(LIST, headers=BEARER, json={}).status_code == 404
    assert mock.post(LIST, headers={**BEARER, "Prefer": "code=200"}, json={}).status_code == 200
    assert mock.get("/_mock/sessions").json() == {"demo": {"code": 403}, "default": {"code": 404}}
    assert mock.put("/_mock/sessions/x", json={"colour": "red"}).status_code == 422
    assert mock.put("/_mock/sessions/x", json={"code": "abc"}).status_code == 400
    assert mock.delete("/_mock/sessions/default").status_code == 204
    assert mock.post(LIST, headers=BEARER, json={}).status_code == 200


def _asgi_get(app: MockApp, path: str, client: str, headers: dict[str, str] | None = None) -> int:
    """One request in process, from a client address of our choosing."""
    return (
        TestClient(app, base_url="http://127.0.0.1", client=(client, 40000))
        .get(path, headers=headers)
        .status_code
    )


def test_control_plane_answers_loopback_only_unless_admin_token() -> None:
    closed = create_app(Config())
    assert _asgi_get(closed, "/_mock/health", "127.0.0.1") == 200
    assert _asgi_get(closed, "/_mock/health", "::1") == 200
    assert _asgi_get(closed, "/_mock/health", "10.1.2.3") == 403
    assert _asgi_get(closed, "/_mock/health", "10.1.2.3", {"X-Admin-Token": "guess"}) == 403
    opened = create_app(Config(admin_token="s3cret"))
    assert _asgi_get(opened, "/_mock/health", "10.1.2.3") == 403
    assert _asgi_get(opened, "/_mock/health", "10.1.2.3", {"X-Admin-Token": "wrong"}) == 403
    assert _asgi_get(opened, "/_mock/health", "10.1.2.3", {"X-Admin-Token": "s3cret"}) == 200
    # the served API itself is not restricted
    assert _asgi_get(opened, "/api/migrations", "10.1.2.3", {"X-Api-Token": "tok_user"}) == 200


def test_control_errors_are_problem_json(mock: httpx.Client) -> None:
    response = mock.put("/_mock/state", content=b"{", headers=JSON_TYPE)
    assert response.status_code == 400
    problem = orjson.loads(response.content)
    assert problem["status"] == 400 and problem["title"] == "Bad request"


def test_a_failing_control_endpoint_answers_problem_json(caplog: pytest.LogCaptureFixture) -> None:
    app = create_app(Config())
    backend = next(iter(app.catalog.backends.values()))

    def broken() -> dict[str, Any]:
        raise RuntimeError("boom")

    backend.export_state = broken  # type: ignore[method-assign]
    response = TestClient(app, base_url="http://127.0.0.1", client=("127.0.0.1", 50000)).get("/_mock/state")
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["status"] == 500
    assert "boom" in caplog.text


def test_an_imported_state_is_what_the_next_collections_page_shows(mock: httpx.Client) -> None:
    """The collections pages are cached: an import (a write) must empty the cache."""
    state = mock.get("/_mock/state").json()
    ns = state["apis"]["Mixpeek API"]["namespaces"][0]["namespace_id"]
    listing = {"headers": {**BEARER, "X-Namespace": ns}, "json": {}}
    first = mock.post("/v1/collections/list?limit=1000", **listing).json()["results"]  # type: ignore[arg-type]
    assert first and mock.post("/v1/collections/list?limit=1000", **listing).json()["results"] == first  # type: ignore[arg-type]
    for collection in state["apis"]["Mixpeek API"]["collections"]:
        if collection["_namespace_id"] == ns:
            collection["description"] = "renamed by an import"
    assert mock.put("/_mock/state", json=state).status_code == 200
    after = mock.post("/v1/collections/list?limit=1000", **listing).json()["results"]  # type: ignore[arg-type]
    assert {c["description"] for c in after} == {"renamed by an import"}
