"""The ceiling: a bare Starlette app answering each route with bytes captured from the mock.

    python bench/ceiling_app.py CANNED.json [--host 127.0.0.1] [--port 0]

``CANNED.json`` is a list of ``{"method", "route", "status", "headers": [[name, value], ...],
"body_b64"}``: for each route (a Starlette path, e.g. ``/v1/namespaces/{ns}/clone``), the exact
status, headers and body the mock returned for the same request. The app reads the request body
(as any server must) and sends those bytes back; nothing else. It runs under uvicorn with the
options ``mockserver.server.run`` uses (loop and HTTP implementation ``auto``, log level
``warning``, no access log, a pre-bound socket), so the difference between the two is the mock's
own work: routing, security, validation, state and rendering.
"""

from __future__ import annotations

import argparse
import base64
import json
import socket
import sys
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

# Added by uvicorn itself (date, server) or describing the connection, not the response.
SERVER_HEADERS = frozenset({"date", "server", "connection", "keep-alive", "transfer-encoding"})

# The same uvicorn options as mockserver.server.run (one worker).
UVICORN_OPTIONS: dict[str, Any] = {
    "loop": "auto",
    "http": "auto",
    "log_level": "warning",
    "access_log": False,
}


@dataclass(frozen=True)
class Canned:
    method: str
    route: str
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes

    def to_json(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "route": self.route,
            "status": self.status,
            "headers": [list(h) for h in self.headers],
            "body_b64": base64.b64encode(self.body).decode("ascii"),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Canned:
        return cls(
            method=data["method"].upper(),
            route=data["route"],
            status=int(data["status"]),
            headers=tuple((str(k), str(v)) for k, v in data["headers"]),
            body=base64.b64decode(data["body_b64"]),
        )


def _endpoint(canned: Canned) -> Callable[[Request], Awaitable[Response]]:
    raw = [
        (name.lower().encode("latin-1"), value.encode("latin-1"))
        for name, value in canned.headers
        if name.lower() not in SERVER_HEADERS
    ]
    if not any(name == b"content-length" for name, _ in raw):
        raw.append((b"content-length", str(len(canned.body)).encode("ascii")))

    async def endpoint(request: Request) -> Response:
        await request.body()
        response = Response(canned.body, status_code=canned.status)
        response.raw_headers = list(raw)
        return response

    return endpoint


def build_app(canned: Sequence[Canned]) -> Starlette:
    """One route per canned response; several methods on one route are separate routes."""
    routes = [Route(c.route, _endpoint(c), methods=[c.method]) for c in canned]
    return Starlette(routes=routes)


def load_canned(path: Path) -> list[Canned]:
    return [Canned.from_json(item) for item in json.loads(path.read_text())]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("canned", type=Path)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args(argv)
    app = build_app(load_canned(args.canned))
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((args.host, args.port))
    sock.set_inheritable(True)
    print(f"ceiling listening on http://{args.host}:{sock.getsockname()[1]}", flush=True)
    uvicorn.Server(uvicorn.Config(app, **UVICORN_OPTIONS)).run(sockets=[sock])
    return 0


if __name__ == "__main__":
    sys.exit(main())
