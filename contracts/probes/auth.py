"""Auth: a request without credentials, or with the wrong scheme, must be refused with 401/403."""

from __future__ import annotations

from dataclasses import dataclass

from contracts.findings import Finding
from contracts.probes.base import (
    Exchange,
    ProbeContext,
    ProbeRequest,
    Verdict,
    baseline_candidates,
    location_label,
)
from oascore import Operation

WRONG_BASIC = "Basic cHJvYmU6cHJvYmU="  # probe:probe
WRONG_BEARER = "Bearer specmock-wrong-scheme"


@dataclass(frozen=True, slots=True)
class Credential:
    """Where one security scheme carries its credential."""

    scheme: str  # the scheme's name in the spec
    location: str  # header | query | cookie
    name: str
    http_scheme: str | None  # "bearer", "basic" for type: http

    @property
    def label(self) -> str:
        return location_label(self.location, self.name)


def credentials(ctx: ProbeContext, op: Operation) -> list[Credential]:
    """The credentials ``op`` requires; empty when it has an anonymous alternative (``{}``)."""
    if not op.security or any(not requirement for requirement in op.security):
        return []
    schemes = ctx.spec.security_schemes
    found: list[Credential] = []
    for name in op.security[0]:
        scheme = schemes.get(name) or {}
        kind = scheme.get("type")
        if kind == "apiKey":
            found.append(
                Credential(name, str(scheme.get("in", "header")), str(scheme.get("name", name)), None)
            )
        elif kind in ("http", "oauth2", "openIdConnect"):
            http = str(scheme.get("scheme", "bearer")).lower() if kind == "http" else "bearer"
            found.append(Credential(name, "header", "Authorization", http))
    return found


def probe_auth(ctx: ProbeContext, op: Operation) -> list[Finding]:
    needed = credentials(ctx, op)
    if not needed:
        return []
    base = ctx.baseline(op)
    request = base.request if base is not None else next(iter(baseline_candidates(ctx.spec, op, ctx.pins)))
    stripped = _strip(request, needed)
    attempts = [
        ("without credentials", stripped),
        ("with the wrong scheme", _wrong(request, stripped, needed)),
    ]
    for how, attempt in attempts:
        answer = ctx.send(op, attempt)
        if answer.status not in (401, 403) and answer.verdict is not Verdict.SERVER_ERROR:
            return [_finding(ctx, op, needed[0], how, answer)]
    return []


def _strip(request: ProbeRequest, needed: list[Credential]) -> ProbeRequest:
    headers = {c.name.lower() for c in needed if c.location in ("header", "cookie")}
    if any(c.location == "cookie" for c in needed):
        headers.add("cookie")
    return request.without_headers(headers).without_query({c.name for c in needed if c.location == "query"})


def _wrong(original: ProbeRequest, stripped: ProbeRequest, needed: list[Credential]) -> ProbeRequest:
    """The credential presented under another scheme: Basic for Bearer, an API key as a Bearer token."""
    first = needed[0]
    if first.http_scheme is not None:
        value = WRONG_BEARER if first.http_scheme == "basic" else WRONG_BASIC
        return stripped.with_header("Authorization", value)
    token = next(
        (v for k, v in original.headers.items() if k.lower() == first.name.lower()), "specmock-token"
    )
    return stripped.with_header("Authorization", f"Bearer {token}")


def _finding(ctx: ProbeContext, op: Operation, credential: Credential, how: str, answer: Exchange) -> Finding:
    return Finding(
        op.label,
        "auth-not-enforced",
        credential.label,
        "401 or 403",
        str(answer.status),
        "breaking",
        evidence=ctx.evidence(answer),
        message=f"a request {how} ({credential.scheme}) was answered {answer.status}",
    )
