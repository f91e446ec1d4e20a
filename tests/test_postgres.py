"""A team's mock on PostgreSQL (``--state-url``): replicas sharing one world, the schema's versions,
another seed's world refused, a lost database answered with 503, and a clone storm over three
replicas with one SIGKILLed mid-storm. The store interface itself runs in ``tests/test_store.py``.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import psycopg
import pytest
from clone_storm import BEARER, check, mixpeek_state, storm
from mockproc import ROOT, MockProcess
from pgserver import Cluster, running_cluster

from mockserver.store.database import LATEST, SchemaTooNew, migrate
from mockserver.store.postgres import PostgresStore

COLLECTIONS = "/v1/collections/list"


def _versions(url: str) -> list[int]:
    with psycopg.connect(url) as conn:
        return [v for (v,) in conn.execute("SELECT version FROM specmock_schema_version ORDER BY version")]


def test_the_schema_is_made_on_first_start_and_migrated_forward(pg_url: str) -> None:
    with psycopg.connect(pg_url, autocommit=True) as conn:
        assert migrate(conn, upto=1) == 0  # an empty database, brought to version 1 only
        conn.execute("INSERT INTO specmock_meta (scope, key, value) VALUES ('t', 'kept', '7')")
    assert _versions(pg_url) == [1]
    store = PostgresStore(pg_url, "t")  # this mockserver knows more versions: it migrates forward
    try:
        assert _versions(pg_url) == list(range(1, LATEST + 1))
        assert store.get_meta("kept") == 7  # data of the older version is kept
    finally:
        store.close()
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("INSERT INTO specmock_schema_version (version) VALUES (%s)", (LATEST + 1,))
    with pytest.raises(SchemaTooNew, match="upgrade mockserver"):
        PostgresStore(pg_url, "t")


def _start(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mockserver", *args, "--port", "0"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )


def test_replicas_share_one_world_and_one_clock(pg_url: str) -> None:
    args = ["--state-url", pg_url, "--clone-seconds", "5"]
    with MockProcess(*args) as a, MockProcess(*args, "--workers", "2") as b:
        source = mixpeek_state(a.url)["namespaces"][0]["namespace_id"]
        made = httpx.post(
            f"{a.url}/v1/namespaces/{source}/clone", headers=BEARER, json={"namespace_name": "team_copy"}
        )
        assert made.status_code == 200 and made.json()["status"] == "cloning"
        listed = httpx.post(f"{b.url}{COLLECTIONS}", headers={**BEARER, "X-Namespace": "team_copy"}, json={})
        assert listed.status_code == 200 and listed.json()["total_count"] == 0  # still cloning
        taken = httpx.post(
            f"{b.url}/v1/namespaces/{source}/clone", headers=BEARER, json={"namespace_name": "team_copy"}
        )
        assert taken.status_code == 409  # the name is held for every replica
        advanced = httpx.post(f"{b.url}/_mock/clock/advance", json={"seconds": 5}).json()
        assert httpx.get(f"{a.url}/_mock/clock").json()["offset_seconds"] == advanced["offset_seconds"] == 5
        listed = httpx.post(f"{a.url}{COLLECTIONS}", headers={**BEARER, "X-Namespace": "team_copy"}, json={})
        assert listed.json()["total_count"] > 0  # ready on the shared clock, seen by the other replica
        assert mixpeek_state(a.url) == mixpeek_state(b.url)
        # sessions set through one replica steer the others
        assert httpx.put(f"{a.url}/_mock/sessions/qa", json={"code": 404}).status_code == 200
        assert httpx.get(f"{b.url}/_mock/sessions").json() == {"qa": {"code": 404}}
        steered = {**BEARER, "X-Namespace": "team_copy", "X-Specmock-Session": "qa"}
        assert httpx.post(f"{b.url}{COLLECTIONS}", headers=steered, json={}).status_code == 404
        assert httpx.delete(f"{b.url}/_mock/sessions/qa").status_code == 204
        assert httpx.get(f"{a.url}/_mock/sessions").json() == {}
        assert httpx.post(f"{a.url}{COLLECTIONS}", headers=steered, json={}).status_code == 200


def test_another_seeds_world_is_refused_and_says_how_to_resume_or_reseed(pg_url: str) -> None:
    with MockProcess("--state-url", pg_url, "--seed", "4") as first:
        seeded = mixpeek_state(first.url)
    refused = _start("--state-url", pg_url, "--seed", "5")
    assert refused.returncode == 2
    message = refused.stderr.strip().splitlines()[-1]
    assert "--seed 4 --world-size 80 to resume" in message and "--reseed" in message, message
    with MockProcess("--state-url", pg_url, "--seed", "4") as resumed:
        assert mixpeek_state(resumed.url) == seeded
    with MockProcess("--state-url", pg_url, "--seed", "5", "--reseed") as reseeded:
        assert mixpeek_state(reseeded.url)["seed"] == 5
    with MockProcess("--state-url", pg_url, "--seed", "5", "--reseed") as again:  # a no-op now
        assert mixpeek_state(again.url)["seed"] == 5


def test_a_bad_state_url_is_one_clear_line() -> None:
    closed = _start("--state-url", "postgresql://nobody@127.0.0.1:1/none")
    assert closed.returncode == 2
    assert "cannot use the state database postgresql://nobody@127.0.0.1:1/none" in closed.stderr
    assert "Traceback" not in closed.stderr
    wrong = _start("--state-url", "mysql://x/y")
    assert wrong.returncode == 2 and "--state-url takes a PostgreSQL URL" in wrong.stderr
    both = _start("--state-url", "postgresql://x/y", "--state-file", "s.db")
    assert both.returncode == 2 and "not both" in both.stderr


@pytest.fixture()
def own_cluster() -> Iterator[Cluster]:
    with running_cluster("specmock_outage") as cluster:
        yield cluster


def test_a_lost_database_answers_503_and_the_replica_reconnects(own_cluster: Cluster) -> None:
    with MockProcess("--state-url", own_cluster.socket_dsn) as server:
        namespace = mixpeek_state(server.url)["namespaces"][0]["namespace_id"]
        ask: dict[str, Any] = {"headers": {**BEARER, "X-Namespace": namespace}}
        assert httpx.post(f"{server.url}{COLLECTIONS}", json={}, **ask).status_code == 200
        own_cluster.stop()
        lost = httpx.post(f"{server.url}{COLLECTIONS}", json={}, timeout=60, **ask)
        assert lost.status_code == 503, lost.text
        error = lost.json()["error"]
        assert error["code"] == "state_store_unavailable" and "reconnects on its own" in error["message"]
        assert lost.headers["retry-after"] == "1"
        state = httpx.get(f"{server.url}/_mock/state", timeout=60)
        assert state.status_code == 503 and "cannot be reached" in state.json()["detail"]
        own_cluster.start()
        statuses = []
        for _ in range(60):  # no restart of the replica: its pool reconnects by itself
            statuses.append(httpx.post(f"{server.url}{COLLECTIONS}", json={}, timeout=60, **ask).status_code)
            if statuses[-1] == 200:
                break
            time.sleep(0.5)
        assert statuses[-1] == 200, statuses
        assert set(statuses) <= {200, 503}


def _kill_when_cloned(url: str, clones: int, pid: int) -> None:
    """SIGKILL ``pid`` once the database holds ``clones`` clones: the servers' progress, not the
    client's (a busy client reads answers late, after the servers have sent them all)."""
    with psycopg.connect(url, autocommit=True) as conn:
        for _ in range(60_000):
            row = conn.execute(
                "SELECT value FROM specmock_sequences WHERE scope = 'mixpeek' AND name = 'clone'"
            ).fetchone()
            if row and row[0] >= clones:
                break
            time.sleep(0.002)
    os.killpg(pid, signal.SIGKILL)


@pytest.mark.slow
def test_three_replicas_a_storm_and_a_sigkill_lose_nothing(pg_url: str) -> None:
    args = ["--state-url", pg_url, "--clone-seconds", "0"]
    replicas = [MockProcess(*args) for _ in range(3)]
    try:
        before = len(mixpeek_state(replicas[0].url)["namespaces"])
        victim = replicas[1]
        urls = [r.url for r in replicas]
        killer = threading.Thread(target=_kill_when_cloned, args=(pg_url, 20, victim.pid))
        killer.start()
        result = storm(urls, 300)
        killer.join(timeout=120)
        assert victim.proc.wait(timeout=30) == -signal.SIGKILL
        # the kill came mid-storm (the victim had requests in flight, never answered); only requests
        # to the killed replica went unanswered; every answer is 200 or 409
        assert result.errors, "the replica was killed after the storm, not during it"
        assert all(error.startswith(victim.url) for error in result.errors), result.errors[:5]
        assert set(result.statuses) <= {200, 409}, result.statuses
        assert result.acknowledged and result.statuses[409] > 0
        replicas[1] = MockProcess(*args)  # restarted on the same database
        for replica in replicas:
            verdict = check(replica.url, result)
            assert verdict.ok, verdict  # nothing acknowledged lost, no name held or granted twice
            assert verdict.namespaces >= before + len(result.acknowledged)
        states = [mixpeek_state(r.url) for r in replicas]
        assert states[0] == states[1] == states[2]
    finally:
        for replica in replicas:
            replica.kill()


def _journal(url: str, count: int) -> list[dict[str, Any]]:
    """The journal once it holds ``count`` entries (replicas write theirs every 0.2 s)."""
    entries: list[dict[str, Any]] = []
    for _ in range(100):
        entries = httpx.get(f"{url}/_mock/journal").json()["entries"]
        if len(entries) >= count:
            break
        time.sleep(0.1)
    return entries


def test_a_shared_journal_shows_every_replicas_traffic_and_stays_bounded(pg_url: str) -> None:
    args = ["--state-url", pg_url, "--shared-journal"]
    with MockProcess(*args) as a, MockProcess(*args) as b:
        namespace = mixpeek_state(a.url)["namespaces"][0]["namespace_id"]
        ask = {**BEARER, "X-Namespace": namespace}
        assert httpx.post(f"{a.url}{COLLECTIONS}", headers=ask, json={}).status_code == 200
        assert httpx.post(f"{b.url}{COLLECTIONS}?limit=2", headers=ask, json={}).status_code == 200
        unknown = {**BEARER, "X-Namespace": "no_such_namespace"}
        assert httpx.post(f"{b.url}{COLLECTIONS}", headers=unknown, json={}).status_code == 404
        for replica in (a, b):  # each replica's dashboard: the team's traffic, newest first
            entries = _journal(replica.url, 3)
            assert [(e["query"], e["status"]) for e in entries] == [("", 404), ("limit=2", 200), ("", 200)]
            assert entries[0]["headers"]["authorization"] == "[redacted]"
            one = httpx.get(f"{replica.url}/_mock/journal/{entries[1]['id']}").json()
            assert one["query"] == "limit=2" and one["bodies"] is None  # bodies stay with their replica
            coverage = httpx.get(f"{replica.url}/_mock/coverage").json()["operations"]
            listed = next(o for o in coverage if o["operation"] == f"POST {COLLECTIONS}")
            assert listed["served"] == {"200": 2, "404": 1}
        assert httpx.delete(f"{b.url}/_mock/journal").status_code == 204
        assert httpx.get(f"{a.url}/_mock/journal").json()["entries"] == []


def test_the_shared_journal_keeps_the_newest_entries_only(pg_url: str) -> None:
    from mockserver.control.shared_journal import SharedJournal
    from mockserver.store.shared import PostgresJournal

    table = PostgresJournal(pg_url)
    journal = SharedJournal(table, capacity=5)
    try:
        for i in range(12):
            journal.record(
                time=i,
                method="GET",
                path=f"/r{i}",
                query="",
                operation="GET /r",
                status=200,
                latency_ms=1.0,
                session=None,
                headers={},
            )
        assert [e["path"] for e in journal.query(limit=100)] == [f"/r{i}" for i in range(11, 6, -1)]
        assert journal.coverage == {("GET /r", 200): 12}  # counts are not trimmed, entries are
    finally:
        journal.close()
        table.close()
