"""Deterministic building blocks for seeded worlds: stable hashes, ids, timestamps.

Everything here is a pure function of its arguments (blake2b, never Python's ``hash()``), so the
same seed builds the same world in every process and on every run.
"""

from __future__ import annotations

import hashlib
import random
import re
import time
from collections.abc import Mapping, Sequence
from typing import TypeVar

T = TypeVar("T")

# The "now" of a state exported before worlds stored their anchor (and the one tests pin with
# ``--anchor``). A fresh world is anchored at the mock clock's time when it is seeded (start, reset),
# or at ``--anchor``: same seed and anchor, same bytes.
ANCHOR = 1_748_779_200  # 2025-06-01T12:00:00Z
DEFAULT_WORLD_SIZE = 80  # migrations per bundled API when --world-size is not given

_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"


def stable_int(*parts: object) -> int:
    """A 64-bit integer determined by ``parts`` (their ``str()``), the same in every process."""
    data = "\x1f".join(str(p) for p in parts).encode()
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "big")


_MASK = (1 << 64) - 1


def mix64(salt: int, value: int) -> int:
    """A fast 64-bit mix of two integers (splitmix64 finaliser) for per-row jitter in big worlds."""
    x = (salt ^ (value * 0x9E3779B97F4A7C15)) & _MASK
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _MASK
    return x ^ (x >> 31)


def rng(*parts: object) -> random.Random:
    return random.Random(stable_int(*parts))


def ident(prefix: str, *parts: object, length: int = 12) -> str:
    """``prefix`` + ``length`` lower-case alphanumerics derived from ``parts``: ``ns_k3v9…``."""
    value = int.from_bytes(
        hashlib.blake2b("\x1f".join(str(p) for p in parts).encode(), digest_size=16).digest(), "big"
    )
    chars = []
    for _ in range(length):
        value, digit = divmod(value, 36)
        chars.append(_ALPHABET[digit])
    return prefix + "".join(chars)


def uuid_like(*parts: object) -> str:
    raw = hashlib.blake2b("\x1f".join(str(p) for p in parts).encode(), digest_size=16).hexdigest()
    return f"{raw[:8]}-{raw[8:12]}-4{raw[13:16]}-a{raw[17:20]}-{raw[20:32]}"


def iso(ts: float) -> str:
    """An RFC 3339 UTC timestamp with second precision: ``2025-06-01T12:00:00Z``."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(int(ts)))


def pick(r: random.Random, values: Sequence[T]) -> T:
    return values[r.randrange(len(values))]


def spread(count: int, size: int, salt: int) -> list[int]:
    """``count`` distinct row positions spread over ``range(size)`` (for forcing enum coverage)."""
    if size <= 0 or count <= 0:
        return []
    step = size / count
    return [min(size - 1, int(i * step + (salt % max(1, int(step))))) for i in range(min(count, size))]


def parse_anchor(text: str) -> int:
    """``--anchor``'s value: an ISO 8601 date-time (``Z`` or an offset; naive means UTC) or a date,
    as Unix seconds. Raises ``ValueError`` saying what it expects."""
    from datetime import UTC, datetime

    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise ValueError(f"{text!r} is not an ISO 8601 date-time such as 2026-03-01T09:00:00Z") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp())


def stored_anchor(value: object) -> int:
    """A store's ``anchor`` meta value; :data:`ANCHOR` for a world stored before anchors were."""
    return ANCHOR if value is None else int(str(value))


def world_size(requested: int | None) -> int:
    """``--world-size``, or :data:`DEFAULT_WORLD_SIZE` when it was not given."""
    return DEFAULT_WORLD_SIZE if requested is None else requested


def role_for(tokens: Mapping[str, str], documented: re.Pattern[str], credential: str) -> str | None:
    """A token registered with ``--token ROLE:TOKEN`` has its role; any other credential in the
    API's ``documented`` format is a ``user``; anything else is refused (``None``: 401)."""
    registered = tokens.get(credential)
    if registered is not None:
        return registered
    return "user" if documented.fullmatch(credential) else None
