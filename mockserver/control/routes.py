"""The control plane as Starlette routes under ``/_mock/``; ``GET /_mock`` lists them from this table."""

from __future__ import annotations

import functools
import logging
import tempfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import orjson
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from mockserver.control.findings import FORMATS
from mockserver.control.plane import ControlPlane
from mockserver.control.problems import from_http_exception, from_mock_error, json_response, problem_response
from mockserver.pipeline.errors import MockError, unavailable
from mockserver.store import StoreUnavailable

log = logging.getLogger("mockserver")

Endpoint = Callable[[Request], Awaitable[Response]]
Work = Callable[[], Any]
# An action reads what it needs from the request (async), then returns the work to do (sync): the
# work runs on a worker thread when it may wait on a store outside the process, or is big.
Action = Callable[[ControlPlane, Request], Awaitable[Work]]
UNLIMITED = 2**62
IMPORT_SPOOL = 8 * 1024 * 1024  # an import body beyond this waits on disk, not in memory, until parsed


@dataclass(frozen=True)
class ControlEndpoint:
    method: str
    path: str  # under /_mock
    action: Action
    description: str
    heavy: bool = False  # always off the event loop (the whole state), whatever the store
    own_limit: bool = False  # reads its body under a limit of its own, not --max-body's

    @property
    def label(self) -> str:
        return f"{self.method} /_mock{self.path}"


def _load(raw: bytes) -> Any:
    try:
        return orjson.loads(raw or b"null")
    except orjson.JSONDecodeError:
        raise MockError(400, "Body is not valid JSON") from None


async def _body(request: Request) -> Any:
    return _load(await request.body())


async def _health(plane: ControlPlane, request: Request) -> Work:
    return plane.health


async def _reset(plane: ControlPlane, request: Request) -> Work:
    return plane.reset


async def _export(plane: ControlPlane, request: Request) -> Work:
    def chunks() -> Response:
        parts = list(plane.export_parts())  # built before the first byte: a failure is still a 503
        return StreamingResponse(iter(parts), media_type="application/json")

    return chunks


def _too_big(limit: int) -> MockError:
    return MockError(413, f"The state to import exceeds {limit:,} bytes, the limit set by --max-import")


async def _import(plane: ControlPlane, request: Request) -> Work:
    limit = plane.config.max_import
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise _too_big(limit)
    spool = tempfile.SpooledTemporaryFile(max_size=IMPORT_SPOOL)  # noqa: SIM115 (closed by the work)
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            spool.close()
            raise _too_big(limit)
        spool.write(chunk)

    def work() -> Any:
        with spool:
            spool.seek(0)
            return plane.import_state(_load(spool.read()))

    return work


async def _journal(plane: ControlPlane, request: Request) -> Work:
    return functools.partial(plane.journal_entries, request.query_params)


async def _entry(plane: ControlPlane, request: Request) -> Work:
    return functools.partial(plane.journal_entry, request.path_params["entry"])


async def _findings(plane: ControlPlane, request: Request) -> Work:
    found = plane.journal.findings
    wanted = request.query_params.get("format", "json")
    if wanted == "junit":
        return lambda: Response(found.to_junit(), media_type="application/xml")
    if wanted == "html":
        return lambda: Response(found.to_html(), media_type="text/html")
    if wanted != "json":
        raise MockError(400, f"format must be one of {', '.join(FORMATS)}")
    return found.to_json


async def _forget(plane: ControlPlane, request: Request) -> Work:
    return plane.journal.clear


async def _coverage(plane: ControlPlane, request: Request) -> Work:
    return plane.coverage


async def _clock(plane: ControlPlane, request: Request) -> Work:
    return plane.clock


async def _advance(plane: ControlPlane, request: Request) -> Work:
    return functools.partial(plane.advance_clock, await _body(request))


async def _sessions(plane: ControlPlane, request: Request) -> Work:
    return plane.all_sessions


async def _session(plane: ControlPlane, request: Request) -> Work:
    return functools.partial(plane.session, request.path_params["name"])


async def _set_session(plane: ControlPlane, request: Request) -> Work:
    return functools.partial(plane.set_session, request.path_params["name"], await _body(request))


async def _drop_session(plane: ControlPlane, request: Request) -> Work:
    return functools.partial(plane.drop_session, request.path_params["name"])


ENDPOINTS = (
    ControlEndpoint("GET", "/health", _health, "liveness and the specs served"),
    ControlEndpoint("POST", "/reset", _reset, "put every world back to its seed and the clock to real time"),
    ControlEndpoint("GET", "/state", _export, "export the whole state as JSON", heavy=True),
    ControlEndpoint(
        "PUT",
        "/state",
        _import,
        "import a state exported earlier (--max-import)",
        heavy=True,
        own_limit=True,
    ),
    ControlEndpoint(
        "GET",
        "/journal",
        _journal,
        "recent requests, newest first (?operation=&status=&method=&path=&limit=&since=ID)",
    ),
    ControlEndpoint(
        "GET",
        "/journal/{entry}",
        _entry,
        "one entry with its request and response bodies (credentials redacted; the newest 100 keep them)",
    ),
    ControlEndpoint("DELETE", "/journal", _forget, "forget the journal and coverage"),
    ControlEndpoint("GET", "/coverage", _coverage, "operations x statuses served, and what was never served"),
    ControlEndpoint(
        "GET", "/findings", _findings, "drift the proxy saw, one per cause (?format=json|junit|html)"
    ),
    ControlEndpoint("GET", "/clock", _clock, "the mock's time and its offset from wall time"),
    ControlEndpoint("POST", "/clock/advance", _advance, 'move the clock forward: {"seconds": 5}'),
    ControlEndpoint("GET", "/sessions", _sessions, "preferences of every session"),
    ControlEndpoint("GET", "/sessions/{name}", _session, "one session's preferences"),
    ControlEndpoint(
        "PUT",
        "/sessions/{name}",
        _set_session,
        'set a session\'s preferences: {"code": 404, "dynamic": true, ...}',
    ),
    ControlEndpoint("DELETE", "/sessions/{name}", _drop_session, "drop a session's preferences"),
)


def _endpoint(plane: ControlPlane, item: ControlEndpoint, offload: bool) -> Endpoint:
    threaded = offload or item.heavy

    async def endpoint(request: Request) -> Response:
        try:
            work = await item.action(plane, request)
            result = await run_in_threadpool(work) if threaded else work()
        except MockError as error:
            return from_mock_error(error)
        except StoreUnavailable as exc:
            return from_mock_error(unavailable(exc))
        except HTTPException as exc:  # the body limit, raised while reading the body
            return await from_http_exception(request, exc)
        except Exception:  # a bug here must answer problem+json, as the API routes do, not drop the line
            log.exception("unhandled error in the control plane: %s %s", request.method, request.url.path)
            return problem_response(500, "The control plane failed to serve this request")
        if isinstance(result, Response):
            return result
        return Response(status_code=204) if result is None else json_response(result)

    return endpoint


def listing(extra: dict[str, str]) -> Endpoint:
    """``GET /_mock``: every control endpoint (and ``extra``: the dashboard's), from the route table."""
    endpoints = {"GET /_mock": "this list", **{e.label: e.description for e in ENDPOINTS}, **extra}

    async def endpoint(request: Request) -> Response:
        return json_response({"endpoints": endpoints})

    return endpoint


def control_routes(plane: ControlPlane, *, offload: bool = False) -> list[Route]:
    """One Starlette ``Route`` per path, its methods gathered from :data:`ENDPOINTS`. ``offload``:
    every endpoint's work runs on a worker thread (a store outside the process may make it wait)."""
    by_path: dict[str, dict[str, ControlEndpoint]] = {}
    for item in ENDPOINTS:
        by_path.setdefault(item.path, {})[item.method] = item
    routes = []
    for path, items in by_path.items():
        handlers = {method: _endpoint(plane, item, offload) for method, item in items.items()}
        # a path that reads its body under its own limit is freed from the Mount's (--max-body):
        # Starlette's limit would answer text/plain, the endpoint answers problem+json
        own = any(item.own_limit for item in items.values())

        async def dispatch(request: Request, handlers: dict[str, Endpoint] = handlers) -> Response:
            method = "GET" if request.method == "HEAD" else request.method  # Starlette adds HEAD to GET
            return await handlers[method](request)

        routes.append(Route(path, dispatch, methods=list(handlers), max_body_size=UNLIMITED if own else None))
    return routes
