"""The mock's clock: wall time plus an offset that the control plane advances.

In memory the offset is a float on the clock. With a state file the offset lives in a one-row
SQLite table of that file, so every worker process serving the same state sees the same time;
``advance`` is an atomic ``UPDATE ... SET offset = offset + ?`` in an immediate transaction, so two
workers advancing at once both count. With a state URL the same one-row table lives in PostgreSQL
(``specmock_clock``), shared by every replica on every machine.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from typing import Protocol

from mockserver.store.base import StoreUnavailable
from mockserver.store.sqlite import connect, unavailable_when_busy

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS mock_clock ("
    " id INTEGER PRIMARY KEY CHECK (id = 0), offset_seconds REAL NOT NULL)"
)


class Offset(Protocol):
    """Where the offset is kept: ``read()`` it, ``add(seconds)`` atomically and get the new value."""

    def read(self) -> float: ...

    def add(self, seconds: float) -> float: ...

    def close(self) -> None: ...


class MemoryOffset:
    def __init__(self) -> None:
        self._value = 0.0
        self._lock = threading.Lock()

    def read(self) -> float:
        return self._value

    def add(self, seconds: float) -> float:
        with self._lock:
            self._value += seconds
            return self._value

    def close(self) -> None:
        pass


class SqliteOffset:
    def __init__(self, path: str) -> None:
        self._lock = threading.Lock()
        self._path = path
        self._db: sqlite3.Connection | None = _connect(path)

    def read(self) -> float:
        assert self._db is not None
        with self._lock, unavailable_when_busy(self._path):
            row = self._db.execute("SELECT offset_seconds FROM mock_clock WHERE id = 0").fetchone()
        return float(row[0]) if row else 0.0

    def add(self, seconds: float) -> float:
        assert self._db is not None
        with self._lock, unavailable_when_busy(self._path), self._db:
            self._db.execute(
                "UPDATE mock_clock SET offset_seconds = offset_seconds + ? WHERE id = 0", (seconds,)
            )
            row = self._db.execute("SELECT offset_seconds FROM mock_clock WHERE id = 0").fetchone()
        return float(row[0])

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None


class MockClock:
    """``now()`` is ``time.time() + offset()``; ``advance(s)`` moves it and returns the new offset."""

    def __init__(self, state_file: str | None = None, *, offset: Offset | None = None) -> None:
        self._offset: Offset = offset or (SqliteOffset(state_file) if state_file else MemoryOffset())

    def now(self) -> float:
        return time.time() + self.offset()

    def offset(self) -> float:
        return self._offset.read()

    def advance(self, seconds: float) -> float:
        """Move the offset by ``seconds`` (negative moves it back: ``advance(-offset())`` resets)."""
        return self._offset.add(seconds)

    def close(self) -> None:
        self._offset.close()


def _connect(path: str) -> sqlite3.Connection:
    db = connect(path)
    with unavailable_when_busy(path):
        db.execute(_SCHEMA)
        db.execute("INSERT OR IGNORE INTO mock_clock (id, offset_seconds) VALUES (0, 0.0)")
    # Python's sqlite3 in autocommit mode: ``with db`` needs a transaction to commit, so use
    # explicit BEGIN through the default isolation level for advance().
    db.isolation_level = "IMMEDIATE"
    return db


def make_clock(state_file: str | None, state_url: str | None = None) -> MockClock:
    """A clock shared through PostgreSQL (``state_url``) or SQLite (``state_file``) when given, else
    one in this process."""
    if state_url is not None:
        try:
            from mockserver.store.shared import PostgresOffset
        except ModuleNotFoundError as exc:
            raise StoreUnavailable(
                f"--state-url needs {exc.name}: pip install 'specmock[postgres]'"
            ) from None

        return MockClock(offset=PostgresOffset(state_url))
    return MockClock(state_file)
