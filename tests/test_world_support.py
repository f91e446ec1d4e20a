"""Helpers shared by the world tests: a backend on a bundled spec, direct handler calls, and a
validator of the served response schema with every declared object closed."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema

from mockserver.apis import PROFILES
from mockserver.apis.common.shapes import close_schema
from mockserver.apis.common.worldkit import ANCHOR
from mockserver.jsonio import parse_json
from mockserver.runtime import ApiBackend, MockRequest, MockResponse, WorldOptions
from mockserver.store.clock import MockClock
from oascore import Spec, load_spec

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
        """The response validates against its documented schema with every object closed."""
        op = next(o for o in self.spec.operations if (o.method, o.path) == key)
        spec_response = op.response_for(response.status)
        assert spec_response is not None, f"{response.status} is not documented for {key}"
        schema = spec_response.content["application/json"].schema
        assert schema is not None
        closed_validator(self.spec, schema).validate(response.body)


def world(path: Path = MIXPEEK, *, clock: MockClock | None = None, **options: Any) -> World:
    """A backend on ``path``; its world pinned at :data:`ANCHOR` (as ``--anchor``) unless the
    options say otherwise (``anchor=None``: placed at the clock, as a server without ``--anchor``)."""
    options.setdefault("anchor", ANCHOR)
    spec = spec_at(path)
    clock = clock or MockClock()
    profile = next(p for p in PROFILES if p.matches(spec))
    return World(spec, profile.create(spec, WorldOptions(**options), clock), clock)


def closed_validator(spec: Spec, schema: dict[str, Any]) -> jsonschema.Draft202012Validator:
    rooted = close_schema(spec.rooted(schema))
    return jsonschema.Draft202012Validator(
        rooted, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
