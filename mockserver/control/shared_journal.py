"""``--shared-journal``: the journal and coverage of every replica, in the state database.

Each replica keeps its own :class:`~mockserver.control.journal.Journal` and also queues what it
records; a background thread writes the queue to the database every :data:`FLUSH_SECONDS` in one
transaction (entries, coverage increments, and a trim to the newest ``capacity`` entries), so a
request never waits for the journal. ``GET /_mock/journal`` and ``/_mock/coverage`` on any replica
flush that replica's queue, then read the team's (request and response bodies, which the dashboard
shows on demand, stay with the replica that served them: not shared). Bounded everywhere: the table
keeps ``capacity`` entries, the queue at most ``capacity`` (the oldest dropped while the database is
away).
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any, Protocol

from mockserver.control.journal import Bodies, Entry, Journal
from mockserver.store import StoreUnavailable

FLUSH_SECONDS = 0.2
log = logging.getLogger("mockserver")


class JournalTable(Protocol):
    def append(
        self, entries: Sequence[dict[str, Any]], hits: Counter[tuple[str, int]], keep: int
    ) -> None: ...

    def recent(self, limit: int) -> list[tuple[int, dict[str, Any]]]: ...

    def coverage(self) -> Counter[tuple[str, int]]: ...

    def clear(self) -> None: ...


class SharedJournal(Journal):
    def __init__(
        self, table: JournalTable, capacity: int = 1000, secrets: frozenset[str] = frozenset()
    ) -> None:
        super().__init__(capacity, secrets)
        self.table = table
        self.capacity = capacity
        self._lock = threading.Lock()
        # one flush at a time: batches are committed in the order they were taken, so ``?since=``
        # polling never skips an earlier batch, and ``clear()`` never races a flush in flight
        self._flushing = threading.Lock()
        self._pending: list[Entry] = []
        self._pending_hits: Counter[tuple[str, int]] = Counter()
        self._stop = threading.Event()
        threading.Thread(target=self._run, name="shared-journal", daemon=True).start()

    def record(self, *, bodies: Bodies | None = None, **fields: Any) -> None:
        super().record(bodies=bodies, **fields)
        entry = self._entries[-1]
        with self._lock:
            self._pending.append(entry)
            if len(self._pending) > self.capacity:
                del self._pending[0]
            if entry.operation is not None and not entry.by_mock:
                self._pending_hits[(entry.operation, entry.status)] += 1

    def flush(self) -> None:
        """Write what this replica recorded since the last flush (raises :class:`StoreUnavailable`)."""
        with self._flushing:
            with self._lock:
                pending, hits = self._pending, self._pending_hits
                self._pending, self._pending_hits = [], Counter()
            try:
                self.table.append([e.to_dict() for e in pending], hits, self.capacity)
            except StoreUnavailable:
                with self._lock:  # keep them for the next flush, still bounded
                    self._pending = (pending + self._pending)[-self.capacity :]
                    self._pending_hits.update(hits)
                raise

    def _run(self) -> None:
        while not self._stop.wait(FLUSH_SECONDS):
            try:
                self.flush()
            except StoreUnavailable as exc:
                log.warning("shared journal: %s", exc)

    def close(self) -> None:
        """Stop the flusher and write what is still pending (a clean shutdown loses nothing)."""
        self._stop.set()
        try:
            self.flush()
        except StoreUnavailable as exc:
            log.warning("shared journal: %s entries not written at shutdown: %s", len(self._pending), exc)

    @property
    def coverage(self) -> Counter[tuple[str, int]]:
        self.flush()
        return self.table.coverage()

    def clear(self) -> None:
        with self._flushing:
            super().clear()
            with self._lock:
                self._pending, self._pending_hits = [], Counter()
            self.table.clear()

    def newest_first(self) -> Iterable[Entry]:
        self.flush()
        return (Entry(**{**doc, "id": ident}) for ident, doc in self.table.recent(self.capacity))

    def entry(self, entry_id: int) -> dict[str, Any] | None:
        """One entry of the team's journal; bodies stay with the replica that served it (``None``)."""
        self.flush()
        found = next((doc for ident, doc in self.table.recent(self.capacity) if ident == entry_id), None)
        return None if found is None else {**found, "id": entry_id, "bodies": None}


def open_journal(capacity: int, secrets: frozenset[str], state_url: str | None, shared: bool) -> Journal:
    """A journal of this process, or with ``shared`` (which needs ``state_url``) the team's."""
    if not shared or state_url is None:
        return Journal(capacity, secrets)
    from mockserver.store.shared import PostgresJournal

    return SharedJournal(PostgresJournal(state_url), capacity, secrets)
