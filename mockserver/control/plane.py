"""What the control plane does, without HTTP: reset, state, journal, coverage, clock, sessions.

``control/routes.py`` turns these into Starlette routes under ``/_mock/``; errors are
:class:`~mockserver.pipeline.errors.MockError`, rendered there as RFC 9457 problem+json.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

from mockserver.catalog import Catalog
from mockserver.config import Config
from mockserver.control.journal import Journal
from mockserver.control.sessions import Sessions
from mockserver.jsonio import dump_json
from mockserver.pipeline.errors import MockError
from mockserver.pipeline.prefer import Preferences, from_json

SESSION_PREFERENCES = frozenset({"code", "example", "dynamic", "seed", "delay"})


def iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat().replace("+00:00", "Z")


class ControlPlane:
    """What the server holds (catalog, journal, sessions), reached without the spec endpoint."""

    def __init__(self, config: Config, catalog: Catalog, journal: Journal, sessions: Sessions) -> None:
        self.config = config
        self.catalog = catalog
        self.journal = journal
        self.sessions = sessions

    def health(self) -> dict[str, Any]:
        return {"status": "ok", "specs": list(self.catalog.specs)}

    def reset(self) -> dict[str, Any]:
        clock = self.catalog.clock
        clock.advance(-clock.offset())  # first: a world reseeded without --anchor is placed at this time
        for backend in self.catalog.backends.values():
            backend.reset()
        self.sessions.clear()
        return {"reset": list(self.catalog.backends), "seed": self.config.seed}

    def export_state(self) -> dict[str, Any]:
        exported = {name: backend.export_state() for name, backend in self.catalog.backends.items()}
        return {"seed": self.config.seed, "apis": exported}

    def export_parts(self) -> Iterator[bytes]:
        """:meth:`export_state` as JSON, one API at a time: never the whole state as one object."""
        yield b'{"seed":' + dump_json(self.config.seed) + b',"apis":{'
        for i, (name, backend) in enumerate(self.catalog.backends.items()):
            yield (b"," if i else b"") + dump_json(name) + b":" + dump_json(backend.export_state())
        yield b"}}"

    def import_state(self, data: Any) -> dict[str, Any]:
        """All or nothing: every API's part is checked before any is applied (a 422 naming the first
        offending path); should applying one still fail, the ones already imported are put back."""
        backends = self.catalog.backends
        apis = data.get("apis") if isinstance(data, dict) else None
        if not isinstance(apis, dict):
            raise MockError(
                422, 'State must be {"apis": {"<api name>": {...}}} as GET /_mock/state returns it'
            )
        unknown = sorted(set(apis) - set(backends))
        if unknown:
            raise MockError(422, f"Unknown API(s) {unknown}; served: {sorted(backends)}")
        for name, state in apis.items():
            try:
                backends[name].check_state(state)
            except ValueError as exc:
                raise MockError(422, f"{name}: {exc}") from None
        imported: list[tuple[str, dict[str, Any]]] = []
        for name, state in apis.items():
            previous = backends[name].export_state()
            try:
                backends[name].import_state(state)
            except ValueError as exc:
                for done, before in reversed(imported):
                    backends[done].import_state(before)
                raise MockError(422, f"{name}: {exc}") from None
            imported.append((name, previous))
        return {"imported": sorted(apis)}

    def journal_entries(self, query: Mapping[str, str]) -> dict[str, Any]:
        status = query.get("status")
        limit = query.get("limit") or "100"
        since = query.get("since") or "0"
        if (status is not None and not status.isdigit()) or not limit.isdigit() or not since.isdigit():
            raise MockError(400, "status, limit and since must be whole numbers")
        entries = self.journal.query(
            operation=query.get("operation"),
            status=int(status) if status else None,
            method=query.get("method"),
            path=query.get("path"),
            limit=int(limit),
            since=int(since),
        )
        return {"entries": entries, "count": len(entries)}

    def journal_entry(self, entry_id: str) -> dict[str, Any]:
        found = self.journal.entry(int(entry_id)) if entry_id.isdigit() else None
        if found is None:
            raise MockError(404, f"No journal entry {entry_id!r} (the journal keeps the newest entries)")
        return found

    def coverage(self) -> dict[str, Any]:
        served = self.journal.coverage
        operations = []
        for spec in self.catalog.specs.values():
            for label, compiled in spec.operations.items():
                documented = compiled.operation.documented_statuses()
                hits = {str(status): count for (op, status), count in sorted(served.items()) if op == label}
                operations.append(
                    {
                        "api": spec.name,
                        "operation": label,
                        "documented": documented,
                        "served": hits,
                        "never_served": [s for s in documented if str(s) not in hits],
                    }
                )
        total = sum(len(o["documented"]) for o in operations)
        missing = sum(len(o["never_served"]) for o in operations)
        return {"operations": operations, "summary": {"documented": total, "served": total - missing}}

    def clock(self) -> dict[str, Any]:
        clock = self.catalog.clock
        return {"now": iso(clock.now()), "offset_seconds": clock.offset()}

    def advance_clock(self, data: Any) -> dict[str, Any]:
        seconds = data.get("seconds") if isinstance(data, dict) else None
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not 0 <= seconds <= 10**9:
            raise MockError(422, 'Send {"seconds": N} with 0 <= N <= 1e9')
        self.catalog.clock.advance(float(seconds))
        return self.clock()

    def all_sessions(self) -> dict[str, Any]:
        return {name: prefs.as_dict() for name, prefs in self.sessions.items()}

    def session(self, name: str) -> dict[str, Any]:
        if name not in self.sessions:
            raise MockError(404, f"No session {name!r}")
        return self.sessions[name].as_dict()

    def set_session(self, name: str, data: Any) -> dict[str, Any]:
        if not isinstance(data, dict):
            raise MockError(422, 'Session preferences are an object: {"code": 404, "example": "x", ...}')
        unknown = sorted(set(data) - SESSION_PREFERENCES)
        if unknown:
            raise MockError(422, f"Unknown preference(s) {unknown}; known: {sorted(SESSION_PREFERENCES)}")
        prefs: Preferences = from_json(data)
        self.sessions[name] = prefs
        return prefs.as_dict()

    def drop_session(self, name: str) -> None:
        self.sessions.pop(name, None)
