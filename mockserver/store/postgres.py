"""The :class:`~mockserver.store.base.Store` interface over PostgreSQL, shared by replicas on any machine.

Every write is one statement in autocommit, or part of the caller's ``transaction()``, and is
committed when the call (or the block) returns: an acknowledged write is in the database. Unique
names are a ``PRIMARY KEY`` claimed with ``INSERT … ON CONFLICT DO NOTHING`` (a second claim waits
for the first transaction and then finds the name taken, whichever replica made it); sequences
are ``INSERT … ON CONFLICT DO UPDATE … RETURNING`` on one row, so they roll back with their
transaction, as in memory and SQLite. Insertion order is an identity column. Documents and meta
are stored as ``json`` (text, key order kept) and read back with orjson.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from typing import Any

import orjson
import psycopg

from mockserver.store.base import Doc, check_export
from mockserver.store.database import Database, open_database, release_database

Conn = psycopg.Connection[Any]
_TABLES = ("specmock_docs", "specmock_names", "specmock_sequences", "specmock_meta")


def _json(value: Any) -> str:
    return orjson.dumps(value).decode()


class PostgresStore:
    """A store of one ``scope`` in the PostgreSQL database at ``url`` (schema made on first use)."""

    def __init__(self, url: str, scope: str) -> None:
        self.scope = scope
        self.db: Database = open_database(url)

    def _rows(self, sql: str, args: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        return self.db.run(lambda conn: conn.execute(sql, args).fetchall(), retry=True)

    def _one(self, sql: str, args: tuple[Any, ...]) -> Any:
        rows = self._rows(sql, args)
        return rows[0] if rows else None

    def _write(self, sql: str, args: tuple[Any, ...]) -> Any:
        """One write statement; its first row when it has ``RETURNING``."""

        def write(conn: Conn) -> Any:
            cursor = conn.execute(sql, args)  # in a pipeline, only a fetch waits for the server
            return cursor.fetchone() if " RETURNING " in sql else None

        return self.db.run(write)

    # -- documents -------------------------------------------------------------------------
    def get(self, kind: str, key: str) -> Doc | None:
        row = self._one(
            "SELECT doc FROM specmock_docs WHERE scope=%s AND kind=%s AND key=%s", (self.scope, kind, key)
        )
        return row[0] if row else None

    def put(self, kind: str, key: str, doc: Doc, *, index: str | None = None) -> None:
        self._write(
            "INSERT INTO specmock_docs (scope, kind, key, idx, doc) VALUES (%s, %s, %s, %s, %s)"
            " ON CONFLICT (scope, kind, key) DO UPDATE SET idx=excluded.idx, doc=excluded.doc",
            (self.scope, kind, key, index, _json(doc)),
        )

    def delete(self, kind: str, key: str) -> None:
        self._write(
            "DELETE FROM specmock_docs WHERE scope=%s AND kind=%s AND key=%s", (self.scope, kind, key)
        )

    def list(self, kind: str, *, index: str | None = None) -> list[Doc]:
        if index is None:
            rows = self._rows(
                "SELECT doc FROM specmock_docs WHERE scope=%s AND kind=%s ORDER BY ord", (self.scope, kind)
            )
        else:
            rows = self._rows(
                "SELECT doc FROM specmock_docs WHERE scope=%s AND kind=%s AND idx=%s ORDER BY ord",
                (self.scope, kind, index),
            )
        return [doc for (doc,) in rows]

    def count(self, kind: str, *, index: str | None = None) -> int:
        if index is None:
            row = self._one(
                "SELECT COUNT(*) FROM specmock_docs WHERE scope=%s AND kind=%s", (self.scope, kind)
            )
        else:
            row = self._one(
                "SELECT COUNT(*) FROM specmock_docs WHERE scope=%s AND kind=%s AND idx=%s",
                (self.scope, kind, index),
            )
        return int(row[0]) if row else 0

    # -- names, sequences, meta ------------------------------------------------------------
    def reserve_name(self, scope: str, name: str, key: str) -> bool:
        row = self._write(
            "INSERT INTO specmock_names (scope, space, name, key) VALUES (%s, %s, %s, %s)"
            " ON CONFLICT DO NOTHING RETURNING 1",
            (self.scope, scope, name, key),
        )
        return row is not None

    def name_owner(self, scope: str, name: str) -> str | None:
        row = self._one(
            "SELECT key FROM specmock_names WHERE scope=%s AND space=%s AND name=%s",
            (self.scope, scope, name),
        )
        return str(row[0]) if row else None

    def next_sequence(self, name: str) -> int:
        row = self._write(
            "INSERT INTO specmock_sequences AS s (scope, name, value) VALUES (%s, %s, 1)"
            " ON CONFLICT (scope, name) DO UPDATE SET value = s.value + 1 RETURNING value",
            (self.scope, name),
        )
        return int(row[0])

    def current_sequence(self, name: str) -> int:
        row = self._one("SELECT value FROM specmock_sequences WHERE scope=%s AND name=%s", (self.scope, name))
        return int(row[0]) if row else 0

    def get_meta(self, key: str) -> Any:
        row = self._one("SELECT value FROM specmock_meta WHERE scope=%s AND key=%s", (self.scope, key))
        return row[0] if row else None

    def set_meta(self, key: str, value: Any) -> None:
        self._write(
            "INSERT INTO specmock_meta (scope, key, value) VALUES (%s, %s, %s)"
            " ON CONFLICT (scope, key) DO UPDATE SET value=excluded.value",
            (self.scope, key, _json(value)),
        )

    def generation(self) -> int:
        row = self._one("SELECT value FROM specmock_generations WHERE scope=%s", (self.scope,))
        return int(row[0]) if row else 0

    def write_version(self) -> tuple[int, int]:
        """The server's WAL insert position: every write, from any replica, moves it (so does
        other activity in the cluster, which only empties a cache sooner)."""
        high, _, low = str(self._one("SELECT pg_current_wal_insert_lsn()::text", ())[0]).partition("/")
        return int(high, 16), int(low, 16)

    # -- transactions ----------------------------------------------------------------------
    @contextmanager
    def _transaction(self) -> Iterator[None]:
        with self.db.transaction():
            yield

    def transaction(self) -> AbstractContextManager[None]:
        return self._transaction()

    # -- whole contents --------------------------------------------------------------------
    def export(self) -> dict[str, Any]:
        outermost = not self.db.in_transaction()
        with self.db.transaction() as conn:
            if outermost:  # one snapshot of the whole scope, however many replicas are writing
                conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            return self._export(conn)

    def _export(self, conn: Conn) -> dict[str, Any]:
        docs: dict[str, list[Any]] = {}
        for kind, key, idx, doc in conn.execute(
            "SELECT kind, key, idx, doc FROM specmock_docs WHERE scope=%s ORDER BY kind, ord", (self.scope,)
        ):
            docs.setdefault(kind, []).append([key, idx, doc])
        names: dict[str, dict[str, str]] = {}
        for space, name, key in conn.execute(
            "SELECT space, name, key FROM specmock_names WHERE scope=%s ORDER BY space, ord", (self.scope,)
        ):
            names.setdefault(space, {})[name] = key
        sequences = {
            name: int(value)
            for name, value in conn.execute(
                "SELECT name, value FROM specmock_sequences WHERE scope=%s ORDER BY name", (self.scope,)
            )
        }
        meta = dict(
            conn.execute("SELECT key, value FROM specmock_meta WHERE scope=%s ORDER BY key", (self.scope,))
        )
        return {"docs": docs, "names": names, "sequences": sequences, "meta": meta}

    def import_(self, data: Mapping[str, Any]) -> None:
        check_export(data)
        rows = [  # dumped before anything is deleted: a document that is not JSON changes nothing
            (self.scope, str(kind), key, idx, _json(doc))
            for kind, entries in data.get("docs", {}).items()
            for key, idx, doc in entries
        ]
        meta = [(self.scope, str(key), _json(value)) for key, value in data.get("meta", {}).items()]
        with self.db.transaction() as conn:
            for table in _TABLES:
                conn.execute(f"DELETE FROM {table} WHERE scope=%s", (self.scope,))
            with conn.cursor() as cur:
                cur.executemany(
                    "INSERT INTO specmock_docs (scope, kind, key, idx, doc) VALUES (%s, %s, %s, %s, %s)", rows
                )
                cur.executemany(
                    "INSERT INTO specmock_names (scope, space, name, key) VALUES (%s, %s, %s, %s)",
                    [
                        (self.scope, str(space), name, key)
                        for space, names in data.get("names", {}).items()
                        for name, key in names.items()
                    ],
                )
                cur.executemany(
                    "INSERT INTO specmock_sequences (scope, name, value) VALUES (%s, %s, %s)",
                    [(self.scope, str(name), value) for name, value in data.get("sequences", {}).items()],
                )
                cur.executemany("INSERT INTO specmock_meta (scope, key, value) VALUES (%s, %s, %s)", meta)
            conn.execute(
                "INSERT INTO specmock_generations AS g (scope, value) VALUES (%s, 1)"
                " ON CONFLICT (scope) DO UPDATE SET value = g.value + 1",
                (self.scope,),
            )

    def reset(self) -> None:
        self.import_({})

    def close(self) -> None:
        release_database(self.db)
