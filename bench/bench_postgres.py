"""A team's mock: 4 replicas on one PostgreSQL vs one process on a SQLite file, under a clone storm.

Run ``python bench/bench_postgres.py [--clones 1000] [--replicas 4] [--json out.json]`` (``--quick``:
400 clones). It starts a throwaway PostgreSQL (``tests/pgserver.py``), then for each setup the real
``mockserver`` command(s): ``--replicas`` processes with ``--state-url`` on that database, and one
process with ``--state-file``. Against each it sends ``--clones`` clone requests (a fifth of the
names asked for twice, the second ask on another replica) through ``--concurrency`` connections
spread round robin over the replicas, while ``--listers`` clients loop on the collections list
(``POST /v1/collections/list`` of a seeded namespace) over the same replicas. Prints, per setup:
clone requests/s (every 200 and 409 is an answered clone), acknowledged clones/s, collections-list
p50/p99 under that load, and whether every replica lists every acknowledged clone with no name
taken twice. Target: >= 1,000 clones/s across the PostgreSQL replicas (the figure says PASS/FAIL;
the README says where the ceiling is on a 2-core machine).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from clone_storm import (  # noqa: E402
    BEARER,
    CLONE,
    COLLECTIONS,
    StormResult,
    check,
    mixpeek_state,
    plan_names,
    replica_for,
)
from mockproc import MockProcess  # noqa: E402
from pgserver import running_postgres  # noqa: E402

TARGET_CLONES_PER_SECOND = 1000
TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU the processes ``pids`` have used so far (``/proc/PID/stat``)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / TICK


def postgres_pids(dsn: str) -> list[int]:
    """The server's processes: its postmaster and every child (backends, writer, WAL ...)."""
    import psycopg

    with psycopg.connect(dsn) as conn:
        row = conn.execute("SELECT setting FROM pg_settings WHERE name = 'data_directory'").fetchone()
    postmaster = int(Path(str(row[0] if row else ""), "postmaster.pid").read_text().split()[0])
    children = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == postmaster:
                    children.append(int(entry.name))
            except (OSError, ValueError, IndexError):
                continue
    return [postmaster, *children]


@dataclass
class Load:
    storm: StormResult
    list_ms: list[float] = field(default_factory=list)
    list_statuses: Counter[int] = field(default_factory=Counter)


async def _load(urls: list[str], clones: int, concurrency: int, listers: int) -> Load:
    source = mixpeek_state(urls[0])["namespaces"][0]
    names = plan_names(clones, "bench")
    load = Load(StormResult(requested=clones, names=names))
    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in range(clones):
        queue.put_nowait(i)
    done = asyncio.Event()
    limits = httpx.Limits(max_connections=concurrency + listers)
    clients = [httpx.AsyncClient(base_url=url, limits=limits, timeout=300) for url in urls]

    async def cloner() -> None:
        while not queue.empty():
            i = queue.get_nowait()
            client = clients[replica_for(i, clones, len(clients))]
            path = CLONE.format(source=source["namespace_id"])
            try:
                answer = await client.post(path, headers=BEARER, json={"namespace_name": names[i]})
            except httpx.HTTPError as exc:
                load.storm.errors.append(f"{names[i]}: {type(exc).__name__}: {exc}")
                continue
            load.storm.statuses[answer.status_code] += 1
            if answer.status_code == 200:
                load.storm.ack_counts[names[i]] += 1
                load.storm.acknowledged[names[i]] = answer.json()["namespace"]["namespace_id"]

    async def lister(k: int) -> None:
        headers = {**BEARER, "X-Namespace": source["namespace_id"]}
        while not done.is_set():
            client = clients[k % len(clients)]
            k += 1
            started = time.perf_counter()
            answer = await client.post(COLLECTIONS, headers=headers, json={})
            load.list_ms.append((time.perf_counter() - started) * 1000)
            load.list_statuses[answer.status_code] += 1

    started = time.perf_counter()
    listing = [asyncio.create_task(lister(k)) for k in range(listers)]
    await asyncio.gather(*(cloner() for _ in range(concurrency)))
    load.storm.seconds = time.perf_counter() - started
    done.set()
    await asyncio.gather(*listing)
    for client in clients:
        await client.aclose()
    return load


def _percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    return round(statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1], 2)


def measure(
    label: str,
    servers: list[MockProcess],
    clones: int,
    concurrency: int,
    listers: int,
    database: list[int] | None = None,
) -> dict[str, Any]:
    """Run the load against ``servers``; CPU used per answered clone by the mock processes, the
    database server (``database``: its PIDs) and this client, which sets the machine's ceiling."""
    urls = [s.url for s in servers]
    mock_pids = [pid for s in servers for pid in s.worker_pids()]
    before = (cpu_seconds(mock_pids), cpu_seconds(database or []), time.process_time())
    load = asyncio.run(_load(urls, clones, concurrency, listers))
    mock_cpu = cpu_seconds(mock_pids) - before[0]
    db_cpu = cpu_seconds(database or []) - before[1]
    client_cpu = time.process_time() - before[2]
    storm = load.storm
    answered = storm.statuses.get(200, 0) + storm.statuses.get(409, 0)
    per_clone = (mock_cpu + db_cpu + client_cpu) / max(1, answered + len(load.list_ms))
    verdicts = [check(url, storm, reach=100) for url in urls]  # every name in the state, 100 resolved
    return {
        "setup": label,
        "replicas": len(urls),
        "clones": clones,
        "seconds": round(storm.seconds, 3),
        "clone_requests_per_second": round(answered / storm.seconds, 1),
        "acknowledged_per_second": round(len(storm.acknowledged) / storm.seconds, 1),
        "acknowledged": len(storm.acknowledged),
        "conflicts_409": storm.statuses.get(409, 0),
        "other_statuses": {str(s): c for s, c in storm.statuses.items() if s not in (200, 409)},
        "transport_errors": len(storm.errors),
        "list_requests": len(load.list_ms),
        "list_p50_ms": _percentile(load.list_ms, 50),
        "list_p99_ms": _percentile(load.list_ms, 99),
        "list_non_200": sum(c for s, c in load.list_statuses.items() if s != 200),
        "cpu_ms_per_request_mock": round(mock_cpu * 1000 / max(1, answered + len(load.list_ms)), 2),
        "cpu_ms_per_request_database": round(db_cpu * 1000 / max(1, answered + len(load.list_ms)), 2),
        "cpu_ms_per_request_client": round(client_cpu * 1000 / max(1, answered + len(load.list_ms)), 2),
        "ceiling_requests_per_second_idle_machine": round((os.cpu_count() or 1) / per_clone, 1),
        "consistent": all(v.ok for v in verdicts),
        "lost": sum(len(v.lost) for v in verdicts),
        "held_twice": sum(len(v.held_twice) for v in verdicts),
    }


def run(clones: int, replicas: int, concurrency: int, listers: int) -> list[dict[str, Any]]:
    common = ["--clone-seconds", "0", "--max-clones", str(clones * 2)]
    results = []
    with running_postgres("specmock_bench") as dsn:
        servers = [MockProcess("--state-url", dsn, *common) for _ in range(replicas)]
        try:
            label = f"{replicas} replicas, PostgreSQL"
            results.append(measure(label, servers, clones, concurrency, listers, postgres_pids(dsn)))
        finally:
            for server in servers:
                server.kill()
    with TemporaryDirectory() as tmp, MockProcess("--state-file", str(Path(tmp) / "s.db"), *common) as one:
        results.append(measure("1 process, SQLite", [one], clones, concurrency, listers))
    return results


def figures(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for r in results:
        setup = r["setup"]
        clone_figure: dict[str, Any] = {
            "name": f"{setup}: clone requests/s",
            "value": r["clone_requests_per_second"],
            "unit": "/s",
            "note": f"{r['clones']} clones, {r['acknowledged']} acknowledged, {r['seconds']} s",
        }
        if "PostgreSQL" in setup:
            clone_figure["target"] = f"≥ {TARGET_CLONES_PER_SECOND:,}"
            clone_figure["pass"] = r["clone_requests_per_second"] >= TARGET_CLONES_PER_SECOND
        out.append(clone_figure)
        out.append(
            {"name": f"{setup}: collections list p50 under load", "value": r["list_p50_ms"], "unit": "ms"}
        )
        out.append(
            {"name": f"{setup}: collections list p99 under load", "value": r["list_p99_ms"], "unit": "ms"}
        )
        out.append(
            {
                "name": f"{setup}: every replica lists every acknowledged clone, no name twice",
                "value": r["consistent"],
                "unit": "",
                "target": "true",
                "pass": r["consistent"],
            }
        )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clones", type=int, default=1000, help="clone requests per setup (default 1000)")
    parser.add_argument("--replicas", type=int, default=4, help="PostgreSQL replicas (default 4)")
    parser.add_argument("--concurrency", type=int, default=64, help="clone connections at once (default 64)")
    parser.add_argument("--listers", type=int, default=4, help="clients looping on the collections list")
    parser.add_argument("--quick", action="store_true", help="400 clones")
    parser.add_argument("--json", metavar="PATH", help="also write the figures as JSON")
    args = parser.parse_args(argv)
    clones = 400 if args.quick else args.clones
    if clones < 5 or args.replicas < 1 or args.concurrency < 1 or args.listers < 0:
        parser.error("--clones >= 5, --replicas >= 1, --concurrency >= 1, --listers >= 0")
    results = run(clones, args.replicas, args.concurrency, args.listers)
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the end")
    for r in results:
        print(
            f"{r['setup']:<26} clones {r['clone_requests_per_second']:>7}/s answered"
            f" ({r['acknowledged_per_second']}/s acknowledged, {r['conflicts_409']} x 409, {r['seconds']} s);"
            f" collections list p50 {r['list_p50_ms']} ms, p99 {r['list_p99_ms']} ms"
            f" ({r['list_requests']} lists); consistent: {r['consistent']}"
        )
        print(
            f"{'':<26} CPU per request: mock {r['cpu_ms_per_request_mock']} ms, database"
            f" {r['cpu_ms_per_request_database']} ms, client {r['cpu_ms_per_request_client']} ms:"
            f" ceiling on {os.cpu_count()} idle cores ~{r['ceiling_requests_per_second_idle_machine']}/s"
        )
    ok = all(r["consistent"] and not r["transport_errors"] and not r["other_statuses"] for r in results)
    if args.json:
        Path(args.json).write_text(
            json.dumps({"figures": figures(results), "runs": results}, indent=2) + "\n"
        )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
