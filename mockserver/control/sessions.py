"""Session preferences by name (``PUT /_mock/sessions/{name}``), and the one a request falls back on.

:class:`LocalSessions` keeps them in this process (a dict: the hot path costs two lookups);
:class:`SharedSessions` keeps them in the ``--state-url`` database, so a session set through one
replica steers requests served by every other (one query a request finds both the session's and
the ``default`` preferences).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, MutableMapping
from typing import Any, Protocol

from mockserver.pipeline.prefer import Preferences, from_json


class LocalSessions(dict[str, Preferences]):
    def lookup(self, session: str | None) -> Preferences | None:
        """The preferences of ``session``, else of the ``default`` session, else ``None``."""
        return self.get(session or "") or self.get("default")


class SessionTable(Protocol):
    def find(self, names: Iterable[str]) -> dict[str, dict[str, Any]]: ...

    def all(self) -> dict[str, dict[str, Any]]: ...

    def put(self, name: str, prefs: dict[str, Any]) -> None: ...

    def delete(self, name: str) -> None: ...

    def clear(self) -> None: ...

    def close(self) -> None: ...


class SharedSessions(MutableMapping[str, Preferences]):
    def __init__(self, table: SessionTable) -> None:
        self.table = table

    def lookup(self, session: str | None) -> Preferences | None:
        found = self.table.find([session, "default"] if session else ["default"])
        stored = (found.get(session) if session else None) or found.get("default")
        return None if stored is None else from_json(stored)

    def __getitem__(self, name: str) -> Preferences:
        stored = self.table.find([name]).get(name)
        if stored is None:
            raise KeyError(name)
        return from_json(stored)

    def __setitem__(self, name: str, prefs: Preferences) -> None:
        self.table.put(name, prefs.as_dict())

    def __delitem__(self, name: str) -> None:
        self.table.delete(name)

    def __iter__(self) -> Iterator[str]:
        return iter(self.table.all())

    def __len__(self) -> int:
        return len(self.table.all())

    def clear(self) -> None:
        self.table.clear()

    def close(self) -> None:
        self.table.close()


Sessions = LocalSessions | SharedSessions


def open_sessions(state_url: str | None) -> Sessions:
    """Sessions in the state database when ``state_url`` is given, else in this process."""
    if state_url is None:
        return LocalSessions()
    from mockserver.store.shared import PostgresSessions

    return SharedSessions(PostgresSessions(state_url))
