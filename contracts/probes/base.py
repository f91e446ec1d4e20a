"""What every probe shares: spec-built baseline requests, a counting HTTP target, verdicts.

A probe starts from a *baseline*: a request built from the spec (examples, defaults, minimal valid
values drawn by the shared generator, :mod:`contracts.probes.samples`) plus the user's pinned
headers and parameters, which the server accepts. It then changes one *slot* (a top-level body
property, a query or a header parameter) and reads the verdict: 2xx is accepted, a 4xx that speaks
about the request (not 401/403/404/409/429) is refused, anything else says nothing about the value.
An operation with no accepted baseline is not exercised by the probes that need one; the context
keeps the reason (:meth:`ProbeContext.needs_baseline`), and the run reports it per probe.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any, TypeVar

import httpx

from contracts.coverage import Tally
from contracts.crash import Crash, answers, gone
from contracts.curl import CREDENTIAL_HEADERS, curl_line
from contracts.findings import Evidence, Finding
from contracts.probes.samples import VARIANTS, NoValue, Samples, unwrap
from oascore import Operation, Spec

T = TypeVar("T")


class _Absent:
    def __repr__(self) -> str:
        return "<absent>"


ABSENT: Any = _Absent()
"""A slot value meaning "leave this field out of the request"."""

INCONCLUSIVE_STATUSES = frozenset({401, 403, 404, 405, 408, 409, 423, 429})
PROBED_LOCATIONS = ("body", "query", "header")


class Verdict(StrEnum):
    ACCEPTED = "accepted"
    REFUSED = "refused"
    INCONCLUSIVE = "inconclusive"
    SERVER_ERROR = "server-error"


def verdict_of(status: int) -> Verdict:
    if 200 <= status < 300:
        return Verdict.ACCEPTED
    if status >= 500:
        return Verdict.SERVER_ERROR
    if 400 <= status < 500 and status not in INCONCLUSIVE_STATUSES:
        return Verdict.REFUSED
    return Verdict.INCONCLUSIVE


@dataclass(frozen=True, slots=True)
class Pins:
    """Fixed values: ``headers`` go on every request; ``params`` maps (location, name) to a value."""

    headers: Mapping[str, str] = field(default_factory=dict)
    params: Mapping[tuple[str, str], str] = field(default_factory=dict)

    def param(self, location: str, name: str) -> str | None:
        key = (location, name.lower() if location == "header" else name)
        return self.params.get(key)


@dataclass(frozen=True, slots=True)
class Slot:
    """One value a probe can vary: a top-level body property or a query/header parameter."""

    location: str  # body | query | header
    name: str
    schema: dict[str, Any]  # refs resolved, the nullable wrapper removed
    required: bool
    declared: dict[str, Any] = field(default_factory=dict)  # as the spec states it, for validation

    @property
    def label(self) -> str:
        return location_label(self.location, self.name)


def location_label(location: str, name: str) -> str:
    return f"request.{location}.{name.lower() if location == 'header' else name}"


@dataclass(frozen=True, slots=True)
class ProbeRequest:
    method: str
    path: str  # with path parameters filled in
    query: Mapping[str, Any]
    headers: Mapping[str, str]
    body: Any = None
    has_body: bool = False

    def value_at(self, slot: Slot) -> Any:
        container = self._container(slot.location)
        if container is None:
            return ABSENT
        key = _find_key(container, slot.name, slot.location)
        return container[key] if key is not None else ABSENT

    def with_slot(self, slot: Slot, value: Any) -> ProbeRequest:
        """This request with ``slot`` set to ``value`` (or removed, for :data:`ABSENT`)."""
        container = dict(self._container(slot.location) or {})
        key = _find_key(container, slot.name, slot.location)
        if key is not None:
            del container[key]
        if value is not ABSENT:
            container[slot.name] = value if slot.location == "body" else _as_text(value)
        if slot.location == "body":
            return replace(self, body=container, has_body=True)
        if slot.location == "query":
            return replace(self, query=container)
        return replace(self, headers=container)

    def without_headers(self, names: set[str]) -> ProbeRequest:
        return replace(self, headers={k: v for k, v in self.headers.items() if k.lower() not in names})

    def with_header(self, name: str, value: str) -> ProbeRequest:
        headers = {k: v for k, v in self.headers.items() if k.lower() != name.lower()}
        return replace(self, headers={**headers, name: value})

    def without_query(self, names: set[str]) -> ProbeRequest:
        return replace(self, query={k: v for k, v in self.query.items() if k not in names})

    def with_query(self, name: str, value: str) -> ProbeRequest:
        return replace(self, query={**self.query, name: value})

    def _container(self, location: str) -> Mapping[str, Any] | None:
        if location == "body":
            return self.body if isinstance(self.body, dict) else ({} if not self.has_body else None)
        return self.query if location == "query" else self.headers


def _find_key(container: Mapping[str, Any], name: str, location: str) -> str | None:
    if location != "header":
        return name if name in container else None
    return next((key for key in container if key.lower() == name.lower()), None)


def _as_text(value: Any) -> str:
    """A parameter value as text: scalars plainly, arrays comma-separated (the ``simple`` style of
    paths and headers), objects as JSON."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(_as_text(v) for v in value)
    return value if isinstance(value, str) else json.dumps(value)


@dataclass(frozen=True, slots=True)
class Exchange:
    request: ProbeRequest
    status: int
    body: Any  # parsed JSON, or None
    curl: str

    @property
    def verdict(self) -> Verdict:
        return verdict_of(self.status)


class Target:
    """The server under test, over plain HTTP; counts what it sends."""

    def __init__(
        self, base_url: str, *, timeout: float = 10.0, secrets: Collection[str] = CREDENTIAL_HEADERS
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.secrets = secrets  # header and query names masked in cURL lines
        self.requests = 0
        self._client = httpx.Client(base_url=self.base_url, timeout=timeout)

    def send(self, request: ProbeRequest) -> Exchange:
        """The server's answer; raises :class:`NoAnswer` when there is none."""
        self.requests += 1
        headers = dict(request.headers)
        content: bytes | None = None
        if request.has_body:
            content = json.dumps(request.body).encode()
            if not any(k.lower() == "content-type" for k in headers):
                headers["Content-Type"] = "application/json"
        query = request.query.items()
        # a list is form-exploded (``?a=1&a=2``), OpenAPI's default for query arrays
        params = {k: [_as_text(i) for i in v] if isinstance(v, list) else _as_text(v) for k, v in query}
        built = self._client.build_request(
            request.method, request.path, params=params, headers=headers, content=content
        )
        curl = curl_line(
            request.method,
            str(built.url),
            headers=headers,
            body=request.body,
            has_body=request.has_body,
            secrets=self.secrets,
        )
        try:
            response = self._client.send(built)
        except httpx.TransportError as exc:
            raise NoAnswer(curl, isinstance(exc, httpx.TimeoutException), type(exc).__name__) from exc
        try:
            body = response.json()
        except ValueError:
            body = None
        return Exchange(request=request, status=response.status_code, body=body, curl=curl)

    def close(self) -> None:
        self._client.close()


class NoAnswer(Exception):
    """A request that got no HTTP answer: the connection dropped, or nothing came in time."""

    def __init__(self, curl: str, timeout: bool, detail: str) -> None:
        super().__init__(detail)
        self.curl, self.timeout, self.detail = curl, timeout, detail


@dataclass(frozen=True, slots=True)
class Explanation:
    """A probe finding as a rule: which request values (at ``location``) it accounts for."""

    operation: str
    location: str
    kind: str
    explains: Callable[[Any], bool]


@dataclass(slots=True)
class ProbeContext:
    spec: Spec
    target: Target
    pins: Pins
    seed: int
    explanations: list[Explanation] = field(default_factory=list)
    server_errors: list[tuple[Operation, Exchange]] = field(default_factory=list)
    tally: Tally = field(default_factory=Tally)  # statuses answered, per operation
    crashes: list[Crash] = field(default_factory=list)
    checks: frozenset[str] | None = None  # the probe families to run (--checks); None: every one
    unexercised: dict[str, dict[str, str]] = field(default_factory=dict)  # label -> probe -> reason
    samples: Samples | None = None  # made from ``spec`` and ``seed`` on first use
    unmet: str | None = None  # the label of the last operation a probe needed a baseline for in vain
    _baselines: dict[str, Exchange | None] = field(default_factory=dict)
    _problems: dict[str, str] = field(default_factory=dict)  # label -> why it has no baseline

    def send(self, op: Operation, request: ProbeRequest) -> Exchange:
        """The answer to ``request``; no answer is a crash (status 0), or the end if the server died."""
        try:
            exchange = self.target.send(request)
        except NoAnswer as exc:
            crash = Crash(op.label, exc.timeout, exc.curl, exc.detail, "probe")
            self.crashes.append(crash)
            if not answers(self.target.base_url):
                raise gone(self.target.base_url, crash) from None
            return Exchange(request=request, status=0, body=None, curl=exc.curl)
        self.tally.add(op.label, exchange.status)
        if exchange.verdict is Verdict.SERVER_ERROR:
            self.server_errors.append((op, exchange))
        return exchange

    def enabled(self, family: str) -> bool:
        return self.checks is None or family in self.checks

    def evidence(self, exchange: Exchange, note: str | None = None) -> Evidence:
        return Evidence(curl=exchange.curl, seed=self.seed, status=exchange.status, note=note)

    def explain(self, finding: Finding, explains: Callable[[Any], bool]) -> None:
        self.explanations.append(Explanation(finding.operation, finding.location, finding.kind, explains))

    @property
    def values(self) -> Samples:
        if self.samples is None:
            self.samples = Samples(self.spec, self.seed)
        return self.samples

    def baseline(self, op: Operation) -> Exchange | None:
        """The accepted baseline exchange for ``op``, or ``None`` when no candidate is accepted."""
        if op.label not in self._baselines:
            self._baselines[op.label] = None
            answered: list[int] = []
            try:
                for request in baseline_candidates(self.values, op, self.pins):
                    exchange = self.send(op, request)
                    if exchange.verdict is Verdict.ACCEPTED:
                        self._baselines[op.label] = exchange
                        break
                    answered.append(exchange.status)
            except NoValue as exc:
                self._problems[op.label] = str(exc)
            else:
                if self._baselines[op.label] is None:
                    self._problems[op.label] = _refused(answered)
        return self._baselines[op.label]

    def needs_baseline(self, op: Operation) -> Exchange | None:
        """:meth:`baseline`, for a probe that has something to try on ``op``: when there is none,
        the operation is marked :attr:`unmet` (the run records it as not exercised by that probe)."""
        base = self.baseline(op)
        if base is None:
            self.unmet = op.label
        return base

    def not_exercised(self, op: Operation, probe: str) -> None:
        """Record that ``probe`` could not exercise ``op``, with the reason its baseline failed."""
        reason = self._problems.get(op.label, "no accepted baseline request")
        self.unexercised.setdefault(op.label, {})[probe] = reason


def _refused(statuses: list[int]) -> str:
    if not statuses:
        return "no baseline request could be built"
    answers = ", ".join(str(s) if s else "no answer" for s in statuses)
    missing = " (a resource that does not exist? pin its id with --param)" if 404 in statuses else ""
    return f"no baseline request was accepted: answered {answers}{missing}"


# --- requests ------------------------------------------------------------------------------------


def json_media(op: Operation) -> tuple[str, Any] | None:
    """The JSON media type of ``op``'s request body and its schema, if it takes one."""
    if op.body is None:
        return None
    for ctype, media in op.body.content.items():
        if ctype == "application/json" or ctype.endswith("+json"):
            return ctype, media
    return None


def slots(spec: Spec, op: Operation, pins: Pins) -> Iterator[Slot]:
    """Every value a probe may vary, leaving out what the user pinned."""
    for param in op.parameters:
        if param.location in PROBED_LOCATIONS and pins.param(param.location, param.name) is None:
            yield Slot(param.location, param.name, unwrap(spec, param.schema), param.required, param.schema)
    media = json_media(op)
    if media is None or media[1].schema is None:
        return
    body = unwrap(spec, media[1].schema)
    required = set(body.get("required") or [])
    for name, schema in (body.get("properties") or {}).items():
        if pins.param("body", name) is None:
            yield Slot("body", name, unwrap(spec, schema), name in required, schema)


def probe_slots(
    ctx: ProbeContext,
    op: Operation,
    read: Callable[[dict[str, Any]], T | None],
    probe: Callable[[ProbeContext, Operation, Exchange, Slot, T], list[Finding]],
) -> list[Finding]:
    """``probe`` each slot whose schema ``read`` finds something in (not None, not empty), from the
    baseline; nothing when the operation has no accepted baseline."""
    wanted = [(slot, found) for slot in slots(ctx.spec, op, ctx.pins) if (found := read(slot.schema))]
    base = ctx.needs_baseline(op) if wanted else None
    if base is None:
        return []
    findings: list[Finding] = []
    for slot, found in wanted:
        findings += probe(ctx, op, base, slot, found)
    return findings


def baseline_candidates(samples: Samples, op: Operation, pins: Pins) -> Iterator[ProbeRequest]:
    """Requests the server should accept: the spec's body examples first, then drawn values (the
    smallest, then a fuller one). Raises :class:`NoValue` when a required value cannot be made."""
    seen: list[ProbeRequest] = []
    for variant in range(VARIANTS):
        try:
            made = list(_candidates(samples, op, pins, variant))
        except NoValue:
            if variant == 0:
                raise
            return
        for request in made:
            if request not in seen:
                seen.append(request)
                yield request


def _candidates(samples: Samples, op: Operation, pins: Pins, variant: int) -> Iterator[ProbeRequest]:
    path = op.path
    query: dict[str, Any] = {}
    headers: dict[str, str] = dict(pins.headers)
    for param in op.parameters:
        pinned = pins.param(param.location, param.name)
        if pinned is None and not param.required:
            continue
        where = location_label(param.location, param.name)
        value = pinned
        if value is None:
            value = samples.value(param.schema, param.name, where=where, variant=variant)
        if param.location == "path":
            path = path.replace("{" + param.name + "}", str(_as_text(value)))
        elif param.location == "query":
            query[param.name] = value
        elif param.location == "header":
            headers[param.name] = _as_text(value)
    media = json_media(op)
    if media is None:
        yield ProbeRequest(op.method, path, query, headers)
        return
    bodies: list[Any] = [] if variant else [ex for ex in media[1].examples.values() if isinstance(ex, dict)]
    if media[1].schema is not None:
        try:
            bodies.append(samples.value(media[1].schema, where="request.body", variant=variant))
        except NoValue:
            if not bodies:
                raise
    for body in bodies or [{}]:
        if isinstance(body, dict):
            body = {**body, **{name: value for (loc, name), value in pins.params.items() if loc == "body"}}
        yield ProbeRequest(op.method, path, query, {**headers, "Content-Type": media[0]}, body, has_body=True)
