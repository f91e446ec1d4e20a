"""Tiny servers for one small spec: one that conforms, and one per drift kind that breaks it on purpose.

``make_app(drift)`` builds a Starlette app; ``drift`` names the way it departs from :data:`SPEC`
(``None`` conforms). :data:`EXPECTED` maps each drift to the one finding kind and location it must
produce.
"""

from __future__ import annotations

import asyncio
import json
import re
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

ERROR = {"type": "object", "required": ["detail"], "properties": {"detail": {}}}
ITEM = {
    "type": "object",
    "required": ["id", "kind"],
    "properties": {
        "id": {"type": "string"},
        "kind": {"$ref": "#/components/schemas/Kind"},
        "status": {"type": "string", "enum": ["new", "done"]},
    },
}
SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Drift fixture", "version": "1"},
    "security": [{"bearer": []}],
    "paths": {
        "/items/list": {
            "post": {
                "operationId": "listItems",
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ListRequest"}}},
                },
                "responses": {
                    "200": {
                        "description": "A page of items",
                        "headers": {"X-Request-Id": {"required": True, "schema": {"type": "string"}}},
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/ItemPage"}}
                        },
                    },
                    "401": {
                        "description": "No credentials",
                        "content": {"application/json": {"schema": ERROR}},
                    },
                    "422": {"description": "Invalid", "content": {"application/json": {"schema": ERROR}}},
                },
            }
        },
        "/things": {
            "get": {
                "operationId": "listThings",
                "parameters": [
                    {
                        "name": "per",
                        "in": "query",
                        "schema": {"type": "integer", "minimum": 1, "maximum": 50, "default": 10},
                    },
                    {"name": "state", "in": "query", "schema": {"type": "string", "enum": ["on", "off"]}},
                ],
                "responses": {
                    "200": {
                        "description": "Things",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["things"],
                                    "properties": {
                                        "things": {
                                            "type": "array",
                                            "items": {
                                                "type": "object",
                                                "required": ["name", "state"],
                                                "properties": {
                                                    "name": {"type": "string"},
                                                    "state": {"type": "string", "enum": ["on", "off"]},
                                                },
                                            },
                                        }
                                    },
                                }
                            }
                        },
                    },
                    "401": {
                        "description": "No credentials",
                        "content": {"application/json": {"schema": ERROR}},
                    },
                    "422": {"description": "Invalid", "content": {"application/json": {"schema": ERROR}}},
                },
            }
        },
    },
    "components": {
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        "schemas": {
            "Kind": {"type": "string", "enum": ["a", "b", "c"]},
            "ListRequest": {
                "type": "object",
                "properties": {
                    "limit": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 20},
                    "offset": {"type": "integer", "minimum": 0, "default": 0},
                    "kind": {"anyOf": [{"$ref": "#/components/schemas/Kind"}, {"type": "null"}]},
                },
            },
            "ItemPage": {
                "type": "object",
                "required": ["results", "total", "limit", "offset"],
                "properties": {
                    "results": {"type": "array", "items": ITEM},
                    "total": {"type": "integer"},
                    "limit": {"type": "integer"},
                    "offset": {"type": "integer"},
                },
            },
        },
    },
}

ITEMS = [
    {"id": f"it_{n}", "kind": kind, "status": "new" if n % 2 else "done"}
    for n, kind in enumerate(["a", "b", "c", "a", "c", "b", "a"], start=1)
]
THINGS = [{"name": f"thing-{n}", "state": "on" if n % 3 else "off"} for n in range(1, 8)]

# drift -> (kind, location) of the one finding it must produce
EXPECTED: dict[str, tuple[str, str]] = {
    "field-renamed": ("field-renamed", "response.body.results"),
    "field-missing": ("field-missing", "response.body.total"),
    "field-undocumented": ("field-undocumented", "response.body.debug"),
    "type-mismatch": ("type-mismatch", "response.body.total"),
    "enum-undeclared": ("enum-undeclared", "response.body.results[].status"),
    "bound-tighter": ("bound-tighter", "request.body.limit"),
    "bound-tighter-query": ("bound-tighter", "request.query.per"),
    "bound-looser": ("bound-looser", "request.body.limit"),
    "enum-narrowed": ("enum-narrowed", "request.body.kind"),
    "enum-widened": ("enum-widened", "request.body.kind"),
    "status-undocumented": ("status-undocumented", "response.status"),
    "content-type-mismatch": ("content-type-mismatch", "response.header.content-type"),
    "header-mismatch": ("header-mismatch", "response.header.x-request-id"),
    "auth-not-enforced": ("auth-not-enforced", "request.header.authorization"),
    "auth-invalid-accepted": ("auth-invalid-accepted", "request.header.authorization"),
    "method-not-allowed": ("method-not-allowed", "response.status"),
    "allow-header-missing": ("allow-header-missing", "response.header.allow"),
    "positive-data-rejected": ("positive-data-rejected", "request"),
    "positive-data-rejected-named": ("positive-data-rejected", "request.query.state"),
    "pagination-violated": ("pagination-violated", "response.body.results"),
    "filter-ignored": ("filter-ignored", "response.body.results[].kind"),
    "validation-missing": ("validation-missing", "request.body.offset"),
    "server-error": ("server-error", "response.status"),
    "connection-dropped": ("connection-dropped", "response"),
    "response-timeout": ("response-timeout", "response"),
}
TOKEN = "t"
"""The one credential the fixture API accepts (``Authorization: Bearer t``); ``auth-invalid-accepted``
takes any bearer token."""
STALL = 2.0
"""Seconds the ``response-timeout`` drift takes to answer: run it with a shorter ``timeout``."""


class DropConnection:
    """An ASGI response that starts and then fails: uvicorn closes the connection mid-response."""

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"100")]})
        raise ConnectionAbortedError("dropped on purpose (tests/drift_servers.py)")


_INT = re.compile(r"-?[0-9]+")


class Invalid(Exception):
    pass


def make_app(drift: str | None = None) -> Any:
    """The fixture API, departing from :data:`SPEC` in the way ``drift`` names (``None``: conforming)."""

    def authorized(request: Request) -> bool:
        if drift == "auth-not-enforced":
            return True
        value = request.headers.get("authorization", "")
        if drift == "auth-invalid-accepted":  # the credential's form is checked, not the credential
            return value.startswith("Bearer ") and len(value) > len("Bearer ")
        return value == f"Bearer {TOKEN}"

    async def list_items(request: Request) -> Response:
        if not authorized(request):
            return JSONResponse({"detail": "unauthorized"}, 401)
        try:
            limit, offset, kind = _list_request(
                await request.body(), request.headers.get("content-type"), drift
            )
        except Invalid as exc:
            return JSONResponse({"detail": str(exc)}, 422)
        if kind == "b" and drift == "server-error":
            return Response("boom", 500)
        if kind == "c" and drift == "connection-dropped":
            return DropConnection()  # type: ignore[return-value]
        if kind == "c" and drift == "response-timeout":
            await asyncio.sleep(STALL)
        chosen = [i for i in ITEMS if kind is None or i["kind"] == kind or drift == "filter-ignored"]
        page = chosen[offset:] if drift == "pagination-violated" else chosen[offset : offset + limit]
        return _page(page, len(chosen), limit, offset, drift)

    async def list_things(request: Request) -> Response:
        if not authorized(request):
            return JSONResponse({"detail": "unauthorized"}, 401)
        try:
            per = _query_int(request, "per", 10, 1, 10 if drift == "bound-tighter-query" else 50)
            states = request.query_params.getlist("state")
            if len(states) > 1 or (states and states[0] not in ("on", "off")):
                raise Invalid("state")
        except Invalid as exc:
            return JSONResponse({"detail": str(exc)}, 422)
        if states and "per" in request.query_params and drift and drift.startswith("positive-data-rejected"):
            # each is accepted alone, not both: a rule the spec does not state
            detail: Any = "unsupported combination"
            if drift == "positive-data-rejected-named":
                detail = [{"loc": ["query", "state"], "msg": "state cannot be combined with per"}]
            return JSONResponse({"detail": detail}, 422)
        things = [t for t in THINGS if not states or t["state"] == states[0]]
        return JSONResponse({"things": things[:per]})

    app = Starlette(
        routes=[
            Route("/items/list", list_items, methods=["POST"]),
            Route("/things", list_things, methods=["GET"]),
        ]
    )
    if drift in ("method-not-allowed", "allow-header-missing"):
        return _undeclared_methods(app, drift)
    return app


def _undeclared_methods(app: Starlette, drift: str) -> Any:
    """A method the path does not declare: 404 (``method-not-allowed``) or a 405 without ``Allow``."""

    async def answer(scope: Any, receive: Any, send: Any) -> None:
        async def undeclared(message: Any) -> None:
            if message["type"] == "http.response.start" and message["status"] == 405:
                if drift == "method-not-allowed":
                    message = {**message, "status": 404}
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"allow"]
                message = {**message, "headers": headers}
            await send(message)

        await app(scope, receive, undeclared)

    return answer


def _list_request(raw: bytes, ctype: str | None, drift: str | None) -> tuple[int, int, str | None]:
    if (ctype or "").split(";")[0].strip().lower() != "application/json":
        raise Invalid("content type")
    try:
        body = json.loads(raw)
    except ValueError:
        raise Invalid("body is not JSON") from None
    if not isinstance(body, dict):
        raise Invalid("body is not an object")
    high = {"bound-tighter": 100, "bound-looser": 5000}.get(drift or "", 1000)
    limit = _body_int(body, "limit", 20, 1, high)
    if drift == "validation-missing" and not _is_int(body.get("offset", 0)):
        offset = 0  # accepted whatever its type: the drift
    else:
        offset = _body_int(body, "offset", 0, 0, None)
    kind = body.get("kind")
    kinds = ("a", "b") if drift == "enum-narrowed" else ("a", "b", "c")
    if kind is not None and not (isinstance(kind, str) and (kind in kinds or drift == "enum-widened")):
        raise Invalid("kind")
    return limit, offset, kind


def _is_int(value: Any) -> bool:
    """JSON Schema's integer: 3 and 3.0 alike."""
    if isinstance(value, float):
        return value.is_integer()
    return isinstance(value, int) and not isinstance(value, bool)


def _body_int(body: dict[str, Any], name: str, default: int, low: int, high: int | None) -> int:
    value = body.get(name, default)
    if not _is_int(value) or value < low or (high is not None and value > high):
        raise Invalid(name)
    return int(value)


def _query_int(request: Request, name: str, default: int, low: int, high: int) -> int:
    values = request.query_params.getlist(name)
    if not values:
        return default
    if len(values) > 1 or not _INT.fullmatch(values[0]) or not low <= int(values[0]) <= high:
        raise Invalid(name)
    return int(values[0])


def _page(items: list[dict[str, Any]], total: int, limit: int, offset: int, drift: str | None) -> Response:
    if drift == "enum-undeclared":
        items = [{**item, "status": "archived"} if item["id"] == "it_1" else item for item in items]
    body: dict[str, Any] = {"results": items, "total": total, "limit": limit, "offset": offset}
    if drift == "field-renamed":
        body["entries"] = body.pop("results")
    elif drift == "field-missing":
        del body["total"]
    elif drift == "field-undocumented":
        body["debug"] = "x"
    elif drift == "type-mismatch":
        body["total"] = str(total)
    headers = {} if drift == "header-mismatch" else {"X-Request-Id": "req-1"}
    status = 201 if drift == "status-undocumented" else 200
    if drift == "content-type-mismatch":
        return Response(json.dumps(body), status, headers=headers, media_type="text/plain")
    return JSONResponse(body, status, headers=headers)
