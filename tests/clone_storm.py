"""Concurrent namespace clones against a running mock, and the check that none was lost or doubled.

Shared by ``tests/test_durability.py`` (short) and ``bench/bench_durability.py`` (long):

* :func:`storm` fires ``n`` clone requests at once (``POST /v1/namespaces/{id or name}/clone``)
  from one asyncio client. A fifth of the names are asked for twice, so some requests must get
  409; every 200 is an *acknowledged* clone (name → the new ``namespace_id``).
* :func:`check` reads the state back (``GET /_mock/state`` from loopback, and the collections list
  under each acknowledged name) and says what was lost, what name is held twice, and which name
  was acknowledged more than once.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx

BEARER = {"Authorization": "Bearer sk_test"}
CLONE = "/v1/namespaces/{source}/clone"
COLLECTIONS = "/v1/collections/list"


@dataclass
class StormResult:
    requested: int
    names: list[str]  # the name each request asked for, in order
    acknowledged: dict[str, str] = field(default_factory=dict)  # name -> namespace_id of its 200
    ack_counts: Counter[str] = field(default_factory=Counter)  # name -> how many 200s it got
    statuses: Counter[int] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)  # transport errors (no answer at all)
    seconds: float = 0.0

    @property
    def duplicated_names(self) -> set[str]:
        return {name for name, count in Counter(self.names).items() if count > 1}


@dataclass
class Verdict:
    namespaces: int  # namespaces in the state after the storm
    lost: list[str]  # acknowledged but absent (or held by another id)
    held_twice: list[str]  # a name two namespaces share
    acknowledged_twice: list[str]  # a name two requests were both told they got
    unreachable: list[str]  # acknowledged, in the state, but the API does not resolve it

    @property
    def ok(self) -> bool:
        return not (self.lost or self.held_twice or self.acknowledged_twice or self.unreachable)


def mixpeek_state(url: str) -> dict[str, Any]:
    """The Mixpeek API's part of ``GET /_mock/state`` (whatever the spec's title)."""
    apis = httpx.get(url + "/_mock/state", timeout=60).raise_for_status().json()["apis"]
    return next(state for state in apis.values() if "namespaces" in state)


def plan_names(n: int, prefix: str) -> list[str]:
    """``n`` names, the first fifth of them asked for twice (the second ask interleaved later)."""
    unique = max(1, n - n // 5)
    return [f"{prefix}_{i % unique}" for i in range(n)]


def replica_for(i: int, n: int, replicas: int) -> int:
    """Which replica request ``i`` of ``n`` goes to: round robin, and a name's second ask (see
    :func:`plan_names`) to another replica than its first, so replicas race for the same names."""
    unique = max(1, n - n // 5)
    return (i + i // unique) % replicas


async def _storm(
    urls: list[str],
    names: list[str],
    sources: list[str],
    concurrency: int,
) -> StormResult:
    result = StormResult(requested=len(names), names=names)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    gate = asyncio.Event()

    async def one(clients: list[httpx.AsyncClient], i: int, name: str) -> None:
        await gate.wait()
        path = CLONE.format(source=sources[i % len(sources)])
        replica = replica_for(i, len(names), len(clients))
        try:
            response = await clients[replica].post(path, headers=BEARER, json={"namespace_name": name})
        except httpx.HTTPError as exc:
            result.errors.append(f"{urls[replica]} {name}: {type(exc).__name__}: {exc}")
            return
        result.statuses[response.status_code] += 1
        if response.status_code == 200:
            result.ack_counts[name] += 1
            result.acknowledged[name] = response.json()["namespace"]["namespace_id"]

    async with contextlib.AsyncExitStack() as stack:
        clients = [
            await stack.enter_async_context(httpx.AsyncClient(base_url=url, limits=limits, timeout=300))
            for url in urls
        ]
        tasks = [asyncio.create_task(one(clients, i, name)) for i, name in enumerate(names)]
        await asyncio.sleep(0)  # every task is waiting at the gate: release them together
        started = time.perf_counter()
        gate.set()
        await asyncio.gather(*tasks)
        result.seconds = time.perf_counter() - started
    return result


def storm(
    url: str | list[str],
    n: int,
    *,
    prefix: str = "storm",
    concurrency: int | None = None,
) -> StormResult:
    """``n`` concurrent clones of the first seeded namespace, addressed by id and by name in turn.

    ``url`` may be several replicas of one world: requests are spread over them
    (:func:`replica_for`)."""
    urls = [url] if isinstance(url, str) else list(url)
    source = mixpeek_state(urls[0])["namespaces"][0]
    sources = [source["namespace_id"], source["namespace_name"]]
    return asyncio.run(_storm(urls, plan_names(n, prefix), sources, concurrency or n))


async def _unreachable(url: str, names: list[str], concurrency: int = 50) -> list[str]:
    limits = httpx.Limits(max_connections=concurrency)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=60) as client:

        async def resolves(name: str) -> bool:
            for attempt in range(3):  # a read: asked again if a keep-alive connection was closed under it
                try:
                    response = await client.post(
                        COLLECTIONS, headers={**BEARER, "X-Namespace": name}, json={}
                    )
                except httpx.TransportError:
                    if attempt == 2:
                        raise
                    continue
                return response.status_code == 200
            return False

        found = await asyncio.gather(*(resolves(name) for name in names))
    return [name for name, ok in zip(names, found, strict=True) if not ok]


def _spread(names: list[str], count: int | None) -> list[str]:
    if count is None or len(names) <= count:
        return names
    return [names[i * len(names) // count] for i in range(count)]


def check(url: str, result: StormResult, *, reach: int | None = None) -> Verdict:
    """What the server holds now, against what ``result`` says it acknowledged. ``reach``: resolve
    only that many acknowledged names (spread evenly) through the API instead of all of them."""
    namespaces = mixpeek_state(url)["namespaces"]
    held = Counter(ns["namespace_name"] for ns in namespaces)
    owner = {ns["namespace_name"]: ns["namespace_id"] for ns in namespaces}
    acknowledged = sorted(result.acknowledged)
    return Verdict(
        namespaces=len(namespaces),
        lost=[name for name in acknowledged if owner.get(name) != result.acknowledged[name]],
        held_twice=sorted(name for name, count in held.items() if count > 1),
        acknowledged_twice=sorted(name for name, count in result.ack_counts.items() if count > 1),
        unreachable=asyncio.run(_unreachable(url, _spread(acknowledged, reach))),
    )
