"""What PostgreSQL replicas share besides their worlds: the clock's offset, session preferences and
(``--shared-journal``) the journal and coverage.

They live in the state database (``specmock_clock``, one row; ``specmock_sessions``, one row per
session name; ``specmock_journal``, the newest entries of every replica, bounded; and
``specmock_coverage``, hits per operation and status) and use the process's pool
(:func:`~mockserver.store.database.open_database`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

import orjson

from mockserver.store.database import Database, open_database, release_database


class PostgresOffset:
    """The mock clock's offset in the one-row ``specmock_clock`` table (see :mod:`.clock`)."""

    def __init__(self, url: str) -> None:
        self.db: Database = open_database(url)

    def read(self) -> float:
        row = self.db.run(
            lambda conn: conn.execute("SELECT offset_seconds FROM specmock_clock WHERE id = 0").fetchone(),
            retry=True,
        )
        return float(row[0]) if row else 0.0

    def add(self, seconds: float) -> float:
        row = self.db.run(
            lambda conn: conn.execute(
                "UPDATE specmock_clock SET offset_seconds = offset_seconds + %s WHERE id = 0"
                " RETURNING offset_seconds",
                (seconds,),
            ).fetchone()
        )
        return float(row[0]) if row else 0.0

    def close(self) -> None:
        release_database(self.db)


class PostgresSessions:
    """Session preferences as JSON objects by session name (the control plane gives them meaning)."""

    def __init__(self, url: str) -> None:
        self.db: Database = open_database(url)

    def find(self, names: Iterable[str]) -> dict[str, dict[str, Any]]:
        """The stored preferences of those of ``names`` that have some (one round trip)."""
        rows = self.db.run(
            lambda conn: conn.execute(
                "SELECT name, prefs FROM specmock_sessions WHERE name = ANY(%s)", (list(names),)
            ).fetchall(),
            retry=True,
        )
        return dict(rows)

    def all(self) -> dict[str, dict[str, Any]]:
        rows = self.db.run(
            lambda conn: conn.execute("SELECT name, prefs FROM specmock_sessions ORDER BY name").fetchall(),
            retry=True,
        )
        return dict(rows)

    def put(self, name: str, prefs: dict[str, Any]) -> None:
        self.db.run(
            lambda conn: conn.execute(
                "INSERT INTO specmock_sessions (name, prefs) VALUES (%s, %s)"
                " ON CONFLICT (name) DO UPDATE SET prefs = excluded.prefs",
                (name, orjson.dumps(prefs).decode()),
            )
        )

    def delete(self, name: str) -> None:
        self.db.run(lambda conn: conn.execute("DELETE FROM specmock_sessions WHERE name = %s", (name,)))

    def clear(self) -> None:
        self.db.run(lambda conn: conn.execute("DELETE FROM specmock_sessions"))

    def close(self) -> None:
        release_database(self.db)


class PostgresJournal:
    """The team's journal entries (JSON objects, newest kept) and operation x status hit counts."""

    def __init__(self, url: str) -> None:
        self.db: Database = open_database(url)

    def append(self, entries: Sequence[dict[str, Any]], hits: Counter[tuple[str, int]], keep: int) -> None:
        """Add ``entries`` and ``hits`` in one transaction, and forget all but the newest ``keep``."""
        if not entries and not hits:
            return
        with self.db.transaction() as conn, conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO specmock_journal (entry) VALUES (%s)",
                [(orjson.dumps(e).decode(),) for e in entries],
            )
            cur.executemany(
                "INSERT INTO specmock_coverage AS c (operation, status, hits) VALUES (%s, %s, %s)"
                " ON CONFLICT (operation, status) DO UPDATE SET hits = c.hits + excluded.hits",
                [(op, status, n) for (op, status), n in sorted(hits.items())],
            )
            cur.execute(
                "DELETE FROM specmock_journal WHERE id <= (SELECT MAX(id) FROM specmock_journal) - %s",
                (keep,),
            )

    def recent(self, limit: int) -> list[tuple[int, dict[str, Any]]]:
        """The newest ``limit`` entries with their ids, newest first."""
        return self.db.run(
            lambda conn: conn.execute(
                "SELECT id, entry FROM specmock_journal ORDER BY id DESC LIMIT %s", (limit,)
            ).fetchall(),
            retry=True,
        )

    def coverage(self) -> Counter[tuple[str, int]]:
        rows = self.db.run(
            lambda conn: conn.execute("SELECT operation, status, hits FROM specmock_coverage").fetchall(),
            retry=True,
        )
        return Counter({(op, int(status)): int(hits) for op, status, hits in rows})

    def clear(self) -> None:
        with self.db.transaction() as conn:
            conn.execute("DELETE FROM specmock_journal")
            conn.execute("DELETE FROM specmock_coverage")

    def close(self) -> None:
        release_database(self.db)
