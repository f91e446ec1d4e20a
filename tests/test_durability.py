"""Concurrency and durability through the real ``mockserver`` command: concurrent clones, ``kill -9``,
restart on the same ``--state-file``: nothing acknowledged is lost, no name is taken twice.

The long version (a thousand clones, figures) is ``bench/bench_durability.py``.
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from clone_storm import BEARER, check, mixpeek_state, storm
from mockproc import MockProcess

CLONES = 200


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
