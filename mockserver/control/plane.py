"""The control plane under ``/_mock/``: state, journal, coverage, clock and session preferences.

It answers loopback clients; others only with ``X-Admin-Token`` matching ``--admin-token`` (and
never when no admin token is set). Its errors are RFC 9457 problem+json.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import orjson

from mockserver.catalog import Catalog
from mockserver.config import Config
from mockserver.control.journal import Journal
from mockserver.control.sessions import Sessions
from mockserver.pipeline.errors import PROBLEM_JSON, MockError, title_for, unavailable
from mockserver.pipeline.prefer import Preferences, from_json
from mockserver.runtime import MockResponse
from mockserver.store import StoreUnavailable

log = logging.getLogger("mockserver")

ENDPOINTS = {
    "GET /_mock/health": "liveness and the specs served",
    "POST /_mock/reset": "put every world back to its seed and the clock to real time",
    "GET /_mock/state": "export the whole state as JSON",
    "PUT /_mock/state": "import a state exported earlier",
    "GET /_mock/journal": "recent requests, newest first (?operation=&status=&method=&path=&limit=)",
    "DELETE /_mock/journal": "forget the journal and coverage",
    "GET /_mock/coverage": "operations x statuses served, and what was never served",
    "GET /_mock/clock": "the mock's time and its offset from wall time",
    "POST /_mock/clock/advance": 'move the clock forward: {"seconds": 5}',
    "GET /_mock/sessions": "preferences of every session",
    "PUT /_mock/sessions/{name}": 'set a session\'s preferences: {"code": 404, "dynamic": true, ...}',
    "DELETE /_mock/sessions/{name}": "drop a session's preferences",
}


def _loopback(host: str | None) -> bool:
    if host is None:
        return False
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def _json(status: int, body: Any) -> MockResponse:
    return MockResponse(status, body)


def _problem(error: MockError) -> MockResponse:
    body = {
        "type": "about:blank",
        "title": title_for(error.status),
        "status": error.status,
        "detail": error.detail,
    }
    return MockResponse(error.status, body, headers=error.headers, content_type=PROBLEM_JSON)


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat().replace("+00:00", "Z")


class ControlPlane:
    """``/_mock/*``: what the server holds (catalog, journal, sessions), reached without the app."""

    def __init__(self, config: Config, catalog: Catalog, journal: Journal, sessions: Sessions) -> None:
        self.config = config
        self.catalog = catalog
        self.journal = journal
        self.sessions = sessions

    def handle(
        self,
        method: str,
        path: str,
        query: Mapping[str, list[str]],
        headers: Mapping[str, str],
        body: bytes,
        client: str | None,
    ) -> MockResponse:
        try:
            self._authorize(headers, client)
            return self._route(method, path.rstrip("/"), query, body)
        except MockError as error:
            return _problem(error)
        except StoreUnavailable as exc:
            return _problem(unavailable(exc))
        except Exception:  # a bug here must answer problem+json, as the API routes do, not drop the line
            log.exception("unhandled error in the control plane: %s %s", method, path)
            return _problem(MockError(500, "The control plane failed to serve this request"))

    def _authorize(self, headers: Mapping[str, str], client: str | None) -> None:
        if _loopback(client):
            return
        token = self.config.admin_token
        given = headers.get("x-admin-token", "")
        if token and hmac.compare_digest(given.encode(), token.encode()):
            return
        reason = (
            "send X-Admin-Token" if token else "start the server with --admin-token to allow remote clients"
        )
        raise MockError(403, f"The control plane answers loopback clients only; {reason}")

    def _route(self, method: str, path: str, query: Mapping[str, list[str]], body: bytes) -> MockResponse:
        parts = path.split("/")[2:]  # after "", "_mock"
        head = parts[0] if parts else ""
        key = (method, head)
        if key == ("GET", ""):
            return _json(200, {"endpoints": ENDPOINTS})
        if key == ("GET", "health"):
            return _json(200, {"status": "ok", "specs": list(self.catalog.specs)})
        if key == ("POST", "reset"):
            return self._reset()
        if head == "state" and method in ("GET", "PUT"):
            return self._state(method, body)
        if head == "journal" and method in ("GET", "DELETE"):
            return self._journal(method, query)
        if key == ("GET", "coverage"):
            return _json(200, self._coverage())
        if head == "clock":
            return self._clock(method, parts[1:], body)
        if head == "sessions":
            return self._sessions(method, parts[1:], body)
        raise MockError(404, f"No control endpoint {method} {path}; see GET /_mock")

    def _reset(self) -> MockResponse:
        for backend in self.catalog.backends.values():
            backend.reset()
        clock = self.catalog.clock
        clock.advance(-clock.offset())
        self.sessions.clear()
        return _json(200, {"reset": list(self.catalog.backends), "seed": self.config.seed})

    def _state(self, method: str, body: bytes) -> MockResponse:
        backends = self.catalog.backends
        if method == "GET":
            exported = {name: backend.export_state() for name, backend in backends.items()}
            return _json(200, {"seed": self.config.seed, "apis": exported})
        data = _load(body)
        apis = data.get("apis") if isinstance(data, dict) else None
        if not isinstance(apis, dict):
            raise MockError(
                422, 'State must be {"apis": {"<api name>": {...}}} as GET /_mock/state returns it'
            )
        unknown = sorted(set(apis) - set(backends))
        if unknown:
            raise MockError(422, f"Unknown API(s) {unknown}; served: {sorted(backends)}")
        imported: list[tuple[str, dict[str, Any]]] = []  # what to put back if a later API refuses
        for name, state in apis.items():
            previous = backends[name].export_state()
            try:
                backends[name].import_state(state)
            except ValueError as exc:
                for done, before in reversed(imported):
                    backends[done].import_state(before)
                raise MockError(422, f"{name}: {exc}") from None
            imported.append((name, previous))
        return _json(200, {"imported": sorted(apis)})

    def _journal(self, method: str, query: Mapping[str, list[str]]) -> MockResponse:
        journal = self.journal
        if method == "DELETE":
            journal.clear()
            return MockResponse(204, None, content_type=None)

        def one(name: str) -> str | None:
            values = query.get(name)
            return values[-1] if values else None

        status = one("status")
        limit = one("limit") or "100"
        if (status is not None and not status.isdigit()) or not limit.isdigit():
            raise MockError(400, "status and limit must be whole numbers")
        entries = journal.query(
            operation=one("operation"),
            status=int(status) if status else None,
            method=one("method"),
            path=one("path"),
            limit=int(limit),
        )
        return _json(200, {"entries": entries, "count": len(entries)})

    def _coverage(self) -> dict[str, Any]:
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

    def _clock(self, method: str, rest: list[str], body: bytes) -> MockResponse:
        clock = self.catalog.clock
        if method == "POST" and rest == ["advance"]:
            data = _load(body)
            seconds = data.get("seconds") if isinstance(data, dict) else None
            if (
                isinstance(seconds, bool)
                or not isinstance(seconds, (int, float))
                or not 0 <= seconds <= 10**9
            ):
                raise MockError(422, 'Send {"seconds": N} with 0 <= N <= 1e9')
            clock.advance(float(seconds))
        elif not (method == "GET" and not rest):
            raise MockError(404, "Clock endpoints: GET /_mock/clock, POST /_mock/clock/advance")
        return _json(200, {"now": _iso(clock.now()), "offset_seconds": clock.offset()})

    def _sessions(self, method: str, rest: list[str], body: bytes) -> MockResponse:
        sessions = self.sessions
        if not rest:
            if method != "GET":
                raise MockError(405, "Use GET /_mock/sessions or PUT/DELETE /_mock/sessions/{name}")
            return _json(200, {name: prefs.as_dict() for name, prefs in sessions.items()})
        name = rest[0]
        if method == "GET":
            if name not in sessions:
                raise MockError(404, f"No session {name!r}")
            return _json(200, sessions[name].as_dict())
        if method == "DELETE":
            sessions.pop(name, None)
            return MockResponse(204, None, content_type=None)
        if method != "PUT":
            raise MockError(405, "Sessions take GET, PUT and DELETE")
        data = _load(body)
        if not isinstance(data, dict):
            raise MockError(422, 'Session preferences are an object: {"code": 404, "example": "x", ...}')
        allowed = {"code", "example", "dynamic", "seed", "delay"}
        unknown = sorted(set(data) - allowed)
        if unknown:
            raise MockError(422, f"Unknown preference(s) {unknown}; known: {sorted(allowed)}")
        prefs: Preferences = from_json(data)
        sessions[name] = prefs
        return _json(200, prefs.as_dict())


def _load(body: bytes) -> Any:
    try:
        return orjson.loads(body or b"null")
    except orjson.JSONDecodeError:
        raise MockError(400, "Body is not valid JSON") from None
