"""World benchmark: build time, list latency (p50/p99) and resident memory at a given size.

Run ``python bench/bench_world.py [--size 1000000] [--requests 2000] [--json PATH] [--quick]``. It
builds the Mixpeek and hosting worlds of ``--size`` migrations each (in memory), then times the
stateful handlers directly (no HTTP): filtered migrations lists at random offsets, the hosting list
with filters, and the collections list, and prints one line per figure (``--json``: also as
figures for ``bench/run.py``; ``--quick``: 400 requests instead of 2000, same world size).
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mockserver.apis import PROFILES
from mockserver.runtime import ApiBackend, MockRequest, MockResponse, WorldOptions
from mockserver.store.clock import MockClock
from oascore import Spec, load_spec

ROOT = Path(__file__).resolve().parent.parent


def _backend(spec: Spec, size: int, state_file: str | None) -> tuple[ApiBackend, float]:
    profile = next(p for p in PROFILES if p.matches(spec))
    started = time.perf_counter()
    options = WorldOptions(seed=0, world_size=size, tokens={"tok_admin": "admin"}, state_file=state_file)
    backend = profile.create(spec, options, MockClock())
    return backend, time.perf_counter() - started


def _caller(spec: Spec, backend: ApiBackend, method: str, path: str) -> Callable[..., MockResponse]:
    op = next(o for o in spec.operations if (o.method, o.path) == (method, path))
    handler = backend.handlers()[op.operation_id]

    def call(
        body: object = None,
        query: dict[str, object] | None = None,
        headers: dict[str, str] | None = None,
        principal: str = "tok_admin",
    ) -> MockResponse:
        return handler(MockRequest(op, {}, query or {}, headers or {}, body, principal, 0))

    return call


FIGURES: list[dict[str, Any]] = []


def _figure(name: str, value: float, unit: str) -> None:
    FIGURES.append({"name": name, "value": value, "unit": unit, "target": None, "pass": None, "note": ""})


def _timed(label: str, requests: int, make: Callable[[random.Random], Callable[[], MockResponse]]) -> None:
    r = random.Random(1)
    samples = []
    for _ in range(requests):
        run = make(r)
        started = time.perf_counter()
        response = run()
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status == 200, response.body
    samples.sort()
    p50 = statistics.median(samples)
    p99 = samples[int(len(samples) * 0.99) - 1]
    print(f"{label:<46} p50 {p50:7.3f} ms   p99 {p99:7.3f} ms   ({requests} requests)")
    _figure(f"{label}: p50", p50, "ms")
    _figure(f"{label}: p99", p99, "ms")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--sqlite", action="store_true", help="keep the mutable state in a SQLite file")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    parser.add_argument("--quick", action="store_true", help="400 requests per figure (same world size)")
    args = parser.parse_args()
    if args.quick:
        args.requests = min(args.requests, 400)
    state_file = str(Path(tempfile.mkdtemp()) / "bench.db") if args.sqlite else None
    print(f"store: {'SQLite ' + state_file if state_file else 'memory'}")
    mixpeek_spec = load_spec(ROOT / "spec" / "mixpeek.yaml")
    hosting_spec = load_spec(ROOT / "spec" / "hosting.yaml")
    mixpeek, built = _backend(mixpeek_spec, args.size, state_file)
    print(f"mixpeek world build ({args.size:,} migrations){'':<14} {built:7.2f} s")
    _figure(f"mixpeek world build, {args.size:,} migrations", built, "s")
    hosting, built = _backend(hosting_spec, args.size, state_file)
    print(f"hosting world build ({args.size:,} migrations){'':<14} {built:7.2f} s")
    _figure(f"hosting world build, {args.size:,} migrations", built, "s")

    migrations = _caller(mixpeek_spec, mixpeek, "POST", "/v1/namespaces/migrations/list")
    namespaces = _namespace_ids(mixpeek)
    statuses = ["draft", "validating", "pending", "in_progress", "completed", "failed", "cancelled"]

    def filtered(r: random.Random) -> Callable[[], MockResponse]:
        body: dict[str, object] = {"limit": 20}
        if r.random() < 0.7:
            body["status"] = r.choice(statuses)
        if r.random() < 0.5:
            body["migration_type"] = r.choice(["re_extract", "copy", "extend"])
        if r.random() < 0.5:
            body["source_namespace_id"] = r.choice(namespaces)
        body["offset"] = r.randrange(0, 5000) if r.random() < 0.8 else r.randrange(0, 20_000)
        return lambda: migrations(body)

    def deep(r: random.Random) -> Callable[[], MockResponse]:
        body = {"limit": 100, "offset": r.randrange(0, args.size)}
        return lambda: migrations(body)

    _timed("migrations list, random filters, limit 20", args.requests, filtered)
    _timed("migrations list, limit 100, any offset", args.requests // 4, deep)

    listing = _caller(hosting_spec, hosting, "GET", "/api/migrations")

    def hosting_filtered(r: random.Random) -> Callable[[], MockResponse]:
        query: dict[str, object] = {"page": r.randint(1, 200), "per": 25}
        if r.random() < 0.7:
            query["status"] = r.choice(["all", "running", "completed", "failed", "scheduled"])
        if r.random() < 0.5:
            query["customer_code"] = r.choice(["ACME", "GLOBEX", "HOOLI"])
        return lambda: listing(query=query)

    def searched(r: random.Random) -> Callable[[], MockResponse]:
        query = {"query": r.choice(["wordpress", "acme", "dns"]), "page": r.randint(1, 50)}
        return lambda: listing(query=query)

    _timed("hosting list, status/customer, per 25", args.requests, hosting_filtered)
    started = time.perf_counter()
    listing(query={"query": "wordpress"})
    first_search = time.perf_counter() - started
    print(f"hosting list, first text search (builds column)   {first_search:7.2f} s")
    _figure("hosting list, first text search (builds column)", first_search, "s")
    _timed("hosting list, repeated text search, per 25", args.requests // 4, searched)

    collections = _caller(mixpeek_spec, mixpeek, "POST", "/v1/collections/list")

    def collection_page(r: random.Random) -> Callable[[], MockResponse]:
        body = {
            "filters": {
                "AND": [{"field": "document_count", "operator": "gte", "value": r.randint(0, 100_000)}]
            },
            "sort": {"field": "document_count", "direction": "desc"},
        }
        headers = {"x-namespace": r.choice(namespaces)}
        return lambda: collections(body, headers=headers)

    _timed("collections list, filter + sort", args.requests // 4, collection_page)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory (both worlds){'':<16} {rss:7.0f} MB")
    _figure(f"peak resident memory, both worlds of {args.size:,} migrations", rss, "MB")
    if args.json:
        store = "sqlite" if state_file else "memory"
        meta = {"size": args.size, "requests": args.requests, "store": store}
        args.json.write_text(json.dumps({"bench": "world", "meta": meta, "figures": FIGURES}, indent=2))


def _namespace_ids(backend: ApiBackend) -> list[str]:
    """Namespace ids without exporting a huge world (the bench may reach into the backend)."""
    return [ns["namespace_id"] for ns in backend.store.list("namespace")]  # type: ignore[attr-defined]


if __name__ == "__main__":
    main()
