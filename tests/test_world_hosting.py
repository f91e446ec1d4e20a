"""The hosting-API world: coherent migrations, scoping by token, filters and page/per paging."""

from __future__ import annotations

import random
from typing import Any

import pytest

from mockserver.apis.common.worldkit import ANCHOR, iso
from tests.test_world_support import HOSTING, HOSTING_LIST, World, world

STATUSES = (
    "validating",
    "to_schedule",
    "scheduled",
    "running",
    "failed",
    "completed_with_errors",
    "completed",
)

TOKENS = {"tok_admin": "admin", "tok_acme": "ACME"}
NOW = iso(ANCHOR)


def _hosting(seed: int = 0, **options: Any) -> World:
    return world(HOSTING, seed=seed, tokens=TOKENS, **options)


def _get(w: World, token: str = "tok_admin", **query: Any) -> Any:
    response = w.call(HOSTING_LIST, query=query, principal=token)
    w.check(HOSTING_LIST, response)
    return response


def _everything(w: World) -> list[dict[str, Any]]:
    migrations = w.backend.export_state()["migrations"]
    assert isinstance(migrations, list)
    return migrations


@pytest.mark.parametrize("seed", [0, 3, 99])
def test_world_is_coherent_and_valid(seed: int) -> None:
    w = _hosting(seed)
    items = _everything(w)
    assert 50 <= len(items) <= 100
    assert len({m["code"] for m in items}) == len(items)
    assert {m["status"] for m in items} == set(STATUSES)
    for m in items:
        status = m["status"]
        assert m["created_at"] <= m["updated_at"] <= NOW  # scheduled too: its dates are ahead, not its update
        assert m["from_date"] <= m["created_at"]
        # the docs example always carries both dates: proposed ones (ahead) before scheduling
        assert m["created_at"] <= m["first_execution_date"] <= m["second_execution_date"]
        if status in ("validating", "to_schedule"):
            assert m["first_execution_date"] > NOW
        if status in ("running", "failed", "completed", "completed_with_errors"):
            assert m["first_execution_date"] <= NOW
        if status in ("completed", "completed_with_errors"):
            assert m["first_execution_date"] <= m["second_execution_date"] <= NOW
        if status == "scheduled":
            assert m["is_late"] == (m["first_execution_date"] < NOW)
        else:
            assert m["is_late"] is False
        if m["status_detail"] == "first execution":  # the second execution is still to come
            assert m["second_execution_date"] > NOW
        assert m["resources_has_errors"] == (status in ("failed", "completed_with_errors"))
        assert m["owner"] in m["csv_file_name"].upper()
    page = 1
    while True:  # every served page validates against the closed schema
        body = _get(w, page=page, per=30).body
        if not body["resources"]:
            break
        page += 1


def test_random_filters_and_paging_against_an_independent_count() -> None:
    w = _hosting(5)
    everything = _everything(w)
    owners = sorted({m["owner"] for m in everything})
    r = random.Random(9)
    for _ in range(60):
        query: dict[str, Any] = {}
        if r.random() < 0.6:
            query["status"] = r.choice(["all", *STATUSES])
        if r.random() < 0.5:
            query["customer_code"] = r.choice([*owners, "acme", "NOBODY"])
        if r.random() < 0.4:
            query["query"] = r.choice(["dns", "MIG-005-00000", "wordpress", "Export", "acme", ".csv", "zzz"])
        expected = [m["code"] for m in everything if _matches(m, query)]
        per = r.randint(1, 12)
        seen: list[str] = []
        page = 1
        while True:
            body = _get(w, **query, page=page, per=per).body
            assert body["pagination"] == {
                "page": page,
                "per": per,
                "total": len(expected),
                "total_pages": -(-len(expected) // per),
            }
            if not body["resources"]:
                break
            assert all(_matches(m, query) for m in body["resources"])
            seen.extend(m["code"] for m in body["resources"])
            page += 1
        assert seen == expected


def _matches(m: dict[str, Any], query: dict[str, Any]) -> bool:
    if query.get("status") not in (None, "all") and m["status"] != query["status"]:
        return False
    if "customer_code" in query and m["owner"].lower() != query["customer_code"].lower():
        return False
    if "query" in query:
        text = " ".join(m[k] for k in ("code", "csv_file_name", "original_csv_file_name", "owner", "preset"))
        return query["query"].lower() in text.lower()
    return True


def test_users_see_one_customer_and_may_not_filter_by_customer() -> None:
    w = _hosting(1)
    mine = _get(w, "tok_someone", per=100).body["resources"]
    assert len({m["owner"] for m in mine}) == 1
    assert _get(w, "tok_someone", per=100).body == _get(w, "tok_someone", per=100).body
    acme = _get(w, "tok_acme", per=100).body
    assert {m["owner"] for m in acme["resources"]} == {"ACME"}
    assert acme["pagination"]["total"] == sum(1 for m in _everything(w) if m["owner"] == "ACME")
    response = _get(w, "tok_acme", customer_code="ACME")
    assert response.status == 403
    assert response.body == {
        "message": "Forbidden",
        "errors": [{"field": "customer_code", "description": "is only available to admin tokens"}],
    }


def test_admin_customer_code_names_a_customer_or_nobody() -> None:
    w = _hosting(2)
    everything = _get(w, per=1000).body["pagination"]["total"]
    acme = _get(w, customer_code="acme", per=1000).body
    assert acme["pagination"]["total"] == sum(1 for m in _everything(w) if m["owner"] == "ACME") > 0
    assert acme["pagination"]["total"] < everything
    for nobody in ("NOBODY", "None", ""):
        assert _get(w, customer_code=nobody).body["pagination"]["total"] == 0, nobody


def test_defaults_and_huge_values() -> None:
    w = _hosting()
    body = _get(w).body
    assert (
        body["pagination"]["page"] == 1 and body["pagination"]["per"] == 25 and len(body["resources"]) == 25
    )
    response = _get(w, per=10**40)
    assert response.status == 422 and response.body["errors"][0]["field"] == "per"


def test_export_import_round_trip_and_errors() -> None:
    w = _hosting(4)
    state = w.backend.export_state()
    assert _hosting(4).backend.export_state() == state
    other = _hosting(7)
    own = _get(other, query="dns").body  # a kept page: never served once the world is replaced
    other.backend.import_state(state)
    assert other.backend.export_state() == state
    assert _get(other, query="dns").body == _get(w, query="dns").body != own
    with pytest.raises(ValueError, match="code"):
        other.backend.import_state({**state, "migrations": [{"status": "failed"}]})
    with pytest.raises(ValueError, match="repeats"):
        other.backend.import_state({**state, "migrations": [state["migrations"][0]] * 2})
    other.backend.reset()
    assert other.backend.export_state() == _hosting(7).backend.export_state()
    assert _get(other, query="dns").body == own
