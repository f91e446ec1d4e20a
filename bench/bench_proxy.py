"""What the proxy costs a request: the migrations list called directly and through ``--proxy``.

    python bench/bench_proxy.py [--requests 2000] [--quick] [--json PATH]

Two ``mockserver`` processes serve ``spec/mixpeek.yaml``: the upstream, and a proxy in front of it
holding the traffic to the same spec (so every exchange is checked both ways, and none drifts). One
keep-alive client alternates a direct call and a proxied one (same body) so both see the same
machine; prints p50 and p99 latency of each and the difference: the proxy's overhead per request
(forwarding over loopback, request validation, response check against the closed schema, journal).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from mockproc import MockProcess  # noqa: E402

LIST = "/v1/namespaces/migrations/list"
BODY = {"limit": 20}
HEADERS = {"Authorization": "Bearer sk_test"}


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def measure(requests: int) -> dict[str, float]:
    spec = str(ROOT / "spec" / "mixpeek.yaml")
    with MockProcess(spec) as upstream, MockProcess(spec, "--proxy", upstream.url) as proxy:
        direct: list[float] = []
        proxied: list[float] = []
        with httpx.Client(headers=HEADERS, timeout=30) as client:
            for _ in range(50):  # warm both: validators compile at an operation's first request
                client.post(upstream.url + LIST, json=BODY)
                client.post(proxy.url + LIST, json=BODY)
            for _ in range(requests):
                for base, into in ((upstream.url, direct), (proxy.url, proxied)):
                    started = time.perf_counter()
                    answer = client.post(base + LIST, json=BODY)
                    into.append((time.perf_counter() - started) * 1000)
                    if answer.status_code != 200:
                        raise SystemExit(f"{base}: {answer.status_code} {answer.text[:200]}")
        drift = httpx.get(proxy.url + "/_mock/findings").json()["summary"]["findings"]
    figures = {
        "direct_p50_ms": _percentile(direct, 0.50),
        "direct_p99_ms": _percentile(direct, 0.99),
        "proxied_p50_ms": _percentile(proxied, 0.50),
        "proxied_p99_ms": _percentile(proxied, 0.99),
        "mean_overhead_ms": statistics.fmean(proxied) - statistics.fmean(direct),
        "findings": float(drift),
        "requests": float(requests),
    }
    figures["overhead_p50_ms"] = figures["proxied_p50_ms"] - figures["direct_p50_ms"]
    figures["overhead_p99_ms"] = figures["proxied_p99_ms"] - figures["direct_p99_ms"]
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--quick", action="store_true", help="200 requests each way")
    parser.add_argument("--json", metavar="PATH", help="also write the figures there (bench/run.py reads it)")
    args = parser.parse_args()
    if args.quick:
        args.requests = 200
    figures = measure(args.requests)
    if args.json:
        rows = [
            {"name": name, "value": round(value, 3), "unit": "ms" if name.endswith("_ms") else ""}
            for name, value in figures.items()
        ]
        Path(args.json).write_text(json.dumps({"figures": rows}, indent=2) + "\n")
    print(f"migrations list, {args.requests} requests each way, one keep-alive client, loopback")
    for name in ("direct", "proxied"):
        print(f"  {name:8} p50 {figures[name + '_p50_ms']:.2f} ms   p99 {figures[name + '_p99_ms']:.2f} ms")
    print(
        f"  overhead p50 {figures['overhead_p50_ms']:.2f} ms   p99 {figures['overhead_p99_ms']:.2f} ms"
        f"   mean {figures['mean_overhead_ms']:.2f} ms   (findings: {int(figures['findings'])})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
