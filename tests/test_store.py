"""The store interface (memory, SQLite and PostgreSQL), durability, and several processes sharing one file.

PostgreSQL-only behaviour (schema versions, a lost connection, several replicas) is in
``tests/test_postgres.py``."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from mockserver.app import create_app
from mockserver.config import Config
from mockserver.runtime import WorldMismatch
from mockserver.store import MemoryStore, Store, StoreUnavailable
from mockserver.store.clock import MockClock, make_clock
from mockserver.store.postgres import PostgresStore
from mockserver.store.sqlite import SqliteStore
from mockserver.testing import run_server
from tests.childlines import read_lines
from tests.conftest import BEARER
from tests.test_world_support import CLONE, COLLECTIONS, ROOT, world


@pytest.fixture(params=["memory", "sqlite", "postgres"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    made: Store
    if request.param == "postgres":
        made = PostgresStore(request.getfixturevalue("pg_url"), "t")
    elif request.param == "sqlite":
        made = SqliteStore(str(tmp_path / "s.db"), "t")
    else:
        made = MemoryStore()
    yield made
    made.close()


def test_documents_by_key_and_index_in_insertion_order(store: Store) -> None:
    store.put("col", "b", {"n": 1}, index="ns1")
    store.put("col", "a", {"n": 2}, index="ns2")
    store.put("col", "c", {"n": 3}, index="ns1")
    store.put("col", "b", {"n": 4}, index="ns1")  # an update keeps its place
    assert store.get("col", "b") == {"n": 4} and store.get("col", "zz") is None
    assert [d["n"] for d in store.list("col")] == [4, 2, 3]
    assert [d["n"] for d in store.list("col", index="ns1")] == [4, 3]
    assert store.count("col") == 3 and store.count("col", index="ns2") == 1
    store.delete("col", "a")
    assert store.count("col") == 2
    fetched = store.get("col", "b")
    assert fetched is not None
    fetched["n"] = 99  # callers get copies
    assert store.get("col", "b") == {"n": 4}


def test_the_index_follows_moves_deletes_rollbacks_and_imports(store: Store) -> None:
    for i in range(6):
        store.put("col", f"k{i}", {"n": i}, index=f"ns{i % 2}")
    store.put("col", "k2", {"n": 20}, index="ns1")  # moves from ns0 to ns1
    store.delete("col", "k4")
    assert [d["n"] for d in store.list("col", index="ns0")] == [0]
    assert sorted(d["n"] for d in store.list("col", index="ns1")) == [1, 3, 5, 20]
    assert (store.count("col", index="ns0"), store.count("col", index="ns1")) == (1, 4)
    with pytest.raises(RuntimeError), store.transaction():
        store.put("col", "k0", {"n": 0}, index="ns9")
        store.delete("col", "k1")
        store.put("col", "new", {"n": 7}, index="ns0")
        raise RuntimeError("boom")
    assert [d["n"] for d in store.list("col", index="ns0")] == [0]
    assert store.count("col", index="ns9") == 0 and store.list("col", index="ns9") == []
    assert store.count("col", index="ns1") == 4
    store.import_(store.export())
    assert sorted(d["n"] for d in store.list("col", index="ns1")) == [1, 3, 5, 20]
    assert store.list("col", index="nowhere") == [] and store.count("other", index="x") == 0


def test_names_sequences_meta(store: Store) -> None:
    assert store.reserve_name("namespace", "prod", "ns_1")
    assert not store.reserve_name("namespace", "prod", "ns_2")
    assert store.reserve_name("other", "prod", "x")
    assert store.name_owner("namespace", "prod") == "ns_1" and store.name_owner("namespace", "dev") is None
    assert [store.next_sequence("clone") for _ in range(3)] == [1, 2, 3]
    assert store.current_sequence("clone") == 3 and store.current_sequence("none") == 0
    store.set_meta("seed", {"value": [1, 2]})
    assert store.get_meta("seed") == {"value": [1, 2]} and store.get_meta("missing") is None


def test_a_failed_transaction_leaves_nothing_behind(store: Store) -> None:
    store.put("ns", "keep", {"v": 1})
    with pytest.raises(RuntimeError), store.transaction():
        store.put("ns", "new", {"v": 2})
        store.put("ns", "keep", {"v": 3})
        store.reserve_name("namespace", "taken", "new")
        store.next_sequence("clone")
        store.set_meta("k", 1)
        raise RuntimeError("boom")
    assert store.get("ns", "new") is None and store.get("ns", "keep") == {"v": 1}
    assert store.name_owner("namespace", "taken") is None
    assert store.current_sequence("clone") == 0 and store.get_meta("k") is None


def test_export_import_reset_and_generation(store: Store) -> None:
    store.put("ns", "a", {"v": 1}, index="i")
    store.reserve_name("namespace", "a", "a")
    store.next_sequence("clone")
    store.set_meta("seed", 3)
    exported = store.export()
    generation = store.generation()
    store.reset()
    assert store.list("ns") == [] and store.generation() > generation
    store.import_(exported)
    assert store.export() == exported
    with pytest.raises(ValueError, match="docs"):
        store.import_({"docs": {"ns": [["a", None, "not an object"]]}})
    assert store.export() == exported


def test_sqlite_writes_survive_a_restart(tmp_path: Path) -> None:
    path = str(tmp_path / "state.db")
    first = SqliteStore(path, "t")
    first.put("ns", "a", {"v": 1})
    assert first.reserve_name("namespace", "a", "a")
    first.close()
    second = SqliteStore(path, "t")
    assert second.get("ns", "a") == {"v": 1}
    assert not second.reserve_name("namespace", "a", "b")
    assert SqliteStore(path, "other").get("ns", "a") is None  # scopes are separate


_WRITER = textwrap.dedent(
    """
    import sys
    from mockserver.store.sqlite import SqliteStore
    store = SqliteStore(sys.argv[1], "t")
    i = 0
    while True:
        with store.transaction():
            store.put("doc", f"k{i}", {"i": i, "pad": "x" * 200})
            store.reserve_name("names", f"n{i}", f"k{i}")
        print(i, flush=True)  # acknowledged: the transaction has committed
        i += 1
    """
)


def test_a_lock_held_by_another_process_is_waited_for_a_bounded_time(tmp_path: Path) -> None:
    path = str(tmp_path / "state.db")
    store = SqliteStore(path, "mixpeek", busy_timeout=0.2)
    store.put("thing", "a", {"n": 1})
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process's write transaction that does not end
    try:
        with pytest.raises(StoreUnavailable, match="another process holds its lock") as refused:
            store.put("thing", "b", {})
        assert path in str(refused.value)
        assert store.get("thing", "a") == {"n": 1}  # reads go on (WAL)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert store.get("thing", "a") == {"n": 1}  # and once it is released, all is well
    store.put("thing", "b", {"n": 2})


CLONE_PATH = "/v1/namespaces/real_estate_listings_prod/clone"


def test_a_locked_state_file_is_a_503_and_never_blocks_other_requests(tmp_path: Path) -> None:
    """While another process holds the file's write lock, a clone waits (on a worker thread, not
    the event loop) and then answers 503 saying why; the control plane answers meanwhile."""
    path = str(tmp_path / "state.db")
    with run_server(create_app(Config(state_file=path))) as url, httpx.Client(base_url=url, timeout=60) as c:
        holder = sqlite3.connect(path, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            with ThreadPoolExecutor(1) as pool:
                clone = pool.submit(c.post, CLONE_PATH, headers=BEARER, json={"namespace_name": "w"})
                time.sleep(1)  # let the clone reach the server and start waiting for the lock
                assert c.get("/_mock/health").status_code == 200
                assert c.get("/_mock/journal").status_code == 200
                assert not clone.done()  # the event loop answered while the clone still waits
                waited = clone.result(timeout=60)
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        assert waited.status_code == 503, waited.text
        assert "another process holds its lock" in waited.json()["error"]["message"]
        again = c.post(CLONE_PATH, headers=BEARER, json={"namespace_name": "w"})
        assert again.status_code == 200


def test_acknowledged_writes_survive_kill_9(tmp_path: Path) -> None:
    path = str(tmp_path / "state.db")
    child = subprocess.Popen(
        [sys.executable, "-c", _WRITER, path], stdout=subprocess.PIPE, text=True, cwd=ROOT
    )
    assert child.stdout is not None
    lines = read_lines(child.stdout, lambda line: int(line) >= 150, timeout=120)
    acked = int(lines[-1]) if lines else -1
    os.kill(child.pid, signal.SIGKILL)
    child.wait(30)
    store = SqliteStore(path, "t")
    for i in range(acked + 1):
        assert store.get("doc", f"k{i}") == {"i": i, "pad": "x" * 200}
        assert store.name_owner("names", f"n{i}") == f"k{i}"


def test_clock_offset_is_shared_through_the_state_file(tmp_path: Path) -> None:
    path = str(tmp_path / "state.db")
    a, b = make_clock(path), make_clock(path)
    a.advance(10)
    assert b.advance(5) == 15 and a.offset() == 15
    before = a.now()
    read_fresh = make_clock(path).now()  # a clock opened now reads the shared offset from the file
    assert before <= read_fresh <= a.now()
    assert a.advance(-a.offset()) == 0 and b.offset() == 0
    assert MockClock().offset() == 0


def test_backend_on_a_state_file_keeps_clones_across_restarts(tmp_path: Path) -> None:
    path = str(tmp_path / "state.db")
    first = world(seed=1, state_file=path, clock=make_clock(path), clone_seconds=2)
    source = first.backend.export_state()["namespaces"][0]
    response = first.call(
        CLONE, {"namespace_name": "durable_copy"}, path={"namespace_identifier": source["namespace_id"]}
    )
    assert response.status == 200
    first.clock.advance(2)
    # a restart with another seed is refused, saying how to go on; the file's own seed resumes it
    with pytest.raises(WorldMismatch, match=r"--seed 1 .*--reset-state"):
        world(seed=99, state_file=path, clock=make_clock(path))
    second = world(seed=1, state_file=path, clock=make_clock(path))
    assert second.backend.export_state() == first.backend.export_state()
    listed = second.call(COLLECTIONS, {}, headers={"x-namespace": "durable_copy"}, query={"limit": 100})
    assert listed.body["total_count"] == len(
        [
            c
            for c in first.backend.export_state()["collections"]
            if c["_namespace_id"] == source["namespace_id"] and not c.get("_system")  # listed on request only
        ]
    )
    again = second.call(
        CLONE, {"namespace_name": "durable_copy"}, path={"namespace_identifier": source["namespace_id"]}
    )
    assert again.status == 409


_CLONER = textwrap.dedent(
    """
    import json, sys
    from mockserver.store.clock import make_clock
    from tests.test_world_support import CLONE, world
    path, worker, count, pool = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    w = world(seed=5, state_file=path, clock=make_clock(path), clone_seconds=0)
    source = w.backend.export_state()["namespaces"][0]["namespace_id"]
    results = []
    for i in range(count):
        name = f"clone_{(worker * 7919 + i * 104729) % pool}"
        r = w.call(CLONE, {"namespace_name": name}, path={"namespace_identifier": source})
        ns = r.body["namespace"]["namespace_id"] if r.status == 200 else None
        results.append([name, r.status, ns])
    print(json.dumps(results))
    """
)


@pytest.mark.slow
def test_a_thousand_concurrent_clones_in_four_processes(tmp_path: Path) -> None:
    path = str(tmp_path / "state.db")
    workers, per_worker, pool = 4, 250, 700
    children = [
        subprocess.Popen(
            [sys.executable, "-c", _CLONER, path, str(k), str(per_worker), str(pool)],
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        for k in range(workers)
    ]
    results = []
    for child in children:
        out, _ = child.communicate(timeout=300)
        assert child.returncode == 0
        results.extend(json.loads(out))
    assert len(results) == workers * per_worker
    assert {status for _, status, _ in results} <= {200, 409}
    created = {name: ns for name, status, ns in results if status == 200}
    assert len(created) == sum(1 for _, status, _ in results if status == 200)  # no name twice
    assert sum(1 for _, status, _ in results if status == 409) > 0  # the names did collide
    state = world(seed=5, state_file=path, clock=make_clock(path)).backend.export_state()
    clones = {ns["namespace_name"]: ns["namespace_id"] for ns in state["namespaces"] if ns.get("_clone")}
    assert clones == created  # nothing acknowledged is lost, nothing unacknowledged appears
    names = [ns["namespace_name"] for ns in state["namespaces"]]
    assert len(names) == len(set(names))
    assert state["sequences"]["clone"] == len(created)


def test_an_import_that_fails_changes_nothing(store: Store) -> None:
    store.put("col", "keep", {"n": 1}, index="ns1")
    store.set_meta("seed", 5)
    before = store.export()
    bad = {"docs": {"col": [["a", "ns1", {"n": 2}], ["b", "ns1", {"n": {1, 2}}]]}, "meta": {"seed": 9}}
    with pytest.raises((TypeError, ValueError)):
        store.import_(bad)  # a set is not JSON: refused before anything is replaced
    assert store.export() == before
    assert [d["n"] for d in store.list("col", index="ns1")] == [1] and store.get_meta("seed") == 5


def test_write_version_moves_with_every_write_from_any_connection(store: Store) -> None:
    seen = {store.write_version()}
    store.put("collection", "c1", {"n": 1}, index="ns")
    seen.add(store.write_version())
    store.delete("collection", "c1")
    seen.add(store.write_version())
    store.reset()
    seen.add(store.write_version())
    assert len(seen) == 4
    assert store.write_version() == store.write_version()  # reading changes nothing
    if isinstance(store, SqliteStore):  # another process's commit moves it too
        other = SqliteStore(store.path, store.scope)
        before = store.write_version()
        other.put("collection", "c2", {"n": 2})
        assert store.write_version() != before
        other.close()
