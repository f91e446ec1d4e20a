"""Where a world keeps what can change: documents by kind and key, unique names, counters.

The interface is deliberately small and knows nothing of HTTP or of any API:

* ``get``/``put``/``delete`` a JSON-able document by ``(kind, key)``; ``put`` may file the document
  under one secondary ``index`` value (e.g. a collection under its namespace id) and
  ``list(kind, index=...)`` returns documents in insertion order.
* ``reserve_name(scope, name, key)`` claims a unique name; it is atomic (``False`` when taken).
* ``next_sequence(name)`` hands out 1, 2, 3 … atomically (deterministic ids per sequence number);
  ``current_sequence(name)`` is the last one handed out (0 before the first).
* ``transaction()`` groups writes: all or nothing, and (SQLite) durable when the block exits.
* ``export``/``import_``/``reset`` move the whole contents; ``generation()`` changes whenever
  ``import_``/``reset`` replaced the contents, so a process can tell its caches are stale;
  ``write_version()`` changes whenever any document was written (by this or another process), so a
  cache of rendered responses can tell too.

:class:`~mockserver.store.memory.MemoryStore` is the default;
:class:`~mockserver.store.sqlite.SqliteStore` implements the same interface over a file shared by
several processes, :class:`~mockserver.store.postgres.PostgresStore` over a PostgreSQL database
shared by several machines. :func:`mockserver.store.open_store` picks one.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import AbstractContextManager
from typing import Any, Protocol

Doc = dict[str, Any]


class StoreUnavailable(Exception):
    """The store's server cannot be reached (a database store); ``str()`` says which and why.

    Raised by any store call; the app answers 503 and the store reconnects on its own."""


class Store(Protocol):
    def get(self, kind: str, key: str) -> Doc | None: ...

    def put(self, kind: str, key: str, doc: Doc, *, index: str | None = None) -> None: ...

    def delete(self, kind: str, key: str) -> None: ...

    def list(self, kind: str, *, index: str | None = None) -> list[Doc]: ...

    def count(self, kind: str, *, index: str | None = None) -> int: ...

    def reserve_name(self, scope: str, name: str, key: str) -> bool: ...

    def name_owner(self, scope: str, name: str) -> str | None: ...

    def next_sequence(self, name: str) -> int: ...

    def current_sequence(self, name: str) -> int: ...

    def get_meta(self, key: str) -> Any: ...

    def set_meta(self, key: str, value: Any) -> None: ...

    def transaction(self) -> AbstractContextManager[None]: ...

    def generation(self) -> int: ...

    def write_version(self) -> tuple[int, int]: ...

    def export(self) -> dict[str, Any]: ...

    def import_(self, data: Mapping[str, Any]) -> None: ...

    def reset(self) -> None: ...

    def close(self) -> None: ...


def check_export(data: Mapping[str, Any]) -> None:
    """Raise ``ValueError`` unless ``data`` has the shape :meth:`Store.export` produces."""
    if not isinstance(data, Mapping):
        raise ValueError("store state must be an object")
    docs = data.get("docs", {})
    if not isinstance(docs, Mapping):
        raise ValueError("store state 'docs' must be an object of kind -> list of [key, index, doc]")
    for kind, rows in docs.items():
        if not isinstance(rows, list):
            raise ValueError(f"store state 'docs.{kind}' must be a list")
        for i, row in enumerate(rows):
            if not (
                isinstance(row, list | tuple)
                and len(row) == 3
                and isinstance(row[0], str)
                and (row[1] is None or isinstance(row[1], str))
                and isinstance(row[2], dict)
            ):
                raise ValueError(f"store state 'docs.{kind}[{i}]' must be [key, index or null, object]")
    names = data.get("names", {})
    if not isinstance(names, Mapping) or not all(
        isinstance(v, Mapping) and all(isinstance(k, str) for k in v.values()) for v in names.values()
    ):
        raise ValueError("store state 'names' must be an object of scope -> {name: key}")
    sequences = data.get("sequences", {})
    if not isinstance(sequences, Mapping) or not all(
        isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in sequences.values()
    ):
        raise ValueError("store state 'sequences' must be an object of name -> non-negative integer")
    if not isinstance(data.get("meta", {}), Mapping):
        raise ValueError("store state 'meta' must be an object")
