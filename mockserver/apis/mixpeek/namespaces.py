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
``source_organization_id`` (cross-organisation cloning) is accepted and ignored: the mock has one
organisation.
"""

from __future__ import annotations

import copy
from typing import Any

from mockserver.apis.common.worldkit import ident, iso, uuid_like
from mockserver.apis.mixpeek.filters import FilterError, compile_filters, values_at
from mockserver.runtime import Clock
from mockserver.store import Store

Doc = dict[str, Any]
DEFAULT_PAGE_SIZE = 10
MAX_PAGE_SIZE = 1000
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

    # -- lookup and rendering --------------------------------------------------------------
    def find(self, identifier: str) -> Doc | None:
        doc = self.store.get("namespace", identifier)
        if doc is None:
            owner = self.store.name_owner("namespace", identifier)
            doc = self.store.get("namespace", owner) if owner else None
        return doc

    def is_ready(self, ns: Doc) -> bool:
        clone = ns.get("_clone")
        return clone is None or self.clock.now() >= float(clone["ready_at"])

    def collections(self, ns: Doc) -> list[Doc]:
        """The namespace's visible collections (none while it is still cloning), oldest first."""
        if not self.is_ready(ns):
            return []
        return [_public(c) for c in self.store.list("collection", index=ns["namespace_id"])]

    def render(self, ns: Doc) -> Doc:
        cols = self.collections(ns)
        ready = self.is_ready(ns)
        out = _public(ns)
        out["collection_count"] = len(cols)
        out["document_count"] = sum(int(c.get("document_count") or 0) for c in cols)
        out["bucket_count"] = len(ns["_bucket_ids"]) if ready else 0
        out["object_count"] = int(ns.get("object_count") or 0) if ready else 0
        return out

    def clone_status(self, ns: Doc) -> Doc:
        clone = ns["_clone"]
        ready = self.is_ready(ns)
        return {
            "source_namespace_id": clone["source_namespace_id"],
            "status": "ready" if ready else "cloning",
            "task_id": clone["task_id"],
            "cloned_resources": clone["cloned_resources"] if ready else None,
        }

    # -- clone -----------------------------------------------------------------------------
    def clone(self, source: Doc, name: str, include: dict[str, Any], description: str | None) -> Doc:
        """Create the clone of ``source`` named ``name``; raises :class:`NameTaken`, or
        :class:`WorldFull` when the world already holds ``max_clones`` clones."""
        inc = {**DEFAULT_INCLUDE, **{k: bool(v) for k, v in (include or {}).items()}}
        with self.store.transaction():
            if self.store.count("namespace", index=CLONE_INDEX) >= self.max_clones:
                raise WorldFull(self.max_clones)
            seq = self.store.next_sequence("clone")
            new_id = ident("ns_", self.seed, "clone", seq)
            if not self.store.reserve_name("namespace", name, new_id):
                raise NameTaken(name)
            now = self.clock.now()
            src_id = source["namespace_id"]
            remap = {b: ident("bkt_", self.seed, new_id, b) for b in source["_bucket_ids"]}
            cols = self.store.list("collection", index=src_id) if inc["collections"] else []
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
                "ready_at": now + self.clone_seconds,
                "include_resources": inc,
                "cloned_resources": {
                    "collections": len(copies),
                    "retrievers": len(retrievers),
                    "taxonomies": len(taxonomies),
                    "buckets": len(ns["_bucket_ids"]),
                    "objects": int(source.get("object_count") or 0),
                    "points": sum(int(c.get("document_count") or 0) for c in copies),
                },
            }
            self.store.put("namespace", new_id, ns, index=CLONE_INDEX)
            for col in copies:
                self.store.put("collection", col["collection_id"], col, index=new_id)
        return ns

    # -- collection list -------------------------------------------------------------------
    def list_collections(self, ns: Doc, body: dict[str, Any], query: dict[str, Any]) -> Doc:
        """The page, pagination and stats; raises :class:`FilterError` for a malformed filter.

        ``limit``/``offset`` are query parameters: ``limit`` null or absent means
        ``DEFAULT_PAGE_SIZE`` (10) and is clamped to 1..1000; ``offset`` defaults to 0. The default
        order is ``created_at`` descending; ``sort.direction`` defaults to ``desc``; ties (and
        missing sort values, which come last) are ordered by ``collection_id``. ``stats`` covers
        every matching collection, not just the page.
        """
        case_sensitive = bool(body.get("case_sensitive", False))
        match = compile_filters(body.get("filters"), case_sensitive)
        docs = [d for d in self.collections(ns) if match(d)]
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
        docs = _sorted(docs, body.get("sort") or {"field": "created_at", "direction": "desc"})
        limit = query.get("limit")
        limit = DEFAULT_PAGE_SIZE if limit is None else max(1, min(MAX_PAGE_SIZE, int(limit)))
        offset = max(0, int(query.get("offset") or 0))
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
        }


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


def _sorted(docs: list[Doc], sort: dict[str, Any]) -> list[Doc]:
    field = str(sort.get("field") or "created_at")
    descending = str(sort.get("direction") or "desc").lower() == "desc"
    docs = sorted(docs, key=lambda d: str(d.get("collection_id")))
    present = [d for d in docs if values_at(d, field)]
    missing = [d for d in docs if not values_at(d, field)]
    present.sort(key=lambda d: _sort_key(values_at(d, field)[0]), reverse=descending)
    return present + missing


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
