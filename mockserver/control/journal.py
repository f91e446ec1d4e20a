"""What came in and what went out: a bounded request journal and per-operation coverage."""

from __future__ import annotations

import itertools
import re
from collections import Counter, deque
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import parse_qsl, urlencode

import orjson

from mockserver.control.findings import FindingLog

SENSITIVE = frozenset(
    {
        "authorization",
        "proxy-authorization",
        "cookie",
        "set-cookie",
        "x-api-token",
        "x-api-key",
        "api-key",
        "x-admin-token",
    }
)


REDACTED = "[redacted]"
# What one entry keeps of a request: a bounded journal of unbounded entries is not bounded.
MAX_KEPT_HEADERS = 64
MAX_KEPT_CHARS = 1024  # of a header value, the path, the query string
BODIES_KEPT = 100  # request and response bodies of the newest entries, for GET /_mock/journal/{id}
MAX_BODY_CHARS = 256 * 1024  # of a body shown there
# a body longer than this is not kept (a note says its size): the journal's memory stays bounded
# (BODIES_KEPT x 2 x this) whatever --max-body allows, and more than is shown is never needed
KEPT_BODY_BYTES = MAX_BODY_CHARS
KEPT_HEADER_SETS = 256  # distinct header sets whose kept form is remembered (then it starts over)
# Names that carry a credential whatever the spec calls its scheme: an API key in a query parameter
# (``api_key``, ``access_token``) or a custom header (``X-Secret-Key``) is hidden too.
_CREDENTIAL_NAME = re.compile(
    r"authori[sz]|authenticat|(^|[-_])auth($|[-_])|token|secret|passw|credential|signature|api[-_]?key|^key$"
)


@lru_cache(maxsize=4096)  # header names repeat: the regex runs once per name, not per request
def sensitive(name: str, extra: frozenset[str] = frozenset()) -> bool:
    lowered = name.lower()
    return lowered in SENSITIVE or lowered in extra or _CREDENTIAL_NAME.search(lowered) is not None


def redact(headers: Mapping[str, str], extra: frozenset[str] = frozenset()) -> dict[str, str]:
    """Headers safe to keep: credentials become ``"[redacted]"``."""
    return {k: (REDACTED if sensitive(k, extra) else v) for k, v in headers.items()}


def truncated(text: str) -> str:
    """``text``, or its first :data:`MAX_KEPT_CHARS` characters and how many more there were."""
    if len(text) <= MAX_KEPT_CHARS:
        return text
    return f"{text[:MAX_KEPT_CHARS]}...[{len(text) - MAX_KEPT_CHARS} more characters]"


def kept_headers(headers: Mapping[str, str], extra: frozenset[str] = frozenset()) -> dict[str, str]:
    """What the journal keeps of ``headers``: the first :data:`MAX_KEPT_HEADERS`, credentials
    redacted, each value truncated."""
    kept = dict(itertools.islice(headers.items(), MAX_KEPT_HEADERS))
    return {name[:MAX_KEPT_CHARS]: truncated(value) for name, value in redact(kept, extra).items()}


@lru_cache(maxsize=1024)  # list pages repeat their query strings: parse each once
def redact_query(query: str, extra: frozenset[str] = frozenset()) -> str:
    """A query string safe to keep: the values of credential-like parameters become ``[redacted]``."""
    if not query:
        return query
    pairs = parse_qsl(query, keep_blank_values=True, errors="replace")
    if not any(sensitive(name, extra) for name, _ in pairs):
        return query
    return urlencode([(name, REDACTED if sensitive(name, extra) else value) for name, value in pairs])


@dataclass(frozen=True, slots=True)
class Entry:
    id: int
    time: float
    method: str
    path: str
    query: str
    operation: str | None
    status: int
    latency_ms: float
    session: str | None
    headers: dict[str, str]
    served_by: str | None = None  # with --proxy or --fixtures: upstream, mock or fixture
    findings: tuple[str, ...] = ()  # drift the proxy saw in this exchange, one line each
    reason: str | None = None  # why the mock refused the request: which parameter, which rule
    by_mock: bool = False  # the mock's own error (a Prefer mistake), not an answer of the API

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Bodies:
    """What went in and out, as bytes (kept by reference: the journal copies nothing)."""

    request: bytes
    response: bytes
    request_type: str
    response_type: str


def _bounded(bodies: Bodies) -> Bodies:
    """``bodies`` with each one over :data:`KEPT_BODY_BYTES` replaced by a note of its size."""
    request, response = bodies.request, bodies.response
    if len(request) <= KEPT_BODY_BYTES and len(response) <= KEPT_BODY_BYTES:
        return bodies
    return Bodies(
        request=_not_kept(request) if len(request) > KEPT_BODY_BYTES else request,
        response=_not_kept(response) if len(response) > KEPT_BODY_BYTES else response,
        request_type="text/plain" if len(request) > KEPT_BODY_BYTES else bodies.request_type,
        response_type="text/plain" if len(response) > KEPT_BODY_BYTES else bodies.response_type,
    )


def _not_kept(raw: bytes) -> bytes:
    return b"[a body of %d bytes: not kept, the journal keeps bodies up to %d bytes]" % (
        len(raw),
        KEPT_BODY_BYTES,
    )


def redact_body(raw: bytes, content_type: str, extra: frozenset[str] = frozenset()) -> str:
    """A body for a person to read: JSON pretty-printed with credential-like fields redacted,
    anything else as text; both truncated to :data:`MAX_BODY_CHARS`."""
    text: str
    if "json" in content_type:
        try:
            text = orjson.dumps(_redacted(orjson.loads(raw), extra), option=orjson.OPT_INDENT_2).decode()
        except (orjson.JSONDecodeError, TypeError):
            text = raw.decode("utf-8", errors="replace")
    else:
        text = raw.decode("utf-8", errors="replace")
    if len(text) > MAX_BODY_CHARS:
        return f"{text[:MAX_BODY_CHARS]}\n...[{len(text) - MAX_BODY_CHARS} more characters]"
    return text


def _redacted(value: Any, extra: frozenset[str]) -> Any:
    if isinstance(value, dict):
        return {k: REDACTED if sensitive(str(k), extra) else _redacted(v, extra) for k, v in value.items()}
    if isinstance(value, list):
        return [_redacted(v, extra) for v in value]
    return value


class Journal:
    """Recent requests (bounded) and the operation x status coverage of this process."""

    def __init__(self, capacity: int = 1000, secrets: frozenset[str] = frozenset()) -> None:
        """``secrets``: lower-case header/parameter names that carry credentials besides the
        well-known ones (the served specs' apiKey names, whatever they are called)."""
        self._secrets = secrets
        self._entries: deque[Entry] = deque(maxlen=capacity)
        self._ids = itertools.count(1)
        self._hits: Counter[tuple[str, int]] = Counter()
        self.findings = FindingLog()  # what the proxy saw, folded per cause (GET /_mock/findings)
        self._bodies: dict[int, Bodies] = {}  # the newest BODIES_KEPT entries' bodies
        self._kept: dict[tuple[tuple[str, str], ...], dict[str, str]] = {}  # headers as kept

    @property
    def coverage(self) -> Counter[tuple[str, int]]:
        """Hits per (operation label, status): the API's answers, not the mock's own errors."""
        return self._hits

    def record(self, *, bodies: Bodies | None = None, **fields: Any) -> None:
        """Keep one request. Credentials are redacted here too, whatever the caller passed; headers,
        path and query are truncated (:func:`kept_headers`, :func:`truncated`). The mock's own
        errors (``by_mock``) are not the API's coverage."""
        if "headers" in fields:
            fields["headers"] = self._kept_headers(fields["headers"])
        if "query" in fields:
            fields["query"] = truncated(redact_query(fields["query"], self._secrets))
        if "path" in fields:
            fields["path"] = truncated(fields["path"])
        entry = Entry(id=next(self._ids), **fields)
        self._entries.append(entry)
        if entry.operation is not None and not entry.by_mock:
            self._hits[(entry.operation, entry.status)] += 1
        if bodies is not None:
            self._bodies[entry.id] = _bounded(bodies)
            if len(self._bodies) > BODIES_KEPT:
                del self._bodies[next(iter(self._bodies))]

    def _kept_headers(self, headers: Mapping[str, str]) -> dict[str, str]:
        """:func:`kept_headers`, once per distinct set of headers: a client sends the same ones
        request after request (redacting them anew was a tenth of a list's CPU). Entries share
        the kept dict, which nothing changes."""
        key = tuple(headers.items())
        kept = self._kept.get(key)
        if kept is None:
            kept = kept_headers(headers, self._secrets)
            if len(self._kept) >= KEPT_HEADER_SETS:
                self._kept.clear()
            self._kept[key] = kept
        return kept

    def close(self) -> None:
        """Release what the journal holds outside this process (nothing, for this one)."""

    def clear(self) -> None:
        self._entries.clear()
        self._hits.clear()
        self.findings.clear()
        self._bodies.clear()

    def entry(self, entry_id: int) -> dict[str, Any] | None:
        """One entry with its bodies, redacted (``bodies`` is ``None`` once they were let go)."""
        found = next((e for e in reversed(self._entries) if e.id == entry_id), None)
        if found is None:
            return None
        out = found.to_dict()
        kept = self._bodies.get(entry_id)
        out["bodies"] = None
        if kept is not None:
            out["bodies"] = {
                "request": redact_body(kept.request, kept.request_type, self._secrets),
                "request_type": kept.request_type,
                "response": redact_body(kept.response, kept.response_type, self._secrets),
                "response_type": kept.response_type,
            }
        return out

    def query(
        self,
        *,
        operation: str | None = None,
        status: int | None = None,
        method: str | None = None,
        path: str | None = None,
        limit: int = 100,
        since: int = 0,
    ) -> list[dict[str, Any]]:
        """Newest first, filtered; ``operation`` matches the label or a substring of it; ``since``
        keeps only entries whose id is greater (what a polling reader has not seen yet)."""
        return select(self.newest_first(), operation, status, method, path, limit, since)

    def newest_first(self) -> Iterable[Entry]:
        """The entries :meth:`query` reads, newest first (a shared journal reads the team's)."""
        return reversed(self._entries)


def select(
    newest_first: Iterable[Entry],
    operation: str | None,
    status: int | None,
    method: str | None,
    path: str | None,
    limit: int,
    since: int = 0,
) -> list[dict[str, Any]]:
    """The entries newer than ``since`` that match every filter given, as dicts, at most ``limit``."""
    out: list[dict[str, Any]] = []
    for entry in newest_first:
        if entry.id <= since:
            break
        if operation and (entry.operation is None or operation not in entry.operation):
            continue
        if status is not None and entry.status != status:
            continue
        if method and entry.method != method.upper():
            continue
        if path and path not in entry.path:
            continue
        out.append(entry.to_dict())
        if len(out) >= limit:
            break
    return out
