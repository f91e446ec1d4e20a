"""Auth: a request without credentials, or with the wrong scheme, must be refused with 401/403.

And one with a credential of the right shape that is not valid (``Bearer sk_invalid_…`` where the
user's key is ``sk_…``): a server that serves it checks the credential's form, not the credential
(``auth-invalid-accepted``, a warning: the spec cannot say which credentials are valid, only that
one is needed). Only asked when the operation's baseline, sent with the user's credential, was
accepted, and when the server did refuse a request without credentials (else that is the cause).
"""

from __future__ import annotations

import base64
import hashlib
import re
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
from contracts.probes.samples import NoValue
from oascore import Operation

WRONG_BASIC = "Basic cHJvYmU6cHJvYmU="  # probe:probe
WRONG_BEARER = "Bearer specmock-wrong-scheme"
_PREFIX = re.compile(r"^[A-Za-z]{1,8}[_-]")  # sk_, tok_, pk-: the shape a key's issuer gives it


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
    try:
        request = base.request if base is not None else next(baseline_candidates(ctx.values, op, ctx.pins))
    except NoValue:
        ctx.unmet = op.label  # not even a request to strip the credentials from
        return []
    stripped = _strip(request, needed)
    attempts = [
        ("without credentials", stripped),
        ("with the wrong scheme", _wrong(request, stripped, needed)),
    ]
    for how, attempt in attempts if ctx.enabled("auth") else ():
        answer = ctx.send(op, attempt)
        if answer.status not in (401, 403) and answer.verdict is not Verdict.SERVER_ERROR:
            return [_finding(ctx, op, needed[0], how, answer)]
    if base is None or not ctx.enabled("auth-invalid"):
        return []
    return _invalid_accepted(ctx, op, request, needed[0])


def invalid_like(value: str, seed: int) -> str:
    """A credential of ``value``'s shape that no server issued: ``sk_test`` → ``sk_invalid_3f2a…``."""
    noise = hashlib.sha256(f"{seed}:{value}".encode()).hexdigest()[:24]
    scheme, space, token = value.partition(" ")
    if space and scheme.lower() == "basic":
        user = base64.b64decode(token + "==", validate=False).decode("utf-8", "replace").partition(":")[0]
        return "Basic " + base64.b64encode(f"{user or 'probe'}:invalid-{noise}".encode()).decode()
    if not space:
        scheme, token = "", value
    match = _PREFIX.match(token)
    wrong = f"{match.group(0) if match else ''}invalid_{noise}"
    return f"{scheme} {wrong}" if scheme else wrong


def _invalid_accepted(
    ctx: ProbeContext, op: Operation, request: ProbeRequest, first: Credential
) -> list[Finding]:
    if first.location == "query":
        value = str(request.query.get(first.name, ""))
        if not value:
            return []
        attempt = request.with_query(first.name, invalid_like(value, ctx.seed))
    else:
        header = "Cookie" if first.location == "cookie" else first.name
        value = next((v for k, v in request.headers.items() if k.lower() == header.lower()), "")
        if not value:
            return []
        if first.location == "cookie":
            wrong = "; ".join(
                f"{k}={invalid_like(v, ctx.seed) if k.strip() == first.name else v}"
                for k, _, v in (part.partition("=") for part in value.split(";"))
            )
        else:
            wrong = invalid_like(value, ctx.seed)
        attempt = request.with_header(header, wrong)
    answer = ctx.send(op, attempt)
    if answer.verdict is not Verdict.ACCEPTED:
        return []
    return [
        Finding(
            op.label,
            "auth-invalid-accepted",
            first.label,
            "401 or 403",
            "accepted",
            "warning",
            evidence=ctx.evidence(answer),
            message=f"a well-formed but invalid credential ({first.scheme}) was answered {answer.status}",
        )
    ]


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
