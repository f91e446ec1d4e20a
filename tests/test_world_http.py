"""The worlds through a real server: the core's routing and validation in front of our handlers,
the control plane's clock and state, and two uvicorn workers sharing one state file."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from mockserver.app import create_app
from mockserver.config import Config
from mockserver.testing import run_server
from tests.mockproc import MockProcess
from tests.test_world_support import (
    DOCS_VARIANT,
    HOSTING,
    MIGRATIONS,
    MIXPEEK,
    closed_document,
)

BEARER = {"Authorization": "Bearer sk_test"}
LIST = "/v1/namespaces/migrations/list"


@pytest.fixture(scope="module")
def client() -> Iterator[httpx.Client]:
    config = Config(seed=3, tokens={"tok_admin": "admin"}, clone_seconds=3.0)
    with run_server(create_app(config)) as url, httpx.Client(base_url=url, timeout=10) as c:
        yield c


def _namespaces(client: httpx.Client) -> list[dict[str, Any]]:
    state = client.get("/_mock/state").json()
    return list(state["apis"]["Mixpeek API"]["namespaces"])


def test_filtered_migrations_list_over_http(client: httpx.Client) -> None:
    response = client.post(LIST, headers=BEARER, json={"status": "failed", "limit": 3})
    assert response.status_code == 200
    body = response.json()
    assert body["limit"] == 3 and body["offset"] == 0 and len(body["results"]) == min(3, body["total"])
    assert all(m["status"] == "failed" for m in body["results"])
    method, path = MIGRATIONS
    problems = closed_document(MIXPEEK).response_errors(path, method, 200, body)
    assert not problems, problems[:10]
    assert (
        client.post(LIST, headers={"Authorization": "Bearer SCHEMATHESIS-INVALID-VALUE"}, json={}).status_code
        == 401
    )


def test_clone_then_advance_the_clock_then_list_under_the_clone(client: httpx.Client) -> None:
    source = _namespaces(client)[0]
    url = f"/v1/namespaces/{source['namespace_name']}/clone"
    response = client.post(url, headers=BEARER, json={"namespace_name": "http_copy"})
    assert response.status_code == 200 and response.json()["status"] == "cloning"
    listed = client.post("/v1/collections/list", headers={**BEARER, "X-Namespace": "http_copy"}, json={})
    assert listed.status_code == 200 and listed.json()["total_count"] == 0
    assert client.post("/_mock/clock/advance", json={"seconds": 3}).status_code == 200
    listed = client.post(
        "/v1/collections/list?limit=50", headers={**BEARER, "X-Namespace": "http_copy"}, json={}
    ).json()
    source_list = client.post(
        "/v1/collections/list?limit=50", headers={**BEARER, "X-Namespace": source["namespace_id"]}, json={}
    ).json()
    assert listed["total_count"] == source_list["total_count"] > 0
    again = client.post(url, headers=BEARER, json={"namespace_name": "http_copy"})
    assert again.status_code == 409 and again.json()["error"]["code"] == "namespace_name_taken"
    missing = client.post("/v1/collections/list", headers={**BEARER, "X-Namespace": "nope"}, json={})
    assert missing.status_code == 404 and missing.json()["error"]["details"] == {
        "id": "nope",
        "resource": "namespace",
    }


BRANCH = "mode 'branch' is not available yet; use 'copy'"


def test_clone_mode_branch_is_refused_saying_why(client: httpx.Client, tmp_path: Path) -> None:
    """API 0.82 has ``mode: copy|branch`` and refuses ``branch`` as not available yet (issue 10):
    a 422 in the documented ``HTTPValidationError`` shape, at ``body.mode``, saying so."""
    source = _namespaces(client)[0]["namespace_id"]
    path = f"/v1/namespaces/{source}/clone"
    refused = client.post(path, headers=BEARER, json={"namespace_name": "http_branch", "mode": "branch"})
    assert refused.status_code == 422
    assert refused.json() == {"detail": [{"loc": ["body", "mode"], "msg": BRANCH, "type": "value_error"}]}
    clone = "/v1/namespaces/{namespace_identifier}/clone"
    problems = closed_document(MIXPEEK).response_errors(clone, "POST", 422, refused.json())
    assert not problems, problems  # the documented HTTPValidationError, every object closed
    other = client.post(path, headers=BEARER, json={"namespace_name": "http_branch", "mode": "fork"})
    assert other.json()["detail"][0]["msg"] == "Input should be 'copy'"  # any other value: the enum's words
    assert "http_branch" not in {n["namespace_name"] for n in _namespaces(client)}
    # a served spec whose mode is a plain string (as 0.82's own model): the world refuses it itself
    doc = yaml.safe_load(MIXPEEK.read_text())
    doc["components"]["schemas"]["CloneNamespaceRequest"]["properties"]["mode"] = {"type": "string"}
    open_mode = tmp_path / "mixpeek-open-mode.yaml"
    open_mode.write_text(yaml.safe_dump(doc))
    with run_server(create_app(Config(specs=[str(open_mode)], seed=3))) as url:
        answer = httpx.post(url + path, headers=BEARER, json={"namespace_name": "b", "mode": "branch"})
        assert answer.status_code == 422 and answer.json()["detail"][0]["msg"] == BRANCH
        copy = httpx.post(url + path, headers=BEARER, json={"namespace_name": "b", "mode": "copy"})
        assert copy.status_code == 200


def test_unknown_filter_operator_is_422_over_http(client: httpx.Client) -> None:
    ns = _namespaces(client)[0]["namespace_id"]
    body = {"filters": {"AND": [{"field": "enabled", "operator": "regex", "value": "x"}]}}
    response = client.post("/v1/collections/list", headers={**BEARER, "X-Namespace": ns}, json=body)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "filters", "AND", 0, "operator"]


def test_hosting_scoping_over_http(client: httpx.Client) -> None:
    admin = client.get(
        "/api/migrations", params={"customer_code": "ACME", "per": 100}, headers={"X-Api-Token": "tok_admin"}
    )
    assert admin.status_code == 200 and {m["owner"] for m in admin.json()["resources"]} <= {"ACME"}
    user = client.get(
        "/api/migrations", params={"customer_code": "ACME"}, headers={"X-Api-Token": "tok_user"}
    )
    assert user.status_code == 403 and user.json()["errors"][0]["field"] == "customer_code"
    assert (
        client.get("/api/migrations", headers={"X-Api-Token": "SCHEMATHESIS-INVALID-VALUE"}).status_code
        == 401
    )


def test_state_export_import_through_the_control_plane(client: httpx.Client) -> None:
    state = client.get("/_mock/state").json()
    assert client.put("/_mock/state", json=state).status_code == 200
    assert client.get("/_mock/state").json() == state


def test_docs_variant_is_served_with_its_own_names() -> None:
    with run_server(create_app(Config(specs=[str(DOCS_VARIANT), str(HOSTING)]))) as url:
        body = httpx.post(url + LIST, headers=BEARER, json={"limit": 100}, timeout=10).json()
    assert "migrations" in body and "results" not in body
    assert "extend" not in {m["config"]["migration_type"] for m in body["migrations"]}


def _start(state: str, workers: int = 1) -> MockProcess:
    """``mockserver`` on ``state``; ready when it answers its health check (a generous bound: two
    shared cores under load start uvicorn workers slowly, a dead child fails at once)."""
    args = ["--state-file", state, "--clone-seconds", "0", "--workers", str(workers), str(MIXPEEK)]
    return MockProcess(*args, timeout=180)


@pytest.mark.slow
def test_two_server_processes_share_one_state_file(tmp_path: Path) -> None:
    """Two servers (as uvicorn workers would be: separate processes) on one SQLite file."""
    state = str(tmp_path / "state.db")
    with _start(state) as first, _start(state) as second:
        bases = [first.url, second.url]
        states = [
            httpx.get(base + "/_mock/state", timeout=10).json()["apis"]["Mixpeek API"] for base in bases
        ]
        assert states[0] == states[1]
        source = states[0]["namespaces"][0]

        def clone(i: int) -> tuple[str, int]:
            name = f"shared_{i % 40}"
            r = httpx.post(
                f"{bases[i % 2]}/v1/namespaces/{source['namespace_id']}/clone",
                headers=BEARER,
                json={"namespace_name": name},
                timeout=30,
            )
            return name, r.status_code

        with ThreadPoolExecutor(16) as pool:
            results = list(pool.map(clone, range(120)))
        assert {status for _, status in results} <= {200, 409}
        created = [name for name, status in results if status == 200]
        assert sorted(created) == sorted({f"shared_{i}" for i in range(40)})  # each name exactly once
        for base in bases:  # either process sees every clone
            listed = httpx.post(
                base + "/v1/collections/list",
                headers={**BEARER, "X-Namespace": "shared_7"},
                json={},
                timeout=10,
            )
            assert listed.status_code == 200 and listed.json()["total_count"] > 0
        exported = [
            httpx.get(base + "/_mock/state", timeout=10).json()["apis"]["Mixpeek API"] for base in bases
        ]
        assert exported[0] == exported[1]


@pytest.mark.slow
def test_uvicorn_workers_share_one_state_file(tmp_path: Path) -> None:
    with _start(str(tmp_path / "state.db"), workers=2) as server:
        base = server.url
        source = httpx.get(base + "/_mock/state", timeout=10).json()["apis"]["Mixpeek API"]["namespaces"][0]

        def clone(i: int) -> tuple[str, int]:
            with httpx.Client(base_url=base, timeout=30) as c:  # a new connection each: both workers serve
                r = c.post(
                    f"/v1/namespaces/{source['namespace_id']}/clone",
                    headers=BEARER,
                    json={"namespace_name": f"worker_{i % 25}"},
                )
            return f"worker_{i % 25}", r.status_code

        with ThreadPoolExecutor(16) as pool:
            results = list(pool.map(clone, range(100)))
        created = sorted(name for name, status in results if status == 200)
        assert created == sorted({f"worker_{i}" for i in range(25)})
        assert sum(1 for _, status in results if status == 409) == 75
        for _ in range(8):
            with httpx.Client(base_url=base, timeout=10) as c:
                listed = c.post(
                    "/v1/collections/list", headers={**BEARER, "X-Namespace": "worker_3"}, json={}
                )
            assert listed.status_code == 200 and listed.json()["total_count"] > 0
