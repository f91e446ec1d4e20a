"""One finding per cause, across what de-duplication cannot see: operations and random keys.

- **Random keys:** more than :data:`KEYS_SHOWN` undocumented fields under one parent of one
  operation are one ``field-undocumented`` at ``parent.*`` ("N undocumented keys: a, b, c, …"):
  an object the server fills with arbitrary keys is one departure, not N.
- **Across operations:** the same kind, field and values on several operations (a response field
  renamed in a schema component they share; a 404 for an unsupported method on every path) is one
  finding, kept on the first operation, naming the others. When it is every operation, the cause is
  the server's, and the finding says so.
- **A request slot the server does not validate** is one finding: a ``validation-missing`` where a
  ``bound-looser`` or ``enum-widened`` already stands at the same slot is that finding's symptom.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from contracts.findings import Finding

KEYS_SHOWN = 3
_INDEX = re.compile(r"\[\]")
_SLOT_CAUSES = frozenset({"bound-looser", "enum-widened"})


def fold(findings: Sequence[Finding], operations: int) -> list[Finding]:
    """``findings`` (de-duplicated, causes first) with each cause once."""
    return _across_operations(_unvalidated_slots(_random_keys(list(findings))), operations)


def _random_keys(findings: list[Finding]) -> list[Finding]:
    groups: dict[tuple[str, str], list[Finding]] = {}
    for f in findings:
        if f.kind == "field-undocumented":
            groups.setdefault((f.operation, f.location.rpartition(".")[0]), []).append(f)
    out: list[Finding] = []
    for f in findings:
        group = (
            groups.get((f.operation, f.location.rpartition(".")[0]))
            if f.kind == "field-undocumented"
            else None
        )
        if group is None or len(group) <= KEYS_SHOWN:
            out.append(f)
        elif f is group[0]:
            keys = [g.location.rpartition(".")[2] for g in group]
            shown = ", ".join(keys[:KEYS_SHOWN]) + ", …"
            out.append(
                replace(
                    f,
                    location=f"{f.location.rpartition('.')[0]}.*",
                    actual=f"{len(keys)} undocumented keys: {shown}",
                    message=f"an object with keys the spec does not name ({len(keys)} seen)",
                )
            )
    return out


def _unvalidated_slots(findings: list[Finding]) -> list[Finding]:
    causes = {(f.operation, f.location) for f in findings if f.kind in _SLOT_CAUSES}
    return [
        f for f in findings if not (f.kind == "validation-missing" and (f.operation, f.location) in causes)
    ]


def _signature(f: Finding) -> tuple[str, str, str, str]:
    """What makes two findings on different operations one cause: kind, field (array steps dropped),
    expected and actual."""
    return (f.kind, _INDEX.sub("", f.location), f.expected, f.actual)


def _across_operations(findings: list[Finding], operations: int) -> list[Finding]:
    groups: dict[tuple[str, str, str, str], list[Finding]] = {}
    for f in findings:
        groups.setdefault(_signature(f), []).append(f)
    out: list[Finding] = []
    for f in findings:
        group = groups[_signature(f)]
        others = sorted({g.operation for g in group} - {f.operation})
        if not others:
            out.append(f)
        elif f is group[0]:
            scope = (
                "every operation" if len(others) + 1 >= operations > 1 else f"{len(others) + 1} operations"
            )
            also = f"server-wide: {scope}" if scope == "every operation" else f"also on {', '.join(others)}"
            out.append(replace(f, message="; ".join(m for m in (f.message, also) if m)))
    return out
