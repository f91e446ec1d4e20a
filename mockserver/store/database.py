"""One PostgreSQL database shared by every replica: its connection pool, its schema and its errors.

A process opens each ``--state-url`` once (:func:`open_database`); its stores (one per API), the
clock and the sessions share that pool. The schema is created on first start and migrated forward
on upgrade: :data:`MIGRATIONS` is append-only, ``specmock_schema_version`` records each step
applied, and a transaction-scoped advisory lock makes replicas starting together take turns. A
database whose schema is newer than this mockserver is refused.

Errors: a lost or unreachable server (``psycopg.OperationalError``, a pool timeout) becomes
:class:`~mockserver.store.base.StoreUnavailable`, which the app answers with 503. The pool replaces
broken connections on its own, so the replica recovers when the server is back.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import orjson
import psycopg
import psycopg_pool
from psycopg.types.json import set_json_loads

from mockserver.store.base import StoreUnavailable

T = TypeVar("T")
_LOCK = 0x5EC_0C4  # pg_advisory_xact_lock key: one schema migration at a time per database
POOL_TIMEOUT = 5.0  # seconds a request waits for a connection before answering 503

MIGRATIONS: list[tuple[int, str]] = [
    (
        1,
        """
        CREATE TABLE specmock_docs (
          scope text NOT NULL, kind text NOT NULL, key text NOT NULL, idx text,
          ord bigint GENERATED ALWAYS AS IDENTITY, doc json NOT NULL, PRIMARY KEY (scope, kind, key));
        CREATE INDEX specmock_docs_by_index ON specmock_docs (scope, kind, idx, ord);
        CREATE INDEX specmock_docs_by_order ON specmock_docs (scope, kind, ord);
        CREATE TABLE specmock_names (
          scope text NOT NULL, space text NOT NULL, name text NOT NULL, key text NOT NULL,
          ord bigint GENERATED ALWAYS AS IDENTITY, PRIMARY KEY (scope, space, name));
        CREATE TABLE specmock_sequences (
          scope text NOT NULL, name text NOT NULL, value bigint NOT NULL, PRIMARY KEY (scope, name));
        CREATE TABLE specmock_meta (
          scope text NOT NULL, key text NOT NULL, value json NOT NULL, PRIMARY KEY (scope, key));
        CREATE TABLE specmock_generations (scope text PRIMARY KEY, value bigint NOT NULL);
        CREATE TABLE specmock_clock (
          id int PRIMARY KEY CHECK (id = 0), offset_seconds double precision NOT NULL);
        INSERT INTO specmock_clock (id, offset_seconds) VALUES (0, 0);
        """,
    ),
    (
        2,
        """
        CREATE TABLE specmock_sessions (name text PRIMARY KEY, prefs json NOT NULL);
        """,
    ),
    (
        3,
        """
        CREATE TABLE specmock_journal (
          id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, entry json NOT NULL);
        CREATE TABLE specmock_coverage (
          operation text NOT NULL, status int NOT NULL, hits bigint NOT NULL,
          PRIMARY KEY (operation, status));
        """,
    ),
]
LATEST = MIGRATIONS[-1][0]


class SchemaTooNew(StoreUnavailable):
    """The database was migrated by a newer mockserver; this one does not know its schema."""


def redact(url: str) -> str:
    """``url`` without its password, for messages."""
    info = psycopg.conninfo.conninfo_to_dict(url)
    host, port, db = info.get("host", "localhost"), info.get("port", "5432"), info.get("dbname", "")
    return f"postgresql://{info.get('user', '')}@{host}:{port}/{db}"


def migrate(conn: psycopg.Connection[Any], upto: int = LATEST) -> int:
    """Bring the schema to version ``upto`` (the latest by default); returns the version found."""
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK,))
        conn.execute(
            "CREATE TABLE IF NOT EXISTS specmock_schema_version ("
            " version int PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())"
        )
        row = conn.execute("SELECT COALESCE(MAX(version), 0) FROM specmock_schema_version").fetchone()
        found = int(row[0]) if row else 0
        if found > LATEST:
            raise SchemaTooNew(
                f"its schema is version {found}, newer than this mockserver's {LATEST}: upgrade mockserver"
            )
        for version, sql in MIGRATIONS:
            if found < version <= upto:
                conn.execute(sql.encode())
                conn.execute("INSERT INTO specmock_schema_version (version) VALUES (%s)", (version,))
    return found


class Database:
    """A pool of connections to ``url`` and the one transaction each thread may have open on it."""

    def __init__(self, url: str, *, max_size: int = 8) -> None:
        self.url = url
        self.shown = redact(url)
        self._local = threading.local()
        self.pool = psycopg_pool.ConnectionPool(
            url,
            min_size=1,
            max_size=max_size,
            open=False,
            timeout=POOL_TIMEOUT,
            kwargs={"autocommit": True},
            configure=_configure,
            name="specmock",
        )
        self.users = 0
        try:  # one plain connection first: a wrong URL fails now, with the server's own words
            with psycopg.connect(url, autocommit=True, connect_timeout=10) as conn:
                migrate(conn)
        except SchemaTooNew as exc:
            raise SchemaTooNew(f"cannot use the state database {self.shown}: {exc}") from None
        except psycopg.Error as exc:
            raise StoreUnavailable(
                f"cannot use the state database {self.shown}: {_first_line(exc)}"
            ) from None
        self.pool.open(wait=False)

    @contextmanager
    def transaction(self) -> Iterator[psycopg.Connection[Any]]:
        """A transaction on this thread's connection; nested blocks are savepoints."""
        conn: psycopg.Connection[Any] | None = getattr(self._local, "conn", None)
        if conn is not None:
            with conn.transaction():
                yield conn
            return
        # pipeline mode: writes whose result nobody reads (put, delete) travel with the next
        # statement that is read, or with COMMIT, instead of one round trip each
        with self._errors(), self.pool.connection() as conn, conn.pipeline(), conn.transaction():
            self._local.conn = conn
            try:
                yield conn
            finally:
                self._local.conn = None

    def in_transaction(self) -> bool:
        return getattr(self._local, "conn", None) is not None

    def run(self, work: Callable[[psycopg.Connection[Any]], T], *, retry: bool = False) -> T:
        """``work(conn)`` inside this thread's transaction if one is open, else on a pooled connection
        in autocommit (one statement is atomic on its own). ``retry``: safe to run again, so a
        connection found broken (the server restarted since it was pooled) is retried once."""
        conn: psycopg.Connection[Any] | None = getattr(self._local, "conn", None)
        if conn is not None:
            return work(conn)
        with self._errors():
            for attempt in (1, 2):
                try:
                    with self.pool.connection() as pooled:
                        return work(pooled)
                except psycopg.OperationalError:
                    if not retry or attempt == 2:
                        raise
        raise AssertionError("unreachable")

    @contextmanager
    def _errors(self) -> Iterator[None]:
        try:
            yield
        except (psycopg.OperationalError, psycopg_pool.PoolTimeout) as exc:
            raise StoreUnavailable(
                f"the state database {self.shown} is unavailable ({_first_line(exc)})"
            ) from exc

    def close(self) -> None:
        self.pool.close()


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _configure(conn: psycopg.Connection[Any]) -> None:
    set_json_loads(orjson.loads, conn)


_OPEN: dict[str, Database] = {}
_OPEN_LOCK = threading.Lock()


def open_database(url: str) -> Database:
    """This process's :class:`Database` for ``url`` (opened, and migrated, on first use)."""
    with _OPEN_LOCK:
        db = _OPEN.get(url)
        if db is None:
            db = _OPEN[url] = Database(url)
        db.users += 1
        return db


def release_database(db: Database) -> None:
    """One user fewer; the pool closes with its last user."""
    with _OPEN_LOCK:
        db.users -= 1
        if db.users <= 0:
            _OPEN.pop(db.url, None)
            db.close()
