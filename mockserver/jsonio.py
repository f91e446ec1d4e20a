"""JSON in and out of the mock: orjson for speed, the standard library where orjson is not exact.

orjson reads an integer beyond 64 bits as a float (10**39 comes back as
999999999999999939709166371603178586112) and refuses to write one; a spec without bounds allows
such integers and an echo must return them as sent. Bodies with a run of 19+ digits are read,
and values orjson refuses are written, by the standard library instead.
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


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def parse_json(raw: bytes) -> Any:
    """Strict JSON: no NaN/Infinity, UTF-8 only, no unpaired surrogates; integers of any size,
    exactly. Raises ``ValueError`` with a readable message."""
    if not _LONG_DIGITS.search(raw):
        try:
            return orjson.loads(raw)
        except orjson.JSONDecodeError:
            pass
    try:
        value = json.loads(raw.decode("utf-8"), parse_constant=_reject_constant)
    except RecursionError:
        raise ValueError("JSON is nested too deeply") from None
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
