"""Stores: where a world keeps what can change (memory by default, SQLite with ``--state-file``,
PostgreSQL with ``--state-url``)."""

from __future__ import annotations

from mockserver.store.base import Doc, Store, StoreUnavailable, check_export
from mockserver.store.memory import MemoryStore


def open_store(state_file: str | None, scope: str, state_url: str | None = None) -> Store:
    """A :class:`MemoryStore`, or the store of ``scope`` in the PostgreSQL database at ``state_url``
    or in the SQLite file ``state_file`` when given."""
    if state_url is not None:
        from mockserver.store.postgres import PostgresStore  # psycopg imported only when asked for

        return PostgresStore(state_url, scope)
    if state_file is None:
        return MemoryStore()
    from mockserver.store.sqlite import SqliteStore  # sqlite3 imported only when asked for

    return SqliteStore(state_file, scope)


__all__ = ["Doc", "MemoryStore", "Store", "StoreUnavailable", "check_export", "open_store"]
