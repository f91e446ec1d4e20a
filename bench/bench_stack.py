"""What Starlette costs around the spec endpoint, in process (CPU time, so a busy machine matters less).

    python bench/bench_stack.py [--requests 3000]

Three ways to serve the same migrations-list and collections-list requests, driven straight through
ASGI (no sockets, no uvicorn): the lean endpoint alone (``SpecEndpoint``); the application as served
(``MockApp``: Starlette's error and exception middleware, router, ``Mount``, CORS); and the endpoint
rewritten as a Starlette ``Route`` (a ``Request`` reads the body, a ``Response`` sends the bytes).
Prints microseconds of CPU per request for each and the difference.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from mockserver.app import MockApp
from mockserver.config import Config

App = Callable[[dict[str, Any], Any, Any], Awaitable[None]]

REQUESTS = {
    "migrations-list": ("/v1/namespaces/migrations/list", b'{"limit":20}', {}),
    "collections-list": (
        "/v1/collections/list",
        b'{"filters":{"AND":[{"field":"document_count","operator":"gte","value":0}]},'
        b'"sort":{"field":"document_count","direction":"desc"}}',
        {"x-namespace": "NAMESPACE"},
    ),
}


def _scope(path: str, body: bytes, extra: dict[str, str]) -> dict[str, Any]:
    headers = {"authorization": "Bearer sk_test", "content-type": "application/json", **extra}
    headers["content-length"] = str(len(body))
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [(k.encode(), v.encode()) for k, v in headers.items()],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 4010),
    }


async def _drive(app: App, scope: dict[str, Any], body: bytes, n: int) -> tuple[float, int]:
    statuses: list[int] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            statuses.append(message["status"])

    started = time.process_time()
    for _ in range(n):
        await app(dict(scope), receive, send)
    return (time.process_time() - started) / n * 1e6, statuses[-1]


def _as_route(app: MockApp) -> Starlette:
    """The endpoint as a Starlette Route: Request in, Response out, the same pipeline between."""
    endpoint = app.endpoint

    async def handle(request: Request) -> Response:
        body = await request.body()

        async def replay() -> dict[str, Any]:
            return {"type": "http.request", "body": body, "more_body": False}

        incoming = endpoint._incoming(request.scope)
        response, _, _ = await endpoint._serve(incoming, replay)
        payload = response.raw if response.raw is not None else b""
        return Response(payload, response.status, response.headers, response.content_type)

    paths = [path for path, _, _ in REQUESTS.values()]
    return Starlette(routes=[Route(path, handle, methods=["POST"]) for path in paths])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=3000)
    args = parser.parse_args()
    app = MockApp(Config(seed=0))
    mixpeek = next(b for b in app.catalog.backends.values() if b.name == "mixpeek")
    namespace = mixpeek.export_state()["namespaces"][0]
    targets: dict[str, App] = {
        "endpoint alone": app.endpoint,
        "MockApp (Starlette around it)": app,
        "endpoint as a Starlette Route": _as_route(app),
    }
    for name, (path, body, extra) in REQUESTS.items():
        extra = {k: v.replace("NAMESPACE", namespace["namespace_name"]) for k, v in extra.items()}
        scope = _scope(path, body, extra)
        print(f"{name}  ({args.requests} requests each, CPU microseconds per request)")
        base = None
        for label, target in targets.items():
            asyncio.run(_drive(target, scope, body, 200))  # warm-up
            cost, status = asyncio.run(_drive(target, scope, body, args.requests))
            base = cost if base is None else base
            print(f"  {label:32} {cost:8.1f} us  (+{cost - base:5.1f} us)  status {status}")


if __name__ == "__main__":
    main()
