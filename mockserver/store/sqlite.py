"""The :class:`~mockserver.store.memory.Store` interface over one SQLite file, shared by processes.

Durability: WAL journal with ``synchronous=FULL``, so a write is on disk when the call (or the
enclosing ``transaction()``) returns — it survives a restart and ``kill -9``. Concurrency: every
write transaction starts with ``BEGIN IMMEDIATE`` (one writer at a time, others wait up to the busy
timeout), unique names are a ``PRIMARY KEY`` (a second claim fails inside SQLite, there is no
check-then-insert race), and sequences are ``UPDATE … RETURNING``. Several stores (one per API,
each with its own ``scope``) and the clock share one file.

Waiting is bounded: a lock another process holds is waited for :data:`BUSY_TIMEOUT` seconds, then
the call raises :class:`~mockserver.store.base.StoreUnavailable` (the app answers 503 with the
reason). A path that cannot hold a database (a directory, a missing directory, a file that is not
SQLite) raises it at start-up, which the server prints as one line before exiting with 2.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from typing import Any

import orjson

from mockserver.store.base import Doc, StoreUnavailable, check_export

BUSY_TIMEOUT = 10.0  # seconds a call waits for a lock another process holds, then 503

_SCHEMA = """
CREATE TABLE IF NOT EXISTS docs (
  scope TEXT NOT NULL, kind TEXT NOT NULL, key TEXT NOT NULL, idx TEXT, ord INTEGER NOT NULL,
  doc BLOB NOT NULL, PRIMARY KEY (scope, kind, key));
CREATE INDEX IF NOT EXISTS docs_by_index ON docs (scope, kind, idx, ord);
CREATE INDEX IF NOT EXISTS docs_by_order ON docs (scope, kind, ord);
CREATE TABLE IF NOT EXISTS names (
  scope TEXT NOT NULL, space TEXT NOT NULL, name TEXT NOT NULL, key TEXT NOT NULL,
  PRIMARY KEY (scope, space, name));
CREATE TABLE IF NOT EXISTS sequences (
  scope TEXT NOT NULL, name TEXT NOT NULL, value INTEGER NOT NULL, PRIMARY KEY (scope, name));
CREATE TABLE IF NOT EXISTS meta (
  scope TEXT NOT NULL, key TEXT NOT NULL, value BLOB NOT NULL, PRIMARY KEY (scope, key));
CREATE TABLE IF NOT EXISTS generations (scope TEXT PRIMARY KEY, value INTEGER NOT NULL);
"""


class SqliteStore:
    """A store of one ``scope`` in the SQLite file at ``path`` (created when missing)."""

    def __init__(self, path: str, scope: str, *, busy_timeout: float = BUSY_TIMEOUT) -> None:
        self.path = path
        self.scope = scope
        self._lock = threading.RLock()
        self._depth = 0
        self._db = connect(path, busy_timeout)
        with self.transaction():
            for statement in filter(str.strip, _SCHEMA.split(";")):
                self._db.execute(statement)

    # -- documents -------------------------------------------------------------------------
    def get(self, kind: str, key: str) -> Doc | None:
        row = self._one("SELECT doc FROM docs WHERE scope=? AND kind=? AND key=?", (self.scope, kind, key))
        return _loads(row[0]) if row else None

    def put(self, kind: str, key: str, doc: Doc, *, index: str | None = None) -> None:
        with self.transaction():
            self._db.execute(
                "INSERT INTO docs (scope, kind, key, idx, ord, doc) VALUES (?, ?, ?, ?,"
                " (SELECT COALESCE(MAX(ord), 0) + 1 FROM docs WHERE scope=? AND kind=?), ?)"
                " ON CONFLICT (scope, kind, key) DO UPDATE SET idx=excluded.idx, doc=excluded.doc",
                (self.scope, kind, key, index, self.scope, kind, orjson.dumps(doc)),
            )

    def delete(self, kind: str, key: str) -> None:
        with self.transaction():
            self._db.execute("DELETE FROM docs WHERE scope=? AND kind=? AND key=?", (self.scope, kind, key))

    def list(self, kind: str, *, index: str | None = None) -> list[Doc]:
        args: tuple[str, ...] = (self.scope, kind)
        if index is None:
            sql = "SELECT doc FROM docs WHERE scope=? AND kind=? ORDER BY ord"
        else:
            sql = "SELECT doc FROM docs WHERE scope=? AND kind=? AND idx=? ORDER BY ord"
            args = (self.scope, kind, index)
        with self._lock, unavailable_when_busy(self.path):
            rows = self._db.execute(sql, args).fetchall()
        return [_loads(doc) for (doc,) in rows]

    def count(self, kind: str, *, index: str | None = None) -> int:
        if index is None:
            row = self._one("SELECT COUNT(*) FROM docs WHERE scope=? AND kind=?", (self.scope, kind))
        else:
            row = self._one(
                "SELECT COUNT(*) FROM docs WHERE scope=? AND kind=? AND idx=?", (self.scope, kind, index)
            )
        return int(row[0]) if row else 0

    # -- names, sequences, meta ------------------------------------------------------------
    def reserve_name(self, scope: str, name: str, key: str) -> bool:
        with self.transaction():
            try:
                self._db.execute(
                    "INSERT INTO names (scope, space, name, key) VALUES (?, ?, ?, ?)",
                    (self.scope, scope, name, key),
                )
            except sqlite3.IntegrityError:
                return False
        return True

    def name_owner(self, scope: str, name: str) -> str | None:
        row = self._one(
            "SELECT key FROM names WHERE scope=? AND space=? AND name=?", (self.scope, scope, name)
        )
        return str(row[0]) if row else None

    def next_sequence(self, name: str) -> int:
        with self.transaction():
            row = self._db.execute(
                "INSERT INTO sequences (scope, name, value) VALUES (?, ?, 1)"
                " ON CONFLICT (scope, name) DO UPDATE SET value = value + 1 RETURNING value",
                (self.scope, name),
            ).fetchone()
        return int(row[0])

    def current_sequence(self, name: str) -> int:
        row = self._one("SELECT value FROM sequences WHERE scope=? AND name=?", (self.scope, name))
        return int(row[0]) if row else 0

    def get_meta(self, key: str) -> Any:
        row = self._one("SELECT value FROM meta WHERE scope=? AND key=?", (self.scope, key))
        return _loads(row[0]) if row else None

    def set_meta(self, key: str, value: Any) -> None:
        with self.transaction():
            self._db.execute(
                "INSERT INTO meta (scope, key, value) VALUES (?, ?, ?)"
                " ON CONFLICT (scope, key) DO UPDATE SET value=excluded.value",
                (self.scope, key, orjson.dumps(value)),
            )

    def generation(self) -> int:
        row = self._one("SELECT value FROM generations WHERE scope=?", (self.scope,))
        return int(row[0]) if row else 0

    def write_version(self) -> tuple[int, int]:
        """SQLite's ``data_version`` moves when another connection commits; ``total_changes`` counts
        this connection's own writes."""
        with self._lock:
            other = int(self._db.execute("PRAGMA data_version").fetchone()[0])
            return other, self._db.total_changes

    # -- transactions ----------------------------------------------------------------------
    @contextmanager
    def _transaction(self) -> Iterator[None]:
        with self._lock, unavailable_when_busy(self.path):
            outermost = self._depth == 0
            if outermost:
                self._db.execute("BEGIN IMMEDIATE")
            self._depth += 1
            try:
                yield
            except BaseException:
                self._depth -= 1
                if outermost:
                    self._db.execute("ROLLBACK")
                raise
            self._depth -= 1
            if outermost:
                self._db.execute("COMMIT")

    def transaction(self) -> AbstractContextManager[None]:
        return self._transaction()

    # -- whole contents --------------------------------------------------------------------
    def export(self) -> dict[str, Any]:
        with self.transaction():
            docs: dict[str, list[Any]] = {}
            for kind, key, idx, doc in self._db.execute(
                "SELECT kind, key, idx, doc FROM docs WHERE scope=? ORDER BY kind, ord", (self.scope,)
            ):
                docs.setdefault(kind, []).append([key, idx, _loads(doc)])
            names: dict[str, dict[str, str]] = {}
            for space, name, key in self._db.execute(
                "SELECT space, name, key FROM names WHERE scope=? ORDER BY space, rowid", (self.scope,)
            ):
                names.setdefault(space, {})[name] = key
            sequences = dict(
                self._db.execute(
                    "SELECT name, value FROM sequences WHERE scope=? ORDER BY name", (self.scope,)
                )
            )
            meta = {
                key: _loads(value)
                for key, value in self._db.execute(
                    "SELECT key, value FROM meta WHERE scope=? ORDER BY key", (self.scope,)
                )
            }
        return {"docs": docs, "names": names, "sequences": sequences, "meta": meta}

    def import_(self, data: Mapping[str, Any]) -> None:
        check_export(data)
        with self.transaction():
            self._clear()
            for kind, rows in data.get("docs", {}).items():
                self._db.executemany(
                    "INSERT INTO docs (scope, kind, key, idx, ord, doc) VALUES (?, ?, ?, ?, ?, ?)",
                    [
                        (self.scope, kind, key, idx, i + 1, orjson.dumps(doc))
                        for i, (key, idx, doc) in enumerate(rows)
                    ],
                )
            for space, names in data.get("names", {}).items():
                self._db.executemany(
                    "INSERT INTO names (scope, space, name, key) VALUES (?, ?, ?, ?)",
                    [(self.scope, space, name, key) for name, key in names.items()],
                )
            self._db.executemany(
                "INSERT INTO sequences (scope, name, value) VALUES (?, ?, ?)",
                [(self.scope, name, value) for name, value in data.get("sequences", {}).items()],
            )
            self._db.executemany(
                "INSERT INTO meta (scope, key, value) VALUES (?, ?, ?)",
                [(self.scope, key, orjson.dumps(value)) for key, value in data.get("meta", {}).items()],
            )
            self._db.execute(
                "INSERT INTO generations (scope, value) VALUES (?, 1)"
                " ON CONFLICT (scope) DO UPDATE SET value = value + 1",
                (self.scope,),
            )

    def reset(self) -> None:
        self.import_({})

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _clear(self) -> None:
        for table in ("docs", "names", "sequences", "meta"):
            self._db.execute(f"DELETE FROM {table} WHERE scope=?", (self.scope,))

    def _one(self, sql: str, args: tuple[Any, ...]) -> Any:
        with self._lock, unavailable_when_busy(self.path):
            return self._db.execute(sql, args).fetchone()


def _loads(raw: bytes | str) -> Any:
    return orjson.loads(raw)


def connect(path: str, busy_timeout: float = BUSY_TIMEOUT) -> sqlite3.Connection:
    """An autocommit connection to the SQLite file at ``path`` in WAL mode, durable writes, a
    bounded wait for locks; :class:`StoreUnavailable` (one line) when the path cannot hold one."""
    where = os.path.dirname(os.path.abspath(path))
    if os.path.isdir(path):
        raise StoreUnavailable(f"state file {path}: is a directory; name a file in it")
    if not os.path.isdir(where):
        raise StoreUnavailable(f"state file {path}: directory {where} does not exist")
    with unavailable_when_busy(path):
        db = sqlite3.connect(path, timeout=busy_timeout, isolation_level=None, check_same_thread=False)
        try:
            db.execute(f"PRAGMA busy_timeout={int(busy_timeout * 1000)}")
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=FULL")
        except BaseException:
            db.close()
            raise
    return db


@contextmanager
def unavailable_when_busy(path: str) -> Iterator[None]:
    """SQLite's errors about the file itself (locked past the wait, unreadable, not a database) as
    :class:`StoreUnavailable` naming the file; errors in our own SQL stay what they are."""
    try:
        yield
    except (sqlite3.OperationalError, sqlite3.DatabaseError) as exc:
        if type(exc) not in (sqlite3.OperationalError, sqlite3.DatabaseError):
            raise  # IntegrityError, ProgrammingError...: a bug or a handled conflict, not the file
        reason = str(exc)
        if "locked" in reason or "busy" in reason:
            reason = f"another process holds its lock (waited {BUSY_TIMEOUT:g} s)"
        raise StoreUnavailable(f"state file {path}: {reason}") from None
