"""Same seed and anchor, same bytes, on every install: golden digests of the world and of a few answers.

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

from mockserver.apis.common.worldkit import ANCHOR
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
        "state": "123ce48e5ea5c643bd37df56fa187d6f37044d776ee21dfae4181b26051cb63d",
        "migrations": "f041f730c751cb5161bad5597d2b40e8717e265dbf5081386b105bf2f9df5f41",
        "collections": "4876f2431a9ace8476f4fb5a6aa3193f3375153e8e73379fa63f9821fbd112f6",
        "generated": "40dde15d14827e7bb00726ede276cbb1ed3df9e13bb2eda366a1de23c8066192",
        "hosting": "e80047f795ebc9347d079a3303723ba376729e8c9c5cc9f79149f3377cd3db20",
    },
    7: {
        "state": "74d83231f45f128b8f0351655845c966fb7f30737704bdabe96f0bcdb95fe294",
        "migrations": "6f15c24488f1558b2718dd2250d67dd54b6abcfde3a6f8eb88d97af2a54b85c1",
        "collections": "7473170f893834d4f6f21414d434bebd471033b46dd9a147244d4f67680d8e79",
        "generated": "51ff4992b6d0a5a43235895ba09d439aef65a4c0e8835e5c7275274e3a852807",
        "hosting": "388f137530dd2e34687d8539e2a1ba8965103aa99b13c44363d15a98a0f0b2b3",
    },
}


@pytest.mark.parametrize("seed", sorted(GOLDEN))
def test_a_seed_gives_the_same_bytes(seed: int) -> None:
    app = create_app(Config(seed=seed, anchor=ANCHOR))  # pinned: an unpinned world is placed at the clock
    with run_server(app) as url, httpx.Client(base_url=url, timeout=30) as client:
        state = client.get("/_mock/state").json()
        namespace = state["apis"]["Mixpeek API"]["namespaces"][0]["namespace_name"]
        digests = {}
        for name, request in REQUESTS.items():
            response = request(client, namespace)
            assert response.status_code == 200, (name, response.text[:500])
            digests[name] = hashlib.sha256(response.content).hexdigest()
    print(f"seed {seed}: {digests}")  # the new digests, when a change is on purpose
    assert digests == GOLDEN[seed]
