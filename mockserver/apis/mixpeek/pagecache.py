"""Rendered list pages, reused while nothing they were made from changed.

A collections page depends on the request (namespace, body, query), on the documents in the store
and, through a clone's readiness, on the clock. Its cache is emptied whenever the store's write
version moves (any write, in this process or another); readiness is part of the key, so a clone
turning ready on the mock's clock is a different page rather than a stale one.

A migrations page depends on the request's filters and paging and on the migrations themselves,
which change only when the store's contents are replaced (its generation: reset, import).

Serving the same ``bytes`` object again is also what keeps a busy list cheap beyond its own
rendering: nothing is joined, the journal's kept response bodies are references to one page, and
the memory a page occupies stays warm instead of a new 100 KB buffer per request.
"""

from __future__ import annotations

from collections.abc import Hashable

import orjson

CAPACITY = 256
MAX_BYTES = 32 * 1024 * 1024  # a page of 1,000 migrations is ~6 MB: a few of those, many small ones


def request_key(*parts: object) -> Hashable | None:
    """A hashable key for JSON-able request parts; ``None`` when one cannot be written (not cached)."""
    try:
        return orjson.dumps(parts, option=orjson.OPT_SORT_KEYS)
    except TypeError:
        return None


class PageCache:
    """Pages by request key for one version of what they were made from, at most ``capacity``
    pages and ``max_bytes`` bytes (the oldest go first: lists are asked for in bursts)."""

    def __init__(self, capacity: int = CAPACITY, max_bytes: int = MAX_BYTES) -> None:
        self._capacity = capacity
        self._max_bytes = max_bytes
        self._bytes = 0
        self._version: Hashable = None
        self._pages: dict[Hashable, bytes] = {}

    def get(self, version: Hashable, key: Hashable) -> bytes | None:
        if version != self._version:
            self._pages.clear()
            self._bytes = 0
            self._version = version
            return None
        return self._pages.get(key)

    def put(self, key: Hashable, page: bytes) -> None:
        if len(page) > self._max_bytes or key in self._pages:
            return
        while self._pages and (
            len(self._pages) >= self._capacity or self._bytes + len(page) > self._max_bytes
        ):
            self._bytes -= len(self._pages.pop(next(iter(self._pages))))
        self._pages[key] = page
        self._bytes += len(page)
