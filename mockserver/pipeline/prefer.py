"""Prism-compatible preferences: the ``Prefer`` header, ``__code``-style query fallbacks, sessions."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from mockserver.pipeline.errors import MockError

QUERY_KEYS = ("__code", "__example", "__dynamic", "__seed", "__delay")


@dataclass(frozen=True, slots=True)
class Preferences:
    code: int | None = None
    example: str | None = None
    dynamic: bool | None = None
    seed: int | None = None
    delay_ms: int | None = None

    @property
    def forces_generic(self) -> bool:
        """A request that asks for a status or an example bypasses the stateful behaviour."""
        return self.code is not None or self.example is not None

    def merged_over(self, base: Preferences) -> Preferences:
        """These preferences, falling back to ``base`` for anything unset."""
        return replace(
            base,
            **{
                k: getattr(self, k)
                for k in ("code", "example", "dynamic", "seed", "delay_ms")
                if getattr(self, k) is not None
            },
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            k: v
            for k, v in (
                ("code", self.code),
                ("example", self.example),
                ("dynamic", self.dynamic),
                ("seed", self.seed),
                ("delay", self.delay_ms),
            )
            if v is not None
        }


def _int(name: str, raw: str, low: int, high: int) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise MockError(400, f"Prefer {name}={raw!r} is not an integer", by_mock=True) from None
    if not low <= value <= high:
        raise MockError(400, f"Prefer {name}={value} is outside {low}..{high}", by_mock=True)
    return value


def _bool(name: str, raw: str) -> bool:
    lowered = raw.lower()
    if lowered not in ("true", "false"):
        raise MockError(400, f"Prefer {name}={raw!r} must be true or false", by_mock=True)
    return lowered == "true"


def parse_items(items: Mapping[str, str]) -> Preferences:
    """Preferences from ``{"code": "404", ...}``; raises a 400 :class:`MockError` on bad values."""
    prefs = Preferences()
    for key, raw in items.items():
        if key == "code":
            prefs = replace(prefs, code=_int("code", raw, 100, 599))
        elif key == "example":
            prefs = replace(prefs, example=raw)
        elif key == "dynamic":
            prefs = replace(prefs, dynamic=_bool("dynamic", raw))
        elif key == "seed":
            prefs = replace(prefs, seed=_int("seed", raw, 0, 2**63 - 1))
        elif key == "delay":
            prefs = replace(prefs, delay_ms=_int("delay", raw, 0, 60_000))
    return prefs


def from_json(data: Mapping[str, Any]) -> Preferences:
    """Preferences from a JSON object (``{"code": 404, "dynamic": true}``, as ``as_dict`` gives)."""
    return parse_items({k: str(v).lower() if isinstance(v, bool) else str(v) for k, v in data.items()})


def parse_header(header: str) -> dict[str, str]:
    """``Prefer: code=404, example=bad`` (RFC 7240 tokens, ``,`` or ``;`` separated)."""
    items: dict[str, str] = {}
    for token in header.replace(";", ",").split(","):
        key, sep, value = token.strip().partition("=")
        if sep:
            items[key.strip().lower()] = value.strip().strip('"')
    return items


def from_request(headers: Mapping[str, str], query: Mapping[str, list[str]]) -> Preferences:
    """The request's own preferences: the Prefer header, else the ``__x`` query fallbacks."""
    header = headers.get("prefer")
    if header:
        return parse_items(parse_header(header))
    items = {key[2:]: values[-1] for key, values in query.items() if key in QUERY_KEYS and values}
    return parse_items(items) if items else Preferences()
