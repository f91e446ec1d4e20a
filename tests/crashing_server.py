"""A server that dies: ``python tests/crashing_server.py PORT`` serves :data:`SPEC` until a ``limit``
outside 1..10 arrives, then the whole process exits (as Prism did on one request header)."""

from __future__ import annotations

import os
import sys
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Crashing", "version": "1"},
    "paths": {
        "/things": {
            "get": {
                "parameters": [
                    {
                        "name": "limit",
                        "in": "query",
                        "schema": {"type": "integer", "minimum": 1, "maximum": 10},
                    }
                ],
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["things"],
                                    "properties": {"things": {"type": "array", "items": {"type": "string"}}},
                                }
                            }
                        },
                    },
                    "422": {"description": "bad", "content": {"application/json": {}}},
                },
            }
        }
    },
}


async def things(request: Request) -> JSONResponse:
    raw = request.query_params.get("limit", "5")
    if raw.isdigit() and 1 <= int(raw) <= 10:
        return JSONResponse({"things": ["a", "b"][: int(raw)]})
    os._exit(3)


async def root(request: Request) -> JSONResponse:
    return JSONResponse({"ok": True})


if __name__ == "__main__":
    import uvicorn

    app = Starlette(routes=[Route("/things", things), Route("/", root)])
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="critical")
