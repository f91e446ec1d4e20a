"""Helpers shared by the world tests: a backend on a bundled spec, direct handler calls, and the
independent oracle (tests/oracle.py) on the served response schema with every declared object closed."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mockserver.apis import PROFILES
from mockserver.apis.common.worldkit import ANCHOR
from mockserver.jsonio import parse_json
from mockserver.runtime import ApiBackend, MockRequest, MockResponse, WorldOptions
from mockserver.store.clock import MockClock
from oascore import Spec, load_spec
from tests.oracle import Document

ROOT = Path(__file__).resolve().parent.parent
MIXPEEK = ROOT / "spec" / "mixpeek.yaml"
DOCS_VARIANT = ROOT / "spec" / "variants" / "mixpeek-docs.yaml"
HOSTING = ROOT / "spec" / "hosting.yaml"
MIGRATIONS = ("POST", "/v1/namespaces/migrations/list")
CLONE = ("POST", "/v1/namespaces/{namespace_identifier}/clone")
COLLECTIONS = ("POST", "/v1/collections/list")
HOSTING_LIST = ("GET", "/api/migrations")

_SPECS: dict[Path, Spec] = {}


def spec_at(path: Path) -> Spec:
    if path not in _SPECS:
        _SPECS[path] = load_spec(path)
    return _SPECS[path]


@dataclass
class World:
    path: Path
    spec: Spec
    backend: ApiBackend
    clock: MockClock

    def call(
        self,
        key: tuple[str, str],
        body: Any = None,
        *,
        path: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        query: dict[str, Any] | None = None,
        principal: str | None = "sk_test",
    ) -> MockResponse:
        op = next(o for o in self.spec.operations if (o.method, o.path) == key)
        handler = self.backend.handlers()[op.operation_id]
        request = MockRequest(op, path or {}, query or {}, headers or {}, body, principal, 0)
        response = handler(request)
        if response.raw is not None:  # pages are joined from cached bytes: read them as a client would
            response.body = parse_json(response.raw)
        return response

    def check(self, key: tuple[str, str], response: MockResponse) -> None:
        """The response is what the document as written promises for its status, with every
        object closed (no field the document does not name), to an independent validator."""
        method, path = key
        problems = closed_document(self.path).response_errors(path, method, response.status, response.body)
        assert not problems, f"{method} {path} {response.status}: " + "; ".join(problems[:10])


class FrozenClock(MockClock):
    """A mock clock that moves only when told (``advance``), never with the wall clock: a test that
    reads a clone right after making it sees it ``cloning`` however loaded the machine is."""

    def __init__(self) -> None:
        super().__init__()
        self._base = time.time()

    def now(self) -> float:
        return self._base + self.offset()


def world(path: Path = MIXPEEK, *, clock: MockClock | None = None, **options: Any) -> World:
    """A backend on ``path``; its world pinned at :data:`ANCHOR` (as ``--anchor``) unless the
    options say otherwise (``anchor=None``: placed at the clock, as a server without ``--anchor``)."""
    options.setdefault("anchor", ANCHOR)
    spec = spec_at(path)
    clock = clock or MockClock()
    profile = next(p for p in PROFILES if p.matches(spec))
    return World(path, spec, profile.create(spec, WorldOptions(**options), clock), clock)


def closed_document(path: Path) -> Document:
    """The document at ``path`` as written, every object schema that says nothing of additional
    properties closed, for the oracle (tests/oracle.py)."""
    return Document.at(path, closed=True)
