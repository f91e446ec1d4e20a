"""The dependency graph of a Mixpeek migration: which resources it touches, in which order.

Buckets feed collections, collections feed derived collections, taxonomies, clusters and
retrievers. ``tier`` is the longest-path depth (0 = no dependencies) and the execution order sorts
by (tier, resource type, id), which is a topological order because every dependency has a
smaller tier.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mockserver.apis.mixpeek.world import Catalog

Doc = dict[str, Any]
_TYPE_ORDER = {"bucket": 0, "collection": 1, "taxonomy": 2, "cluster": 3, "retriever": 4}


@dataclass(frozen=True, slots=True)
class Node:
    resource_id: str
    resource_type: str
    dependencies: tuple[str, ...]


def namespace_graph(catalog: Catalog, ns: Doc, resource_types: list[str]) -> list[Node]:
    """Every resource of a namespace with what it depends on (only the served resource types)."""
    cols = catalog.collections_of(ns["namespace_id"])
    nodes = [Node(b, "bucket", ()) for b in ns["_bucket_ids"]]
    for c in cols:
        src = c["source"]
        deps = tuple(src.get("bucket_ids") or ([src["collection_id"]] if "collection_id" in src else []))
        nodes.append(Node(c["collection_id"], "collection", deps))
    for tax in ns["_taxonomy_ids"]:
        users = tuple(
            c["collection_id"]
            for c in cols
            if any(a["taxonomy_id"] == tax for a in c["taxonomy_applications"] or [])
        )
        if users:
            nodes.append(Node(tax, "taxonomy", users))
    for c in cols:
        for app in c["cluster_applications"] or []:
            nodes.append(Node(app["cluster_id"], "cluster", (c["collection_id"],)))
    for k, ret in enumerate(ns["_retriever_ids"]):
        users = tuple(c["collection_id"] for c in cols if c["retriever_count"] > k)
        nodes.append(Node(ret, "retriever", users))
    allowed = set(resource_types)
    return [nd for nd in nodes if nd.resource_type in allowed]


def subgraph(full: list[Node], selected: list[Doc]) -> list[Node]:
    """The nodes a migration of ``selected`` touches, in execution (topological) order."""
    chosen = {c["collection_id"] for c in selected}
    keep: dict[str, Node] = {}
    for nd in full:
        if nd.resource_type == "collection" and nd.resource_id in chosen:
            keep[nd.resource_id] = nd
    for nd in full:
        if nd.resource_type == "bucket" and any(nd.resource_id in k.dependencies for k in keep.values()):
            keep[nd.resource_id] = nd
        elif nd.resource_type not in ("bucket", "collection"):
            deps = tuple(d for d in nd.dependencies if d in chosen)
            if deps:
                keep[nd.resource_id] = Node(nd.resource_id, nd.resource_type, deps)
    pruned = {
        i: Node(n.resource_id, n.resource_type, tuple(d for d in n.dependencies if d in keep))
        for i, n in keep.items()
    }
    tiers = longest_path_tiers(pruned)
    return sorted(
        pruned.values(),
        key=lambda n: (tiers[n.resource_id], _TYPE_ORDER.get(n.resource_type, 9), n.resource_id),
    )


def longest_path_tiers(nodes: dict[str, Node]) -> dict[str, int]:
    """Tier 0 for a node without dependencies, else one more than its deepest dependency."""
    tiers: dict[str, int] = {}

    def depth(node_id: str) -> int:
        if node_id not in tiers:
            deps = nodes[node_id].dependencies
            tiers[node_id] = 1 + max(depth(d) for d in deps) if deps else 0
        return tiers[node_id]

    for node_id in nodes:
        depth(node_id)
    return tiers


def graph_doc(nodes: list[Node]) -> Doc:
    tiers = longest_path_tiers({n.resource_id: n for n in nodes})
    return {
        "nodes": [
            {
                "resource_id": n.resource_id,
                "resource_type": n.resource_type,
                "dependencies": list(n.dependencies),
                "tier": tiers[n.resource_id],
            }
            for n in nodes
        ],
        "execution_order": [n.resource_id for n in nodes],
    }
