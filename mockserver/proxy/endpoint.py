"""``--proxy URL``: every API request forwarded to the upstream, both directions held to the spec.

The response passes through unchanged (status, end-to-end headers, body bytes, still content-encoded)
unless ``--proxy-strict`` turns one that breaks the spec into a 502 saying why. Each disagreement is
a finding (``oascore.drift``), folded per cause in the journal's :class:`FindingLog`, logged once
when first seen, listed on the exchange's journal entry. With ``--proxy-fallback`` an operation the
upstream answers 404/501/5xx, or cannot answer, is served by the mock (the world or the generator),
and the ``X-Specmock-Served-By`` response header says so. ``--record DIR`` writes every exchange.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass

import orjson

from mockserver.catalog import Catalog
from mockserver.config import Config
from mockserver.control.journal import Journal
from mockserver.proxy.check import Located, SpecCheck, decoded
from mockserver.proxy.forward import Upstream, UpstreamAnswer, UpstreamError
from mockserver.proxy.handoff import ASGIApp, Receive, Scope, Send, hand_to, read_body
from mockserver.proxy.headers import SERVED_BY
from mockserver.proxy.record import Recorder
from oascore.drift.exchange import Answer, Sent
from oascore.findings import Finding

log = logging.getLogger("mockserver.proxy")

CHECKED_BODY = 4 * 1024 * 1024  # response bytes held for the spec check; a longer body is not checked


def _fallback_worthy(status: int) -> bool:
    return status in (404, 501) or status >= 500


@dataclass(slots=True)
class _Request:
    method: str
    path: str
    query: str
    headers: list[tuple[str, str]]
    folded: dict[str, str]  # lower-case names, repeated values joined, for the spec check
    body: bytes  # what was read before forwarding (all of it unless ``more``)
    more: bool  # the body goes on beyond ``max_body``: streamed, not checked

    @property
    def target(self) -> str:
        return f"{self.path}?{self.query}" if self.query else self.path


class ProxyEndpoint:
    """An ASGI app for the API's paths (never ``/_mock``: the application routes those first)."""

    def __init__(self, config: Config, catalog: Catalog, journal: Journal, fallback: ASGIApp) -> None:
        assert config.proxy is not None
        self.config = config
        self.journal = journal
        self.fallback = fallback
        self.check = SpecCheck(catalog)
        self.upstream = Upstream(config.proxy, timeout=config.proxy_timeout, ca_file=config.proxy_ca)
        self.recorder = (
            Recorder(config.record, config.redact, config.record_max_body) if config.record else None
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        started = time.perf_counter()
        request = await self._read(scope, receive)
        located = self.check.locate(request.method, request.path, request.query, request.folded)
        sent = self.check.sent(located, request.query, request.folded, None if request.more else request.body)
        try:
            answer = await self.upstream.open(
                request.method, request.target, request.headers, self._body(request, receive)
            )
        except UpstreamError as exc:
            log.warning("proxy: %s %s: %s (%d)", request.method, request.path, exc.reason, exc.status)
            if self.config.proxy_fallback and located.compiled is not None:
                await self._from_mock(scope, request, send, f"upstream unreachable: {exc.reason}")
                return
            await self._refuse(send, exc.status, exc.reason)
            self._journal(request, located, exc.status, started, "proxy", [f"upstream: {exc.reason}"])
            return
        if self.config.proxy_fallback and located.compiled is not None and _fallback_worthy(answer.status):
            await answer.close()
            await self._from_mock(scope, request, send, f"upstream answered {answer.status}")
            return
        try:
            status, findings = await self._relay(answer, request, located, sent, send)
        finally:
            await answer.close()
        lines = [str(f) for f in findings] if located.compiled else ["operation not in the spec"]
        self._journal(request, located, status, started, "upstream", lines)

    async def _read(self, scope: Scope, receive: Receive) -> _Request:
        headers = [(k.decode("latin-1").lower(), v.decode("latin-1")) for k, v in scope.get("headers", [])]
        folded: dict[str, str] = {}
        for name, value in headers:
            folded[name] = f"{folded[name]}, {value}" if name in folded else value
        raw_path = scope.get("raw_path")
        path = raw_path.decode("latin-1").split("?", 1)[0] if raw_path else scope.get("path", "/")
        body, more = await read_body(receive, self.config.max_body)
        query = scope.get("query_string", b"").decode("latin-1")
        return _Request(scope["method"].upper(), path, query, headers, folded, body, more)

    @staticmethod
    def _body(request: _Request, receive: Receive) -> AsyncIterator[bytes] | bytes:
        if not request.more:
            return request.body

        async def rest() -> AsyncIterator[bytes]:
            yield request.body
            more = True
            while more:
                message = await receive()
                if message["type"] == "http.disconnect":
                    return
                yield message.get("body", b"")
                more = bool(message.get("more_body", False))

        return rest()

    async def _relay(
        self, answer: UpstreamAnswer, request: _Request, located: Located, sent: Sent, send: Send
    ) -> tuple[int, list[Finding]]:
        """Pass the answer on (held back whole under ``--proxy-strict``); the findings it carries."""
        headers = [(n.encode("latin-1"), v.encode("latin-1")) for n, v in answer.headers]
        length = answer.response.headers.get("content-length")
        if length is not None and "transfer-encoding" not in answer.response.headers:
            headers.append((b"content-length", length.encode("latin-1")))
        held: list[bytes] = []
        size, started = 0, False
        try:
            async for chunk in answer.chunks():
                if size <= CHECKED_BODY:
                    held.append(chunk)
                size += len(chunk)
                if self.config.proxy_strict and size <= CHECKED_BODY:
                    continue
                if not started:
                    await send({"type": "http.response.start", "status": answer.status, "headers": headers})
                    for kept in held:
                        await send({"type": "http.response.body", "body": kept, "more_body": True})
                    started = True
                else:
                    await send({"type": "http.response.body", "body": chunk, "more_body": True})
        except UpstreamError as exc:
            if not started:
                await self._refuse(send, exc.status, exc.reason)
                return exc.status, []
            await send({"type": "http.response.body", "body": b"", "more_body": False})
            return answer.status, []
        body = b"".join(held)
        findings = self._findings(request, located, sent, answer, body if size <= CHECKED_BODY else None)
        if not started:
            breaking = [f for f in findings if f.severity == "breaking" and f.location.startswith("response")]
            if self.config.proxy_strict and breaking:
                reason = "; ".join(str(f) for f in breaking)
                await self._refuse(send, 502, f"the upstream's response breaks the spec: {reason}")
                return 502, findings
            await send({"type": "http.response.start", "status": answer.status, "headers": headers})
            await send({"type": "http.response.body", "body": b"" if request.method == "HEAD" else body})
        else:
            await send({"type": "http.response.body", "body": b"", "more_body": False})
        if self.recorder is not None and located.label is not None:
            self.recorder.save(
                located.label, request.method, request.target, request.headers, request.body, answer, body
            )
        return answer.status, findings

    def _findings(
        self, request: _Request, located: Located, sent: Sent, answer: UpstreamAnswer, body: bytes | None
    ) -> list[Finding]:
        example = f"{request.method} {request.path} -> {answer.status}"
        if located.compiled is None:
            if self.journal.findings.add_undocumented(f"{request.method} {request.path}"):
                log.warning("proxy: %s %s is not in the spec (forwarded)", request.method, request.path)
            return []
        plain = (
            decoded(body, answer.response.headers.get("content-encoding", "")) if body is not None else None
        )
        findings: list[Finding] = []
        if plain is not None:
            headers = {n: v for n, v in answer.headers}
            findings = self.check.drift(located, sent, Answer(answer.status, headers, plain))
        for found in self.journal.findings.add(findings, example):
            log.warning("proxy: drift: %s", found)
        return findings

    async def _from_mock(self, scope: Scope, request: _Request, send: Send, why: str) -> None:
        await hand_to(self.fallback, scope, request.body, send, f"mock ({why})")

    @staticmethod
    async def _refuse(send: Send, status: int, reason: str) -> None:
        title = "Bad Gateway" if status == 502 else "Gateway Timeout"
        body = orjson.dumps({"type": "about:blank", "title": title, "status": status, "detail": reason})
        headers = [
            (b"content-type", b"application/problem+json"),
            (b"content-length", str(len(body)).encode()),
            (SERVED_BY.encode(), b"proxy"),
        ]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    def _journal(
        self, request: _Request, located: Located, status: int, started: float, by: str, findings: list[str]
    ) -> None:
        self.journal.record(
            time=time.time(),
            method=request.method,
            path=request.path,
            query=request.query,
            operation=located.label,
            status=status,
            latency_ms=round((time.perf_counter() - started) * 1000, 3),
            session=None,
            headers=request.folded,  # the journal redacts credentials as it keeps them
            served_by=by,
            findings=tuple(findings),
        )

    async def aclose(self) -> None:
        await self.upstream.aclose()
