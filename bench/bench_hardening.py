"""Hardening benchmark: the whole bad-input list, interleaved with valid requests, for a minute.

Run ``python bench/bench_hardening.py [--seconds 60] [--concurrency 8] [--json out.json]``
(``--quick``: 10 seconds). It starts the real ``mockserver`` command (defaults: both bundled APIs,
loopback, 16 MiB body limit), then ``--concurrency`` clients send, in turn, one request of the bad-input
list of ``tests/bad_inputs.py`` (malformed/truncated JSON, wrong or missing Content-Type, 17 MiB
bodies, JSON nested 10,000 deep, invalid UTF-8, 40-digit integers, NaN/Infinity, unicode and
percent-encoded path segments, repeated query parameters, CR/LF in header values, against both
APIs) and one valid request. Every bad request must get its documented 4xx, every valid one 200,
none may take longer than ``--timeout``. Prints requests/s, answers by kind, the valid requests'
latency, and the server's resident memory (VmRSS) at start, after a warm-up pass and at the end;
exits 1 on any 5xx, wrong status, hang or transport error.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from bad_inputs import Bad, Good, catalog, valid  # noqa: E402
from mockproc import MockProcess, rss_kib  # noqa: E402


class Tally:
    def __init__(self) -> None:
        self.sent = 0
        self.bad_sent = 0
        self.valid_sent = 0
        self.statuses: Counter[int] = Counter()
        self.server_errors: list[str] = []  # any 5xx
        self.wrong: list[str] = []  # a bad request that did not get its documented 4xx
        self.valid_failed: list[str] = []  # a valid request that did not get 200
        self.hangs: list[str] = []
        self.transport: list[str] = []
        self.valid_ms: list[float] = []
        self.bad_ms: list[float] = []

    @property
    def problems(self) -> int:
        return sum(map(len, (self.server_errors, self.wrong, self.valid_failed, self.hangs, self.transport)))


async def _raw_status(url: str, raw: bytes, timeout: float) -> int:
    host, port = url.removeprefix("http://").split(":")
    reader, writer = await asyncio.wait_for(asyncio.open_connection(host, int(port)), timeout)
    try:
        writer.write(raw)
        await writer.drain()
        line = await asyncio.wait_for(reader.readline(), timeout)
        if not line:
            raise ConnectionError("the server closed the connection without an answer")
        return int(line.split(b" ", 2)[1])
    finally:
        writer.close()


async def _send(client: httpx.AsyncClient, url: str, item: Bad | Good, timeout: float) -> int:
    if isinstance(item, Bad) and item.raw is not None:
        return await _raw_status(url, item.raw, timeout)
    response = await client.request(item.method, item.path, headers=item.headers, content=item.body)
    return response.status_code


async def _one(client: httpx.AsyncClient, url: str, item: Bad | Good, tally: Tally, timeout: float) -> None:
    started = time.perf_counter()
    try:
        status = await asyncio.wait_for(_send(client, url, item, timeout), timeout)
    except (TimeoutError, httpx.TimeoutException):
        tally.hangs.append(item.name)
        return
    except (httpx.HTTPError, OSError) as exc:
        tally.transport.append(f"{item.name}: {type(exc).__name__}: {exc}")
        return
    ms = (time.perf_counter() - started) * 1000
    tally.sent += 1
    tally.statuses[status] += 1
    if status >= 500:
        tally.server_errors.append(f"{item.name}: {status}")
    if isinstance(item, Bad):
        tally.bad_sent += 1
        tally.bad_ms.append(ms)
        if status != item.status:
            tally.wrong.append(f"{item.name}: {status} (documented {item.status})")
    else:
        tally.valid_sent += 1
        tally.valid_ms.append(ms)
        if status != 200:
            tally.valid_failed.append(f"{item.name}: {status}")


async def _hammer(url: str, seconds: float, concurrency: int, timeout: float, tally: Tally) -> float:
    bad, good = catalog(), valid()
    deadline = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=concurrency * 2)
    async with httpx.AsyncClient(base_url=url, timeout=timeout, limits=limits) as client:

        async def worker(offset: int) -> None:
            k = offset * 7  # workers start at different places in the list
            while time.perf_counter() < deadline:
                await _one(client, url, bad[k % len(bad)], tally, timeout)
                await _one(client, url, good[k % len(good)], tally, timeout)
                k += 1

        started = time.perf_counter()
        await asyncio.gather(*(worker(i) for i in range(concurrency)))
        return time.perf_counter() - started


async def _warm_up(url: str, timeout: float, tally: Tally) -> None:
    async with httpx.AsyncClient(base_url=url, timeout=timeout) as client:
        for item in [*catalog(), *valid()]:
            await _one(client, url, item, tally, timeout)


def _pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 2)


def run(seconds: float, concurrency: int, timeout: float) -> dict[str, Any]:
    tally = Tally()
    with MockProcess() as server:
        pids = server.worker_pids()
        rss_start = rss_kib(pids)
        asyncio.run(_warm_up(server.url, timeout, tally))
        rss_warm = rss_kib(pids)
        elapsed = asyncio.run(_hammer(server.url, seconds, concurrency, timeout, tally))
        rss_end = rss_kib(pids)
        try:
            still_serving = httpx.get(server.url + "/_mock/health", timeout=timeout).status_code == 200
        except httpx.HTTPError:
            still_serving = False
        alive = server.proc.poll() is None
    return {
        "seconds": round(elapsed, 1),
        "concurrency": concurrency,
        "requests": tally.sent,
        "requests_per_second": round(tally.sent / elapsed, 1) if elapsed else None,
        "bad_requests": tally.bad_sent,
        "valid_requests": tally.valid_sent,
        "bad_kinds": len(catalog()),
        "statuses": {str(k): v for k, v in sorted(tally.statuses.items())},
        "server_errors_5xx": len(tally.server_errors),
        "wrong_status": len(tally.wrong),
        "valid_not_200": len(tally.valid_failed),
        "hangs": len(tally.hangs),
        "transport_errors": len(tally.transport),
        "valid_ms_p50": _pct(tally.valid_ms, 0.5),
        "valid_ms_p99": _pct(tally.valid_ms, 0.99),
        "bad_ms_p50": _pct(tally.bad_ms, 0.5),
        "bad_ms_p99": _pct(tally.bad_ms, 0.99),
        "bad_ms_max": round(max(tally.bad_ms), 2) if tally.bad_ms else None,
        "valid_ms_mean": round(statistics.fmean(tally.valid_ms), 2) if tally.valid_ms else None,
        "rss_kib_start": rss_start,
        "rss_kib_after_warm_up": rss_warm,
        "rss_kib_end": rss_end,
        "rss_growth_kib": rss_end - rss_warm,
        "rss_growth_pct": round((rss_end - rss_warm) / rss_warm * 100, 1) if rss_warm else None,
        "still_serving": still_serving and alive,
        "examples": {
            "server_errors": tally.server_errors[:5],
            "wrong": sorted(set(tally.wrong))[:10],
            "valid_failed": sorted(set(tally.valid_failed))[:5],
            "hangs": sorted(set(tally.hangs))[:5],
            "transport": tally.transport[:5],
        },
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="how long to hammer (default 60)")
    parser.add_argument("--concurrency", type=int, default=8, help="clients at once (default 8)")
    parser.add_argument("--timeout", type=float, default=10.0, help="a request slower than this hangs")
    parser.add_argument("--quick", action="store_true", help="10 seconds")
    parser.add_argument("--json", metavar="PATH", help="also write the figures as one JSON object")
    args = parser.parse_args(argv)
    seconds = 10.0 if args.quick else args.seconds
    if seconds <= 0 or args.concurrency < 1:
        parser.error("--seconds must be positive and --concurrency at least 1")
    figures = run(seconds, args.concurrency, args.timeout)
    problems = (
        figures["server_errors_5xx"]
        + figures["wrong_status"]
        + figures["valid_not_200"]
        + figures["hangs"]
        + figures["transport_errors"]
    )
    figures["ok"] = problems == 0 and figures["still_serving"]
    print(
        f"{figures['requests']} requests in {figures['seconds']} s ({figures['requests_per_second']}/s,"
        f" concurrency {figures['concurrency']}): {figures['bad_requests']} bad"
        f" ({figures['bad_kinds']} kinds), {figures['valid_requests']} valid"
    )
    print(f"statuses {figures['statuses']}")
    print(
        f"5xx {figures['server_errors_5xx']}, wrong status {figures['wrong_status']},"
        f" valid not 200 {figures['valid_not_200']}, hangs {figures['hangs']},"
        f" transport errors {figures['transport_errors']}, still serving {figures['still_serving']}"
    )
    print(
        f"valid latency p50 {figures['valid_ms_p50']} ms, p99 {figures['valid_ms_p99']} ms;"
        f" bad p50 {figures['bad_ms_p50']} ms, p99 {figures['bad_ms_p99']} ms, max {figures['bad_ms_max']} ms"
    )
    print(
        f"server RSS: start {figures['rss_kib_start']} KiB, after warm-up {figures['rss_kib_after_warm_up']}"
        f" KiB, end {figures['rss_kib_end']} KiB (growth {figures['rss_growth_kib']} KiB,"
        f" {figures['rss_growth_pct']} %)"
    )
    if not figures["ok"]:
        print(f"FAILED: {json.dumps(figures['examples'], indent=1)}")
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2) + "\n")
    return 0 if figures["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
