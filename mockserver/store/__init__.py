"""Stores: where a world keeps what can change (memory by default, SQLite with ``--state-file``)."""

from __future__ import annotations

from mockserver.store.base import Doc, Store, check_export
from mockserver.store.memory import MemoryStore


def open_store(state_file: str | None, scope: str) -> Store:
    """A :class:`MemoryStore`, or a SQLite store of ``scope`` in ``state_file`` when given."""
    if state_file is None:
        return MemoryStore()
    from mockserver.store.sqlite import SqliteStore  # sqlite3 imported only when asked for

    return SqliteStore(state_file, scope)


__all__ = ["Doc", "MemoryStore", "Store", "check_export", "open_store"]
