"""cURL lines that reproduce a request: the evidence a finding carries."""

from __future__ import annotations

import json
import shlex
from collections.abc import Mapping
from typing import Any


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
        parts += ["-H", shlex.quote(f"{name}: {value}")]
    if has_body:
        if not any(name.lower() == "content-type" for name in headers or {}):
            parts += ["-H", shlex.quote("Content-Type: application/json")]
        parts += ["-d", shlex.quote(json.dumps(body, separators=(",", ":")))]
    return " ".join(parts)
