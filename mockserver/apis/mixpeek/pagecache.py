"""Rendered collections pages, reused while nothing they were made from changed.

A page depends on the request (namespace, body, query), on the documents in the store and, through
a clone's readiness, on the clock. The cache is emptied whenever the store's write version moves
(any write, in this process or another); readiness is part of the key, so a clone turning ready
on the mock's clock is a different page rather than a stale one.
"""

from __future__ import annotations

from collections.abc import Hashable

import orjson

CAPACITY = 256


def request_key(*parts: object) -> Hashable | None:
    """A hashable key for JSON-able request parts; ``None`` when one cannot be written (not cached)."""
    try:
        return orjson.dumps(parts, option=orjson.OPT_SORT_KEYS)
    except TypeError:
        return None


class PageCache:
    def __init__(self, capacity: int = CAPACITY) -> None:
        self._capacity = capacity
        self._version: Hashable = None
        self._pages: dict[Hashable, bytes] = {}

    def get(self, version: Hashable, key: Hashable) -> bytes | None:
        if version != self._version:
            self._pages.clear()
            self._version = version
            return None
        return self._pages.get(key)

    def put(self, key: Hashable, page: bytes) -> None:
        if len(self._pages) >= self._capacity:
            del self._pages[next(iter(self._pages))]  # the oldest: lists are asked for in bursts
        self._pages[key] = page
