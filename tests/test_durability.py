"""Concurrency and durability through the real ``mockserver`` command: concurrent clones, ``kill -9``,
restart on the same ``--state-file``: nothing acknowledged is lost, no name is taken twice. What
survived the kill is read from the SQLite file itself (the sqlite3 module), then through the
restarted mock.

The long version (a thousand clones, figures) is ``bench/bench_durability.py``.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from clone_storm import BEARER, check, mixpeek_state, storm
from mockproc import MockProcess

CLONES = 200


@dataclass
class OnDisk:
    docs: dict[str, dict[str, Any]]  # namespace_id -> the namespace document
    names: dict[str, str]  # namespace name -> the namespace_id holding it


def namespaces_on_disk(path: Path) -> OnDisk:
    """The Mixpeek namespaces in the SQLite state file, read with the sqlite3 module (the layout of
    mockserver/store/sqlite.py: ``docs`` rows of kind ``namespace``, the ``names`` they claim in
    space ``namespace``; the file is what users keep, so the test reads it as they could)."""
    assert path.is_file(), f"no state file at {path}"
    with closing(sqlite3.connect(f"file:{path}?mode=rw", uri=True, timeout=30)) as db:
        tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert {"docs", "names"} <= tables, f"{path} holds no store: {sorted(tables)}"
        rows = db.execute("SELECT scope, key, doc FROM docs WHERE kind = 'namespace'").fetchall()
        (scope,) = {scope for scope, _, _ in rows}  # one API holds namespaces
        claimed = db.execute(
            "SELECT name, key FROM names WHERE scope = ? AND space = 'namespace'", (scope,)
        ).fetchall()
    return OnDisk({key: json.loads(doc) for _, key, doc in rows}, dict(claimed))


@pytest.mark.slow
@pytest.mark.parametrize("workers", [1, 2])
def test_concurrent_clones_survive_kill_9(tmp_path: Path, workers: int) -> None:
    args = ["--state-file", str(tmp_path / "state.db"), "--clone-seconds", "0", "--workers", str(workers)]
    with MockProcess(*args) as server:
        before = len(mixpeek_state(server.url)["namespaces"])
        result = storm(server.url, CLONES)
        assert not result.errors, result.errors[:5]
        assert set(result.statuses) <= {200, 409}, result.statuses
        # every distinct name was acknowledged exactly once; every second ask of a name got 409
        assert sorted(result.acknowledged) == sorted(set(result.names))
        assert result.statuses[409] == CLONES - len(set(result.names)) > 0
        assert check(server.url, result).ok
        server.kill()  # SIGKILL to the parent and every worker: no shutdown code runs

    # judged from the file itself, not through the mock: every acknowledged clone is on disk
    on_disk = namespaces_on_disk(tmp_path / "state.db")
    assert len(on_disk.docs) == before + len(result.acknowledged)
    for name, namespace_id in result.acknowledged.items():
        assert on_disk.docs.get(namespace_id, {}).get("namespace_name") == name, (name, namespace_id)
        assert on_disk.names.get(name) == namespace_id, name
    held = Counter(doc["namespace_name"] for doc in on_disk.docs.values())
    assert [name for name, count in held.items() if count > 1] == []

    with MockProcess(*args) as restarted:
        verdict = check(restarted.url, result)
        assert verdict.namespaces == before + len(result.acknowledged)
        assert verdict.ok, verdict
        # the names are still held after the restart, and the restarted server still writes
        name = sorted(result.duplicated_names)[0]
        source = mixpeek_state(restarted.url)["namespaces"][0]["namespace_id"]
        taken = httpx.post(
            f"{restarted.url}/v1/namespaces/{source}/clone", headers=BEARER, json={"namespace_name": name}
        )
        assert taken.status_code == 409 and taken.json()["error"]["code"] == "namespace_name_taken"
        fresh = httpx.post(
            f"{restarted.url}/v1/namespaces/{name}/clone", headers=BEARER, json={"namespace_name": "after"}
        )
        assert fresh.status_code == 200
        assert mixpeek_state(restarted.url)["namespaces"][-1]["namespace_name"] == "after"
