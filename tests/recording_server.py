"""A tiny namespaced API that records every request it receives, for asserting what reached it.

:data:`SPEC` scopes everything by a path id and an ``X-Namespace`` header; the server answers 404
unless both name :data:`NAMESPACE`, as real multi-tenant APIs do. ``make_app(log)`` appends one
:class:`Seen` per request to ``log``.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

NAMESPACE = "ns_live"
ERROR = {"type": "object", "required": ["detail"], "properties": {"detail": {"type": "string"}}}
THING = {
    "type": "object",
    "required": ["id", "name"],
    "properties": {"id": {"type": "string"}, "name": {"type": "string"}},
}
_NS_PATH = {
    "name": "ns_id",
    "in": "path",
    "required": True,
    "schema": {"type": "string"},
    "example": "ns_doc",
}
_NS_HEADER = {
    "name": "X-Namespace",
    "in": "header",
    "required": True,
    "schema": {"type": "string"},
    "example": "ns_doc",
}


def _responses(success: str, schema: dict[str, Any], links: dict[str, Any] | None = None) -> dict[str, Any]:
    ok: dict[str, Any] = {"description": "ok", "content": {"application/json": {"schema": schema}}}
    if links:
        ok["links"] = links
    error = {"description": "error", "content": {"application/json": {"schema": ERROR}}}
    return {success: ok, "404": error, "422": error}


SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Recorded", "version": "1"},
    "paths": {
        "/ns/{ns_id}/things": {
            "get": {
                "operationId": "listThings",
                "parameters": [
                    _NS_PATH,
                    _NS_HEADER,
                    {
                        "name": "limit",
                        "in": "query",
                        "schema": {"type": "integer", "minimum": 1, "maximum": 10},
                    },
                ],
                "responses": _responses(
                    "200",
                    {
                        "type": "object",
                        "required": ["things"],
                        "properties": {"things": {"type": "array", "items": THING}},
                    },
                ),
            },
            "post": {
                "operationId": "createThing",
                "parameters": [_NS_PATH, _NS_HEADER],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["name"],
                                "properties": {"name": {"type": "string", "maxLength": 20}},
                            }
                        }
                    },
                },
                "responses": _responses(
                    "201",
                    THING,
                    {
                        "GetThing": {
                            "operationId": "getThing",
                            "parameters": {"ns_id": "$request.path.ns_id", "thing_id": "$response.body#/id"},
                        }
                    },
                ),
            },
        },
        "/ns/{ns_id}/things/{thing_id}": {
            "get": {
                "operationId": "getThing",
                "parameters": [
                    _NS_PATH,
                    _NS_HEADER,
                    {"name": "thing_id", "in": "path", "required": True, "schema": {"type": "string"}},
                ],
                "responses": _responses("200", THING),
            }
        },
    },
}


OWNER_OPERATION: dict[str, Any] = {
    "get": {
        "operationId": "getOwner",
        "parameters": [
            _NS_PATH,
            _NS_HEADER,
            {"name": "owner_id", "in": "path", "required": True, "schema": {"type": "string"}},
        ],
        "responses": _responses("200", {"type": "object", "properties": {"id": {"type": "string"}}}),
    }
}
"""``/ns/{ns_id}/owners/{owner_id}``: served, not in :data:`SPEC`; only owner ``own_1`` exists."""


@dataclass(frozen=True, slots=True)
class Seen:
    method: str
    path: str
    headers: dict[str, str]  # lower-cased names
    query: dict[str, str]
    body: Any = None
    extra: dict[str, Any] = field(default_factory=dict)


def make_app(log: list[Seen]) -> Starlette:
    things: dict[str, dict[str, str]] = {}

    async def record(request: Request) -> Any:
        raw = await request.body()
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = raw.decode("utf-8", "replace")
        headers = {k.lower(): v for k, v in request.headers.items()}
        log.append(Seen(request.method, request.url.path, headers, dict(request.query_params), body))
        if request.path_params.get("ns_id") != NAMESPACE or headers.get("x-namespace") != NAMESPACE:
            return None
        return body

    async def list_things(request: Request) -> Response:
        await record(request)
        if request.path_params["ns_id"] != NAMESPACE or request.headers.get("x-namespace") != NAMESPACE:
            return JSONResponse({"detail": "no such namespace"}, 404)
        limit = request.query_params.get("limit", "10")
        if not limit.isdigit() or not 1 <= int(limit) <= 10:
            return JSONResponse({"detail": "limit"}, 422)
        return JSONResponse({"things": list(things.values())[: int(limit)]})

    async def create_thing(request: Request) -> Response:
        body = await record(request)
        if request.path_params["ns_id"] != NAMESPACE or request.headers.get("x-namespace") != NAMESPACE:
            return JSONResponse({"detail": "no such namespace"}, 404)
        name = body.get("name") if isinstance(body, dict) else None
        if not isinstance(name, str) or len(name) > 20:
            return JSONResponse({"detail": "name"}, 422)
        thing = {"id": uuid.uuid4().hex[:8], "name": name}
        things[thing["id"]] = thing
        return JSONResponse(thing, 201)

    async def get_thing(request: Request) -> Response:
        await record(request)
        thing = things.get(request.path_params["thing_id"])
        if request.path_params["ns_id"] != NAMESPACE or request.headers.get("x-namespace") != NAMESPACE:
            return JSONResponse({"detail": "no such namespace"}, 404)
        return JSONResponse(thing) if thing else JSONResponse({"detail": "no such thing"}, 404)

    async def get_owner(request: Request) -> Response:
        await record(request)
        if request.path_params["owner_id"] != "own_1":
            return JSONResponse({"detail": "no such owner"}, 404)
        return JSONResponse({"id": "own_1"})

    async def things_route(request: Request) -> Response:
        return await (create_thing if request.method == "POST" else list_things)(request)

    return Starlette(
        routes=[
            Route("/ns/{ns_id}/things", things_route, methods=["GET", "POST"]),
            Route("/ns/{ns_id}/things/{thing_id}", get_thing, methods=["GET"]),
            Route("/ns/{ns_id}/owners/{owner_id}", get_owner, methods=["GET"]),
        ]
    )
