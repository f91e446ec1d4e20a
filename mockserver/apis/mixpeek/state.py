"""Seeding, exporting and importing the Mixpeek world's state.

Export shape (JSON-able)::

    {"api": "mixpeek", "format": 1, "seed": 0, "world_size": 80, "anchor": 1748779200,
     "namespaces": [...], "collections": [...],          # stored documents, private "_" fields too
     "clones": [{"namespace_id", "namespace_name", "status", ...}],   # a read-only view
     "migrations": [...] | {"seeded": true, "count": n},
     "sequences": {"clone": 3}}

``import_state`` accepts exactly that (``clones`` is derived from the namespaces and ignored).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mockserver.apis.common.rowindex import IndexedRows
from mockserver.apis.common.statecheck import (
    MAX_EXPLICIT_ROWS,
    check_header,
    check_int,
    check_number,
    check_seeded,
    check_sequences,
    check_text,
    objects,
)
from mockserver.apis.common.worldkit import stored_anchor
from mockserver.apis.mixpeek.migrations import SeededMigrations
from mockserver.apis.mixpeek.namespaces import CLONE_INDEX, Namespaces
from mockserver.apis.mixpeek.world import build_catalog
from mockserver.store import Store

FORMAT = 1


def seed_store(store: Store, seed: int, world_size: int, anchor: int) -> None:
    catalog = build_catalog(seed, anchor)
    for ns in catalog.namespaces:
        store.reserve_name("namespace", ns["namespace_name"], ns["namespace_id"])
        store.put("namespace", ns["namespace_id"], ns)
    for col in catalog.collections:
        store.put("collection", col["collection_id"], col, index=col["_namespace_id"])
    store.set_meta("seed", seed)
    store.set_meta("world_size", world_size)
    store.set_meta("anchor", anchor)
    store.set_meta("migrations", "seeded")


def export_state(store: Store, migrations: IndexedRows, namespaces: Namespaces, limit: int) -> dict[str, Any]:
    with store.transaction():
        stored_ns = store.list("namespace")
        collections = store.list("collection")
        seed = store.get_meta("seed")
        size = store.get_meta("world_size")
        anchor = stored_anchor(store.get_meta("anchor"))
        sequences = {"clone": store.current_sequence("clone")}
    if isinstance(migrations, SeededMigrations) and len(migrations) > limit:
        docs: Any = {"seeded": True, "count": len(migrations)}
    else:
        docs = [migrations.doc(row) for row in range(len(migrations))]
    clones = [
        {
            "namespace_id": ns["namespace_id"],
            "namespace_name": ns["namespace_name"],
            **namespaces.clone_status(ns),
            "ready_at": ns["_clone"]["ready_at"],
        }
        for ns in stored_ns
        if ns.get("_clone")
    ]
    return {
        "api": "mixpeek",
        "format": FORMAT,
        "seed": seed,
        "world_size": size,
        "anchor": anchor,
        "namespaces": stored_ns,
        "collections": collections,
        "clones": clones,
        "migrations": docs,
        "sequences": sequences,
    }


KNOWN = frozenset(
    {
        "api",
        "format",
        "seed",
        "world_size",
        "anchor",
        "namespaces",
        "collections",
        "clones",
        "migrations",
        "sequences",
    }
)
SEEDED_NAMESPACES = 64  # more than any seed builds (5 to 8): room for the seeded ones beside the clones
COLLECTIONS_PER_NAMESPACE = 32


def check_state(data: Mapping[str, Any], max_clones: int) -> None:
    """Raise ``ValueError`` naming the first offending path unless ``data`` is an exported Mixpeek
    state holding at most ``max_clones`` clones.

    Everything the handlers later read from a stored document is typed and bounded here, so an
    accepted import can never make a later request fail.
    """
    check_header(data, "mixpeek", KNOWN)
    check_sequences(data, frozenset({"clone"}))
    names: set[str] = set()
    ids: set[str] = set()
    namespaces = objects(data, "namespaces", max_clones + SEEDED_NAMESPACES)
    clones = 0
    for i, ns in enumerate(namespaces):
        _check_namespace(ns, f"namespaces[{i}]")
        if ns["namespace_name"] in names or ns["namespace_id"] in ids:
            raise ValueError(f"state 'namespaces[{i}]' repeats a namespace name or id")
        names.add(ns["namespace_name"])
        ids.add(ns["namespace_id"])
        clones += ns.get("_clone") is not None
        if clones > max_clones:
            raise ValueError(f"state 'namespaces[{i}]' is clone {clones:,}; the limit is {max_clones:,}")
    collection_ids: set[str] = set()
    collections = objects(data, "collections", len(namespaces) * COLLECTIONS_PER_NAMESPACE)
    for i, col in enumerate(collections):
        _check_collection(col, f"collections[{i}]")
        if col.get("_namespace_id") not in ids:
            raise ValueError(f"state 'collections[{i}]._namespace_id' names no namespace of the state")
        if col["collection_id"] in collection_ids:
            raise ValueError(f"state 'collections[{i}]' repeats collection id {col['collection_id']!r}")
        collection_ids.add(col["collection_id"])
    objects(data, "clones", len(namespaces))  # a derived view: ignored, but bounded like the rest
    if check_seeded(data.get("migrations")):
        return
    migration_ids: set[str] = set()
    for i, doc in enumerate(objects(data, "migrations", MAX_EXPLICIT_ROWS)):
        _check_migration(doc, f"migrations[{i}]")
        if doc["migration_id"] in migration_ids:
            raise ValueError(f"state 'migrations[{i}]' repeats migration id {doc['migration_id']!r}")
        migration_ids.add(doc["migration_id"])


def _check_namespace(ns: Mapping[str, Any], where: str) -> None:
    for key in ("namespace_id", "namespace_name"):
        check_text(ns.get(key), f"{where}.{key}")
    for key in ("_bucket_ids", "_taxonomy_ids", "_retriever_ids"):
        value = ns.get(key)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValueError(f"state '{where}.{key}' must be a list of strings")
    check_int(ns.get("object_count"), f"{where}.object_count", optional=True)
    clone = ns.get("_clone")
    if clone is None:
        return
    if not isinstance(clone, Mapping):
        raise ValueError(f"state '{where}._clone' must be an object or null")
    check_number(clone.get("ready_at"), f"{where}._clone.ready_at")
    check_text(clone.get("source_namespace_id"), f"{where}._clone.source_namespace_id")
    check_text(clone.get("task_id"), f"{where}._clone.task_id")
    resources = clone.get("cloned_resources")
    if not isinstance(resources, Mapping):
        raise ValueError(f"state '{where}._clone.cloned_resources' must be an object")
    for key, value in resources.items():
        check_int(value, f"{where}._clone.cloned_resources.{key}")


def _check_collection(col: Mapping[str, Any], where: str) -> None:
    check_text(col.get("collection_id"), f"{where}.collection_id")
    for key in ("document_count", "taxonomy_count", "retriever_count"):
        check_int(col.get(key), f"{where}.{key}", optional=True)
    clusters = col.get("cluster_applications")
    if clusters is not None and not (
        isinstance(clusters, list)
        and all(isinstance(a, Mapping) and isinstance(a.get("cluster_id"), str) for a in clusters)
    ):
        raise ValueError(f"state '{where}.cluster_applications' must be null or objects with a cluster_id")


def _check_migration(doc: Mapping[str, Any], where: str) -> None:
    for key in ("migration_id", "status", "created_at"):
        check_text(doc.get(key), f"{where}.{key}")
    config = doc.get("config")
    if not isinstance(config, Mapping):
        raise ValueError(f"state '{where}.config' must be an object")
    for key in ("migration_type", "source_namespace_id"):
        check_text(config.get(key), f"{where}.config.{key}")


def import_state(store: Store, data: Mapping[str, Any]) -> None:
    migrations = data.get("migrations")
    explicit = isinstance(migrations, list)
    docs: dict[str, list[Any]] = {
        "namespace": [
            [ns["namespace_id"], CLONE_INDEX if ns.get("_clone") is not None else None, ns]
            for ns in data.get("namespaces", [])
        ],
        "collection": [[c["collection_id"], c["_namespace_id"], c] for c in data.get("collections", [])],
    }
    if explicit:
        docs["migration"] = [[m["migration_id"], None, m] for m in migrations or []]
    sequences = data.get("sequences") or {}
    store.import_(
        {
            "docs": docs,
            "names": {
                "namespace": {ns["namespace_name"]: ns["namespace_id"] for ns in data.get("namespaces", [])}
            },
            "sequences": dict(sequences),
            "meta": {
                "seed": data["seed"],
                "world_size": data["world_size"],
                "anchor": stored_anchor(data.get("anchor")),
                "migrations": "explicit" if explicit else "seeded",
            },
        }
    )
