"""JSON in and out of the mock: orjson for speed, the standard library where orjson is not exact.

orjson reads an integer beyond 64 bits as a float (10**39 comes back as
999999999999999939709166371603178586112) and refuses to write one; a spec without bounds allows
such integers and an echo must return them as sent. Bodies with a run of 19+ digits are read,
and values orjson refuses are written, by the standard library instead.

Nesting is bounded (:data:`DEFAULT_MAX_DEPTH`): a validator walks a document recursively, and a
1.5 KB body nested 129 deep used to exhaust it (a 500). The limit is checked right after parsing,
before any validator sees the value.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

import orjson

_LONG_DIGITS = re.compile(rb"\d{19}")
# a \u escape of a UTF-16 surrogate: the only way a lone one can reach the standard library's parser
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")
DEFAULT_MAX_DEPTH = 64  # objects and arrays inside one another; --max-depth


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


class TooDeep(ValueError):
    """A JSON document nests objects and arrays deeper than the limit."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"JSON nests objects and arrays deeper than {limit} levels (the limit)")
        self.limit = limit


def parse_json(raw: bytes, max_depth: int = DEFAULT_MAX_DEPTH) -> Any:
    """Strict JSON: no NaN/Infinity, UTF-8 only, no unpaired surrogates; integers of any size,
    exactly; at most ``max_depth`` levels of objects and arrays (:class:`TooDeep` beyond).
    Raises ``ValueError`` with a readable message."""
    value = _parse(raw, max_depth)
    # a document with fewer brackets than the limit cannot be deeper: most bodies skip the walk
    if raw.count(b"[") + raw.count(b"{") > max_depth and nesting_exceeds(value, max_depth):
        raise TooDeep(max_depth)
    return value


def nesting_exceeds(value: Any, limit: int) -> bool:
    """Whether ``value`` nests objects and arrays more than ``limit`` deep (iterative: any depth)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else ()
        for child in children:
            if isinstance(child, dict | list):
                if depth >= limit:
                    return True
                stack.append((child, depth + 1))
    return False


def _parse(raw: bytes, max_depth: int) -> Any:
    if not _LONG_DIGITS.search(raw):
        try:
            return orjson.loads(raw)
        except orjson.JSONDecodeError:
            pass
    try:
        value = json.loads(raw.decode("utf-8"), parse_constant=_reject_constant)
    except RecursionError:
        raise TooDeep(max_depth) from None
    except UnicodeDecodeError:
        raise ValueError("body is not valid UTF-8") from None
    except json.JSONDecodeError as exc:
        raise ValueError(f"JSON decode error: {exc.msg} at position {exc.pos}") from None
    if _SURROGATE_ESCAPE.search(raw):
        try:
            json.dumps(value, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError("a string holds an unpaired UTF-16 surrogate (\\ud800-\\udfff)") from None
    return value


def dump_json(value: Any) -> bytes:
    """``value`` as JSON bytes: orjson, or the standard library for what orjson refuses
    (integers wider than 64 bits). Non-finite floats become ``null`` either way, as orjson writes
    them, and the result is always valid UTF-8."""
    try:
        return orjson.dumps(value)
    except TypeError:
        return json.dumps(_finite(value), separators=(",", ":"), allow_nan=False).encode()


def _finite(value: Any) -> Any:
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value
