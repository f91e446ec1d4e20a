"""One finding per cause, across what de-duplication cannot see: operations and random keys.

- **Random keys:** more than :data:`KEYS_SHOWN` undocumented fields under one parent of one
  operation are one ``field-undocumented`` at ``parent.*`` ("N undocumented keys: a, b, c, …"):
  an object the server fills with arbitrary keys is one departure, not N.
- **Across operations:** the same kind, field and values on several operations (a response field
  renamed in a schema component they share; a 404 for an unsupported method on every path) is one
  finding, kept on the operation whose label sorts first (so a run and a merge of its shards agree),
  naming the others. When it is every operation, the cause is
  the server's, and the finding says so.
- **A request slot the server does not validate** is one finding: a ``validation-missing`` where a
  ``bound-looser`` or ``enum-widened`` already stands at the same slot is that finding's symptom.

Shards fold their own share; :func:`unfold` turns a folded finding back into one per operation it
names, so ``contracts merge`` can fold the union again over every operation of the run.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import replace

from contracts.findings import Finding

KEYS_SHOWN = 3
ALSO_ON, SERVER_WIDE = "also on ", "server-wide: "
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
        elif f is min(group, key=lambda g: g.operation):  # the same whichever shard or order saw it
            scope = (
                "every operation" if len(others) + 1 >= operations > 1 else f"{len(others) + 1} operations"
            )
            also = f"{SERVER_WIDE}{scope}" if scope == "every operation" else f"{ALSO_ON}{', '.join(others)}"
            out.append(replace(f, message="; ".join(m for m in (f.message, also) if m)))
    return out


def unfold(finding: Finding, everyone: Iterable[str]) -> list[Finding]:
    """A folded ``finding`` as one finding per operation it was seen on, its fold note removed.

    ``everyone`` is the operations of the run that folded it (what ``server-wide`` meant there).
    The finding itself comes first; the others carry its evidence.
    """
    parts = [part for part in finding.message.split("; ") if part] if finding.message else []
    kept = [p for p in parts if not p.startswith((ALSO_ON, SERVER_WIDE))]
    operations: list[str] = []
    for part in parts:
        if part.startswith(SERVER_WIDE):
            operations += list(everyone)
        elif part.startswith(ALSO_ON):
            operations += part.removeprefix(ALSO_ON).split(", ")
    bare = replace(finding, message="; ".join(kept))
    others = dict.fromkeys(op for op in operations if op != finding.operation)
    return [bare, *(replace(bare, operation=op) for op in others)]
