"""The spec-driven endpoint: route → security → validate → preferences → behaviour → respond → journal.

A plain ASGI callable mounted inside the Starlette application (``mockserver.app``) rather than a
Starlette ``Route`` per operation: the mock's routes come from specs, and the hot path (a validated,
stateful list) should cost little more than the JSON it returns. README "Where the speed comes
from" gives the measurement that keeps it hand-written.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import parse_qs

from starlette.concurrency import run_in_threadpool

from mockserver.catalog import Catalog, CompiledOperation, ServedSpec
from mockserver.config import Config
from mockserver.control.console import RequestLog
from mockserver.control.journal import Bodies, Journal
from mockserver.control.sessions import Sessions
from mockserver.jsonio import dump_json, parse_json
from mockserver.pipeline.errors import MockError, mock_own_error, refusal_reason, unavailable
from mockserver.pipeline.prefer import from_request
from mockserver.runtime import MockRequest, MockResponse
from mockserver.store import StoreUnavailable
from oascore.validation import FORM, Violation, is_decoded, schema_violations

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]

log = logging.getLogger("mockserver")

SESSION_HEADER = "x-specmock-session"


class _BodyTooLarge(Exception):
    pass


@dataclass(slots=True)
class _Incoming:
    method: str
    path: str
    query_string: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    cookies: dict[str, str]
    body: bytes = b""
    reason: str | None = None  # why the mock refused it, for the journal and the console
    by_mock: bool = False  # refused by the mock itself (a Prefer mistake), not by the API's rules


def _first_documented(compiled: CompiledOperation | None, candidates: tuple[int, ...]) -> int:
    """The first of ``candidates`` the operation documents, else the first candidate."""
    if compiled is not None:
        documented = compiled.operation.responses
        for status in candidates:
            if str(status) in documented:
                return status
    return candidates[0]


def _media_type(header: str) -> str:
    return header.split(";", 1)[0].strip().lower()


def _accepts(declared: dict[str, Any], ctype: str) -> str | None:
    """The declared request media type matching ``ctype`` (exact, ``type/*`` or ``*/*``)."""
    if ctype in declared:
        return ctype
    for key in declared:
        if key == "*/*" or (key.endswith("/*") and ctype.startswith(key[:-1])):
            return key
    if ctype.endswith("+json") and "application/json" in declared:
        return "application/json"
    return None


class SpecEndpoint:
    """Every request that is not the control plane or the dashboard: the served specs' operations."""

    def __init__(self, config: Config, catalog: Catalog, journal: Journal, sessions: Sessions) -> None:
        self.config = config
        self.catalog = catalog
        self.journal = journal
        self.sessions = sessions
        self.console = RequestLog(config.log_format) if config.log_format else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        started = time.perf_counter()
        incoming = self._incoming(scope)
        response, op_label, session = await self._serve(incoming, receive)
        payload = await self._send(send, response, incoming)
        latency_ms = round((time.perf_counter() - started) * 1000, 3)
        if self.console is not None:
            self.console.line(
                incoming.method,
                incoming.path,
                response.status,
                latency_ms,
                incoming.reason,
                op_label,
                incoming.by_mock,
            )
        self.journal.record(
            time=time.time(),
            method=incoming.method,
            path=incoming.path,
            query=incoming.query_string,
            operation=op_label,
            status=response.status,
            latency_ms=latency_ms,
            session=session,
            headers=incoming.headers,  # the journal redacts credentials as it keeps them
            reason=incoming.reason,
            by_mock=incoming.by_mock,
            bodies=Bodies(
                incoming.body,
                payload,
                incoming.headers.get("content-type", ""),
                response.content_type or "",
            ),
        )

    def _incoming(self, scope: Scope) -> _Incoming:
        headers: dict[str, str] = {}
        for key, value in scope.get("headers", []):
            name = key.decode("latin-1").lower()
            text = value.decode("latin-1")
            headers[name] = f"{headers[name]}, {text}" if name in headers and name != "cookie" else text
        raw_path = scope.get("raw_path")
        path = raw_path.decode("latin-1").split("?", 1)[0] if raw_path else scope.get("path", "/")
        query_string = scope.get("query_string", b"").decode("latin-1")
        cookies: dict[str, str] = {}
        if "cookie" in headers:
            for part in headers["cookie"].split(";"):
                name, sep, value = part.strip().partition("=")
                if sep:
                    cookies[name] = value
        return _Incoming(
            method=scope["method"].upper(),
            path=path,
            query_string=query_string,
            query=parse_qs(query_string, keep_blank_values=True, errors="replace") if query_string else {},
            headers=headers,
            cookies=cookies,
        )

    async def _serve(
        self, incoming: _Incoming, receive: Receive
    ) -> tuple[MockResponse, str | None, str | None]:
        named = incoming.query.get("__session")
        session = incoming.headers.get(SESSION_HEADER) or (named[-1] if named else None)
        match = self.catalog.router.match(incoming.method, incoming.path, incoming.query, incoming.headers)
        if match is None:
            owner = self.catalog.router.owner_by_prefix(incoming.path)
            served = self.catalog.specs[owner] if owner else next(iter(self.catalog.specs.values()))
            error = MockError(404, f"No route for {incoming.method} {incoming.path}", field="path")
            return self._error(served, None, error, incoming), None, session
        served = self.catalog.specs[match.owner]
        if match.operation is None:
            allow = ", ".join(match.allowed)
            error = MockError(
                405, f"{incoming.method} is not allowed here; allowed: {allow}", headers={"Allow": allow}
            )
            return self._error(served, None, error, incoming), None, session
        compiled = served.operations[match.operation.label]
        try:
            response = await self._operate(served, compiled, incoming, receive, match.path_params, session)
        except MockError as error:
            response = self._error(served, compiled, error, incoming)
        except StoreUnavailable as exc:
            response = self._error(served, compiled, unavailable(exc), incoming)
        except Exception:  # a bug in a behaviour must not take the server down
            log.exception("unhandled error serving %s", compiled.operation.label)
            failed = MockError(500, "The mock failed to serve this request")
            response = self._error(served, compiled, failed, incoming)
        if self.config.strict:
            self._check_response(compiled, response)
        return response, compiled.operation.label, session

    async def _operate(
        self,
        served: ServedSpec,
        compiled: CompiledOperation,
        incoming: _Incoming,
        receive: Receive,
        path_params: dict[str, str],
        session: str | None,
    ) -> MockResponse:
        op = compiled.operation
        prefs = from_request(incoming.headers, incoming.query)
        base = self.sessions.lookup(session)
        if base is not None:
            prefs = prefs.merged_over(base)
        principal = compiled.security.authenticate(incoming.headers, incoming.query, incoming.cookies)
        if principal is not None and self._role(served, principal) is None:
            hint = served.backend.credential_hint if served.backend is not None else ""
            raise MockError(
                401,
                f"Invalid credentials; {hint}" if hint else "Invalid credentials",
                headers=compiled.security.challenge(),
                field=compiled.security.credential_field(),
            )
        values, violations = compiled.validator.parameters(
            path_params, incoming.query, incoming.headers, incoming.cookies
        )
        body = await self._body(compiled, incoming, receive, violations)
        if violations and served.backend is not None:
            violations = served.backend.explain(op, body, violations)
        if violations:
            raise MockError(
                _first_documented(compiled, (422, 400)), "Validation failed", violations=violations
            )
        if prefs.delay_ms:
            await asyncio.sleep(prefs.delay_ms / 1000)
        if compiled.handler is not None and prefs.example is None and prefs.dynamic is None:
            # Prefer code=N asks for a status, not for a different world: the world answers when its
            # answer has that status; otherwise the status is generated (and the world untouched).
            request = MockRequest(
                operation=op,
                path_params=values["path"],
                query=values["query"],
                headers=incoming.headers,
                body=body,
                principal=principal,
                seed=self.config.seed if prefs.seed is None else prefs.seed,
                preferred_status=prefs.code,
            )
            if self.config.external_state():  # a store call may wait: never on the event loop
                answer = await run_in_threadpool(compiled.handler, request)
            else:
                answer = compiled.handler(request)
            if answer is not None and (prefs.code is None or answer.status == prefs.code):
                return answer
        if self.config.dynamic and prefs.dynamic is None:  # -d: faked from the schema, as Prism's -d
            prefs = replace(prefs, dynamic=True)
        return served.responder.respond(op, prefs, values, body, incoming.headers.get("accept", ""))

    def _role(self, served: ServedSpec, credential: str) -> str | None:
        """A stateful API decides who its users are; a generic one accepts any credential until
        ``--token`` registers some."""
        if served.backend is not None:
            return served.backend.role_for(credential)
        if self.config.tokens:
            return self.config.tokens.get(credential)
        return "user"

    async def _body(
        self, compiled: CompiledOperation, incoming: _Incoming, receive: Receive, violations: list[Violation]
    ) -> Any:
        declared = compiled.operation.body
        try:
            raw = incoming.body = await self._read_capped(receive, incoming)
        except _BodyTooLarge:
            raise MockError(
                _first_documented(compiled, (413, 400, 422)),
                f"Request body exceeds the limit of {self.config.max_body} bytes",
            ) from None
        if declared is None:
            return None
        ctype = _media_type(incoming.headers.get("content-type", ""))
        media_key = _accepts(declared.content, ctype) if ctype else None
        if not raw.strip():
            if media_key is not None and (media_key.startswith("text/") or media_key == FORM):
                raw = b""  # an empty text is a text, an empty form an object without fields
            else:
                if declared.required:
                    violations.append(Violation(("body",), "Field required", "missing"))
                return None
        if media_key is None:
            expected = ", ".join(declared.content) or "none"
            shown = ctype or "none"
            raise MockError(
                _first_documented(compiled, (415, 400, 422)),
                f"Unsupported Content-Type {shown!r}; expected {expected}",
            )
        if is_decoded(media_key):
            payload, found = compiled.validator.decoded_body(
                media_key, raw, incoming.headers.get("content-type", "")
            )
            violations.extend(found)
            return payload
        if "json" not in media_key and media_key != "*/*":
            return raw.decode("utf-8", errors="replace")
        try:
            payload = parse_json(raw, self.config.max_depth)
        except ValueError as exc:
            violations.append(Violation(("body", 0), str(exc), "json_invalid"))
            return None
        violations.extend(compiled.validator.body(media_key, payload))
        return payload

    async def _read_capped(self, receive: Receive, incoming: _Incoming) -> bytes:
        declared = incoming.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.config.max_body:
            raise _BodyTooLarge
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.config.max_body:
                raise _BodyTooLarge
            chunks.append(chunk)
            more = message.get("more_body", False)
        return b"".join(chunks)

    def _error(
        self, served: ServedSpec, compiled: CompiledOperation | None, error: MockError, incoming: _Incoming
    ) -> MockResponse:
        incoming.reason = refusal_reason(error)
        if error.by_mock:
            incoming.by_mock = True
            return mock_own_error(error)
        rendered = served.errors.render(compiled.operation if compiled else None, error)
        if isinstance(rendered.body, str) and "json" not in rendered.content_type:
            return MockResponse(  # a documented XML or text error: its text as it is
                rendered.status,
                None,
                headers=rendered.headers,
                content_type=rendered.content_type,
                raw=rendered.body.encode(),
            )
        return MockResponse(
            rendered.status, rendered.body, headers=rendered.headers, content_type=rendered.content_type
        )

    def _check_response(self, compiled: CompiledOperation, response: MockResponse) -> None:
        op = compiled.operation
        documented = op.response_for(response.status)
        if documented is None:
            log.warning("strict: %s answered undocumented status %s", op.label, response.status)
            return
        validator = compiled.response_validators.get((documented.status, response.content_type or ""))
        if validator is None:
            return
        body = parse_json(response.raw) if response.raw is not None else response.body
        for violation in schema_violations(validator, body, ("response",)):  # type: ignore[arg-type]
            log.warning(
                "strict: %s %s response violates its schema at %s: %s",
                op.label,
                response.status,
                ".".join(map(str, violation.loc)),
                violation.msg,
            )

    async def _send(self, send: Send, response: MockResponse, incoming: _Incoming) -> bytes:
        if response.raw is not None:
            payload = response.raw
        elif response.content_type is None or response.status in (204, 304):
            payload = b""
        else:
            payload = dump_json(response.body)
        headers: list[tuple[bytes, bytes]] = []
        if response.content_type is not None and payload:
            headers.append((b"content-type", response.content_type.encode("latin-1")))
        headers.append((b"content-length", str(len(payload)).encode()))
        for name, value in response.headers.items():
            headers.append((name.lower().encode("latin-1"), value.encode("latin-1", errors="replace")))
        await send({"type": "http.response.start", "status": response.status, "headers": headers})
        await send({"type": "http.response.body", "body": b"" if incoming.method == "HEAD" else payload})
        return payload


__all__ = ["SESSION_HEADER", "SpecEndpoint"]
