"""Rows as compact integer columns, with a precomputed index for every combination of filters.

A row is a handful of small integer codes (one per filterable column) in ``array`` columns,
numbered in the order a list serves them (newest first). For every non-empty subset of the
columns, :class:`FilterIndex` keeps an ``array('i')`` of the rows matching each combination of
codes, in row order; a filtered page is then a slice and its ``total`` a ``len`` — no scan per
request. With three columns that is 7 int32 entries per row (28 MB for a million rows).
:class:`IndexedRows` adds value-to-code lookup and renders a row's document lazily (LRU-cached),
so only the page returned is ever built.
"""

from __future__ import annotations

import random
from array import array
from collections import OrderedDict
from collections.abc import Callable, Sequence
from itertools import combinations
from typing import Any

import orjson

from mockserver.apis.common.worldkit import stable_int

Doc = dict[str, Any]
ANY = -1


class FilterIndex:
    """Rows (ascending) for every combination of column codes, ``ANY`` (-1) = any value."""

    def __init__(self, columns: Sequence[Sequence[int]], size: int) -> None:
        self.size = size
        self._groups: dict[tuple[int, ...], array[int]] = {}
        width = len(columns)
        subsets = [s for k in range(1, width + 1) for s in combinations(range(width), k)]
        targets: dict[tuple[int, ...], list[Callable[[int], None]]] = {}
        for row in range(size):
            codes = tuple(col[row] for col in columns)
            appends = targets.get(codes)
            if appends is None:
                appends = []
                for subset in subsets:
                    key = tuple(codes[i] if i in subset else ANY for i in range(width))
                    appends.append(self._groups.setdefault(key, array("i")).append)
                targets[codes] = appends
            for append in appends:
                append(row)

    def rows(self, key: tuple[int, ...]) -> Sequence[int]:
        if all(k == ANY for k in key):
            return range(self.size)
        return self._groups.get(key, array("i"))


class IndexedRows:
    """Filterable rows: ``values[i]`` maps column ``i``'s codes to the values clients send."""

    values: list[list[str]]
    index: FilterIndex

    def __init__(self, cache_size: int = 4096) -> None:
        self._cache: OrderedDict[int, bytes] = OrderedDict()
        self._cache_size = cache_size

    def __len__(self) -> int:
        return self.index.size

    def codes(self, *wanted: str | None) -> tuple[int, ...] | None:
        """The index key for the wanted values (``None`` = any); ``None`` if a value is unknown."""
        key = []
        for value, values in zip(wanted, self.values, strict=True):
            if value is None:
                key.append(ANY)
            elif value in values:
                key.append(values.index(value))
            else:
                return None
        return tuple(key)

    def query(self, *wanted: str | None) -> Sequence[int]:
        key = self.codes(*wanted)
        return () if key is None else self.index.rows(key)

    def doc(self, row: int) -> Doc:
        """Row ``row``'s document, a fresh object each call (callers may change it freely)."""
        doc: Doc = orjson.loads(self.doc_json(row))
        return doc

    def doc_json(self, row: int) -> bytes:
        """Row ``row``'s document as JSON bytes, rendered once and kept in an LRU cache."""
        cached = self._cache.get(row)
        if cached is None:
            cached = orjson.dumps(self._render(row))
            self._cache[row] = cached
            if len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        else:
            self._cache.move_to_end(row)
        return cached

    def page_json(self, list_name: str, rows: Sequence[int], tail: bytes) -> bytes:
        """``{"<list_name>":[<rows' documents>]<tail>`` joined from the cached bytes of the rows
        (parsing and serialising a page per request was half the time of a 20-item list);
        ``tail`` carries the rest of the object, from the comma after the list to the last brace."""
        parts = [b"{" + orjson.dumps(list_name) + b":["]
        for row in rows:
            parts += (self.doc_json(row), b",")
        if len(parts) > 1:
            parts.pop()  # the last comma
        parts += (b"]", tail)
        return b"".join(parts)  # one copy of the page, not one per nesting level

    def _render(self, row: int) -> Doc:
        raise NotImplementedError


def weighted_column(r: random.Random, size: int, weights: list[int], seed: int, salt: object) -> array[int]:
    """``size`` weighted codes; every code appears at least once when ``size`` allows."""
    codes = array("h", r.choices(range(len(weights)), weights=weights, k=size)) if weights else array("h")
    if weights and size >= len(weights):
        stride = size // len(weights)
        offset = stable_int(seed, "coverage", salt) % max(1, stride)
        for code in range(len(weights)):
            codes[code * stride + offset] = code
    return codes


def newest_first(docs: list[Doc], created: str, key: str) -> list[Doc]:
    """``docs`` by ``created`` descending, ties by ``key`` ascending (imported lists)."""
    by_key = sorted(docs, key=lambda d: str(d.get(key)))
    return sorted(by_key, key=lambda d: str(d.get(created) or ""), reverse=True)
