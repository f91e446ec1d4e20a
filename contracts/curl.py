"""cURL lines that reproduce a request: the evidence a finding carries.

Credentials are masked as schemathesis masks them in its own reproduction lines (a header whose
name mentions a token, key, secret, auth, session, password or credential reads ``[Filtered]``), so
reports can be shared; put your own credential back to replay.
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Mapping
from typing import Any

SENSITIVE = ("token", "key", "secret", "password", "passwd", "auth", "session", "credential", "cookie")
MASK = "[Filtered]"


def masked(name: str, value: str) -> str:
    return MASK if any(marker in name.lower() for marker in SENSITIVE) else value


def curl_line(
    method: str,
    url: str,
    *,
    headers: Mapping[str, str] | None = None,
    body: Any = None,
    has_body: bool = False,
) -> str:
    """One shell-safe ``curl`` command; ``body`` is sent as JSON when ``has_body`` is true."""
    parts = ["curl", "-X", method.upper(), shlex.quote(url)]
    for name, value in (headers or {}).items():
        parts += ["-H", shlex.quote(f"{name}: {masked(name, value)}")]
    if has_body:
        if not any(name.lower() == "content-type" for name in headers or {}):
            parts += ["-H", shlex.quote("Content-Type: application/json")]
        parts += ["-d", shlex.quote(json.dumps(body, separators=(",", ":")))]
    return " ".join(parts)
