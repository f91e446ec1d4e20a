"""The hosting-API profile: ``GET /api/migrations`` over a seeded world of customers' migrations.

Credentials: a token registered with ``--token ROLE:TOKEN`` has that role; any other token of the
form ``tok_…`` is a plain user; anything else is refused with 401 (so a probe with an invalid
credential is told so).

Who sees what: a token whose role is ``admin`` sees every customer's migrations and may narrow
them with ``customer_code``; any other token sees one customer's — the customer named by its role
when the role is a customer code (``--token ACME:tok_acme``), else a customer picked by a stable
hash of the token — and gets 403 for ``customer_code``.

``status=all`` or no status lists every status; ``query`` searches code, CSV file names, owner and
preset; ``page``/``per`` default to the spec's defaults (1 and 25); ``pagination`` is
``{page, per, total, total_pages}``.

State: the seeded migrations are regenerated from (seed, world_size) in each process, never
stored (see :mod:`mockserver.apis.hosting.world`); imported migrations are stored as documents.
Export lists every migration up to ``EXPORT_LIMIT`` rows, else ``{"seeded": true, "count": n}``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import orjson

from mockserver.apis.common.forced import honoured
from mockserver.apis.common.pagecache import PageCache, request_key
from mockserver.apis.common.seeding import anchor_for, open_world
from mockserver.apis.common.shapes import Pruner, enum_values, list_property, non_null, response_schema, walk
from mockserver.apis.common.statecheck import (
    MAX_EXPLICIT_ROWS,
    MAX_TEXT,
    check_header,
    check_seeded,
    check_text,
    objects,
)
from mockserver.apis.common.worldkit import role_for, stable_int, stored_anchor, world_size
from mockserver.apis.hosting.world import CUSTOMERS, ExplicitHosting, HostingRows, SeededHosting
from mockserver.runtime import ApiBackend, Clock, Handler, MockRequest, MockResponse, WorldOptions
from mockserver.store import Store, open_store
from oascore import Operation, Spec
from oascore.validation import Violation

LIST = ("GET", "/api/migrations")
EXPORT_LIMIT = 20_000
INT32_MAX = 2**31 - 1
_TOKEN = re.compile(r"tok_[A-Za-z0-9_\-]+")
_STATUSES = [
    "validating",
    "to_schedule",
    "scheduled",
    "running",
    "failed",
    "completed_with_errors",
    "completed",
]


class HostingProfile:
    name = "hosting"

    def matches(self, spec: Spec) -> bool:
        ops = [op for op in spec.operations if (op.method, op.path) == LIST]
        if not ops:
            return False
        schemes = spec.security_schemes
        names = {name for req in ops[0].security for name in req}
        return any(
            s.get("type") == "apiKey" and str(s.get("name", "")).lower() == "x-api-token"
            for n, s in schemes.items()
            if n in names
        )

    def create(self, spec: Spec, options: WorldOptions, clock: Clock) -> ApiBackend:
        return HostingBackend(spec, options, clock)


def _seed_meta(store: Store, seed: int, size: int, anchor: int) -> None:
    """The hosting world is regenerated from its seed and anchor: only those are stored."""
    store.set_meta("seed", seed)
    store.set_meta("world_size", size)
    store.set_meta("anchor", anchor)
    store.set_meta("migrations", "seeded")


class HostingBackend:
    name = "hosting"

    def __init__(self, spec: Spec, options: WorldOptions, clock: Clock) -> None:
        self.spec = spec
        self.options = options
        self.clock = clock
        self.op: Operation = next(op for op in spec.operations if (op.method, op.path) == LIST)
        listing = response_schema(self.op)
        self.list_name = list_property(spec, listing, default="resources")
        raw = spec.resolve(non_null(spec, listing).get("properties", {}).get(self.list_name, {}))
        self.item_schema: dict[str, Any] = dict(raw.get("items") or {})
        self.statuses = enum_values(spec, walk(spec, listing, self.list_name, "[]", "status")) or _STATUSES
        self.default_page, self.default_per = self._default("page", 1), self._default("per", 25)
        self.pruner = Pruner(spec)
        self.store = open_store(options.state_file, "hosting", options.state_url)
        open_world("hosting", self.store, options, _seed_meta, clock.now())
        self._generation = -1
        self.pages = PageCache()  # list pages, per store generation (the rows change only with it)
        self._seeded: dict[tuple[int, int, int], SeededHosting] = {}
        self._sync()

    def _sync(self) -> None:
        generation = self.store.generation()
        if generation == self._generation:
            return
        if self.store.get_meta("migrations") == "explicit":
            self.rows: HostingRows = ExplicitHosting(self.store.list("migration"))
        else:
            seed, size = int(self.store.get_meta("seed") or 0), int(self.store.get_meta("world_size") or 0)
            key = (seed, size, stored_anchor(self.store.get_meta("anchor")))
            if key not in self._seeded:
                self._seeded = {key: SeededHosting(*key, list(self.statuses), self._finish)}
            self.rows = self._seeded[key]
        self._generation = generation

    def _finish(self, doc: dict[str, Any]) -> dict[str, Any]:
        return self.pruner.prune(doc, self.item_schema) if self.item_schema else doc

    # -- lifecycle -------------------------------------------------------------------------
    def reset(self) -> None:
        with self.store.transaction():
            self.store.reset()
            size = world_size(self.options.world_size)
            _seed_meta(self.store, self.options.seed, size, anchor_for(self.options, self.clock.now()))
        self._sync()

    def export_state(self) -> dict[str, Any]:
        self._sync()
        seeded = isinstance(self.rows, SeededHosting)
        migrations: Any = (
            {"seeded": True, "count": len(self.rows)}
            if seeded and len(self.rows) > EXPORT_LIMIT
            else [self.rows.doc(row) for row in range(len(self.rows))]
        )
        return {
            "api": "hosting",
            "format": 1,
            "seed": self.store.get_meta("seed"),
            "world_size": self.store.get_meta("world_size"),
            "anchor": stored_anchor(self.store.get_meta("anchor")),
            "customers": sorted(self.rows.values[1]),
            "migrations": migrations,
        }

    def check_state(self, data: Mapping[str, Any]) -> None:
        _check(data)

    def import_state(self, data: Mapping[str, Any]) -> None:
        _check(data)
        migrations = data["migrations"]
        explicit = isinstance(migrations, list)
        self.store.import_(
            {
                "docs": {"migration": [[str(m["code"]), None, m] for m in migrations]} if explicit else {},
                "meta": {
                    "seed": data["seed"],
                    "world_size": data["world_size"],
                    "anchor": stored_anchor(data.get("anchor")),
                    "migrations": "explicit" if explicit else "seeded",
                },
            }
        )
        self._sync()

    # -- credentials -----------------------------------------------------------------------
    credential_hint = "tokens look like tok_… (any tok_ token is a user; --token registers others)"

    def role_for(self, credential: str) -> str | None:
        """A token registered with ``--token ROLE:TOKEN`` has its role; any other ``tok_…`` token is
        a ``user``; anything else is refused (401)."""
        return role_for(self.options.tokens, _TOKEN, credential)

    def explain(self, operation: Operation, body: Any, violations: list[Violation]) -> list[Violation]:
        return violations  # the schema's own words say why: the hosting world adds nothing

    # -- handler ---------------------------------------------------------------------------
    def handlers(self) -> Mapping[str, Handler]:
        return {self.op.operation_id: self.list_migrations}

    def list_migrations(self, request: MockRequest) -> MockResponse | None:
        self._sync()
        answer = self._list(request)
        return honoured(request, answer, lambda status: self._forced(status, request))

    def _forced(self, status: int, request: MockRequest) -> MockResponse | None:
        """The list answered with a status the world would not give: 200 is a page without rows
        (what the world refused stays unseen) with the paging asked for; 422 names no field (none
        was wrong)."""
        if status == 200:
            page, per = self._paging(request)
            pagination = {"page": page, "per": per, "total": 0, "total_pages": 0}
            return MockResponse(200, {self.list_name: [], "pagination": pagination})
        if status == 422:
            return MockResponse(422, {"message": "Validation failed", "errors": []})
        return None

    def _paging(self, request: MockRequest) -> tuple[int, int]:
        query = request.query
        return int(query.get("page") or self.default_page), int(query.get("per") or self.default_per)

    def _list(self, request: MockRequest) -> MockResponse:
        query = request.query
        role = self.role_for(request.principal or "") or "user"
        customer_code = query.get("customer_code")
        if customer_code is not None and role != "admin":
            return MockResponse(
                403,
                {
                    "message": "Forbidden",
                    "errors": [
                        {"field": "customer_code", "description": "is only available to admin tokens"}
                    ],
                },
            )
        owner = self._customer(customer_code) if role == "admin" else self._customer_of(request, role)
        status = query.get("status")
        page, per = self._paging(request)
        for name, value in (("page", page), ("per", per)):
            if value > INT32_MAX:  # the parameters are int32; larger values cannot be echoed back
                return MockResponse(
                    422,
                    {
                        "message": "Validation failed",
                        "errors": [
                            {"field": name, "description": f"must be less than or equal to {INT32_MAX}"}
                        ],
                    },
                )
        wanted = None if status in (None, "all") else str(status)
        key = request_key(owner, wanted, query.get("query"), page, per)
        generation = self._generation
        cached = self.pages.get(generation, key) if key is not None else None
        if cached is not None:
            return MockResponse(200, raw=cached)
        rows = () if owner == "" else self.rows.select(wanted, owner, query.get("query"))
        start = (page - 1) * per
        total = len(rows)
        pagination = {"page": page, "per": per, "total": total, "total_pages": -(-total // per)}
        tail = b',"pagination":' + orjson.dumps(pagination) + b"}"
        body = self.rows.page_json(self.list_name, rows[start : start + per], tail)
        if key is not None:
            self.pages.put(generation, key, body)
        return MockResponse(200, raw=body)

    def _customer(self, code: str | None) -> str | None:
        """The owner value for ``code`` (case-insensitive); ``""`` when no customer has it."""
        if code is None:
            return None
        for owner in self.rows.values[1]:
            if owner.lower() == code.lower():
                return owner
        return ""

    def _customer_of(self, request: MockRequest, role: str) -> str | None:
        owners = sorted(self.rows.values[1] or CUSTOMERS)
        named = self._customer(role)
        if named:
            return named
        return owners[stable_int("hosting-customer", request.principal or "") % len(owners)]

    def _default(self, name: str, fallback: int) -> int:
        for param in self.op.parameters:
            if param.name == name and isinstance(param.schema.get("default"), int):
                return int(param.schema["default"])
        return fallback


KNOWN = frozenset({"api", "format", "seed", "world_size", "anchor", "customers", "migrations"})


def _check(data: Mapping[str, Any]) -> None:
    check_header(data, "hosting", KNOWN)
    customers = data.get("customers", [])
    if not isinstance(customers, list) or len(customers) > MAX_EXPLICIT_ROWS:
        raise ValueError(f"state 'customers' must be a list of at most {MAX_EXPLICIT_ROWS:,} strings")
    if not all(isinstance(customer, str) and len(customer) <= MAX_TEXT for customer in customers):
        raise ValueError(f"state 'customers' must be a list of strings of at most {MAX_TEXT} characters")
    if check_seeded(data.get("migrations")):
        return
    codes: set[str] = set()
    for i, doc in enumerate(objects(data, "migrations", MAX_EXPLICIT_ROWS)):
        for key in ("code", "status"):
            check_text(doc.get(key), f"migrations[{i}].{key}")
        if doc["code"] in codes:
            raise ValueError(f"state 'migrations[{i}]' repeats code {doc['code']!r}")
        codes.add(doc["code"])
