"""The control plane as Starlette routes under ``/_mock/``; ``GET /_mock`` lists them from this table."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import orjson
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from mockserver.control.findings import FORMATS
from mockserver.control.plane import ControlPlane
from mockserver.control.problems import from_http_exception, from_mock_error, json_response, problem_response
from mockserver.pipeline.errors import MockError, unavailable
from mockserver.store import StoreUnavailable

log = logging.getLogger("mockserver")

Endpoint = Callable[[Request], Awaitable[Response]]
Action = Callable[[ControlPlane, Request], Awaitable[Any]]


@dataclass(frozen=True)
class ControlEndpoint:
    method: str
    path: str  # under /_mock
    action: Action
    description: str

    @property
    def label(self) -> str:
        return f"{self.method} /_mock{self.path}"


async def _body(request: Request) -> Any:
    try:
        return orjson.loads(await request.body() or b"null")
    except orjson.JSONDecodeError:
        raise MockError(400, "Body is not valid JSON") from None


async def _health(plane: ControlPlane, request: Request) -> Any:
    return plane.health()


async def _reset(plane: ControlPlane, request: Request) -> Any:
    return plane.reset()


async def _export(plane: ControlPlane, request: Request) -> Any:
    return plane.export_state()


async def _import(plane: ControlPlane, request: Request) -> Any:
    return plane.import_state(await _body(request))


async def _journal(plane: ControlPlane, request: Request) -> Any:
    return plane.journal_entries(request.query_params)


async def _entry(plane: ControlPlane, request: Request) -> Any:
    return plane.journal_entry(request.path_params["entry"])


async def _forget(plane: ControlPlane, request: Request) -> Any:
    plane.journal.clear()
    return None


async def _coverage(plane: ControlPlane, request: Request) -> Any:
    return plane.coverage()


async def _findings(plane: ControlPlane, request: Request) -> Any:
    found = plane.journal.findings
    wanted = request.query_params.get("format", "json")
    if wanted == "junit":
        return Response(found.to_junit(), media_type="application/xml")
    if wanted == "html":
        return Response(found.to_html(), media_type="text/html")
    if wanted != "json":
        raise MockError(400, f"format must be one of {', '.join(FORMATS)}")
    return found.to_json()


async def _clock(plane: ControlPlane, request: Request) -> Any:
    return plane.clock()


async def _advance(plane: ControlPlane, request: Request) -> Any:
    return plane.advance_clock(await _body(request))


async def _sessions(plane: ControlPlane, request: Request) -> Any:
    return plane.all_sessions()


async def _session(plane: ControlPlane, request: Request) -> Any:
    return plane.session(request.path_params["name"])


async def _set_session(plane: ControlPlane, request: Request) -> Any:
    return plane.set_session(request.path_params["name"], await _body(request))


async def _drop_session(plane: ControlPlane, request: Request) -> Any:
    plane.drop_session(request.path_params["name"])
    return None


ENDPOINTS = (
    ControlEndpoint("GET", "/health", _health, "liveness and the specs served"),
    ControlEndpoint("POST", "/reset", _reset, "put every world back to its seed and the clock to real time"),
    ControlEndpoint("GET", "/state", _export, "export the whole state as JSON"),
    ControlEndpoint("PUT", "/state", _import, "import a state exported earlier"),
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


def _endpoint(plane: ControlPlane, action: Action) -> Endpoint:
    async def endpoint(request: Request) -> Response:
        try:
            result = await action(plane, request)
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


def control_routes(plane: ControlPlane) -> list[Route]:
    """One Starlette ``Route`` per path, its methods gathered from :data:`ENDPOINTS`."""
    by_path: dict[str, dict[str, Action]] = {}
    for item in ENDPOINTS:
        by_path.setdefault(item.path, {})[item.method] = item.action
    routes = []
    for path, actions in by_path.items():
        handlers = {method: _endpoint(plane, action) for method, action in actions.items()}

        async def dispatch(request: Request, handlers: dict[str, Endpoint] = handlers) -> Response:
            method = "GET" if request.method == "HEAD" else request.method  # Starlette adds HEAD to GET
            return await handlers[method](request)

        routes.append(Route(path, dispatch, methods=list(handlers)))
    return routes
