"""Rendered list pages, reused while nothing they were made from changed.

A collections page depends on the request (``X-Namespace``, body, query), on the documents in the
store and, through a clone's readiness and expiry, on the clock. Its cache is emptied whenever the
store's write version moves (any write, in this process or another), and each page is kept only
for the span of the mock's clock in which it stays true (until a clone turns ready or expires).

A migrations page (Mixpeek's, the hosting API's) depends on the request's filters and paging and
on the migrations themselves, which change only when the store's contents are replaced (its
generation: reset, import).

Serving the same ``bytes`` object again is also what keeps a busy list cheap beyond its own
rendering: nothing is joined, the journal's kept response bodies are references to one page, and
the memory a page occupies stays warm instead of a new 100 KB buffer per request.
"""

from __future__ import annotations

import math
import threading
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
    """Pages by request key for one version of what they were made from, each true from ``since``
    until ``until`` on the mock's clock; at most ``capacity`` pages and ``max_bytes`` bytes (the
    oldest go first: lists are asked for in bursts). Safe across threads (handlers run on worker
    threads with a file or database store): a page is kept only under the version it was made
    from, so one rendered before a write is never kept after it."""

    def __init__(self, capacity: int = CAPACITY, max_bytes: int = MAX_BYTES) -> None:
        self._capacity = capacity
        self._max_bytes = max_bytes
        self._bytes = 0
        self._version: Hashable = None
        self._pages: dict[Hashable, tuple[bytes, float, float]] = {}
        self._lock = threading.Lock()

    def get(self, version: Hashable, key: Hashable, now: float = 0.0) -> bytes | None:
        with self._lock:
            if version != self._version:
                self._pages.clear()
                self._bytes = 0
                self._version = version
                return None
            kept = self._pages.get(key)
        if kept is None:
            return None
        page, since, until = kept
        return page if since <= now < until else None

    def put(
        self, version: Hashable, key: Hashable, page: bytes, since: float = 0.0, until: float = math.inf
    ) -> None:
        """Keep ``page``, made from ``version`` of its sources; dropped when the cache has moved on
        to another version meanwhile (a write landed while the page was being rendered)."""
        if len(page) > self._max_bytes:
            return
        with self._lock:
            if version != self._version:
                return
            old = self._pages.pop(key, None)
            if old is not None:
                self._bytes -= len(old[0])
            while self._pages and (
                len(self._pages) >= self._capacity or self._bytes + len(page) > self._max_bytes
            ):
                self._bytes -= len(self._pages.pop(next(iter(self._pages)))[0])
            self._pages[key] = (page, since, until)
            self._bytes += len(page)
