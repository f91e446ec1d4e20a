"""Namespaces and collections in the store: lookup, rendering, cloning, the collection list.

Store layout (scope ``mixpeek``): kind ``namespace`` keyed by ``ns_`` id, with the name reserved in
name scope ``namespace``; kind ``collection`` keyed by ``col_`` id, indexed by its namespace id.
A clone writes, in one transaction, its namespace (name claimed through the store's unique
reservation, so two concurrent clones cannot share a name) and copies of the source's
collections. The clone carries ``_clone.ready_at`` on the mock's clock; until then the namespace
exists (its name is taken, ``X-Namespace`` resolves) but lists no collections and counts zero.
Readiness is computed at read time from the shared clock — no background timer. Clones are filed
under the index ``clone`` so that counting them is cheap: the world holds at most ``max_clones``
(:class:`WorldFull` beyond, a 409).
``source_organization_id`` (cross-organisation cloning, "admin only") is refused with 403 for a
non-admin key (the profile checks it) and otherwise ignored: the mock has one organisation.
``cloned_resources`` is an object while cloning too, its counts zero until ready (the docs example).
A clone made with ``ttl_seconds`` carries ``_clone.expires_at``; from then on (mock clock) it is
gone: looking it up deletes it and its collections, so it is no longer found, listed or exported.
Its name stays reserved (the store never releases a name): cloning onto it again answers 409.
An expired clone holds no place among ``max_clones``: a full world removes its expired clones
before it refuses one (at most once a second of the mock's clock).
"""

from __future__ import annotations

import copy
import math
from typing import Any

from mockserver.apis.common.worldkit import ident, iso, uuid_like
from mockserver.apis.mixpeek.filters import FilterError, Known, compile_filters, values_at
from mockserver.runtime import Clock
from mockserver.store import Store

Doc = dict[str, Any]
DEFAULT_PAGE_SIZE = 10
MAX_PAGE_SIZE = 1000
LAST_INSTANT = 253_402_300_799  # 9999-12-31T23:59:59Z: a longer ttl_seconds never expires in practice
DEFAULT_INCLUDE = {"collections": True, "retrievers": True, "taxonomies": False}


CLONE_INDEX = "clone"  # the store index value clones are filed under (seeded namespaces: none)


class NameTaken(Exception):
    pass


class WorldFull(Exception):
    def __init__(self, limit: int) -> None:
        super().__init__(f"The mock holds its limit of {limit:,} clones (--max-clones)")
        self.limit = limit


class Namespaces:
    def __init__(self, store: Store, clock: Clock, seed: int, clone_seconds: float, max_clones: int) -> None:
        self.store = store
        self.clock = clock
        self.seed = seed
        self.clone_seconds = clone_seconds
        self.max_clones = max_clones
        self._purged_at = -math.inf  # when (mock clock) a full world last looked for expired clones

    # -- lookup and rendering --------------------------------------------------------------
    def find(self, identifier: str) -> Doc | None:
        doc = self.store.get("namespace", identifier)
        if doc is None:
            owner = self.store.name_owner("namespace", identifier)
            doc = self.store.get("namespace", owner) if owner else None
        if doc is not None and self.expired(doc):
            self._remove(doc)
            return None
        return doc

    def expired(self, ns: Doc) -> bool:
        expires = (ns.get("_clone") or {}).get("expires_at")
        return expires is not None and self.clock.now() >= float(expires)

    def purge_expired(self) -> None:
        for ns in self.store.list("namespace"):
            if self.expired(ns):
                self._remove(ns)

    def _purge_for_room(self) -> None:
        """Remove the expired clones, which hold no place in a full world (they are gone, only
        not yet looked up); at most once a second of the mock's clock, since a world full of
        live clones would otherwise be scanned by every refused clone."""
        now = self.clock.now()
        if 0.0 <= now - self._purged_at < 1.0:  # a clock moved back purges again at once
            return
        self._purged_at = now
        for ns in self.store.list("namespace", index=CLONE_INDEX):
            if self.expired(ns):
                self._remove(ns)

    def _remove(self, ns: Doc) -> None:
        with self.store.transaction():
            for col in self.store.list("collection", index=ns["namespace_id"]):
                self.store.delete("collection", col["collection_id"])
            self.store.delete("namespace", ns["namespace_id"])

    def is_ready(self, ns: Doc) -> bool:
        clone = ns.get("_clone")
        return clone is None or self.clock.now() >= float(clone["ready_at"])

    def next_change(self, ns: Doc, now: float) -> float:
        """When, after ``now``, the clock alone changes what ``ns`` lists (a clone turning ready
        or expiring); ``math.inf`` when it never does."""
        clone = ns.get("_clone") or {}
        moments = (clone.get("ready_at"), clone.get("expires_at"))
        return min((float(t) for t in moments if t is not None and float(t) > now), default=math.inf)

    def collections(self, ns: Doc, include_system: bool = False) -> list[Doc]:
        """The namespace's visible collections (none while it is still cloning), oldest first;
        its system collection only with ``include_system``."""
        if not self.is_ready(ns):
            return []
        stored = self.store.list("collection", index=ns["namespace_id"])
        return [_public(c) for c in stored if include_system or not c.get("_system")]

    def render(self, ns: Doc) -> Doc:
        cols = self.collections(ns)
        ready = self.is_ready(ns)
        out = _public(ns)
        out["collection_count"] = len(cols)
        out["document_count"] = sum(int(c.get("document_count") or 0) for c in cols)
        out["bucket_count"] = len(ns["_bucket_ids"]) if ready else 0
        out["object_count"] = int(ns.get("object_count") or 0) if ready else 0
        expires = (ns.get("_clone") or {}).get("expires_at")
        out["expires_at"] = iso(float(expires)) if expires is not None else None
        return out

    def clone_status(self, ns: Doc) -> Doc:
        clone = ns["_clone"]
        ready = self.is_ready(ns)
        return {
            "source_namespace_id": clone["source_namespace_id"],
            "status": "ready" if ready else "cloning",
            "task_id": clone["task_id"],
            # the docs example: an object while cloning, its counts zero until the clone is ready
            "cloned_resources": dict(clone["cloned_resources"])
            if ready
            else dict.fromkeys(clone["cloned_resources"], 0),
            "primary_retriever_id": ns["_retriever_ids"][0] if ns["_retriever_ids"] else None,
        }

    # -- clone -----------------------------------------------------------------------------
    def check_clone(self, name: str) -> None:
        """Raise :class:`NameTaken` or :class:`WorldFull` if a clone named ``name`` would be
        refused now; changes nothing visible (a full world removes its expired clones, as
        :meth:`clone` does)."""
        if self.store.count("namespace", index=CLONE_INDEX) >= self.max_clones:
            self._purge_for_room()
        if self.store.count("namespace", index=CLONE_INDEX) >= self.max_clones:
            raise WorldFull(self.max_clones)
        if self.store.name_owner("namespace", name):
            raise NameTaken(name)

    def clone(
        self,
        source: Doc,
        name: str,
        include: dict[str, Any],
        description: str | None,
        ttl_seconds: int | None = None,
    ) -> Doc:
        """Create the clone of ``source`` named ``name`` (gone ``ttl_seconds`` after, if given);
        raises :class:`NameTaken`, or :class:`WorldFull` when the world already holds
        ``max_clones`` clones."""
        if self.store.count("namespace", index=CLONE_INDEX) >= self.max_clones:
            self._purge_for_room()  # committed on its own: a refused clone does not undo it
        with self.store.transaction():
            if self.store.count("namespace", index=CLONE_INDEX) >= self.max_clones:
                raise WorldFull(self.max_clones)
            seq = self.store.next_sequence("clone")
            new_id = ident("ns_", self.seed, "clone", seq)
            if not self.store.reserve_name("namespace", name, new_id):
                raise NameTaken(name)
            now = self.clock.now()
            cols = self.store.list("collection", index=source["namespace_id"])
            ns, copies = self._cloned(source, cols, name, include, description, ttl_seconds, new_id, now, seq)
            ns["_clone"]["ready_at"] = now + self.clone_seconds
            self.store.put("namespace", new_id, ns, index=CLONE_INDEX)
            for col in copies:
                self.store.put("collection", col["collection_id"], col, index=new_id)
        return ns

    def unstored_clone(
        self,
        source: Doc | None,
        identifier: str,
        name: str,
        include: dict[str, Any],
        description: str | None,
        ttl_seconds: int | None = None,
    ) -> Doc:
        """The clone :meth:`clone` would make of ``source`` (``None``: an unknown source, named by
        ``identifier``), at this instant and still cloning, without storing anything: what a
        ``Prefer: code=200`` gets when the world refuses the clone. Its id and task id are derived
        from the request (same seed and request, same ids); an unknown source has no resources."""
        src = source if source is not None else _unknown_source(identifier, self.seed, self.clock.now())
        src_id = src["namespace_id"]
        new_id = ident("ns_", self.seed, "unstored-clone", src_id, name)
        ns, _ = self._cloned(
            src, [], name, include, description, ttl_seconds, new_id, self.clock.now(), ("unstored", new_id)
        )
        ns["_clone"]["ready_at"] = LAST_INSTANT  # never stored, so never ready: always "cloning"
        return ns

    def _cloned(
        self,
        source: Doc,
        cols: list[Doc],
        name: str,
        include: dict[str, Any],
        description: str | None,
        ttl_seconds: int | None,
        new_id: str,
        now: float,
        seq: object,
    ) -> tuple[Doc, list[Doc]]:
        """The clone's namespace document (``_clone.ready_at`` left for the caller) and its
        collections, copied from ``source`` and its ``cols``."""
        inc = {**DEFAULT_INCLUDE, **{k: bool(v) for k, v in (include or {}).items()}}
        src_id = source["namespace_id"]
        remap = {b: ident("bkt_", self.seed, new_id, b) for b in source["_bucket_ids"]}
        cols = cols if inc["collections"] else []
        remap.update(
            {
                c["collection_id"]: ident("col_", self.seed, new_id, c["collection_id"], length=10)
                for c in cols
            }
        )
        taxonomies = (
            [ident("tax_", self.seed, new_id, t) for t in source["_taxonomy_ids"]]
            if inc["taxonomies"]
            else []
        )
        remap.update(zip(source["_taxonomy_ids"], taxonomies, strict=False))
        retrievers = (
            [ident("ret_", self.seed, new_id, r) for r in source["_retriever_ids"]]
            if inc["retrievers"]
            else []
        )
        copies = [_copy_collection(c, remap, new_id, now, inc) for c in cols]
        user_copies = [c for c in copies if not c.get("_system")]
        ns = copy.deepcopy(source)
        ns.update(
            {
                "namespace_id": new_id,
                "namespace_name": name,
                "description": description if description is not None else source.get("description", ""),
                "created_at": iso(now),
                "updated_at": iso(now),
                "_bucket_ids": [remap[b] for b in source["_bucket_ids"]],
                "_taxonomy_ids": taxonomies,
                "_retriever_ids": retrievers,
                "_cluster_ids": sorted(
                    {a["cluster_id"] for c in copies for a in c.get("cluster_applications") or []}
                ),
            }
        )
        if isinstance(ns.get("infrastructure"), dict):
            ns["infrastructure"]["qdrant_collection"] = new_id
        ns["_clone"] = {
            "sequence": seq,
            "source_namespace_id": src_id,
            "task_id": uuid_like(self.seed, "clone-task", seq),
            "requested_at": now,
            "ready_at": now,
            "expires_at": None if ttl_seconds is None else min(now + ttl_seconds, LAST_INSTANT),
            "include_resources": inc,
            "cloned_resources": {
                "collections": len(user_copies),
                "retrievers": len(retrievers),
                "taxonomies": len(taxonomies),
                "buckets": len(ns["_bucket_ids"]),
                "objects": int(source.get("object_count") or 0),
                "points": sum(int(c.get("document_count") or 0) for c in user_copies),
            },
        }
        return ns, copies

    # -- collection list -------------------------------------------------------------------
    def list_collections(
        self, ns: Doc, body: dict[str, Any], query: dict[str, Any], known: Known | None = None
    ) -> Doc:
        """The page, pagination and stats; raises :class:`FilterError` for a malformed filter.

        Paging (API 0.82): the page size is the first of body ``limit``, body ``page_size``,
        query ``limit``, query ``page_size`` that is set, else ``DEFAULT_PAGE_SIZE`` (10), clamped
        to 1..1000; the offset is the first of body ``offset``, body ``page`` (as
        ``(page - 1) * size``), query ``offset``, query ``page``, else 0. The order is ``sorts``
        (first key primary) when given, else ``sort``, else ``created_at`` descending; a key's
        direction defaults to ``desc``; missing sort values come last and ties go by
        ``collection_id``. ``stats`` covers every matching collection, not just the page.
        ``warnings`` is empty: the namespace resolved (an unknown one is a 404).
        """
        case_sensitive = bool(body.get("case_sensitive", False))
        match = (
            compile_filters(body.get("filters"), case_sensitive)
            if known is None
            else compile_filters(body.get("filters"), case_sensitive, known=known)
        )
        docs = [d for d in self.collections(ns, bool(body.get("include_system"))) if match(d)]
        search = body.get("search")
        if search:
            needle = search if case_sensitive else search.lower()
            docs = [
                d
                for d in docs
                if any(
                    needle in (text if case_sensitive else text.lower())
                    for text in (
                        str(d.get(k) or "") for k in ("collection_id", "collection_name", "description")
                    )
                )
            ]
        keys = body.get("sorts") or [body.get("sort") or {"field": "created_at", "direction": "desc"}]
        docs = _sorted(docs, [k for k in keys if isinstance(k, dict)])
        return _page(docs, body, query)

    def empty_page(self, body: dict[str, Any], query: dict[str, Any]) -> Doc:
        """A page without results, paging as asked: what ``Prefer: code=200`` gets for a list the
        world refuses (a filter it cannot apply)."""
        return _page([], body, query)

    def unresolved(self, identifier: str, body: dict[str, Any], query: dict[str, Any]) -> Doc:
        """The empty page API 0.82 answers when ``X-Namespace`` does not resolve and a 200 is
        asked for (``Prefer: code=200``): paging as asked, and a warning naming the namespace."""
        page = _page([], body, query)
        page["warnings"] = [
            {
                "resource": "namespace",
                "id": identifier,
                "reason": "unresolved",
                "next_step": "Send an existing namespace name or id in X-Namespace",
                "stage": None,
            }
        ]
        return page


def _page(docs: list[Doc], body: dict[str, Any], query: dict[str, Any]) -> Doc:
    """One page of ``docs`` (already filtered and ordered) with its pagination and stats."""
    limit = _first(body.get("limit"), body.get("page_size"), query.get("limit"), query.get("page_size"))
    limit = DEFAULT_PAGE_SIZE if limit is None else max(1, min(MAX_PAGE_SIZE, limit))
    offset = _first(
        body.get("offset"),
        _page_offset(body.get("page"), limit),
        query.get("offset"),
        _page_offset(query.get("page"), limit),
    )
    offset = max(0, offset or 0)
    total = len(docs)
    return {
        "results": docs[offset : offset + limit],
        "pagination": {
            "total": total,
            "page": offset // limit + 1,
            "page_size": limit,
            "total_pages": -(-total // limit),
            "next_page": f"?limit={limit}&offset={offset + limit}" if offset + limit < total else None,
            "previous_page": f"?limit={limit}&offset={max(0, offset - limit)}" if offset > 0 else None,
        },
        "total_count": total,
        "stats": _stats(docs),
        "warnings": [],
    }


def _unknown_source(identifier: str, seed: int, now: float) -> Doc:
    """A stand-in for a source namespace the world does not have: the path's id when it is one
    (``ns_…``), else an id derived from the name; no buckets, taxonomies, retrievers or objects."""
    ns_id = (
        identifier if identifier.startswith("ns_") else ident("ns_", seed, "unknown-namespace", identifier)
    )
    return {
        "namespace_id": ns_id,
        "namespace_name": identifier,
        "description": "",
        "object_count": 0,
        "created_at": iso(now),
        "updated_at": iso(now),
        "_bucket_ids": [],
        "_taxonomy_ids": [],
        "_retriever_ids": [],
        "_cluster_ids": [],
    }


def _first(*values: Any) -> int | None:
    return next((int(v) for v in values if v is not None), None)


def _page_offset(page: Any, size: int) -> int | None:
    return None if page is None else (max(1, int(page)) - 1) * size


def _public(doc: Doc) -> Doc:
    return {k: v for k, v in doc.items() if not k.startswith("_")}


def _copy_collection(col: Doc, remap: dict[str, str], ns_id: str, now: float, inc: dict[str, bool]) -> Doc:
    new: Doc = _remapped(col, remap)
    new["collection_id"] = remap[col["collection_id"]]
    new["created_at"] = new["updated_at"] = iso(now)
    new["_namespace_id"] = ns_id
    if not inc["taxonomies"]:
        new["taxonomy_applications"] = None
        new["taxonomy_count"] = 0
    if not inc["retrievers"]:
        new["retriever_count"] = 0
    return new


def _remapped(value: Any, remap: dict[str, str]) -> Any:
    if isinstance(value, dict):
        return {k: _remapped(v, remap) for k, v in value.items()}
    if isinstance(value, list):
        return [_remapped(v, remap) for v in value]
    if isinstance(value, str):
        return remap.get(value, value)
    return value


def _sorted(docs: list[Doc], keys: list[dict[str, Any]]) -> list[Doc]:
    """``docs`` ordered by ``keys`` (the first primary): stable sorts from the last key up."""
    docs = sorted(docs, key=lambda d: str(d.get("collection_id")))
    for sort in reversed(keys or [{}]):
        field = str(sort.get("field") or "created_at")
        descending = str(sort.get("direction") or "desc").lower() == "desc"
        present = [d for d in docs if values_at(d, field)]
        missing = [d for d in docs if not values_at(d, field)]
        present.sort(key=lambda d: _sort_key(values_at(d, field)[0]), reverse=descending)
        docs = present + missing
    return docs


def _sort_key(value: Any) -> tuple[int, Any]:
    if isinstance(value, bool):
        return (0, int(value))
    if isinstance(value, int | float):
        return (1, value)
    if isinstance(value, str):
        return (2, value)
    return (3, str(value))


def _stats(docs: list[Doc]) -> Doc:
    total_docs = sum(int(d.get("document_count") or 0) for d in docs)
    return {
        "total_documents": total_docs,
        "avg_documents_per_collection": round(total_docs / len(docs), 2) if docs else 0,
        "collections_with_taxonomies": sum(1 for d in docs if d.get("taxonomy_applications")),
        "total_feature_extractors": sum(1 for d in docs if d.get("feature_extractor")),
        "total_taxonomies": sum(int(d.get("taxonomy_count") or 0) for d in docs),
        "total_retrievers": sum(int(d.get("retriever_count") or 0) for d in docs),
    }


__all__ = ["CLONE_INDEX", "DEFAULT_PAGE_SIZE", "FilterError", "NameTaken", "Namespaces", "WorldFull"]
