"""ASGI plumbing both behaviours share: a request body read up to a limit, and a request handed on to
the mock (world or generator) with a response header saying who answered."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from mockserver.proxy.headers import SERVED_BY

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


async def read_body(receive: Receive, limit: int) -> tuple[bytes, bool]:
    """The body up to a little past ``limit`` bytes, and whether more is still to come."""
    chunks: list[bytes] = []
    size, more = 0, True
    while more and size <= limit:
        message = await receive()
        if message["type"] == "http.disconnect":
            return b"".join(chunks), False
        chunk = message.get("body", b"")
        chunks.append(chunk)
        size += len(chunk)
        more = bool(message.get("more_body", False))
    return b"".join(chunks), more


async def hand_to(app: ASGIApp, scope: Scope, body: bytes, send: Send, served_by: str) -> None:
    """Let ``app`` answer a request whose ``body`` was already read; ``X-Specmock-Served-By: served_by``."""
    delivered = False

    async def replay() -> Message:
        nonlocal delivered
        if delivered:
            return {"type": "http.disconnect"}
        delivered = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def marked(message: Message) -> None:
        if message["type"] == "http.response.start":
            note = served_by.encode("latin-1", errors="replace")
            message = {**message, "headers": [*message.get("headers", []), (SERVED_BY.encode(), note)]}
        await send(message)

    await app(scope, replay, marked)
