"""The seeded Mixpeek catalog: namespaces and their collections, buckets, taxonomies, retrievers.

:func:`build_catalog` is a pure function of the seed and the anchor (the world's "now"). Namespaces
and collections are documents in the shape the API answers with, plus private ``_``-prefixed fields
(bucket, taxonomy, retriever and cluster ids) that keep references resolvable; counts that depend on
other documents (``collection_count``, ``document_count``, ``bucket_count``) are computed when a
namespace is rendered, never stored, so they cannot disagree.

Every namespace also has its system collection ``_direct_upsert`` (source type ``direct_upsert``:
documents written straight into the namespace), marked ``_system``: it is listed only when asked
for (``include_system``), and counts, migrations and the dependency graph leave it out.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from mockserver.apis.common.worldkit import ident, iso, pick, rng, stable_int
from mockserver.apis.mixpeek.vocab import ENVS, EXTRACTORS, PROJECTS, TAXONOMIES, TEAMS, THEMES

Doc = dict[str, Any]
DAY = 86_400
SYSTEM_COLLECTION = "_direct_upsert"


@dataclass(frozen=True, slots=True)
class Catalog:
    namespaces: list[Doc]
    collections: list[Doc]  # each carries its namespace id under ``_namespace_id``

    def collections_of(self, namespace_id: str) -> list[Doc]:
        """The namespace's user collections (its system collection left out)."""
        return [c for c in self.collections if c["_namespace_id"] == namespace_id and not c.get("_system")]


def build_catalog(seed: int, anchor: int) -> Catalog:
    r = rng(seed, "catalog")
    count = r.randint(5, 8)
    names: list[tuple[str, str]] = []
    themes = list(THEMES)
    r.shuffle(themes)
    for theme in themes:
        for env in ENVS[: r.choice((1, 1, 2))]:
            names.append((theme, f"{theme}_{env}"))
    names = names[:count]
    namespaces: list[Doc] = []
    collections: list[Doc] = []
    for i, (theme, name) in enumerate(names):
        ns, cols = _namespace(seed, anchor, i, theme, name, r)
        namespaces.append(ns)
        collections.extend(cols)
    return Catalog(namespaces, collections)


def _namespace(
    seed: int, anchor: int, i: int, theme: str, name: str, r: random.Random
) -> tuple[Doc, list[Doc]]:
    ns_id = ident("ns_", seed, "namespace", i)
    created = anchor - r.randint(300, 700) * DAY + r.randint(0, DAY)
    description, templates = THEMES[theme]
    chosen = _choose_collections(templates, r)
    buckets = {mod: ident("bkt_", seed, ns_id, mod) for _, mod, up in chosen if up is None}
    taxonomies = [ident("tax_", seed, ns_id, t) for t in r.sample(TAXONOMIES, r.randint(1, 3))]
    cols: list[Doc] = []
    by_name: dict[str, Doc] = {}
    for _j, (col_name, modality, upstream) in enumerate(chosen):
        col = _collection(
            seed,
            ns_id,
            col_name,
            modality,
            by_name.get(upstream or ""),
            buckets,
            taxonomies,
            created,
            name.rsplit("_", 1)[-1],
            r,
        )
        by_name[col_name] = col
        cols.append(col)
    extractors = sorted({c["feature_extractor"]["feature_extractor_name"] for c in cols})
    env = name.rsplit("_", 1)[-1]
    tier = {"prod": "dedicated", "staging": "shared", "dev": "shared"}[env]
    ns: Doc = {
        "namespace_id": ns_id,
        "namespace_name": name,
        "description": description,
        "infrastructure": {
            "autoscaling_enabled": tier == "dedicated",
            "compute_tier": tier,
            "description": f"{tier.capitalize()} {env} infrastructure for {theme.replace('_', ' ')}",
            "max_concurrent_jobs": 50 if tier == "dedicated" else 10,
            "qdrant_collection": ns_id,
            "ray_head_node_url": "ray://shared-cluster:10001"
            if tier == "shared"
            else f"ray://{name.replace('_', '-')}-head:10001",
        },
        "cluster_id": ident("iclstr_", seed, ns_id, length=9),
        "feature_extractors": [
            {
                "feature_extractor_name": e,
                "version": _version_of(e),
                "feature_extractor_id": f"{e}_{_version_of(e)}",
                "params": {},
            }
            for e in extractors
        ],
        "payload_indexes": [
            {
                "field_name": "title",
                "type": "text",
                "field_schema": {
                    "type": "text",
                    "tokenizer": "word",
                    "min_token_len": 2,
                    "max_token_len": 15,
                    "lowercase": True,
                },
                "is_protected": False,
            },
            {"field_name": "created_at", "type": "datetime", "is_protected": True},
        ],
        "object_count": sum(c["document_count"] for c in cols if c["source"]["type"] == "bucket") // 3 + 1,
        "auto_create_indexes": r.random() < 0.4,
        "vector_inference_map": {EXTRACTORS[m][4]: EXTRACTORS[m][6] for _, m, _ in chosen},
        "created_at": iso(created),
        "updated_at": iso(created + r.randint(1, 200) * DAY),
        "_bucket_ids": sorted(buckets.values()),
        "_taxonomy_ids": taxonomies,
        "_retriever_ids": [
            ident("ret_", seed, ns_id, k) for k in range(max(c["retriever_count"] for c in cols))
        ],
        "_cluster_ids": sorted({a["cluster_id"] for c in cols for a in c["cluster_applications"] or []}),
    }
    return ns, [*cols, _direct_upsert(seed, ns_id, created, name.rsplit("_", 1)[-1])]


def _direct_upsert(seed: int, ns_id: str, created: int, env: str) -> Doc:
    """The namespace's system collection: what clients upsert directly, without an extractor."""
    fields = {"document_id": {"type": "string"}, "created_at": {"type": "datetime"}}
    source: Doc = {"type": "direct_upsert"}
    extractor: Doc = {
        "feature_extractor_name": "direct_upsert",
        "version": "v1",
        "feature_extractor_id": "direct_upsert_v1",
        "parameters": {},
        "input_mappings": {},
        "field_passthrough": [],
        "include_all_source_fields": True,
    }
    return {
        "collection_id": ident("col_", seed, ns_id, SYSTEM_COLLECTION, length=10),
        "collection_name": SYSTEM_COLLECTION,
        "description": "System collection holding documents upserted directly into the namespace.",
        "input_schema": {"properties": fields},
        "output_schema": {"properties": fields},
        "feature_extractor": extractor,
        "source": source,
        "source_bucket_schemas": None,
        "source_lineage": [],
        "vector_indexes": [],
        "payload_indexes": [{"field_name": "created_at", "type": "datetime"}],
        "enabled": True,
        "metadata": {"environment": {"prod": "production"}.get(env, env), "system": True},
        "created_at": iso(created),
        "updated_at": iso(created),
        "document_count": stable_int(seed, ns_id, SYSTEM_COLLECTION) % 5_000,
        "schema_version": 1,
        "last_schema_sync": iso(created),
        "schema_sync_enabled": False,
        "taxonomy_applications": None,
        "cluster_applications": None,
        "taxonomy_count": 0,
        "retriever_count": 0,
        "_namespace_id": ns_id,
        "_system": True,
    }


def _version_of(extractor: str) -> str:
    return next(v[1] for v in EXTRACTORS.values() if v[0] == extractor)


def _choose_collections(
    templates: list[tuple[str, str, str | None]], r: random.Random
) -> list[tuple[str, str, str | None]]:
    roots = [t for t in templates if t[2] is None]
    keep = {t[0] for t in r.sample(roots, min(len(roots), r.randint(2, max(2, len(roots)))))}
    for name, _, upstream in templates:  # a derived collection comes with its upstream
        if upstream in keep and r.random() < 0.8:
            keep.add(name)
    return [t for t in templates if t[0] in keep]


def _collection(
    seed: int,
    ns_id: str,
    name: str,
    modality: str,
    upstream: Doc | None,
    buckets: dict[str, str],
    taxonomies: list[str],
    ns_created: int,
    env: str,
    r: random.Random,
) -> Doc:
    col_id = ident("col_", seed, ns_id, name, length=10)
    extractor, version, mapping, outputs, index, dims, _ = EXTRACTORS[modality]
    created = ns_created + r.randint(1, 60) * DAY + r.randint(0, DAY)
    updated = created + r.randint(0, 90) * DAY
    fields = {
        "title": {"type": "string"},
        next(iter(mapping.values())): {"type": "string"},
        "created_at": {"type": "datetime"},
    }
    if upstream is None:
        source: Doc = {"type": "bucket", "bucket_ids": [buckets[modality]]}
        input_props: dict[str, Any] = fields
        lineage_from: list[Doc] = []
        docs = r.randint(2_000, 250_000)
    else:
        source = {
            "type": "collection",
            "collection_id": upstream["collection_id"],
            "collection_ids": [upstream["collection_id"]],  # 003's example carries both
            "inherited_bucket_ids": list(
                upstream["source"].get("bucket_ids") or upstream["source"].get("inherited_bucket_ids", [])
            ),
        }
        if rng(seed, col_id, "source-filters").random() < 0.5:  # 003's example: {description, filters}
            source["source_filters"] = {
                "description": "Only documents that have a title",
                "filters": {"AND": [{"field": "title", "operator": "ne", "value": ""}]},
            }
        input_props = dict(upstream["output_schema"]["properties"])
        lineage_from = list(upstream["source_lineage"])
        docs = upstream["document_count"] * r.randint(2, 12)
    passthrough = [{"source_path": "title", "target_path": "title", "default": "Untitled", "required": False}]
    output_props = {
        "title": {"type": "string"},
        **{o: _output_field(o, dims) for o in outputs},
    }
    fe: Doc = {
        "feature_extractor_name": extractor,
        "version": version,
        "feature_extractor_id": f"{extractor}_{version}",
        "parameters": {"model": EXTRACTORS[modality][6]},
        "input_mappings": {k: v if upstream is None else next(iter(input_props)) for k, v in mapping.items()},
        "field_passthrough": passthrough,
        "include_all_source_fields": r.random() < 0.2,
    }
    applied = r.sample(taxonomies, r.randint(0, min(2, len(taxonomies)))) if r.random() < 0.6 else []
    clusters = (
        [
            {
                "cluster_id": ident("clu_", seed, col_id),
                "auto_execute_on_batch": True,
                "min_document_threshold": 500,
                "cooldown_seconds": 3600,
            }
        ]
        if r.random() < 0.3
        else None
    )
    return {
        "collection_id": col_id,
        "collection_name": name,
        "description": _describe(name, modality, upstream),
        "input_schema": {"properties": input_props},
        "output_schema": {"properties": output_props},
        "feature_extractor": fe,
        "source": source,
        "source_bucket_schemas": None,
        "source_lineage": [
            *lineage_from,
            {"source_config": source, "feature_extractor": fe, "output_schema": {"properties": output_props}},
        ],
        "vector_indexes": [{"name": index, "dimensions": dims, "distance": "cosine", "datatype": "float32"}],
        "payload_indexes": [
            {"field_name": "title", "type": "text"},
            {"field_name": "created_at", "type": "datetime"},
        ],
        "enabled": r.random() < 0.9,
        "metadata": {
            "environment": {"prod": "production"}.get(env, env),
            "team": pick(r, TEAMS),
            "project": pick(r, PROJECTS),
        },
        "created_at": iso(created),
        "updated_at": iso(updated),
        "document_count": docs,
        "schema_version": r.randint(1, 4),
        "last_schema_sync": iso(updated),
        "schema_sync_enabled": r.random() < 0.8,
        "taxonomy_applications": [{"taxonomy_id": t, "execution_mode": "materialize"} for t in applied]
        or None,
        "cluster_applications": clusters,
        "taxonomy_count": len(applied),
        "retriever_count": r.randint(0, 3),
        "_namespace_id": ns_id,
    }


def _output_field(name: str, dims: int) -> Doc:
    """An output field in API 0.82's bucket-schema vocabulary (an embedding is an array of numbers)."""
    if "embedding" not in name:
        return {"type": "string"}
    return {"type": "array", "items": {"type": "number"}, "description": f"{dims}-dimensional embedding"}


def _describe(name: str, modality: str, upstream: Doc | None) -> str:
    what = name.replace("_", " ")
    how = {
        "image": "embedded with SigLIP for visual similarity search",
        "text": "chunked and embedded with multilingual E5",
        "video": "split into scenes with multimodal embeddings",
        "audio": "transcribed with Whisper and embedded per segment",
        "document": "parsed page by page with layout-aware text extraction",
    }[modality]
    source = (
        f"derived from {upstream['collection_name'].replace('_', ' ')}"
        if upstream
        else "ingested from a bucket"
    )
    return f"{what.capitalize()} {source}, {how}."
