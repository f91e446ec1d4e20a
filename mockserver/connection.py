"""The HTTP connection: uvicorn's httptools protocol with the limits uvicorn does not have.

uvicorn bounds a request's size only with h11 (``h11_max_incomplete_event_size``) and the mock runs
httptools (twice the throughput); it has no timeout for a request's head or body (its keep-alive
timer is cancelled by the first byte, so a client sending a byte a second is kept forever), and its
``limit_concurrency`` answers a bare text 503. This protocol adds, per connection:

* the head (request line and headers) at most ``max_header_bytes`` bytes and ``max_headers``
  fields, else **431** (counted as bytes arrive, so an 8 MiB header is never buffered);
* the head complete within ``header_timeout`` seconds of the connection or of the request's first
  byte, else **408** (or a silent close when not a byte of a request came);
* the body complete within ``body_timeout`` seconds of the head, else **408**;
* at most ``max_connections`` open connections: a request on one beyond them gets **503**.

Refusals are problem+json and close the connection. Everything else is uvicorn's.

The timeouts are deadlines on the connection, checked by one timer per event loop (a
:class:`_Sweeper`, every quarter of the shortest timeout, at most a second): arming one per request
and cancelling it (two ``call_later`` and two cancels per request) was ~8 us of CPU per request,
a tenth of what the bare Starlette ceiling spends on a whole request. A timeout fires up to that
interval late.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

import httptools
import orjson
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

PROBLEM_JSON = b"application/problem+json"


@dataclass(frozen=True, slots=True)
class ConnectionLimits:
    max_header_bytes: int = 32 * 1024
    max_headers: int = 100
    header_timeout: float = 10.0
    body_timeout: float = 30.0
    max_connections: int = 4096


class _Sweeper:
    """The connections of one event loop whose deadlines it checks every ``interval`` seconds; it
    runs while there are any."""

    running: dict[int, _Sweeper] = {}  # by id() of the loop

    def __init__(self, loop: asyncio.AbstractEventLoop, interval: float) -> None:
        self.loop = loop
        self.interval = interval
        self.protocols: set[LimitedHttpProtocol] = set()
        self.running[id(loop)] = self
        self.loop.call_later(interval, self.sweep)

    @classmethod
    def join(cls, protocol: LimitedHttpProtocol) -> _Sweeper:
        sweeper = cls.running.get(id(protocol.loop))
        if sweeper is None or sweeper.loop is not protocol.loop:  # none, or a stopped loop's
            limits = protocol.limits
            sweeper = cls(protocol.loop, min(1.0, limits.header_timeout / 4, limits.body_timeout / 4))
        sweeper.protocols.add(protocol)
        return sweeper

    def sweep(self) -> None:
        if not self.protocols:
            del self.running[id(self.loop)]
            return
        now = self.loop.time()
        for protocol in list(self.protocols):
            protocol.check_deadline(now)
        self.loop.call_later(self.interval, self.sweep)


class _Refused(httptools.HttpParserError):
    """Raised from a parser callback: uvicorn then calls ``send_400_response``, answered here."""


class LimitedHttpProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol; uvicorn builds one per connection with ``limits`` bound
    (``functools.partial``, which pickles for ``--workers``)."""

    def __init__(self, *args: Any, limits: ConnectionLimits, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limits = limits
        self._head: int | None = 0  # bytes of the current request's head; None once it is complete
        self._fields = 0
        self._deadline = 0.0  # loop time at which ``_expiry`` is called, unless disarmed before
        self._expiry: Callable[[], None] | None = None
        self._refusal: tuple[int, str] | None = None
        self._sweeper: _Sweeper | None = None

    # -- connection ------------------------------------------------------------------------
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._sweeper = _Sweeper.join(self)
        self._arm(self.limits.header_timeout, self._head_too_slow)

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        if self._sweeper is not None:
            self._sweeper.protocols.discard(self)
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._head is not None:
            self._head += len(data)
        super().data_received(data)
        # the head may end inside this chunk: only a head still incomplete past the limit is refused
        if self._head is not None and self._head > self.limits.max_header_bytes:
            self._answer(431, f"The request head exceeds {self.limits.max_header_bytes} bytes")

    # -- parser callbacks ------------------------------------------------------------------
    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._fields = 0
        if self._expiry is None:
            self._arm(self.limits.header_timeout, self._head_too_slow)

    def on_header(self, name: bytes, value: bytes) -> None:
        self._fields += 1
        if self._fields > self.limits.max_headers:
            self._refuse(431, f"The request has more than {self.limits.max_headers} header fields")
        super().on_header(name, value)

    def on_headers_complete(self) -> None:
        size = len(self.url) + sum(len(k) + len(v) + 4 for k, v in self.headers)
        if size > self.limits.max_header_bytes:
            self._refuse(431, f"The request head exceeds {self.limits.max_header_bytes} bytes")
        if len(self.connections) > self.limits.max_connections:
            self._refuse(503, f"The mock holds its limit of {self.limits.max_connections} connections")
        self._head = None
        self._disarm()
        super().on_headers_complete()
        self._arm(self.limits.body_timeout, self._body_too_slow)

    def on_message_complete(self) -> None:
        self._disarm()
        self._head = 0
        super().on_message_complete()

    # -- refusals --------------------------------------------------------------------------
    def _refuse(self, status: int, detail: str) -> None:
        self._refusal = (status, detail)
        raise _Refused(detail)

    def send_400_response(self, msg: str) -> None:
        if self._refusal is None:
            super().send_400_response(msg)
        else:
            self._answer(*self._refusal)

    def _answer(self, status: int, detail: str) -> None:
        """Answer ``status`` with a problem+json body and close, unless a response is under way."""
        self._disarm()
        if self.transport.is_closing():
            return
        cycle = self.cycle  # while a head arrives: the previous request's, else this request's
        in_head = self._head is not None
        if cycle is None or (cycle.response_complete if in_head else not cycle.response_started):
            title = HTTPStatus(status).phrase
            body = orjson.dumps({"type": "about:blank", "title": title, "status": status, "detail": detail})
            head = (
                f"HTTP/1.1 {status} {title}\r\ncontent-type: application/problem+json\r\n"
                f"content-length: {len(body)}\r\nconnection: close\r\n\r\n"
            )
            self.transport.write(head.encode() + body)
        self.transport.close()

    def _head_too_slow(self) -> None:
        if not self._head:  # not a byte of a request: an idle connection, closed without a word
            self.transport.close()
        else:
            self._answer(408, f"The request head did not arrive within {self.limits.header_timeout:g} s")

    def _body_too_slow(self) -> None:
        self._answer(408, f"The request body did not arrive within {self.limits.body_timeout:g} s")

    def _arm(self, seconds: float, callback: Callable[[], None]) -> None:
        self._deadline = self.loop.time() + seconds
        self._expiry = callback

    def _disarm(self) -> None:
        self._expiry = None

    def check_deadline(self, now: float) -> None:
        """Called by the sweeper: the armed timeout's callback, once its deadline has passed."""
        if self._expiry is not None and now >= self._deadline:
            callback, self._expiry = self._expiry, None
            callback()
