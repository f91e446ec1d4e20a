"""How fast FakeData makes values: µs per value and values/s, prepare cost, and what it is spent on.

    python bench/bench_fakes.py [--seconds 1.0]

Uses the bundled ``spec/mixpeek.yaml`` when present, else the YAML inside seed 001.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path
from random import Random
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from faker import Faker  # noqa: E402

from oascore import Spec, load_spec  # noqa: E402
from oascore.fakes.generator import FakeData  # noqa: E402

SMALL = {
    "type": "object",
    "required": ["id", "name", "created_at"],
    "properties": {
        "id": {"type": "string"},
        "name": {"type": "string"},
        "created_at": {"type": "string", "format": "date-time"},
        "count": {"type": "integer", "minimum": 0},
    },
}


def fixture_spec() -> Spec:
    bundled = ROOT / "spec" / "mixpeek.yaml"
    if bundled.exists():
        return load_spec(bundled)
    from test_fakes import SEED_001, seed_spec  # the same loader the tests use

    return seed_spec(SEED_001)


def per_call(fn: Callable[[int], Any], seconds: float) -> float:
    """Mean µs per call of ``fn(seed)`` over about ``seconds``."""
    calls, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        for seed in range(calls, calls + 200):
            fn(seed)
        calls += 200
    return elapsed / calls * 1e6


def report(label: str, micros: float) -> None:
    print(f"  {label:<46} {micros:9.1f} µs   {1e6 / micros:10,.0f} /s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=1.0, help="time per measurement")
    seconds = parser.parse_args().seconds
    spec = fixture_spec()
    migration = spec.doc["components"]["schemas"]["GetMigrationResponse"]
    print(f"spec: {spec.source}")

    start = time.perf_counter()
    fake = FakeData(spec)
    print(f"  {'FakeData(spec) (Faker + word pools)':<46} {(time.perf_counter() - start) * 1e3:9.1f} ms")
    for label, schema in (
        ("first call, small object", SMALL),
        ("first call, GetMigrationResponse", migration),
    ):
        start = time.perf_counter()
        fake.generate(schema, 0)
        print(f"  {label + ' (prepare)':<46} {(time.perf_counter() - start) * 1e3:9.1f} ms")

    print("steady state:")
    report("small object", per_call(lambda s: fake.generate(SMALL, s), seconds))
    report(
        "small object, prefer_examples",
        per_call(lambda s: fake.generate(SMALL, s, prefer_examples=True), seconds),
    )
    report("GetMigrationResponse", per_call(lambda s: fake.generate(migration, s), seconds))
    plain = {"type": "string"}
    report(
        "string named namespace_id", per_call(lambda s: fake.generate(plain, s, name="namespace_id"), seconds)
    )
    for name, schema in spec.doc["components"]["schemas"].items():
        if name.startswith("List") and name.endswith("Response"):
            report(name, per_call(lambda s, schema=schema: fake.generate(schema, s), seconds))

    prepared = fake._prepared[(id(migration), None)]  # what the final validation costs
    value = fake.generate(migration, 1)
    report(
        "  of which: validating a GetMigrationResponse", per_call(lambda s: prepared.check(value), seconds)
    )

    print("text: Faker reseeded per call vs. word pools drawn once from Faker:")
    faker = Faker("en_US")

    def reseeded(seed: int) -> str:
        faker.seed_instance(seed)
        return f"{faker.first_name()} {faker.last_name()}: {faker.sentence()}"

    pools = fake.pools

    def pooled(seed: int) -> str:
        rng = Random(seed)
        return f"{rng.choice(pools.first)} {rng.choice(pools.last)}: {pools.sentence(rng)}"

    report("Faker.seed_instance + name + sentence", per_call(reseeded, seconds))
    report("Random(seed) + pools name + sentence", per_call(pooled, seconds))


if __name__ == "__main__":
    main()
