"""Seeding, exporting and importing the Mixpeek world's state.

Export shape (JSON-able)::

    {"api": "mixpeek", "format": 1, "seed": 0, "world_size": 80,
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
from mockserver.apis.common.worldkit import check_state_header
from mockserver.apis.mixpeek.migrations import SeededMigrations
from mockserver.apis.mixpeek.namespaces import Namespaces
from mockserver.apis.mixpeek.world import build_catalog
from mockserver.store import Store

FORMAT = 1


def seed_store(store: Store, seed: int, world_size: int) -> None:
    catalog = build_catalog(seed)
    for ns in catalog.namespaces:
        store.reserve_name("namespace", ns["namespace_name"], ns["namespace_id"])
        store.put("namespace", ns["namespace_id"], ns)
    for col in catalog.collections:
        store.put("collection", col["collection_id"], col, index=col["_namespace_id"])
    store.set_meta("seed", seed)
    store.set_meta("world_size", world_size)
    store.set_meta("migrations", "seeded")


def export_state(store: Store, migrations: IndexedRows, namespaces: Namespaces, limit: int) -> dict[str, Any]:
    with store.transaction():
        stored_ns = store.list("namespace")
        collections = store.list("collection")
        seed = store.get_meta("seed")
        size = store.get_meta("world_size")
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
        "namespaces": stored_ns,
        "collections": collections,
        "clones": clones,
        "migrations": docs,
        "sequences": sequences,
    }


def check_state(data: Mapping[str, Any]) -> None:
    """Raise ``ValueError`` with a readable message unless ``data`` is an exported Mixpeek state.

    Everything the handlers later read from a stored document is checked here, so an accepted
    import can never make a later request fail.
    """
    check_state_header(data, "mixpeek")
    names: set[str] = set()
    ids: set[str] = set()
    for i, ns in enumerate(_list(data, "namespaces")):
        _check_namespace(ns, f"namespaces[{i}]")
        if ns["namespace_name"] in names or ns["namespace_id"] in ids:
            raise ValueError(f"state 'namespaces[{i}]' repeats a namespace name or id")
        names.add(ns["namespace_name"])
        ids.add(ns["namespace_id"])
    collection_ids: set[str] = set()
    for i, col in enumerate(_list(data, "collections")):
        _check_collection(col, f"collections[{i}]")
        if col.get("_namespace_id") not in ids:
            raise ValueError(f"state 'collections[{i}]._namespace_id' names no namespace of the state")
        if col["collection_id"] in collection_ids:
            raise ValueError(f"state 'collections[{i}]' repeats collection id {col['collection_id']!r}")
        collection_ids.add(col["collection_id"])
    migrations = data.get("migrations")
    if isinstance(migrations, Mapping):
        if migrations.get("seeded") is not True:
            raise ValueError("state 'migrations' must be a list of documents or {\"seeded\": true}")
        return
    migration_ids: set[str] = set()
    for i, doc in enumerate(_list(data, "migrations")):
        _check_migration(doc, f"migrations[{i}]")
        if doc["migration_id"] in migration_ids:
            raise ValueError(f"state 'migrations[{i}]' repeats migration id {doc['migration_id']!r}")
        migration_ids.add(doc["migration_id"])


def _check_namespace(ns: Mapping[str, Any], where: str) -> None:
    for key in ("namespace_id", "namespace_name"):
        if not isinstance(ns.get(key), str) or not ns[key]:
            raise ValueError(f"state '{where}.{key}' must be a non-empty string")
    for key in ("_bucket_ids", "_taxonomy_ids", "_retriever_ids"):
        value = ns.get(key)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValueError(f"state '{where}.{key}' must be a list of strings")
    _check_count(ns, "object_count", where)
    clone = ns.get("_clone")
    if clone is None:
        return
    if not (
        isinstance(clone, Mapping)
        and _is_number(clone.get("ready_at"))
        and isinstance(clone.get("source_namespace_id"), str)
        and isinstance(clone.get("task_id"), str)
        and "cloned_resources" in clone
    ):
        raise ValueError(
            f"state '{where}._clone' must be an object with a numeric ready_at, string "
            "source_namespace_id and task_id, and cloned_resources"
        )


def _check_collection(col: Mapping[str, Any], where: str) -> None:
    if not isinstance(col.get("collection_id"), str):
        raise ValueError(f"state '{where}.collection_id' must be a string")
    for key in ("document_count", "taxonomy_count", "retriever_count"):
        _check_count(col, key, where)
    clusters = col.get("cluster_applications")
    if clusters is not None and not (
        isinstance(clusters, list)
        and all(isinstance(a, Mapping) and isinstance(a.get("cluster_id"), str) for a in clusters)
    ):
        raise ValueError(f"state '{where}.cluster_applications' must be null or objects with a cluster_id")


def _check_migration(doc: Mapping[str, Any], where: str) -> None:
    config = doc.get("config")
    if not (
        isinstance(doc.get("migration_id"), str)
        and isinstance(doc.get("status"), str)
        and isinstance(doc.get("created_at"), str)
        and isinstance(config, Mapping)
        and isinstance(config.get("migration_type"), str)
        and isinstance(config.get("source_namespace_id"), str)
    ):
        raise ValueError(
            f"state '{where}' needs migration_id, status, created_at and "
            "config.migration_type / config.source_namespace_id strings"
        )


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _check_count(doc: Mapping[str, Any], key: str, where: str) -> None:
    value = doc.get(key)
    if value is not None and not (isinstance(value, int) and not isinstance(value, bool)):
        raise ValueError(f"state '{where}.{key}' must be an integer or null")


def _list(data: Mapping[str, Any], key: str) -> list[dict[str, Any]]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise ValueError(f"state '{key}' must be a list of objects")
    return value


def import_state(store: Store, data: Mapping[str, Any]) -> None:
    migrations = data.get("migrations")
    explicit = isinstance(migrations, list)
    docs: dict[str, list[Any]] = {
        "namespace": [[ns["namespace_id"], None, ns] for ns in data.get("namespaces", [])],
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
            "sequences": {str(k): int(v) for k, v in sequences.items()}
            if isinstance(sequences, Mapping)
            else {},
            "meta": {
                "seed": data["seed"],
                "world_size": data["world_size"],
                "migrations": "explicit" if explicit else "seeded",
            },
        }
    )
