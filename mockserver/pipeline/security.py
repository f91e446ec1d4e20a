"""The spec's security requirements, enforced: Bearer/Basic/API-key credentials or 401."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from mockserver.pipeline.errors import MockError
from oascore import Operation


@dataclass(frozen=True, slots=True)
class _Check:
    kind: str  # bearer | basic | apikey
    name: str  # header/query/cookie name for apikey
    location: str  # header | query | cookie


def _check_for(scheme: Mapping[str, Any]) -> _Check | None:
    kind = str(scheme.get("type", "")).lower()
    if kind == "http":
        http = str(scheme.get("scheme", "")).lower()
        return _Check("basic" if http == "basic" else "bearer", "authorization", "header")
    if kind == "apikey":
        return _Check("apikey", str(scheme.get("name", "")), str(scheme.get("in", "header")))
    if kind in ("oauth2", "openidconnect"):
        return _Check("bearer", "authorization", "header")
    return None  # mutualTLS and unknown kinds cannot be checked by a mock


class Security:
    """Compiled security for one operation: any requirement satisfied → the credential."""

    def __init__(self, operation: Operation, schemes: Mapping[str, Mapping[str, Any]]) -> None:
        self.requirements: list[list[_Check]] = []
        for requirement in operation.security:
            checks = [_check_for(schemes.get(name, {})) for name in requirement]
            self.requirements.append([c for c in checks if c is not None])

    @property
    def open(self) -> bool:
        return not self.requirements or any(not req for req in self.requirements)

    def challenge(self) -> dict[str, str]:
        kinds = {check.kind for req in self.requirements for check in req}
        if "bearer" in kinds:
            return {"WWW-Authenticate": 'Bearer error="invalid_token"'}
        return {"WWW-Authenticate": 'Basic realm="specmock"'} if "basic" in kinds else {}

    def credential_field(self) -> str | None:
        for requirement in self.requirements:
            for check in requirement:
                return "Authorization" if check.kind != "apikey" else check.name
        return None

    def authenticate(
        self, headers: Mapping[str, str], query: Mapping[str, list[str]], cookies: Mapping[str, str]
    ) -> str | None:
        """The presented credential, or raise a 401 :class:`MockError` naming what is wrong."""
        if self.open:
            return None
        problems: list[str] = []
        challenge: str | None = None
        fields: list[str] = []
        for requirement in self.requirements:
            tokens: list[str] = []
            for check in requirement:
                token, problem = _verify(check, headers, query, cookies)
                if problem:
                    problems.append(problem)
                    fields.append("Authorization" if check.kind != "apikey" else check.name)
                    if check.kind in ("bearer", "basic") and challenge is None:
                        challenge = "Bearer" if check.kind == "bearer" else 'Basic realm="specmock"'
                    break
                tokens.append(token or "")
            else:
                return tokens[0] if tokens else None
        headers_out = {"WWW-Authenticate": challenge} if challenge else {}
        raise MockError(
            401,
            problems[0] if problems else "Not authenticated",
            headers=headers_out,
            field=fields[0] if fields else None,
        )


def _verify(
    check: _Check, headers: Mapping[str, str], query: Mapping[str, list[str]], cookies: Mapping[str, str]
) -> tuple[str | None, str | None]:
    if check.kind == "apikey":
        if check.location == "query":
            values = query.get(check.name)
            value = values[-1] if values else None
        elif check.location == "cookie":
            value = cookies.get(check.name)
        else:
            value = headers.get(check.name.lower())
        if not value or not value.strip():
            return None, f"Missing API key in {check.location} '{check.name}'"
        return value.strip(), None
    header = headers.get("authorization", "")
    if not header:
        return None, "Missing Authorization header"
    scheme, _, credential = header.strip().partition(" ")
    credential = credential.strip()
    if check.kind == "bearer":
        if scheme.lower() != "bearer" or not credential:
            return None, "Authorization header must be 'Bearer <token>'"
        return credential, None
    if scheme.lower() != "basic" or not credential:
        return None, "Authorization header must be 'Basic <credentials>'"
    try:
        decoded = base64.b64decode(credential, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None, "Basic credentials are not valid base64"
    if ":" not in decoded:
        return None, "Basic credentials must be 'user:password'"
    return decoded.split(":", 1)[0], None
