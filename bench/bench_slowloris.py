"""Slowloris benchmark: a normal client's latency while many connections trickle their headers.

Run ``python bench/bench_slowloris.py [--connections 1000] [--seconds 20] [--json out.json]``.
It starts the real ``mockserver`` command on loopback (default flags: 10 s head timeout, 4,096
connections), measures a normal client alone for ``--baseline`` seconds, then opens
``--connections`` connections from a separate process, each sending a request line and then one
header byte every ``--drip`` seconds and reopening when the server drops it, and measures the same
client again for ``--seconds``. The client sends ``GET /api/migrations?per=5`` one request at a
time on a keep-alive connection. Prints the client's p50/p99/max with and without the attack, the
slow connections held open and how many the server dropped (408 on the head timeout); exits 1
if the p99 under attack is 50 ms or more or any answer is not 200. Loopback only; at most 5,000
connections and 120 s.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import resource
import sys
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from mockproc import MockProcess  # noqa: E402

P99_BUDGET_MS = 50.0
PATH = "/api/migrations?per=5"
HEADERS = {"X-Api-Token": "tok_user"}


def _raise_file_limit(wanted: int) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(wanted, hard), hard))


async def _slow_one(port: int, drip: float, until: float, stats: dict[str, int]) -> None:
    """One slow client: a request line, then a header byte per ``drip`` s; reopened when dropped."""
    while time.monotonic() < until:
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            stats["refused"] += 1
            await asyncio.sleep(drip)
            continue
        stats["open"] += 1
        try:
            writer.write(b"GET /api/migrations HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
            while time.monotonic() < until and not reader.at_eof():
                await asyncio.sleep(drip)
                writer.write(b"a")
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            stats["open"] -= 1
            if time.monotonic() < until:
                stats["dropped"] += 1
            writer.close()


async def _attack(port: int, connections: int, drip: float, seconds: float, report: Any) -> None:
    stats = {"open": 0, "dropped": 0, "refused": 0}
    until = time.monotonic() + seconds
    tasks = []
    for i in range(connections):  # ramp up in a second, not in one burst the backlog cannot hold
        tasks.append(asyncio.create_task(_slow_one(port, drip, until, stats)))
        if i % 100 == 99:
            await asyncio.sleep(0.1)
    samples = []
    while time.monotonic() < until:
        await asyncio.sleep(0.5)
        samples.append(stats["open"])
    await asyncio.gather(*tasks, return_exceptions=True)
    report.put({**stats, "open_min": min(samples or [0]), "open_max": max(samples or [0])})


def _attacker(port: int, connections: int, drip: float, seconds: float, report: Any) -> None:
    _raise_file_limit(connections + 256)
    asyncio.run(_attack(port, connections, drip, seconds, report))


def _client(url: str, seconds: float) -> tuple[list[float], int]:
    """Sequential requests for ``seconds``: their latencies (ms) and how many were not 200."""
    latencies: list[float] = []
    not_ok = 0
    deadline = time.perf_counter() + seconds
    with httpx.Client(base_url=url, timeout=10) as client:
        client.get(PATH, headers=HEADERS)  # connect and warm up outside the measurement
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            status = client.get(PATH, headers=HEADERS).status_code
            latencies.append((time.perf_counter() - started) * 1000)
            not_ok += status != 200
    return latencies, not_ok


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 2) if ordered else 0.0


def run(connections: int, seconds: float, baseline: float, drip: float) -> dict[str, Any]:
    with MockProcess() as server:
        port = int(server.url.rsplit(":", 1)[1])
        alone, alone_bad = _client(server.url, baseline)
        report: Any = multiprocessing.Queue()
        attacker = multiprocessing.Process(
            target=_attacker, args=(port, connections, drip, seconds + 3, report), daemon=True
        )
        attacker.start()
        time.sleep(3)  # let the slow connections open before measuring
        attacked, attacked_bad = _client(server.url, seconds)
        stats = report.get(timeout=seconds + 60)
        attacker.join(30)
    return {
        "connections": connections,
        "seconds": seconds,
        "drip_seconds": drip,
        "alone_requests": len(alone),
        "alone_ms_p50": _pct(alone, 0.5),
        "alone_ms_p99": _pct(alone, 0.99),
        "attacked_requests": len(attacked),
        "attacked_ms_p50": _pct(attacked, 0.5),
        "attacked_ms_p99": _pct(attacked, 0.99),
        "attacked_ms_max": round(max(attacked), 2) if attacked else None,
        "not_200": alone_bad + attacked_bad,
        "slow_open_min": stats["open_min"],
        "slow_open_max": stats["open_max"],
        "slow_dropped_by_server": stats["dropped"],
        "slow_refused": stats["refused"],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connections", type=int, default=1000, help="slow connections (default 1,000)")
    parser.add_argument("--seconds", type=float, default=20.0, help="measured under attack (default 20)")
    parser.add_argument("--baseline", type=float, default=5.0, help="measured alone first (default 5)")
    parser.add_argument("--drip", type=float, default=2.0, help="seconds between a slow client's bytes")
    parser.add_argument("--json", metavar="PATH", help="also write the figures as one JSON object")
    args = parser.parse_args(argv)
    if not (1 <= args.connections <= 5000 and 0 < args.seconds <= 120 and 0 < args.baseline <= 120):
        parser.error("--connections 1..5000, --seconds and --baseline in (0, 120]")
    figures = run(args.connections, args.seconds, args.baseline, args.drip)
    figures["ok"] = figures["attacked_ms_p99"] < P99_BUDGET_MS and figures["not_200"] == 0
    print(
        f"normal client alone: {figures['alone_requests']} requests, p50 {figures['alone_ms_p50']} ms,"
        f" p99 {figures['alone_ms_p99']} ms"
    )
    held = f"{figures['slow_open_min']}-{figures['slow_open_max']} open"
    print(
        f"with {figures['connections']} slow connections ({held}, a byte every {figures['drip_seconds']:g}"
        f" s): {figures['attacked_requests']} requests, p50 {figures['attacked_ms_p50']} ms,"
        f" p99 {figures['attacked_ms_p99']} ms (budget {P99_BUDGET_MS:g}),"
        f" max {figures['attacked_ms_max']} ms"
    )
    print(
        f"slow connections dropped by the server (head timeout): {figures['slow_dropped_by_server']},"
        f" refused: {figures['slow_refused']}; answers not 200: {figures['not_200']}"
    )
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2) + "\n")
    return 0 if figures["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
