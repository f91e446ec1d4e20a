"""Dates read as current: the worlds are placed at the mock clock (or ``--anchor``), and their
timelines stay coherent over the whole default world (seed 1, default size)."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

from mockserver.apis.common.worldkit import ANCHOR, iso, parse_anchor
from mockserver.jsonio import dump_json
from mockserver.store.clock import MockClock
from tests.test_world_support import HOSTING, World, world

DAY = 86_400


def _migrations(w: World) -> list[dict[str, Any]]:
    docs = w.backend.export_state()["migrations"]
    assert isinstance(docs, list)
    return docs


def test_an_unpinned_world_is_placed_at_the_mock_clock_and_reads_as_current() -> None:
    clock = MockClock()
    before = clock.now()
    mixpeek = world(seed=1, anchor=None, clock=clock)
    now = iso(clock.now())
    assert int(before) <= mixpeek.backend.export_state()["anchor"] <= clock.now()  # placed when made
    docs = _migrations(mixpeek)
    newest = max(m["created_at"] for m in docs)
    assert iso(clock.now() - 3 * DAY) <= newest <= now
    running = [m for m in docs if m["status"] == "in_progress"]
    assert running and all(m["progress"]["estimated_completion"] > now for m in running)
    for m in docs:  # what has happened lies before now
        for key in ("created_at", "started_at", "completed_at"):
            assert (m[key] or "") <= now
        for stage in m["progress"]["stages"]:
            assert (stage["started_at"] or "") <= now and (stage["completed_at"] or "") <= now
    hosting = _migrations(world(HOSTING, seed=1, anchor=None, clock=clock))
    scheduled = [m for m in hosting if m["status"] == "scheduled"]
    assert any(m["is_late"] for m in scheduled) and any(not m["is_late"] for m in scheduled)
    assert all(m["is_late"] == (m["first_execution_date"] < now) for m in scheduled)


def test_reset_places_the_world_at_the_clock_again_unless_pinned() -> None:
    clock = MockClock()
    w = world(seed=1, anchor=None, clock=clock)
    before = w.backend.export_state()["anchor"]
    clock.advance(40 * DAY)
    w.backend.reset()
    after = w.backend.export_state()
    assert after["anchor"] - before >= 40 * DAY - 5
    assert max(m["created_at"] for m in after["migrations"]) > iso(before)
    pinned = world(seed=1, clock=clock)
    clock.advance(40 * DAY)
    pinned.backend.reset()
    assert pinned.backend.export_state()["anchor"] == ANCHOR


def test_same_seed_and_anchor_same_bytes_another_anchor_other_dates() -> None:
    for make in (lambda **o: world(seed=1, **o), lambda **o: world(HOSTING, seed=1, **o)):
        one = dump_json(make(anchor=1_772_355_600).backend.export_state())
        assert one == dump_json(make(anchor=1_772_355_600).backend.export_state())
        assert one != dump_json(make(anchor=1_772_355_600 + DAY).backend.export_state())


def test_an_import_keeps_the_exported_anchor() -> None:
    source = world(seed=2, anchor=1_772_355_600).backend.export_state()
    target = world(seed=2)
    target.backend.import_state(source)
    assert target.backend.export_state() == source


def test_hosting_first_execution_never_has_a_past_second_date() -> None:
    w = world(HOSTING, seed=1, anchor=None)
    now = iso(w.clock.now())
    items = _migrations(w)
    assert all("first_execution_date" in m and "second_execution_date" in m for m in items)
    firsts = [m for m in items if m["status_detail"] == "first execution"]
    assert firsts and all(m["second_execution_date"] > now for m in firsts)


def test_stage_percent_is_what_its_items_say_and_a_cancelled_run_stops() -> None:
    docs = _migrations(world(seed=1, anchor=None))
    stages = [s for m in docs for s in m["progress"]["stages"]]
    assert all(s["items_total"] > 0 for s in stages)
    for s in stages:  # so a stage at 0 of 1 items is at 0 %
        assert s["progress_percent"] == round(100 * s["items_completed"] / s["items_total"], 1)
    cancelled = [m for m in docs if m["status"] == "cancelled"]
    assert cancelled
    for m in cancelled:
        statuses = [s["status"] for s in m["progress"]["stages"]]
        stopped = statuses.index("cancelled")
        assert all(s == "completed" for s in statuses[:stopped])
        assert all(s == "cancelled" for s in statuses[stopped:]), statuses
    failed = [m for m in docs if m["status"] == "failed"]
    assert failed and all("pending" not in [s["status"] for s in m["progress"]["stages"]] for m in failed)


def test_anchor_flag_parses_iso_and_refuses_nonsense() -> None:
    assert parse_anchor("2026-03-01T09:00:00Z") == 1_772_355_600
    assert parse_anchor("2026-03-01T10:00:00+01:00") == 1_772_355_600
    refused = subprocess.run(
        [sys.executable, "-m", "mockserver", "--anchor", "yesterday"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert refused.returncode == 2
    assert "--anchor" in refused.stderr and "ISO 8601" in refused.stderr


def test_seed_rules_on_migrations_hold_over_the_default_world() -> None:
    docs = _migrations(world(seed=1))
    for m in docs:  # the docs: "New extractors to use (RE_EXTRACT only)"
        if m["config"]["feature_extractors"] is not None:
            assert m["config"]["migration_type"] == "re_extract"
    assert any(m["config"]["feature_extractors"] for m in docs)
    for key in ("taxonomy_ids", "cluster_ids", "retriever_ids"):  # arrays, as the docs example shows
        values = [m["config"]["filters"][key] for m in docs]
        assert any(isinstance(v, list) and v for v in values), key
        assert all(v is None or all(isinstance(i, str) for i in v) for v in values)
