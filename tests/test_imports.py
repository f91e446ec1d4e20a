"""Hostile imports (``PUT /_mock/state``): checked whole, every field typed and bounded, a 422 that
names the first offending path, nothing applied or committed when refused; and the bound on the
clones the world holds."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest

from mockserver.app import create_app
from mockserver.config import MAX_WORLD_SIZE, Config
from mockserver.testing import run_server
from tests.conftest import BEARER

MIXPEEK, HOSTING = "Mixpeek API", "Hosting API"
JSON_TYPE = {"Content-Type": "application/json"}  # what the control plane takes (crosssite.py)
CLONE = "/v1/namespaces/{}/clone"
LIST = "/v1/namespaces/migrations/list"
SOURCE = "real_estate_listings_prod"  # a namespace of the seed-0 world


@pytest.fixture()
def mock() -> Iterator[httpx.Client]:
    with run_server(create_app(Config(max_clones=3))) as url, httpx.Client(base_url=url, timeout=30) as c:
        yield c


def _set(path: tuple[str | int, ...], value: Any) -> Callable[[dict[str, Any]], None]:
    def change(state: dict[str, Any]) -> None:
        target: Any = state["apis"]
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return change


def _deep(levels: int) -> Any:
    value: Any = 1
    for _ in range(levels):
        value = {"a": value}
    return value


# (what is changed, where the 422 must point)
HOSTILE = [
    (_set((MIXPEEK, "world_size"), 10**12), "'world_size'"),
    (_set((MIXPEEK, "world_size"), MAX_WORLD_SIZE + 1), "'world_size'"),
    (_set((HOSTING, "world_size"), 50_000_000), "'world_size'"),
    (_set((MIXPEEK, "seed"), -1), "'seed'"),
    (_set((MIXPEEK, "format"), 2), "'format'"),
    (_set((MIXPEEK, "sequences"), {"clone": [1]}), "'sequences.clone'"),
    (_set((MIXPEEK, "sequences"), [1]), "'sequences'"),
    (_set((MIXPEEK, "sequences"), {"other": 1}), "'sequences.other'"),
    (_set((MIXPEEK, "surprise"), 1), "'surprise'"),
    (_set((MIXPEEK, "namespaces", 0, "object_count"), -5), "'namespaces[0].object_count'"),
    (_set((MIXPEEK, "namespaces", 1, "namespace_name"), "n" * 5000), "'namespaces[1].namespace_name'"),
    (_set((MIXPEEK, "namespaces", 0, "deep"), _deep(300)), "'namespaces[0]'"),
    (_set((MIXPEEK, "collections", 2, "document_count"), 2**64), "'collections[2].document_count'"),
    (_set((MIXPEEK, "collections", 0, "collection_id"), {"id": 1}), "'collections[0].collection_id'"),
    (_set((MIXPEEK, "migrations"), [{"migration_id": 1}]), "'migrations[0].migration_id'"),
    (_set((HOSTING, "migrations", 3, "code"), ["x"]), "'migrations[3].code'"),
    (_set((HOSTING, "customers"), [1]), "'customers'"),
]


@pytest.mark.parametrize(("change", "where"), HOSTILE, ids=[where for _, where in HOSTILE])
def test_a_hostile_import_is_a_422_naming_the_first_offending_path(
    mock: httpx.Client, change: Callable[[dict[str, Any]], None], where: str
) -> None:
    before = mock.get("/_mock/state").json()
    state = orjson.loads(orjson.dumps(before))
    change(state)
    response = mock.put(
        "/_mock/state", content=json.dumps(state).encode(), headers=JSON_TYPE
    )  # orjson stops at 255 deep
    assert response.status_code == 422, response.text
    assert where in response.json()["detail"], response.json()
    assert mock.get("/_mock/state").json() == before  # nothing applied, no API half-imported
    assert mock.post(LIST, headers=BEARER, json={"limit": 1}).status_code == 200


def test_a_refused_world_size_is_not_committed_to_the_state_file(tmp_path: Path) -> None:
    """With ``--state-file`` the refused value must not reach the file: the next start would die."""
    state_file = str(tmp_path / "state.db")
    with run_server(create_app(Config(state_file=state_file))) as url:
        state = httpx.get(url + "/_mock/state").json()
        state["apis"][MIXPEEK]["world_size"] = 10**12
        refused = httpx.put(url + "/_mock/state", content=orjson.dumps(state), headers=JSON_TYPE, timeout=30)
        assert refused.status_code == 422, refused.text
    with run_server(create_app(Config(state_file=state_file))) as url:  # the file still starts
        exported = httpx.get(url + "/_mock/state").json()["apis"][MIXPEEK]
        assert exported["world_size"] == 80
        assert httpx.post(url + LIST, headers=BEARER, json={"limit": 1}).status_code == 200


def test_the_world_holds_at_most_max_clones_then_a_clear_409(mock: httpx.Client) -> None:
    for i in range(3):
        made = mock.post(CLONE.format(SOURCE), headers=BEARER, json={"namespace_name": f"c{i}"})
        assert made.status_code == 200, made.text
    full = mock.post(CLONE.format(SOURCE), headers=BEARER, json={"namespace_name": "one_too_many"})
    assert full.status_code == 409, full.text
    error = full.json()["error"]
    assert error["code"] == "clone_limit_reached" and error["details"] == {"limit": 3}
    assert "--max-clones" in error["message"]
    assert (
        mock.post(CLONE.format("one_too_many"), headers=BEARER, json={"namespace_name": "x"}).status_code
        == 404
    )
    assert mock.post("/_mock/reset").status_code == 200  # reset makes room again
    assert mock.post(CLONE.format(SOURCE), headers=BEARER, json={"namespace_name": "c0"}).status_code == 200


def test_expired_clones_make_room_in_a_full_world(mock: httpx.Client) -> None:
    for i in range(3):
        body = {"namespace_name": f"brief{i}", "ttl_seconds": 60}
        assert mock.post(CLONE.format(SOURCE), headers=BEARER, json=body).status_code == 200
    full = mock.post(CLONE.format(SOURCE), headers=BEARER, json={"namespace_name": "later"})
    assert full.status_code == 409 and full.json()["error"]["code"] == "clone_limit_reached"
    assert mock.post("/_mock/clock/advance", json={"seconds": 61}).status_code == 200
    made = mock.post(CLONE.format(SOURCE), headers=BEARER, json={"namespace_name": "later"})
    assert made.status_code == 200, made.text  # the three expired clones held no place
    apis = mock.get("/_mock/state").json()["apis"].values()
    clones = next(api["clones"] for api in apis if isinstance(api, dict) and "clones" in api)
    assert [c["namespace_name"] for c in clones] == ["later"]


def test_an_import_holding_more_clones_than_the_bound_is_refused(mock: httpx.Client) -> None:
    for i in range(3):
        assert (
            mock.post(CLONE.format(SOURCE), headers=BEARER, json={"namespace_name": f"c{i}"}).status_code
            == 200
        )
    state = mock.get("/_mock/state").json()
    namespaces = state["apis"][MIXPEEK]["namespaces"]
    extra = {**namespaces[-1], "namespace_id": "ns_extra", "namespace_name": "extra"}
    namespaces.append(extra)
    response = mock.put("/_mock/state", content=orjson.dumps(state), headers=JSON_TYPE)
    assert response.status_code == 422, response.text
    assert "clone 4" in response.json()["detail"] and "limit is 3" in response.json()["detail"]
    namespaces.pop()
    assert (
        mock.put("/_mock/state", content=orjson.dumps(state), headers=JSON_TYPE).status_code == 200
    )  # at the bound: fine
    again = mock.post(CLONE.format(SOURCE), headers=BEARER, json={"namespace_name": "c9"})
    assert again.status_code == 409  # imported clones count towards the bound


def test_an_export_above_the_api_body_limit_imports_back() -> None:
    """PUT /_mock/state has its own limit (--max-import), far above --max-body's (1 MiB here)."""
    small = Config(max_body=1024 * 1024)
    with run_server(create_app(small)) as url, httpx.Client(base_url=url, timeout=60) as mock:
        for i in range(150):  # ~10 KB of export each
            made = mock.post(CLONE.format(SOURCE), headers=BEARER, json={"namespace_name": f"big_{i}"})
            assert made.status_code == 200
        exported = mock.get("/_mock/state")
        assert exported.status_code == 200 and len(exported.content) > 1024 * 1024
        assert mock.post("/_mock/reset").status_code == 200
        imported = mock.put("/_mock/state", content=exported.content, headers=JSON_TYPE)
        assert imported.status_code == 200, imported.text[:300]
        again = mock.get("/_mock/state").json()["apis"][MIXPEEK]
        assert again["namespaces"] == orjson.loads(exported.content)["apis"][MIXPEEK]["namespaces"]


def test_an_import_above_its_own_limit_is_a_413_naming_the_flag() -> None:
    with run_server(create_app(Config(max_import=100_000))) as url:
        state = httpx.get(url + "/_mock/state").content
        assert len(state) > 100_000
        refused = httpx.put(url + "/_mock/state", content=state, headers=JSON_TYPE, timeout=30)
    assert refused.status_code == 413
    assert "--max-import" in refused.json()["detail"]
