"""Checks shared by the bundled APIs' ``import_state``: every field typed and bounded.

An import is checked whole before anything is stored, so a refused import changes nothing. Each
check raises ``ValueError`` naming the first offending path (``state 'namespaces[3].object_count'
must be ...``); the control plane answers it with a 422.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from mockserver.config import MAX_WORLD_SIZE
from mockserver.jsonio import nesting_exceeds

MAX_COUNT = 2**53  # counts and sequences: exact in every JSON reader
MAX_SEED = 2**63 - 1
MAX_TEXT = 1024  # ids, names, codes, statuses
MAX_DOC_DEPTH = 32  # a stored document nests at most this deep (the seeded ones: under 10)
MAX_ANCHOR = 253_000_000_000  # a world's "now" (Unix seconds): dates around it stay within year 9999
MAX_EXPLICIT_ROWS = 100_000  # migrations imported as documents rather than regenerated from the seed


def check_header(data: Any, api: str, known: frozenset[str]) -> None:
    """``data`` is an object for ``api`` with only ``known`` keys, format 1, a seed and a world
    size within the CLI's bounds (``--world-size`` at most 5,000,000), and an anchor if any."""
    if not isinstance(data, Mapping):
        raise ValueError("state must be an object")
    unknown = sorted(set(data) - known)
    if unknown:
        raise ValueError(f"state '{unknown[0]}' is not a field of an exported {api} state")
    if data.get("api", api) != api:
        raise ValueError(f"state is for API {data.get('api')!r}, not {api!r}")
    if data.get("format", 1) != 1:
        raise ValueError("state 'format' must be 1")
    check_int(data.get("seed"), "seed", high=MAX_SEED)
    check_int(data.get("world_size"), "world_size", high=MAX_WORLD_SIZE)
    check_int(data.get("anchor"), "anchor", high=MAX_ANCHOR, optional=True)


def check_int(value: Any, where: str, *, high: int = MAX_COUNT, optional: bool = False) -> None:
    if optional and value is None:
        return
    if not (isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= high):
        nullable = " or null" if optional else ""
        raise ValueError(f"state '{where}' must be an integer from 0 to {high:,}{nullable}")


def check_text(value: Any, where: str) -> None:
    if not (isinstance(value, str) and 0 < len(value) <= MAX_TEXT):
        raise ValueError(f"state '{where}' must be a non-empty string of at most {MAX_TEXT} characters")


def check_number(value: Any, where: str) -> None:
    if not (isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)):
        raise ValueError(f"state '{where}' must be a finite number")


def objects(data: Mapping[str, Any], key: str, limit: int) -> list[dict[str, Any]]:
    """``data[key]``: a list of at most ``limit`` objects, none nested deeper than
    :data:`MAX_DOC_DEPTH` (an absent key is an empty list)."""
    value = data.get(key, [])
    if not isinstance(value, list):
        raise ValueError(f"state '{key}' must be a list of objects")
    if len(value) > limit:
        raise ValueError(f"state '{key}' holds {len(value):,} entries; the limit is {limit:,}")
    for i, item in enumerate(value):
        if not isinstance(item, dict):
            raise ValueError(f"state '{key}[{i}]' must be an object")
        if nesting_exceeds(item, MAX_DOC_DEPTH):
            raise ValueError(f"state '{key}[{i}]' nests deeper than {MAX_DOC_DEPTH} levels")
    return value


def check_sequences(data: Mapping[str, Any], names: frozenset[str]) -> None:
    sequences = data.get("sequences", {})
    if not isinstance(sequences, Mapping):
        raise ValueError("state 'sequences' must be an object of name -> integer")
    for name, value in sequences.items():
        if name not in names:
            raise ValueError(f"state 'sequences.{name}' is not a sequence; known: {sorted(names)}")
        check_int(value, f"sequences.{name}")


def check_seeded(value: Any) -> bool:
    """``True`` for ``{"seeded": true, ...}`` (regenerate from the seed), ``False`` for a list;
    ``ValueError`` for anything else."""
    if isinstance(value, Mapping):
        if value.get("seeded") is not True:
            raise ValueError("state 'migrations' must be a list of documents or {\"seeded\": true}")
        return True
    if not isinstance(value, list):
        raise ValueError("state 'migrations' must be a list of documents or {\"seeded\": true}")
    return False
