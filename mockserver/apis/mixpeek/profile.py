"""The Mixpeek profile: migrations list, namespace clone and collections list over one world.

Handlers are found by (method, path) in the served spec, so whatever operationIds the spec uses,
and whichever of the three operations it holds, the matching ones are stateful. Every document is
cut down to the served response schema (:class:`~mockserver.apis.common.shapes.Pruner`), and list names
and enum values come from the served spec (the docs variant lists ``migrations`` and has no
``extend``). Pre-flight validation entries are rendered in API 0.82's shape (``error_code``,
``message``, …); a spec whose ``ValidationResult`` items are FastAPI's ``{loc, msg, type}`` (the
docs variant) gets them in that shape. A collection filter's ``field`` is known when the served
collection schema declares the path (free-form objects such as ``metadata`` admit any key below).

Credentials: a token registered with ``--token ROLE:TOKEN`` has that role; any other bearer key
in Mixpeek's documented format ``sk_…`` is a plain user; anything else is refused with 401.

State: namespaces, collections and clones live in the store (memory, SQLite with a state file,
or PostgreSQL with a state URL). The seeded migrations are immutable and are *regenerated* from
(seed, world_size) in every process rather than stored — they are deterministic, and a million
rows build in seconds from compact columns (see :mod:`mockserver.apis.mixpeek.migrations`). Only
migrations that arrived through ``import_state`` are stored as documents. Export: every namespace,
collection, clone and (up to ``EXPORT_LIMIT`` rows) every migration document; bigger worlds export
``{"seeded": true, "count": n}`` for the migrations, which import regenerates from the seed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from mockserver.apis.common.forced import honoured
from mockserver.apis.common.pagecache import PageCache, request_key
from mockserver.apis.common.rowindex import IndexedRows
from mockserver.apis.common.seeding import anchor_for, open_world
from mockserver.apis.common.shapes import (
    Pruner,
    Schema,
    enum_values,
    list_property,
    non_null,
    response_schema,
    walk,
)
from mockserver.apis.common.worldkit import role_for, stored_anchor, world_size
from mockserver.apis.mixpeek.filters import FilterError
from mockserver.apis.mixpeek.migrations import ExplicitMigrations, SeededMigrations
from mockserver.apis.mixpeek.namespaces import Namespaces, NameTaken, WorldFull
from mockserver.apis.mixpeek.render import Vocab
from mockserver.apis.mixpeek.state import check_state, export_state, import_state, seed_store
from mockserver.apis.mixpeek.world import build_catalog
from mockserver.jsonio import dump_json
from mockserver.runtime import ApiBackend, Clock, Handler, MockRequest, MockResponse, WorldOptions
from mockserver.store import open_store
from oascore import Operation, Spec
from oascore.validation import Violation

MIGRATIONS = ("POST", "/v1/namespaces/migrations/list")
CLONE = ("POST", "/v1/namespaces/{namespace_identifier}/clone")
COLLECTIONS = ("POST", "/v1/collections/list")
EXPORT_LIMIT = 20_000
BRANCH_REFUSED = "mode 'branch' is not available yet; use 'copy'"
_API_KEY = re.compile(r"sk(_[A-Za-z0-9_\-]*)?")
_FALLBACK = Vocab(
    statuses=["draft", "validating", "pending", "in_progress", "completed", "failed", "cancelled"],
    types=["re_extract", "copy", "extend"],
    stages=[
        "namespace_setup",
        "batch_creation",
        "batch_processing",
        "cluster_execution",
        "taxonomy_enrichment",
        "benchmark_evaluation",
        "finalization",
    ],
    resource_types=["bucket", "collection", "taxonomy", "cluster", "retriever"],
)


def error_body(
    status: int, message: str, kind: str, details: dict[str, Any] | None, code: str | None = None
) -> dict[str, Any]:
    error: dict[str, Any] = {"message": message, "type": kind}
    if code is not None:
        error["code"] = code
    error["details"] = details
    return {"success": False, "status": status, "error": error}


def _name_taken(name: str) -> MockResponse:
    return MockResponse(
        409,
        error_body(
            409,
            f"Namespace name '{name}' is already taken",
            "ConflictError",
            {"namespace_name": name},
            code="namespace_name_taken",
        ),
    )


def _branch_refused() -> Violation:
    return Violation(("body", "mode"), BRANCH_REFUSED, "value_error")


def _mode_refused(body: dict[str, Any]) -> MockResponse | None:
    """API 0.82 refuses ``mode: branch`` (issue 10); a served spec whose schema admits it gets
    the refusal from the handler, in the shape of the validation stage's 422."""
    if body.get("mode") == "branch":
        return MockResponse(422, {"detail": [_branch_refused().as_fastapi()]})
    return None


def _not_found(identifier: str) -> MockResponse:
    return MockResponse(
        404,
        error_body(404, "Namespace not found", "NotFoundError", {"id": identifier, "resource": "namespace"}),
    )


class MixpeekProfile:
    name = "mixpeek"

    def matches(self, spec: Spec) -> bool:
        paths = {op.path for op in spec.operations}
        return any(path in paths for _, path in (MIGRATIONS, CLONE, COLLECTIONS))

    def create(self, spec: Spec, options: WorldOptions, clock: Clock) -> ApiBackend:
        return MixpeekBackend(spec, options, clock)


class MixpeekBackend:
    name = "mixpeek"
    credential_hint = "Mixpeek API keys look like sk_… (any sk_ key is a user; --token registers others)"

    def __init__(self, spec: Spec, options: WorldOptions, clock: Clock) -> None:
        self.spec = spec
        self.options = options
        self.clock = clock
        self.ops: dict[tuple[str, str], Operation] = {(op.method, op.path): op for op in spec.operations}
        self.pruner = Pruner(spec)
        self.vocab, self.migration_item, self.list_name = self._read_spec()
        self.fastapi_findings = self._findings_are_fastapi_items()
        self._known_fields: dict[str, bool] = {}
        self.default_limit = self._body_default("limit", 20)
        self.default_offset = self._body_default("offset", 0)
        self.store = open_store(options.state_file, "mixpeek", options.state_url)
        open_world("mixpeek", self.store, options, seed_store, clock.now())
        self._generation = -1
        self._seeded_cache: dict[tuple[int, int, int], SeededMigrations] = {}
        self.pages = PageCache()  # collections pages, per store write version
        self.migration_pages = PageCache()  # migrations pages, per store generation
        self._sync()

    # -- spec ------------------------------------------------------------------------------
    def _read_spec(self) -> tuple[Vocab, dict[str, Any], str]:
        op = self.ops.get(MIGRATIONS)
        if op is None:
            return _FALLBACK, {}, "results"
        listing = response_schema(op)
        name = list_property(self.spec, listing)
        item = walk(self.spec, listing, name, "[]")
        vocab = Vocab(
            statuses=enum_values(self.spec, walk(self.spec, item, "status")) or _FALLBACK.statuses,
            types=enum_values(self.spec, walk(self.spec, item, "config", "migration_type"))
            or _FALLBACK.types,
            stages=enum_values(self.spec, walk(self.spec, item, "progress", "stages", "[]", "stage"))
            or _FALLBACK.stages,
            resource_types=enum_values(
                self.spec, walk(self.spec, item, "dependency_graph", "nodes", "[]", "resource_type")
            )
            or _FALLBACK.resource_types,
        )
        raw_items = self.spec.resolve(non_null(self.spec, listing).get("properties", {}).get(name, {}))
        return vocab, dict(raw_items.get("items") or {}), name

    def _findings_are_fastapi_items(self) -> bool:
        """Whether the served ``ValidationResult`` lists FastAPI's ``{loc, msg, type}`` items."""
        item = walk(self.spec, self.migration_item, "validation_result", "errors", "[]")
        return "loc" in item.get("properties", {}) and "error_code" not in item.get("properties", {})

    def known_field(self, path: str) -> bool:
        """Whether the served collection schema has the dotted ``path`` (cached per path)."""
        known = self._known_fields.get(path)
        if known is None:
            op = self.ops.get(COLLECTIONS)
            item = walk(self.spec, response_schema(op), "results", "[]") if op else {}
            known = _declares(self.spec, item, path.split("."))
            if len(self._known_fields) < 4096:
                self._known_fields[path] = known
        return known

    def _emit(self, op: Operation, body: Any) -> Any:
        return self.pruner.prune(body, response_schema(op))

    # -- state -----------------------------------------------------------------------------
    def _sync(self) -> None:
        """Rebuild in-process caches when the store's contents were replaced (by any process)."""
        generation = self.store.generation()
        if generation == self._generation:
            return
        seed = int(self.store.get_meta("seed") or 0)
        size = int(self.store.get_meta("world_size") or 0)
        anchor = stored_anchor(self.store.get_meta("anchor"))
        self.namespaces = Namespaces(
            self.store, self.clock, seed, self.options.clone_seconds, self.options.max_clones
        )
        if self.store.get_meta("migrations") == "explicit":
            self.migrations: IndexedRows = ExplicitMigrations(self.store.list("migration"))
        else:
            key = (seed, size, anchor)
            if key not in self._seeded_cache:
                catalog = build_catalog(seed, anchor)
                self._seeded_cache = {
                    key: SeededMigrations(seed, size, anchor, catalog, self.vocab, self._finish_migration)
                }
            self.migrations = self._seeded_cache[key]
        self._generation = generation

    def _finish_migration(self, doc: dict[str, Any]) -> dict[str, Any]:
        result = doc.get("validation_result")
        if self.fastapi_findings and result:
            for key in ("errors", "warnings"):
                result[key] = [_as_fastapi(item) for item in result[key]]
        return self.pruner.prune(doc, self.migration_item) if self.migration_item else doc

    def reset(self) -> None:
        with self.store.transaction():
            self.store.reset()
            size = world_size(self.options.world_size)
            seed_store(self.store, self.options.seed, size, anchor_for(self.options, self.clock.now()))
        self._sync()

    def export_state(self) -> dict[str, Any]:
        self._sync()
        self.namespaces.purge_expired()
        return export_state(self.store, self.migrations, self.namespaces, EXPORT_LIMIT)

    def check_state(self, data: Mapping[str, Any]) -> None:
        check_state(data, self.options.max_clones)

    def import_state(self, data: Mapping[str, Any]) -> None:
        check_state(data, self.options.max_clones)
        import_state(self.store, data)
        self._sync()

    # -- credentials -----------------------------------------------------------------------
    def role_for(self, credential: str) -> str | None:
        """A token registered with ``--token ROLE:TOKEN`` has its role; any other key in Mixpeek's
        documented format (``sk_…``) is a ``user``; anything else is refused (401)."""
        return role_for(self.options.tokens, _API_KEY, credential)

    def explain(self, operation: Operation, body: Any, violations: list[Violation]) -> list[Violation]:
        """A clone's ``mode: branch`` is a value API 0.82 knows and refuses ("not available yet"):
        the schema's enum violation at ``body.mode`` says so instead of listing the enum."""
        if (operation.method, operation.path) != CLONE or not isinstance(body, dict):
            return violations
        if body.get("mode") != "branch":
            return violations
        # an enum without 'branch' (the bundled spec); a spec without ``mode`` keeps "extra inputs"
        return [_branch_refused() if (v.loc, v.type) == (("body", "mode"), "enum") else v for v in violations]

    # -- handlers --------------------------------------------------------------------------
    def handlers(self) -> Mapping[str, Handler]:
        table: dict[tuple[str, str], Handler] = {
            MIGRATIONS: self.list_migrations,
            CLONE: self.clone_namespace,
            COLLECTIONS: self.list_collections,
        }
        return {self.ops[key].operation_id: handler for key, handler in table.items() if key in self.ops}

    def list_migrations(self, request: MockRequest) -> MockResponse:
        self._sync()
        body = request.body if isinstance(request.body, dict) else {}
        limit = body.get("limit")
        offset = body.get("offset")
        limit = self.default_limit if limit is None else int(limit)
        offset = self.default_offset if offset is None else int(offset)
        wanted = (body.get("status"), body.get("migration_type"), body.get("source_namespace_id"))
        key = (*wanted, limit, offset) if all(v is None or isinstance(v, str) for v in wanted) else None
        generation = self._generation
        cached = self.migration_pages.get(generation, key) if key is not None else None
        if cached is not None:
            return MockResponse(200, raw=cached)
        rows = self.migrations.query(*wanted)
        tail = b',"total":%d,"limit":%d,"offset":%d}' % (len(rows), limit, offset)
        page = self.migrations.page_json(self.list_name, rows[offset : offset + limit], tail)
        if key is not None:
            self.migration_pages.put(generation, key, page)
        return MockResponse(200, raw=page)

    def _body_default(self, name: str, fallback: int) -> int:
        """The migrations list body's declared default for ``name`` (read once, at start-up)."""
        op = self.ops.get(MIGRATIONS)
        schema = op.body.content.get("application/json") if op and op.body else None
        prop = walk(self.spec, schema.schema if schema else {}, name)
        value = prop.get("default", fallback)
        return int(value) if isinstance(value, int) else fallback

    def clone_namespace(self, request: MockRequest) -> MockResponse | None:
        self._sync()
        identifier = str(request.path_params.get("namespace_identifier", ""))
        body = request.body if isinstance(request.body, dict) else {}
        # Prefer asks for another status than a clone's 200: the world is only asked, never changed
        performs = request.preferred_status in (None, 200)
        answer = self._clone(request, identifier, body, performs)
        return honoured(request, answer, lambda status: self._forced_clone(status, identifier, body))

    def _clone(
        self, request: MockRequest, identifier: str, body: dict[str, Any], performs: bool
    ) -> MockResponse | None:
        """The world's answer to a clone; without ``performs``, a refusal or ``None`` (it would
        clone), and nothing is changed."""
        refused = _mode_refused(body)
        if refused is not None:
            return refused
        if (
            body.get("source_organization_id") is not None
            and self.role_for(request.principal or "") != "admin"
        ):
            return MockResponse(  # the docs: "Source org ID for cross-org cloning (admin only)"
                403,
                error_body(
                    403,
                    "source_organization_id (cross-organization cloning) is only available to admin keys",
                    "ForbiddenError",
                    {"field": "source_organization_id"},
                    code="admin_only",
                ),
            )
        source = self.namespaces.find(identifier)
        if source is None:
            return _not_found(identifier)
        name = str(body.get("namespace_name", ""))
        try:
            if not performs:
                self.namespaces.check_clone(name)
                return None
            ns = self.namespaces.clone(
                source,
                name,
                body.get("include_resources") or {},
                body.get("description"),
                body.get("ttl_seconds"),
            )
        except NameTaken:
            return _name_taken(name)
        except WorldFull as full:
            return MockResponse(
                409,
                error_body(
                    409,
                    f"{full}; POST /_mock/reset or import a smaller state to make room",
                    "ConflictError",
                    {"limit": full.limit},
                    code="clone_limit_reached",
                ),
            )
        return self._clone_answer(ns)

    def _clone_answer(self, ns: dict[str, Any]) -> MockResponse:
        payload = {"namespace": self.namespaces.render(ns), **self.namespaces.clone_status(ns)}
        return MockResponse(200, self._emit(self.ops[CLONE], payload))

    def _forced_clone(self, status: int, identifier: str, body: dict[str, Any]) -> MockResponse | None:
        """A clone answered with a status the world would not give, from the request: 200 is the
        clone it would be (still cloning, never stored), 404 names the path's namespace, 409 the
        body's name."""
        name = str(body.get("namespace_name", ""))
        if status == 200:
            ns = self.namespaces.unstored_clone(
                self.namespaces.find(identifier),
                identifier,
                name,
                body.get("include_resources") or {},
                body.get("description"),
                body.get("ttl_seconds"),
            )
            return self._clone_answer(ns)
        if status == 404:
            return _not_found(identifier)
        if status == 409:
            return _name_taken(name)
        return None

    def list_collections(self, request: MockRequest) -> MockResponse | None:
        self._sync()
        identifier = request.headers.get("x-namespace") or ""
        body = request.body if isinstance(request.body, dict) else {}
        query = dict(request.query)
        answer = self._list_collections(identifier, body, query)
        return honoured(
            request, answer, lambda status: self._forced_collections(status, identifier, body, query)
        )

    def _list_collections(self, identifier: str, body: dict[str, Any], query: dict[str, Any]) -> MockResponse:
        # the version first: what is read after it is at least that new (a page is never older)
        version, now = self.store.write_version(), self.clock.now()
        key = request_key(identifier, body, query) if identifier else None
        cached = self.pages.get(version, key, now) if key is not None else None
        if cached is not None:
            return MockResponse(200, raw=cached)
        ns = self.namespaces.find(identifier) if identifier else None
        if ns is None:
            return _not_found(identifier)
        try:
            payload = self.namespaces.list_collections(ns, body, query, self.known_field)
        except FilterError as exc:
            return MockResponse(422, {"detail": [exc.as_fastapi()]})
        page = dump_json(self._emit(self.ops[COLLECTIONS], payload))
        if key is not None:
            self.pages.put(version, key, page, now, self.namespaces.next_change(ns, now))
        return MockResponse(200, raw=page)

    def _forced_collections(
        self, status: int, identifier: str, body: dict[str, Any], query: dict[str, Any]
    ) -> MockResponse | None:
        """A collections list answered with a status the world would not give: 200 on an unknown
        namespace is API 0.82's degraded page, on a filter the world refuses an empty page (paging
        as asked); 404 names the ``X-Namespace`` sent."""
        if status == 200:
            resolved = self.namespaces.find(identifier) if identifier else None
            page = (
                self.namespaces.unresolved(identifier, body, query)
                if resolved is None
                else self.namespaces.empty_page(body, query)
            )
            return MockResponse(200, self._emit(self.ops[COLLECTIONS], page))
        if status == 404:
            return _not_found(identifier)
        return None


def _as_fastapi(finding: dict[str, Any]) -> dict[str, Any]:
    """A pre-flight finding as FastAPI's ``{loc, msg, type}`` item."""
    where = finding.get("resource_type") or "config"
    loc = [where, finding["resource_id"]] if finding.get("resource_id") else [where]
    return {"loc": loc, "msg": finding["message"], "type": finding["error_code"]}


def _declares(spec: Spec, schema: Schema, parts: list[str]) -> bool:
    """Whether ``schema`` has the property path ``parts`` (arrays are stepped through; a
    free-form object admits any path below it)."""
    node = non_null(spec, schema)
    for part in parts:
        while _is_array(node):
            node = non_null(spec, node.get("items") or {})
        props = node.get("properties") or {}
        if part not in props:
            return node.get("additionalProperties") is True or (not props and _is_object(node))
        node = non_null(spec, props[part])
    return bool(parts)


def _types(node: Schema) -> list[Any]:
    kind = node.get("type")
    return kind if isinstance(kind, list) else [kind]


def _is_array(node: Schema) -> bool:
    return "array" in _types(node)


def _is_object(node: Schema) -> bool:
    return "object" in _types(node)
