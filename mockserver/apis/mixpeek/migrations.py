"""The Mixpeek migrations as compact columns with precomputed filter indexes.

A million migrations are not a million dicts. Each row is three small integer codes (status,
migration type, source namespace) in ``array`` columns; rows are numbered newest first, and the
creation time of a seeded row is a closed-form function of (seed, row). For every subset of the
three filters, :class:`FilterIndex` keeps an ``array('i')`` of the matching rows in order, so a
filtered page is a slice and ``total`` is a ``len`` — no scan per request (7 int32 entries per
row: 28 MB for a million). A row's full document is rendered lazily, only for the page returned,
and cached (LRU).

:class:`SeededMigrations` is what a seed generates; :class:`ExplicitMigrations` holds documents
that came in through ``import_state`` and serves them with the same index.
"""

from __future__ import annotations

import bisect
import random
from collections.abc import Callable
from typing import Any

from mockserver.apis.common.rowindex import FilterIndex, IndexedRows, newest_first, weighted_column
from mockserver.apis.common.worldkit import mix64, stable_int
from mockserver.apis.mixpeek.render import MigrationRenderer, Vocab
from mockserver.apis.mixpeek.world import Catalog

Doc = dict[str, Any]
_STATUS_WEIGHTS = {
    "completed": 34,
    "in_progress": 14,
    "failed": 12,
    "draft": 10,
    "pending": 10,
    "validating": 9,
    "cancelled": 8,
}
_TYPE_WEIGHTS = {"re_extract": 50, "copy": 35, "extend": 15}


class SeededMigrations(IndexedRows):
    def __init__(
        self,
        seed: int,
        size: int,
        anchor: int,
        catalog: Catalog,
        vocab: Vocab,
        finish: Callable[[Doc], Doc],
    ) -> None:
        super().__init__()
        self.seed = seed
        self.anchor = anchor
        self.values = [
            list(vocab.statuses),
            list(vocab.types),
            [ns["namespace_id"] for ns in catalog.namespaces],
        ]
        self.statuses, self.types, self.sources = self.values
        self._finish = finish
        self._renderer = MigrationRenderer(seed, anchor, catalog, vocab)
        r = random.Random(stable_int(seed, "migration-columns"))
        status = weighted_column(r, size, [_STATUS_WEIGHTS.get(s, 5) for s in self.statuses], seed, 1)
        mtype = weighted_column(r, size, [_TYPE_WEIGHTS.get(t, 10) for t in self.types], seed, 2)
        source = weighted_column(
            r, size, [3 if "prod" in ns["namespace_name"] else 2 for ns in catalog.namespaces], seed, 3
        )
        self._status, self._type, self._source = status, mtype, source
        self.index = FilterIndex((status, mtype, source), size)
        # Rows are newest first: row r was created ``gap`` seconds after row r+1, give or take.
        span = max(120 * 86_400, size * 60)
        self._gap = max(2, span // max(1, size))
        self._salt = stable_int(seed, "jitter")

    def created(self, row: int) -> int:
        return self.anchor - (row + 1) * self._gap + mix64(self._salt, row) % (self._gap // 2)

    def _render(self, row: int) -> Doc:
        code = self._status[row]
        ordinal = bisect.bisect_left(self.index.rows((code, -1, -1)), row)
        doc = self._renderer.render(
            row,
            self.statuses[code],
            self.types[self._type[row]],
            self.sources[self._source[row]],
            self.created(row),
            ordinal,
        )
        return self._finish(doc)


class ExplicitMigrations(IndexedRows):
    """Imported documents, served newest first (``created_at`` desc, then ``migration_id``)."""

    def __init__(self, docs: list[Doc]) -> None:
        super().__init__()
        self._docs = newest_first(docs, "created_at", "migration_id")
        self.statuses = sorted({str(d["status"]) for d in self._docs})
        self.types = sorted({str(d["config"]["migration_type"]) for d in self._docs})
        self.sources = sorted({str(d["config"]["source_namespace_id"]) for d in self._docs})
        self.values = [self.statuses, self.types, self.sources]
        codes = [{v: i for i, v in enumerate(values)} for values in self.values]
        columns = (
            [codes[0][str(d["status"])] for d in self._docs],
            [codes[1][str(d["config"]["migration_type"])] for d in self._docs],
            [codes[2][str(d["config"]["source_namespace_id"])] for d in self._docs],
        )
        self.index = FilterIndex(columns, len(self._docs))

    def _render(self, row: int) -> Doc:
        return self._docs[row]
