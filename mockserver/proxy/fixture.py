"""One recorded exchange as a readable JSON file: operation, request, response, time.

A body is kept as the JSON it is when writing it back out gives the same bytes (compact, or indented
by two as many servers write it), else as text, else as base64: replaying a fixture answers byte for
byte what was recorded. Credentials are never written: credential headers and ``Set-Cookie`` are
left out, credential query values and ``--redact`` fields read ``[redacted]``. A body beyond the
size limit is cut, with a note; a cut fixture is reported, never served.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from mockserver.control.journal import REDACTED, redact_query, sensitive

FORMAT = 1
_LAYOUTS: dict[str, dict[str, Any]] = {
    "json": {"separators": (",", ":"), "ensure_ascii": False},
    "json-indent-2": {"indent": 2, "ensure_ascii": False},
}


def encode_body(body: bytes, redact: frozenset[str], limit: int) -> dict[str, Any]:
    """``{"json": ..., "layout": ...}``, ``{"text": ...}`` or ``{"base64": ...}``, plus ``"cut"`` when
    only the first ``limit`` bytes are kept."""
    if len(body) > limit:
        note = f"cut: the first {limit} of {len(body)} bytes kept"
        return {**_text_or_base64(body[:limit]), "cut": note}
    try:
        parsed = json.loads(body)
    except ValueError:
        return _text_or_base64(body)
    for layout, options in _LAYOUTS.items():
        if json.dumps(parsed, **options).encode() == body:
            cleaned = _redacted(parsed, redact)
            return {"json": cleaned, "layout": layout}
    return _text_or_base64(body)


def decode_body(kept: Mapping[str, Any]) -> bytes:
    if "json" in kept:
        options = _LAYOUTS.get(str(kept.get("layout", "json")), _LAYOUTS["json"])
        return json.dumps(kept["json"], **options).encode()
    if "text" in kept:
        return str(kept["text"]).encode()
    if "base64" in kept:
        return base64.b64decode(str(kept["base64"]))
    return b""


def _text_or_base64(body: bytes) -> dict[str, Any]:
    if not body:
        return {}
    try:
        return {"text": body.decode("utf-8")}
    except UnicodeDecodeError:
        return {"base64": base64.b64encode(body).decode("ascii")}


def _redacted(value: Any, redact: frozenset[str]) -> Any:
    if isinstance(value, dict):
        return {k: (REDACTED if k in redact else _redacted(v, redact)) for k, v in value.items()}
    if isinstance(value, list):
        return [_redacted(v, redact) for v in value]
    return value


def kept_headers(headers: Iterable[tuple[str, str]], redact: frozenset[str]) -> dict[str, str]:
    """Headers worth writing down (repeated ones joined): credential headers and cookies left out."""
    kept: dict[str, str] = {}
    for name, value in headers:
        if not sensitive(name, redact) and name.lower() not in ("set-cookie", "cookie"):
            kept[name] = f"{kept[name]}, {value}" if name in kept else value
    return kept


def identity(operation: str, target: str, body: bytes) -> str:
    """What identifies a request for replay: its operation, path, query (credentials aside, order aside)
    and body (as JSON when it is, key order aside)."""
    path, _, query = target.partition("?")
    pairs = sorted((k, v) for k, v in parse_qsl(query, keep_blank_values=True) if not sensitive(k))
    try:
        shown: Any = json.loads(body) if body else None
    except ValueError:
        shown = body.decode("utf-8", errors="replace")
    return json.dumps([operation, path, pairs, shown], sort_keys=True, separators=(",", ":"))


@dataclass(frozen=True, slots=True)
class Fixture:
    operation: str
    method: str
    target: str  # path?query, credentials redacted
    request_headers: dict[str, str]
    request_body: dict[str, Any]
    status: int
    headers: dict[str, str]
    body: dict[str, Any]
    time: str
    source: str = ""  # the file it was read from

    @property
    def cut(self) -> str | None:
        return self.body.get("cut") or self.request_body.get("cut")

    def key(self) -> str:
        return identity(self.operation, self.target, decode_body(self.request_body))

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "operation": self.operation,
            "time": self.time,
            "request": {
                "method": self.method,
                "target": self.target,
                "headers": self.request_headers,
                "body": self.request_body,
            },
            "response": {"status": self.status, "headers": self.headers, "body": self.body},
        }

    @classmethod
    def from_dict(cls, data: Any, source: str) -> Fixture:
        """Raises ``ValueError`` naming what is wrong with ``data``."""
        try:
            request, response = data["request"], data["response"]
            return cls(
                operation=str(data["operation"]),
                method=str(request["method"]).upper(),
                target=str(request["target"]),
                request_headers={str(n): str(v) for n, v in (request.get("headers") or {}).items()},
                request_body=dict(request.get("body") or {}),
                status=int(response["status"]),
                headers={str(n): str(v) for n, v in (response.get("headers") or {}).items()},
                body=dict(response.get("body") or {}),
                time=str(data.get("time", "")),
                source=source,
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"not a specmock fixture ({type(exc).__name__}: {exc})") from None


def redacted_target(path: str, query: str, redact: frozenset[str]) -> str:
    kept = redact_query(query, redact)
    return f"{path}?{kept}" if kept else path
