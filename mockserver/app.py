"""The application: a Starlette app holding the control plane, the dashboard and the spec endpoint.

/            where to go: the dashboard and the served operations (unless a spec serves GET /)
/_mock/...   control plane (Starlette routes) behind AdminGate, Starlette's body limit
anything     the spec endpoint (mockserver.endpoint), a lean ASGI app, behind Starlette's CORS
"""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.types import ASGIApp, Receive, Scope, Send

from mockserver.catalog import Catalog, load_catalog
from mockserver.config import Config
from mockserver.control.access import AdminGate
from mockserver.control.crosssite import CrossSiteGuard
from mockserver.control.dashboard import ENDPOINTS as DASHBOARD_ENDPOINTS
from mockserver.control.dashboard import dashboard_routes
from mockserver.control.plane import ControlPlane
from mockserver.control.problems import from_http_exception, json_response
from mockserver.control.routes import control_routes, listing
from mockserver.control.sessions import Sessions, SharedSessions, open_sessions
from mockserver.control.shared_journal import open_journal
from mockserver.endpoint import SESSION_HEADER, SpecEndpoint
from mockserver.pipeline.errors import PROBLEM_JSON, title_for
from mockserver.proxy.front import front_behaviour


def settle() -> None:
    """Move everything built at start-up (specs, validators, the world) out of the garbage
    collector's reach: a full collection then walks only what requests allocate, instead of
    pausing a request for the whole world (the p99 at 16 connections is what this protects)."""
    gc.collect()
    gc.freeze()


EXPOSED = ("Allow", "Location", "Retry-After", "Link", "X-Specmock-Error", "X-Request-Id")


class CrossOrigin:
    """Starlette's ``CORSMiddleware`` for requests that carry an ``Origin`` (browsers); the others
    (SDKs, servers, curl) go straight to the endpoint. The middleware wraps ``send`` and rewrites
    the headers of every response it sees: ~10 us of a ~45 us migrations list on the endpoint
    alone (``python bench/bench_stack.py``), for requests no browser made."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.cors = CORSMiddleware(
            app,
            allow_origin_regex=".*",  # echo the caller's origin, with credentials
            allow_methods=["*"],
            allow_headers=["*"],
            allow_credentials=True,
            # "*" is no wildcard on a credentialed response: name what a page reads (Allow on a 405)
            expose_headers=["*", *EXPOSED],
            max_age=600,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        for name, _ in scope["headers"]:
            if name == b"origin":
                await self.cors(scope, receive, send)
                return
        await self.app(scope, receive, send)


class MockApp(Starlette):
    """The mock as a Starlette application; raises :class:`~mockserver.catalog.StartupError` on bad
    specs. ``settle_on_startup``: :func:`settle` in the lifespan's start-up (servers, not tests)."""

    def __init__(
        self, config: Config, catalog: Catalog | None = None, *, settle_on_startup: bool = False
    ) -> None:
        self.config = config
        self.catalog = catalog or load_catalog(config)
        secrets = frozenset(
            str(scheme["name"]).lower()
            for served in self.catalog.specs.values()
            for scheme in served.spec.security_schemes.values()
            if scheme.get("type") == "apiKey" and scheme.get("name")
        )
        self.journal = open_journal(config.journal_size, secrets, config.state_url, config.shared_journal)
        self.sessions: Sessions = open_sessions(config.state_url)
        self.control = ControlPlane(config, self.catalog, self.journal, self.sessions)
        self.endpoint = SpecEndpoint(config, self.catalog, self.journal, self.sessions)
        # --proxy / --fixtures: a behaviour in front of the spec endpoint, which it falls back to
        self.front = front_behaviour(config, self.catalog, self.journal, self.endpoint)
        self._settle_on_startup = settle_on_startup
        super().__init__(
            routes=self._routes(),
            exception_handlers={HTTPException: from_http_exception},
            lifespan=_lifespan,
        )
        # Unmatched paths belong to the spec endpoint (its own 404 in the API's shape), never to a
        # slash-toggling second pass of the router.
        self.router.redirect_slashes = False
        # A path no route's pattern can match (a %0A in it: Starlette's patterns stop at a newline)
        # is the spec endpoint's too, never the control plane's 404.
        self.router.default = self._api
        self._has_index = self.catalog.router.match("GET", "/") is None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """An API request goes straight to the spec endpoint (the ``Mount("")`` Starlette's router
        would pick anyway): Starlette's error and exception middleware, its router and the mount
        cost ~28 us of CPU per request (``python bench/bench_stack.py``), a third of a migrations
        list. Everything else (``/_mock``, ``/``, lifespan) is Starlette's."""
        if scope["type"] == "http":
            path: str = scope["path"]
            if not (path.startswith("/_mock") and (len(path) == 6 or path[6] == "/")) and not (
                path == "/" and self._has_index
            ):
                await self._api(scope, receive, send)
                return
        await super().__call__(scope, receive, send)

    def _routes(self) -> list[BaseRoute]:
        config = self.config
        api: ASGIApp = self.front or self.endpoint
        if config.cors:
            api = CrossOrigin(api)
        self._api = api
        # the --host it binds is a name it answers to as well (unless that is "every address")
        hosts = frozenset([*config.allowed_hosts, config.host])
        guard = Middleware(CrossSiteGuard, allowed_hosts=hosts)
        routes: list[BaseRoute] = []
        if self.catalog.router.match("GET", "/") is None:  # no spec serves GET /
            routes.append(Route("/", self._index, methods=["GET"]))
        routes += [
            Route(
                "/_mock",
                listing(DASHBOARD_ENDPOINTS),
                methods=["GET"],
                middleware=[guard, Middleware(AdminGate, admin_token=config.admin_token)],
            ),
            Mount(
                "/_mock",
                routes=control_routes(self.control, offload=config.external_state())
                + dashboard_routes(config.reports),
                middleware=[guard, Middleware(AdminGate, admin_token=config.admin_token)],
                max_body_size=config.max_body,
            ),
            Mount("", app=api),
        ]
        return routes

    async def _index(self, request: Request) -> Response:
        operations = {served.name: list(served.operations) for served in self.catalog.specs.values()}
        return json_response(
            {
                "dashboard": "/_mock/ui",
                "control_plane": "/_mock",
                "operations": operations,
            }
        )


@asynccontextmanager
async def _lifespan(app: Starlette) -> AsyncIterator[None]:
    assert isinstance(app, MockApp)
    if app._settle_on_startup:
        settle()
    yield
    app.journal.close()  # a shared journal writes what is pending
    if isinstance(app.sessions, SharedSessions):
        app.sessions.close()


def create_app(config: Config | None = None) -> MockApp:
    """The mock as an ASGI app; raises :class:`~mockserver.catalog.StartupError` on bad specs."""
    return MockApp(config or Config())


def app_from_config(config: Config) -> MockApp:
    """uvicorn factory for ``--workers N`` (bound to the parent's config with ``functools.partial``,
    which reaches each worker pickled through multiprocessing's pipe, not the environment)."""
    return MockApp(config, settle_on_startup=True)


__all__ = [
    "PROBLEM_JSON",
    "SESSION_HEADER",
    "MockApp",
    "app_from_config",
    "create_app",
    "settle",
    "title_for",
]
