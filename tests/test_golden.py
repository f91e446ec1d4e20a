"""Same seed, same bytes, on every install: golden digests of the world and of a few answers.

The world and the fake data depend on the seed only, never on the installed Faker (the word pools
are stored in oascore.fakes.words; tests/test_generated_spec.py checks that). A digest that moves
means the bytes a seed produces changed: on purpose (a world or fake-data change; run this module
and copy the digests it prints into GOLDEN) or by accident (a dependency leaking into the output).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import httpx
import pytest

from mockserver.app import create_app
from mockserver.config import Config
from mockserver.testing import run_server

BEARER = {"Authorization": "Bearer sk_test"}
Request = Callable[[httpx.Client, str], httpx.Response]
REQUESTS: dict[str, Request] = {
    "state": lambda c, ns: c.get("/_mock/state"),
    "migrations": lambda c, ns: c.post("/v1/namespaces/migrations/list", json={"limit": 5}, headers=BEARER),
    "collections": lambda c, ns: c.post(
        "/v1/collections/list", json={}, headers={**BEARER, "X-Namespace": ns}
    ),
    # the generic responder's schema fakes (word pools, formats, name hints)
    "generated": lambda c, ns: c.post(
        "/v1/namespaces/migrations/list", json={"limit": 3}, headers={**BEARER, "Prefer": "dynamic=true"}
    ),
    "hosting": lambda c, ns: c.get("/api/migrations", headers={"X-Api-Token": "tok_user"}),
}
GOLDEN = {
    0: {
        "state": "1bd5b9b5a12908d8c0bbde3954fceabd5df29eb4d4b75a12b53b8bdb07812180",
        "migrations": "8c6718bc455ada46a4e5b8ce83a2a9d1b7f78dc750a7138412403c4771764cd4",
        "collections": "4876f2431a9ace8476f4fb5a6aa3193f3375153e8e73379fa63f9821fbd112f6",
        "generated": "dd71e73029c7e5e6348d4461215abd227b7a1220aabdd2add3119bc73054a887",
        "hosting": "c0c4b6c1cd7fe4f9f6ec6b09e841db764cfaab784a61ff47f44b142dfcf39182",
    },
    7: {
        "state": "146f8995f6ed41a701c903f9f750177454bbcdfbf9cbfd2237b5a4d76cded2c5",
        "migrations": "bc8dfef41c40cedd4caa7df76618f195b7399aa83b36b3067f84e75fb0eafe54",
        "collections": "bfc53abd558cf16ee73da2cf769c9cb995389843c51f26a88dfd14ab0a6b0997",
        "generated": "39185d27da6480a098e2b0a8bfa4a908d733c3fa2178e9c8b07a8995bf951dce",
        "hosting": "5f85a431102a27cd29a798613078a8636489f596dbe0bad525ec239c18d9a802",
    },
}


@pytest.mark.parametrize("seed", sorted(GOLDEN))
def test_a_seed_gives_the_same_bytes(seed: int) -> None:
    with run_server(create_app(Config(seed=seed))) as url, httpx.Client(base_url=url, timeout=30) as client:
        state = client.get("/_mock/state").json()
        namespace = state["apis"]["Mixpeek API"]["namespaces"][0]["namespace_name"]
        digests = {}
        for name, request in REQUESTS.items():
            response = request(client, namespace)
            assert response.status_code == 200, (name, response.text[:500])
            digests[name] = hashlib.sha256(response.content).hexdigest()
    print(f"seed {seed}: {digests}")  # the new digests, when a change is on purpose
    assert digests == GOLDEN[seed]
