"""The seeded Mixpeek world: coherence, schema validity, determinism, the migrations list."""

from __future__ import annotations

import random
from typing import Any

import pytest

from tests.test_world_support import DOCS_VARIANT, MIGRATIONS, MIXPEEK, World, world

SEEDS = [0, 1, 7, 2024]


def _all_migrations(w: World) -> list[dict[str, Any]]:
    state = w.backend.export_state()
    migrations = state["migrations"]
    assert isinstance(migrations, list)
    return migrations


@pytest.fixture(scope="module", params=SEEDS)
def seeded(request: pytest.FixtureRequest) -> World:
    return world(seed=request.param)


def test_default_world_fits_a_ui(seeded: World) -> None:
    state = seeded.backend.export_state()
    assert 5 <= len(state["namespaces"]) <= 8
    assert 10 <= len(state["collections"]) <= 60
    assert 50 <= len(state["migrations"]) <= 100


def test_every_enum_value_is_present(seeded: World) -> None:
    migrations = _all_migrations(seeded)
    assert {m["status"] for m in migrations} == {
        "draft",
        "validating",
        "pending",
        "in_progress",
        "completed",
        "failed",
        "cancelled",
    }
    assert {m["config"]["migration_type"] for m in migrations} == {"re_extract", "copy", "extend"}
    stages = {m["progress"]["current_stage"] for m in migrations} - {None}
    assert len(stages) == 7
    kinds = {n["resource_type"] for m in migrations for n in (m["dependency_graph"] or {}).get("nodes", [])}
    assert kinds == {"bucket", "collection", "taxonomy", "cluster", "retriever"}


def test_references_resolve_and_counts_agree(seeded: World) -> None:
    state = seeded.backend.export_state()
    namespaces = {ns["namespace_id"]: ns for ns in state["namespaces"]}
    collections = {c["collection_id"]: c for c in state["collections"]}
    assert len({ns["namespace_name"] for ns in namespaces.values()}) == len(namespaces)
    for col in collections.values():
        ns = namespaces[col["_namespace_id"]]
        src = col["source"]
        if src["type"] == "bucket":
            assert set(src["bucket_ids"]) <= set(ns["_bucket_ids"])
        elif src["type"] == "direct_upsert":  # the namespace's one system collection
            assert col["_system"] and col["collection_name"] == "_direct_upsert"
        else:
            assert collections[src["collection_id"]]["_namespace_id"] == ns["namespace_id"]
        for app in col["taxonomy_applications"] or []:
            assert app["taxonomy_id"].startswith("tax_") and app["taxonomy_id"] in ns["_taxonomy_ids"]
        assert col["taxonomy_count"] == len(col["taxonomy_applications"] or [])
        assert col["collection_id"].startswith("col_")
    for m in _all_migrations(seeded):
        assert m["namespace_id"] in namespaces
        assert m["config"]["source_namespace_id"] == m["namespace_id"]
        assert m["config"]["target_namespace_id"] in namespaces
        assert (
            namespaces[m["config"]["target_namespace_id"]]["namespace_name"]
            == m["config"]["target_namespace_name"]
        )
        for cid in m["config"]["filters"]["collection_ids"] or []:
            assert collections[cid]["_namespace_id"] == m["namespace_id"]


def test_namespace_counts_come_from_its_collections(seeded: World) -> None:
    ns_ids = [ns["namespace_id"] for ns in seeded.backend.export_state()["namespaces"]]
    namespaces = seeded.backend.namespaces  # type: ignore[attr-defined]
    for ns_id in ns_ids:
        ns = namespaces.find(ns_id)
        rendered = namespaces.render(ns)
        cols = [
            c
            for c in seeded.backend.export_state()["collections"]
            if c["_namespace_id"] == ns_id and not c.get("_system")
        ]
        assert rendered["collection_count"] == len(cols) > 0
        assert rendered["document_count"] == sum(c["document_count"] for c in cols)
        assert rendered["bucket_count"] == len(ns["_bucket_ids"])


def _ts(value: str | None) -> str:
    assert value is not None
    return value


def test_timestamps_are_ordered_and_statuses_match_progress(seeded: World) -> None:
    for m in _all_migrations(seeded):
        progress, status, stages = m["progress"], m["status"], m["progress"]["stages"]
        assert progress["overall_status"] == status
        created = m["created_at"]
        if status in ("draft", "validating", "pending"):
            assert m["started_at"] is None and m["completed_at"] is None
            assert progress["overall_progress_percent"] == 0
            assert all(s["started_at"] is None for s in stages)
            if status == "draft":
                assert m["task_id"] is None and m["dependency_graph"] is None
            continue
        if status == "failed" and not m["validation_result"]["valid"]:
            continue  # refused at validation: never started (test_failed_at_validation_or_at_execution)
        started = _ts(m["started_at"])
        assert created <= started
        for stage in stages:
            if stage["started_at"]:
                assert started <= stage["started_at"]
                if stage["completed_at"]:
                    assert stage["started_at"] <= stage["completed_at"]
                    if m["completed_at"]:
                        assert stage["completed_at"] <= m["completed_at"]
        if status == "completed":
            assert progress["overall_progress_percent"] == 100
            assert all(s["status"] == "completed" and s["progress_percent"] == 100 for s in stages)
            assert all(r["status"] == "completed" for r in progress["resources"])
            assert started <= _ts(m["completed_at"]) and m["error_message"] is None
        elif status == "failed":  # the two kinds: test_failed_at_validation_or_at_execution
            assert 0 <= progress["overall_progress_percent"] < 100
        elif status == "in_progress":
            assert m["completed_at"] is None
            assert 0 < progress["overall_progress_percent"] < 100
            current = [s for s in stages if s["status"] == "in_progress"]
            assert len(current) == 1 and current[0]["stage"] == progress["current_stage"]
            index = stages.index(current[0])
            assert all(s["status"] == "completed" for s in stages[:index])
            assert all(s["status"] == "pending" for s in stages[index + 1 :])


def _finding_in_graph(item: dict[str, Any], m: dict[str, Any], severity: str) -> None:
    """A pre-flight finding in API 0.82's shape, about a resource of the migration's own graph."""
    assert set(item) == {"error_code", "message", "resource_id", "resource_type", "severity"}
    assert item["error_code"] and item["message"] and item["severity"] == severity
    nodes = {n["resource_id"]: n["resource_type"] for n in m["dependency_graph"]["nodes"]}
    if item["resource_id"] is None:
        assert item["resource_type"] is None
    else:
        assert nodes[item["resource_id"]] == item["resource_type"]


def test_failed_at_validation_or_at_execution(seeded: World) -> None:
    """A failed migration failed at pre-flight validation (invalid, nothing ran) or during
    execution (valid, one stage failed); every default world holds both kinds."""
    kinds = {"validation": 0, "execution": 0}
    for m in _all_migrations(seeded):
        result, progress, stages = m["validation_result"], m["progress"], m["progress"]["stages"]
        if m["status"] == "draft":
            assert result is None
            continue
        assert result["valid"] == (not result["errors"])
        for item in result["errors"]:
            _finding_in_graph(item, m, "error")
        for item in result["warnings"]:
            _finding_in_graph(item, m, "warning")
        if m["status"] not in ("failed", "validating"):
            assert result["valid"] and result["errors"] == [], m["status"]
        if m["status"] != "failed":
            continue
        resources = progress["resources"]
        if not result["valid"]:
            kinds["validation"] += 1
            assert m["started_at"] is None and progress["started_at"] is None
            assert progress["estimated_completion"] is None and progress["current_stage"] is None
            assert progress["overall_progress_percent"] == 0
            for s in stages:  # no execution stage ever ran
                assert s["status"] == "cancelled" and s["started_at"] is s["completed_at"] is None
                assert s["items_completed"] == s["items_failed"] == 0 == s["progress_percent"]
                assert s["error_message"] is None
            assert m["created_at"] <= _ts(m["completed_at"])
            assert m["error_message"] == "Pre-flight validation failed: " + result["errors"][0]["message"] + (
                f" (and {len(result['errors']) - 1} more)" if len(result["errors"]) > 1 else ""
            )
            blocked = {e["resource_id"]: e["message"] for e in result["errors"] if e["resource_id"]}
            for r in resources:
                assert r["progress_percent"] == 0
                if r["resource_id"] in blocked:
                    assert (r["status"], r["error_message"]) == ("failed", blocked[r["resource_id"]])
                else:
                    assert (r["status"], r["error_message"]) == ("cancelled", None)
        else:
            kinds["execution"] += 1
            failed = [s for s in stages if s["status"] == "failed"]
            assert len(failed) == 1 and failed[0]["stage"] == progress["current_stage"]
            index = stages.index(failed[0])
            assert all(s["status"] == "completed" and s["completed_at"] for s in stages[:index])
            assert all(s["status"] == "cancelled" and s["started_at"] is None for s in stages[index + 1 :])
            assert failed[0]["started_at"] and failed[0]["completed_at"] == m["completed_at"]
            assert m["error_message"] and failed[0]["stage"] in m["error_message"]
            assert failed[0]["error_message"] == m["error_message"]
            assert _ts(m["started_at"]) <= _ts(m["completed_at"])
            assert [r["status"] for r in resources].count("failed") <= 1
            assert "pending" not in [r["status"] for r in resources]
            assert any(w["error_code"] != "retriever_history_not_migrated" for w in result["warnings"])
    assert kinds["validation"] and kinds["execution"], kinds


def test_a_dry_run_never_executes(seeded: World) -> None:
    """000/001: dry_run "Validate only, don't execute"."""
    dry = [m for m in _all_migrations(seeded) if m["config"]["dry_run"]]
    assert dry
    for m in dry:
        assert m["status"] in ("draft", "validating", "failed") and m["started_at"] is None
        assert all(s["started_at"] is None for s in m["progress"]["stages"])


def test_dependency_graph_is_topological_with_longest_path_tiers(seeded: World) -> None:
    for m in _all_migrations(seeded):
        graph = m["dependency_graph"]
        if graph is None:
            continue
        nodes = {n["resource_id"]: n for n in graph["nodes"]}
        order = graph["execution_order"]
        assert sorted(order) == sorted(nodes)
        position = {node_id: i for i, node_id in enumerate(order)}
        for node in nodes.values():
            deps = node["dependencies"]
            assert all(position[d] < position[node["resource_id"]] for d in deps)
            expected = 1 + max(nodes[d]["tier"] for d in deps) if deps else 0
            assert node["tier"] == expected
        assert [r["resource_id"] for r in m["progress"]["resources"]] == order


def test_every_listed_migration_validates_against_the_closed_schema(seeded: World) -> None:
    offset = 0
    while True:
        response = seeded.call(MIGRATIONS, {"limit": 37, "offset": offset})
        assert response.status == 200
        seeded.check(MIGRATIONS, response)
        if not response.body["results"]:
            break
        offset += 37


def test_same_seed_gives_identical_export_and_other_seeds_differ() -> None:
    assert world(seed=3).backend.export_state() == world(seed=3).backend.export_state()
    assert world(seed=3).backend.export_state() != world(seed=4).backend.export_state()


def test_defaults_are_applied_and_echoed() -> None:
    w = world(seed=0)
    body = w.call(MIGRATIONS, {}).body
    assert (body["limit"], body["offset"], body["total"]) == (20, 0, 80)
    assert len(body["results"]) == 20
    body = w.call(MIGRATIONS, {"limit": None, "offset": None, "status": None}).body
    assert (body["limit"], body["offset"]) == (20, 0)


def test_newest_first_with_id_tie_break() -> None:
    items = _all_migrations(world(seed=5))
    keys = [(m["created_at"], m["migration_id"]) for m in items]
    assert keys == sorted(keys, key=lambda k: (_desc(k[0]), k[1]))
    listed = world(seed=5).call(MIGRATIONS, {"limit": 1000}).body["results"]
    assert [m["migration_id"] for m in listed] == [m["migration_id"] for m in items]


def _desc(text: str) -> tuple[int, ...]:
    return tuple(-ord(c) for c in text)


def test_random_filter_combinations_match_an_independent_count() -> None:
    w = world(seed=11)
    everything = _all_migrations(w)
    namespaces = [*sorted({m["namespace_id"] for m in everything}), "ns_does_not_exist"]
    r = random.Random(42)
    for _ in range(60):
        body: dict[str, Any] = {}
        if r.random() < 0.6:
            body["status"] = r.choice(
                ["draft", "validating", "pending", "in_progress", "completed", "failed", "cancelled"]
            )
        if r.random() < 0.5:
            body["migration_type"] = r.choice(["re_extract", "copy", "extend"])
        if r.random() < 0.5:
            body["source_namespace_id"] = r.choice(namespaces)
        expected = [
            m["migration_id"]
            for m in everything
            if all(_field(m, key) == value for key, value in body.items())
        ]
        limit = r.randint(1, 9)
        seen: list[str] = []
        offset = 0
        while True:
            page = w.call(MIGRATIONS, {**body, "limit": limit, "offset": offset}).body
            assert page["total"] == len(expected)
            assert (page["limit"], page["offset"]) == (limit, offset)
            ids = [m["migration_id"] for m in page["results"]]
            for m in page["results"]:
                assert all(_field(m, key) == value for key, value in body.items())
            if not ids:
                break
            seen.extend(ids)
            offset += limit
        assert seen == expected


def _field(m: dict[str, Any], key: str) -> Any:
    return m["config"][key] if key in ("migration_type", "source_namespace_id") else m[key]


def test_docs_variant_lists_under_migrations_and_never_extend() -> None:
    w = world(DOCS_VARIANT, seed=0)
    body = w.call(MIGRATIONS, {"limit": 100}).body
    assert set(body) == {"migrations", "total", "limit", "offset"}
    assert body["total"] == 80
    assert all(m["config"]["migration_type"] != "extend" for m in body["migrations"])
    assert {m["config"]["migration_type"] for m in body["migrations"]} == {"re_extract", "copy"}
    w.check(MIGRATIONS, w.call(MIGRATIONS, {"limit": 100}))
    assert "results" in world(MIXPEEK, seed=0).call(MIGRATIONS, {}).body


def test_export_import_round_trips_and_rejects_bad_data() -> None:
    w = world(seed=8)
    state = w.backend.export_state()
    other = world(seed=9)
    other.backend.import_state(state)
    assert other.backend.export_state() == state
    assert other.call(MIGRATIONS, {"limit": 5}).body == w.call(MIGRATIONS, {"limit": 5}).body
    for bad, words in [
        ({"seed": "x", "world_size": 1}, "seed"),
        ({**state, "namespaces": [{"namespace_id": 3}]}, "namespaces[0].namespace_id"),
        ({**state, "migrations": [{"status": "draft"}]}, "migrations[0]"),
        ({**state, "collections": [{"collection_id": "col_x", "_namespace_id": "ns_nope"}]}, "_namespace_id"),
        ({**state, "collections": state["collections"][:1] * 2}, "collections[1]' repeats"),
        ({**state, "collections": [{**state["collections"][0], "document_count": "9"}]}, "document_count"),
        (
            {**state, "collections": [{**state["collections"][0], "cluster_applications": [{}]}]},
            "cluster_applications",
        ),
        ({**state, "migrations": state["migrations"][:1] * 2}, "migrations[1]' repeats"),
    ]:
        with pytest.raises(ValueError, match=words.replace("[", r"\[").replace("]", r"\]")):
            other.backend.import_state(bad)
    assert other.backend.export_state() == state  # a refused import changes nothing


def test_a_served_migrations_page_is_not_served_again_once_the_world_is_replaced() -> None:
    w, other = world(seed=2), world(seed=3)
    first = w.call(MIGRATIONS, {"limit": 5}).body
    assert w.call(MIGRATIONS, {"limit": 5}).body == first  # the kept page
    w.backend.import_state(other.backend.export_state())
    assert w.call(MIGRATIONS, {"limit": 5}).body == other.call(MIGRATIONS, {"limit": 5}).body != first
    w.backend.reset()
    assert w.call(MIGRATIONS, {"limit": 5}).body == first
    assert w.call(MIGRATIONS, {"limit": 4}).body["results"] == first["results"][:4]  # paging is the key


def test_reset_restores_the_seeded_world() -> None:
    w = world(seed=2)
    before = w.backend.export_state()
    w.backend.import_state(world(seed=3).backend.export_state())
    assert w.backend.export_state() != before
    w.backend.reset()
    assert w.backend.export_state() == before


def test_huge_offset_is_an_empty_page_echoing_it_exactly() -> None:
    response = world().call(MIGRATIONS, {"offset": 10**30})  # the spec sets no maximum
    assert response.status == 200
    assert response.body["results"] == [] and response.body["offset"] == 10**30 and response.body["total"]


def test_big_world_exports_its_seed_and_serves_from_the_index(tmp_path: Any) -> None:
    w = world(seed=1, world_size=25_000, state_file=str(tmp_path / "big.db"))
    state = w.backend.export_state()
    assert state["migrations"] == {"seeded": True, "count": 25_000}
    statuses = ["draft", "validating", "pending", "in_progress", "completed", "failed", "cancelled"]
    totals = [w.call(MIGRATIONS, {"status": s, "limit": 1}).body["total"] for s in statuses]
    assert sum(totals) == 25_000 and all(totals)
    deep = w.call(MIGRATIONS, {"status": "failed", "offset": totals[5] - 1, "limit": 5}).body["results"]
    assert len(deep) == 1 and deep[0]["status"] == "failed"
    w.check(MIGRATIONS, w.call(MIGRATIONS, {"offset": 24_990, "limit": 50}))
    other = world(seed=2)
    other.backend.import_state(state)
    assert other.backend.export_state() == state
    assert other.call(MIGRATIONS, {"offset": 24_990}).body == w.call(MIGRATIONS, {"offset": 24_990}).body


def test_an_empty_world_lists_nothing() -> None:
    body = world(seed=0, world_size=0).call(MIGRATIONS, {}).body
    assert body == {"results": [], "total": 0, "limit": 20, "offset": 0}


def test_reads_and_clones_leave_everything_else_alone() -> None:
    w = world(seed=6)
    before = w.backend.export_state()
    for body in ({}, {"status": "failed"}, {"limit": 100, "offset": 3}):
        w.call(MIGRATIONS, body)
    source = before["namespaces"][0]["namespace_id"]
    w.call(
        ("POST", "/v1/namespaces/{namespace_identifier}/clone"),
        {"namespace_name": "side_copy"},
        path={"namespace_identifier": source},
    )
    after = w.backend.export_state()
    new_ids = {ns["namespace_id"] for ns in after["namespaces"]} - {
        ns["namespace_id"] for ns in before["namespaces"]
    }
    assert len(new_ids) == 1
    assert [ns for ns in after["namespaces"] if ns["namespace_id"] not in new_ids] == before["namespaces"]
    assert [c for c in after["collections"] if c["_namespace_id"] not in new_ids] == before["collections"]
    assert after["migrations"] == before["migrations"]
