"""One seeded Mixpeek migration, rendered from (seed, row) and its compact columns.

:class:`MigrationRenderer` turns a row's status, type, source namespace and creation time into the
full document: config, a dependency graph over the source namespace's resources (``tier`` is the
longest-path depth, ``execution_order`` sorts by tier so it is topological), per-stage and
per-resource progress consistent with the status, and timestamps in order
(created ≤ started ≤ each stage's start ≤ its end ≤ completed).

The pre-flight ``validation_result`` (absent on drafts) holds API 0.82's validation entries
(``error_code``, ``message``, ``resource_id``, ``resource_type``, ``severity``) about resources of
the migration's own graph: ``valid`` is false exactly when there are errors. A migration still
validating lists the blocking errors found so far; a retriever whose interaction history the
config does not migrate is warned about.

A failed migration failed in one of two places. **At validation** (a third of them): ``valid``
false with the blocking errors (``severity`` ``error``), no execution stage ever ran (every stage
``cancelled`` with no start or end, nothing done, no current stage, no ``started_at`` and no ETA),
``completed_at`` when validation ended, the blocked resources ``failed`` with the error's message,
the others ``cancelled``. **At execution**: ``valid`` true and no errors, but the warning that
foresaw the stage it failed in, on the resource that failed; one stage ``failed``, the ones before
it completed, the later ones ``cancelled``.

A dry run ("Validate only, don't execute") is only ever a draft, a migration validating, or one
refused at validation: it never executes.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from mockserver.apis.common.worldkit import ident, iso, pick, rng, uuid_like
from mockserver.apis.mixpeek.graph import Node, graph_doc, namespace_graph, subgraph
from mockserver.apis.mixpeek.world import Catalog

Doc = dict[str, Any]
NOT_STARTED = ("draft", "validating", "pending")
_FAILURES = {
    "namespace_setup": "Target namespace quota exceeded (max 25 namespaces per organization)",
    "batch_creation": "Source bucket listing timed out after 300 seconds",
    "batch_processing": "Inference service returned 503 for 12 consecutive batches",
    "cluster_execution": "Cluster job ran out of memory while computing centroids",
    "taxonomy_enrichment": "Reference collection for taxonomy was deleted during migration",
    "benchmark_evaluation": "Recall@10 dropped below the 0.85 threshold against the source",
    "finalization": "Could not swap aliases: target collection is locked by another task",
}
# stage -> the pre-flight warning that foresees a failure in it
_RISKS = {
    "namespace_setup": ("namespace_quota_near_limit", "Target organization is close to its namespace quota"),
    "batch_creation": ("bucket_listing_slow", "Source bucket listing is slow; batch creation may time out"),
    "batch_processing": ("inference_capacity_low", "Inference capacity is low for the batch size requested"),
    "cluster_execution": ("cluster_memory_high", "Cluster job may exceed its memory limit"),
    "taxonomy_enrichment": ("taxonomy_reference_unstable", "Taxonomy reference collection changed recently"),
    "benchmark_evaluation": ("benchmark_threshold_tight", "Recall baseline is close to the 0.85 threshold"),
    "finalization": ("collection_locked", "Target collection is locked by another task"),
}
# resource type -> a blocking pre-flight error about one resource of that type
_BLOCKERS = {
    "collection": ("collection_locked", "Collection {id} is locked by another task"),
    "taxonomy": ("taxonomy_reference_missing", "Taxonomy {id} references a collection outside the migration"),
    "cluster": ("cluster_artifacts_missing", "Cluster {id} has no stored artifacts to migrate"),
    "bucket": ("bucket_unreachable", "Bucket {id} storage could not be listed"),
    "retriever": ("retriever_stage_unsupported", "Retriever {id} uses a stage the target does not support"),
}
# a blocking error when the graph has no resource that can block (a namespace-level one)
_QUOTA = ("target_namespace_quota_exceeded", "Target organization has reached its namespace quota")
_PEOPLE = ("maria.garcia", "wei.chen", "james.okafor", "priya.nair", "lukas.schmidt", "ana.souza")


@dataclass(frozen=True, slots=True)
class Vocab:
    statuses: list[str]
    types: list[str]
    stages: list[str]
    resource_types: list[str]


class MigrationRenderer:
    def __init__(self, seed: int, anchor: int, catalog: Catalog, vocab: Vocab) -> None:
        self.seed = seed
        self.anchor = anchor
        self.catalog = catalog
        self.vocab = vocab
        self.internal_id = ident("int_", seed, "organization", length=16)
        self._graphs = {
            ns["namespace_id"]: namespace_graph(catalog, ns, vocab.resource_types)
            for ns in catalog.namespaces
        }
        self._names = {ns["namespace_id"]: ns["namespace_name"] for ns in catalog.namespaces}

    def render(self, row: int, status: str, mtype: str, source: str, created: int, ordinal: int) -> Doc:
        """The migration at ``row``; ``ordinal`` (its rank among rows of its status) picks the stage."""
        r = rng(self.seed, "migration", row)
        cols = self.catalog.collections_of(source)
        selected = self._select(cols, r)
        nodes = subgraph(self._graphs.get(source, []), selected)
        target = self._target(source, r)
        stage_at = ordinal % len(self.vocab.stages) if self.vocab.stages else 0
        doc: Doc = {
            "migration_id": ident("mig_", self.seed, "migration", row),
            "internal_id": self.internal_id,
            "namespace_id": source,
            "config": self._config(mtype, source, target, cols, selected, nodes, r),
            "status": status,
            "created_at": iso(created),
            "additional_data": {
                "requested_by": f"{pick(r, _PEOPLE)}@example.com",
                "source_namespace_name": self._names.get(source, source),
            },
        }
        refused = status == "failed" and ordinal % 3 == 1  # a third of the failures: at validation
        if status in ("draft", "validating") or refused:  # "Validate only, don't execute": never ran
            doc["config"]["dry_run"] = rng(self.seed, "dry-run", row).random() < 0.3
        if refused:
            errors = self._blockers(nodes, r, at_least=1)
            doc.update(self._refused(created, nodes, errors, r))
        else:
            errors = self._blockers(nodes, r, at_least=0) if status == "validating" else []
            doc.update(self._lifecycle(status, created, stage_at, nodes, r))
        doc["dependency_graph"] = None if status == "draft" else graph_doc(nodes)
        doc["validation_result"] = (
            None if status == "draft" else self._validation(status, doc, nodes, errors, r)
        )
        doc["task_id"] = None if status == "draft" else uuid_like(self.seed, "migration-task", row)
        return doc

    # -- config ----------------------------------------------------------------------------
    def _select(self, cols: list[Doc], r: random.Random) -> list[Doc]:
        if not cols or r.random() < 0.6:
            return cols
        picked = {c["collection_id"] for c in r.sample(cols, r.randint(1, len(cols)))}
        by_id = {c["collection_id"]: c for c in cols}
        for cid in list(picked):  # auto_include_dependencies: upstream collections come along
            up = by_id[cid]["source"].get("collection_id")
            while up in by_id and up not in picked:
                picked.add(up)
                up = by_id[up]["source"].get("collection_id")
        return [c for c in cols if c["collection_id"] in picked]

    def _target(self, source: str, r: random.Random) -> Doc:
        others = [ns for ns in self.catalog.namespaces if ns["namespace_id"] != source]
        name = self._names.get(source, "")
        theme = name.rsplit("_", 1)[0]
        same = [ns for ns in others if ns["namespace_name"].startswith(theme)]
        return pick(r, same or others or self.catalog.namespaces)

    def _config(
        self,
        mtype: str,
        source: str,
        target: Doc,
        cols: list[Doc],
        selected: list[Doc],
        nodes: list[Node],
        r: random.Random,
    ) -> Doc:
        extractors = sorted({c["feature_extractor"]["feature_extractor_name"] for c in selected})
        if mtype == "re_extract":
            fes: list[Doc] | None = [
                {
                    "feature_extractor_name": e,
                    "version": pick(r, ("v2", "v3")),
                    "parameters": {"batch_size": 64},
                }
                for e in extractors
            ] or None
        else:  # the docs: "New extractors to use (RE_EXTRACT only)"
            fes = None
        partial = len(selected) < len(cols)

        def only(kind: str) -> list[str] | None:
            """A partial migration names the resources of its graph, as the docs example does."""
            return [nd.resource_id for nd in nodes if nd.resource_type == kind] if partial else None

        return {
            "migration_type": mtype,
            "source_namespace_id": source,
            "target_namespace_id": target["namespace_id"],
            "target_namespace_name": target["namespace_name"],
            "feature_extractors": fes,
            "filters": {
                "collection_ids": [c["collection_id"] for c in selected] if partial else None,
                "taxonomy_ids": only("taxonomy"),
                "cluster_ids": only("cluster"),
                "retriever_ids": only("retriever"),
                "date_range": {"after": "2024-01-01T00:00:00Z"} if r.random() < 0.15 else None,
                "auto_include_dependencies": True,
            },
            "batch_options": {
                "batch_size": pick(r, (50, 100, 250, 500)),
                "max_workers": r.randint(2, 20),
                "retry_failed": r.random() < 0.9,
            },
            "taxonomy_options": {
                "preserve_taxonomy_ids": True,
                "preserve_enrichment_fields": True,
                "re_run_enrichment": mtype == "re_extract",
                "migrate_reference_collections": True,
            },
            "cluster_options": {
                "preserve_cluster_ids": True,
                "preserve_assignments": mtype != "re_extract",
                "migrate_artifacts": True,
                "preserve_centroids": True,
                "recompute_clusters": mtype == "re_extract",
            },
            "retriever_options": {
                "preserve_retriever_ids": False,
                "migrate_interactions": r.random() < 0.3,
                "migrate_execution_history": False,
                "validate_references": True,
            },
            "preserve_resource_ids": r.random() < 0.2,
            "dry_run": False,
            "webhook_url": "https://hooks.example.com/mixpeek/migrations" if r.random() < 0.3 else None,
        }

    # -- lifecycle -------------------------------------------------------------------------
    def _items(self, r: random.Random) -> list[int]:
        return [r.randint(1, 40) * (10 if s == "batch_processing" else 1) for s in self.vocab.stages]

    def _refused(self, created: int, nodes: list[Node], errors: list[Doc], r: random.Random) -> Doc:
        """A migration that pre-flight validation refused: no execution stage ever ran."""
        items = self._items(r)
        ended = max(created, min(created + r.randint(20, 600), self.anchor - 1))
        blocked = {e["resource_id"]: e["message"] for e in errors if e["resource_id"]}
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        return {
            "progress": {
                "overall_status": "failed",
                "overall_progress_percent": 0,
                "current_stage": None,
                "stages": [
                    _stage(s, "cancelled", None, None, t, 0, 0, None)
                    for s, t in zip(self.vocab.stages, items, strict=True)
                ],
                "resources": [
                    _res(nd, "failed", 0, blocked[nd.resource_id])
                    if nd.resource_id in blocked
                    else _res(nd, "cancelled", 0, None)
                    for nd in nodes
                ],
                "started_at": None,
                "estimated_completion": None,
            },
            "started_at": None,
            "completed_at": iso(ended),
            "error_message": f"Pre-flight validation failed: {errors[0]['message']}{more}",
        }

    def _lifecycle(self, status: str, created: int, k: int, nodes: list[Node], r: random.Random) -> Doc:
        stages = self.vocab.stages
        n = len(stages)
        items = self._items(r)
        if status in NOT_STARTED or status not in ("in_progress", "completed", "failed", "cancelled"):
            state = "draft" if status == "draft" else "pending"
            return {
                "progress": {
                    "overall_status": status,
                    "overall_progress_percent": 0,
                    "current_stage": None,
                    "stages": [
                        _stage(s, state, None, None, t, 0, 0, None)
                        for s, t in zip(stages, items, strict=True)
                    ],
                    "resources": [_res(nd, state, 0, None) for nd in nodes],
                    "started_at": None,
                    "estimated_completion": None,
                },
                "started_at": None,
                "completed_at": None,
                "error_message": None,
            }
        if status == "completed":
            k = n
        # The run as offsets from ``created``: (begin, end) per started stage.
        t = r.randint(60, 1800)
        started = t
        spans: list[tuple[int, int]] = []
        for _ in stages:
            begin, t = t + r.randint(1, 30), t + r.randint(120, 5400)
            spans.append((begin, t))
        fraction = round(r.uniform(0.05, 0.95), 2) if k < n else 1.0
        failed_end = spans[k][0] + r.randint(30, 600) if k < n else 0
        # What has happened must lie before the anchor: squeeze the run into [created, anchor) if not.
        happened = spans[k][0] if status == "in_progress" else failed_end if k < n else spans[-1][1]
        room = max(1, self.anchor - 1 - created)
        scale = min(1.0, room / max(1, happened))

        def at(offset: int) -> int:
            return created + int(offset * scale)

        ends: list[int] = []
        out_stages: list[Doc] = []
        error: str | None = None
        for i, (stage, total) in enumerate(zip(stages, items, strict=True)):
            begin, end = spans[i]
            if i < k:
                out_stages.append(_stage(stage, "completed", at(begin), at(end), total, total, 0, None))
                ends.append(at(end))
            elif i == k:
                done = int(total * fraction)
                if status == "in_progress":
                    out_stages.append(_stage(stage, "in_progress", at(begin), None, total, done, 0, None))
                else:
                    error = f"Stage {stage} failed: {_FAILURES.get(stage, 'unexpected worker error')}"
                    failed = max(1, total - done) if status == "failed" else 0
                    ends.append(at(failed_end))
                    out_stages.append(
                        _stage(
                            stage, status, at(begin), ends[-1], total, done, failed, error if failed else None
                        )
                    )
            else:  # a stopped run (failed, cancelled) never reaches its later stages
                later = "pending" if status == "in_progress" else "cancelled"
                out_stages.append(_stage(stage, later, None, None, total, 0, 0, None))
        overall = 100.0 if status == "completed" else round(min(99.9, (k + fraction) / max(1, n) * 100), 1)
        completed = ends[-1] if status != "in_progress" and ends else None
        if status == "in_progress":  # the rest of the run, from now: an ETA ahead of the anchor
            remaining = int((spans[-1][1] - spans[k][0]) * (1 - fraction / max(1, n - k)))
            estimate = max(at(spans[-1][1]), self.anchor) + max(600, remaining)
        else:
            estimate = completed or at(spans[-1][1])
        return {
            "progress": {
                "overall_status": status,
                "overall_progress_percent": overall,
                "current_stage": None if status == "completed" else stages[k] if k < n else None,
                "stages": out_stages,
                "resources": _resources(nodes, status, overall, error),
                "started_at": iso(at(started)),
                "estimated_completion": iso(estimate),
            },
            "started_at": iso(at(started)),
            "completed_at": iso(completed) if completed else None,
            "error_message": error if status == "failed" else None,
        }

    def _blockers(self, nodes: list[Node], r: random.Random, at_least: int) -> list[Doc]:
        """Blocking pre-flight errors (``at_least`` of them, up to 2) about the graph's resources;
        a graph without a resource that can block gets a namespace-level one."""
        blockable = [nd for nd in nodes if nd.resource_type in _BLOCKERS]
        errors = []
        for nd in r.sample(blockable, min(len(blockable), r.randint(at_least, 2))):
            code, message = _BLOCKERS[nd.resource_type]
            errors.append(_finding(code, message.format(id=nd.resource_id), nd, "error"))
        if len(errors) < at_least:
            errors.append(_finding(*_QUOTA, None, "error"))
        return errors

    def _validation(
        self, status: str, doc: Doc, nodes: list[Node], errors: list[Doc], r: random.Random
    ) -> Doc:
        counts: dict[str, int] = {}
        for nd in nodes:
            counts[nd.resource_type] = counts.get(nd.resource_type, 0) + 1
        warnings: list[Doc] = []
        retrievers = [nd for nd in nodes if nd.resource_type == "retriever"]
        if retrievers and not doc["config"]["retriever_options"]["migrate_interactions"]:
            message = "Retriever interaction history will not be migrated"
            warnings.append(_finding("retriever_history_not_migrated", message, retrievers[0], "warning"))
        if status == "failed" and not errors:  # failed at execution: the warning that foresaw it
            progress = doc["progress"]
            code, message = _RISKS.get(
                progress["current_stage"] or "", ("migration_at_risk", "Migration at risk")
            )
            failed = next((x for x in progress["resources"] if x["status"] == "failed"), None)
            node = next((nd for nd in nodes if failed and nd.resource_id == failed["resource_id"]), None)
            warnings.append(_finding(code, message, node, "warning"))
        return {
            "valid": not errors,
            "errors": errors,
            "warnings": warnings,
            "estimated_resources": counts,
            "estimated_duration_seconds": 120 + 45 * len(nodes) + r.randint(0, 600),
        }


def _finding(code: str, message: str, node: Node | None, severity: str) -> Doc:
    return {
        "error_code": code,
        "message": message,
        "resource_id": node.resource_id if node else None,
        "resource_type": node.resource_type if node else None,
        "severity": severity,
    }


def _stage(
    stage: str,
    status: str,
    begin: int | None,
    end: int | None,
    total: int,
    done: int,
    failed: int,
    error: str | None,
) -> Doc:
    """A stage's progress; its percentage is what its items say (0 of 1 is 0 %, never more)."""
    percent = 100 * done / total if total else (100 if status == "completed" else 0)
    return {
        "stage": stage,
        "status": status,
        "started_at": iso(begin) if begin is not None else None,
        "completed_at": iso(end) if end is not None else None,
        "progress_percent": round(percent, 1),
        "items_total": total,
        "items_completed": done,
        "items_failed": failed,
        "error_message": error,
    }


def _res(node: Node, status: str, percent: float, error: str | None) -> Doc:
    return {
        "resource_id": node.resource_id,
        "resource_type": node.resource_type,
        "status": status,
        "progress_percent": percent,
        "error_message": error,
    }


def _resources(nodes: list[Node], status: str, overall: float, error: str | None) -> list[Doc]:
    if status == "completed":
        return [_res(nd, "completed", 100, None) for nd in nodes]
    at = min(len(nodes) - 1, int(len(nodes) * overall / 100)) if nodes else 0
    out = []
    for i, nd in enumerate(nodes):
        if i < at:
            out.append(_res(nd, "completed", 100, None))
        elif i == at:
            out.append(_res(nd, status, 50, error if status == "failed" else None))
        else:  # a stopped run (failed, cancelled) never reaches them, as its later stages
            out.append(_res(nd, "pending" if status == "in_progress" else "cancelled", 0, None))
    return out
