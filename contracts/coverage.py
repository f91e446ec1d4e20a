"""Coverage as part of the verdict: per operation, the statuses reached against those documented.

A run that never reached an operation's documented success checked nothing of that success's
response, and a probe that found no accepted baseline request for an operation tried nothing there
(``unexercised``: probe -> reason). :func:`operation_coverage` says so, with the flag that would
most likely reach the success (``--param header.X-Namespace=…`` for a 404 behind an unpinned
required parameter, ``--header`` for a 401).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from oascore import Operation, Spec

_AUTH_STATUSES = frozenset({401, 403})


@dataclass(frozen=True, slots=True)
class OperationCoverage:
    """What one operation answered during a run, against what its spec documents."""

    operation: str
    documented: tuple[str, ...]  # response keys as written: "200", "4XX", "default"
    reached: dict[int, int]  # status -> how many answers
    hint: str = ""  # the flag that would reach the documented success, when it was not reached
    unexercised: dict[str, str] = field(default_factory=dict)  # probe -> why it could not run here

    @property
    def success_reached(self) -> bool:
        successes = [code for code in self.documented if code.startswith("2")]
        return any(_matches(code, status) for code in successes or ["2XX"] for status in self.reached)

    @property
    def untested(self) -> bool:
        return not self.success_reached

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["reached"] = {str(k): v for k, v in sorted(self.reached.items())}
        data["success_reached"] = self.success_reached
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> OperationCoverage:
        reached = {int(k): int(v) for k, v in dict(data.get("reached") or {}).items()}
        unexercised = {str(k): str(v) for k, v in dict(data.get("unexercised") or {}).items()}
        return cls(
            str(data["operation"]),
            tuple(data.get("documented") or ()),
            reached,
            str(data.get("hint", "")),
            unexercised,
        )

    def reached_text(self) -> str:
        counted = sorted(self.reached.items(), key=lambda item: (-item[1], item[0]))
        return ", ".join(f"{status} x{count}" for status, count in counted) or "no answer"


def _matches(code: str, status: int) -> bool:
    if code.upper().endswith("XX"):
        return str(status)[:1] == code[:1]
    return code == str(status)


class Tally:
    """Statuses answered, per operation label, from probes and schemathesis alike."""

    def __init__(self) -> None:
        self.statuses: dict[str, Counter[int]] = {}

    def add(self, label: str, status: int) -> None:
        self.statuses.setdefault(label, Counter())[status] += 1

    def only(self, statuses: Iterable[int]) -> bool:
        """Whether something was answered and every answer was one of ``statuses``."""
        wanted = set(statuses)
        seen = {status for counter in self.statuses.values() for status in counter}
        return bool(seen) and seen <= wanted


def operation_coverage(
    spec: Spec,
    op: Operation,
    reached: Mapping[int, int],
    pinned: Iterable[tuple[str, str]],
    unexercised: Mapping[str, str] | None = None,
) -> OperationCoverage:
    documented = tuple(op.responses)
    found = OperationCoverage(op.label, documented, dict(reached), unexercised=dict(unexercised or {}))
    if found.success_reached:
        return found
    return replace(found, hint=_hint(spec, op, reached, set(pinned)))


def _hint(spec: Spec, op: Operation, reached: Mapping[int, int], pinned: set[tuple[str, str]]) -> str:
    """The flag most likely to reach the success: credentials for 401/403, else unpinned parameters."""
    common = max(reached, key=lambda status: reached[status]) if reached else None
    if common in _AUTH_STATUSES and op.security:
        return f"--header '{_credential_header(spec, op)}: …' (answered {common})"
    unpinned = [
        f"--param {p.location}.{p.name}=…"
        for p in op.parameters
        if p.required
        and p.location in ("path", "header", "query")
        and (p.location, p.name.lower() if p.location == "header" else p.name) not in pinned
    ]
    if unpinned:
        return " ".join(unpinned) + " (a value that exists on the server)"
    return "a request body or data the server accepts (every answer was refused)"


def _credential_header(spec: Spec, op: Operation) -> str:
    name = next(iter(op.security[0]), "") if op.security and op.security[0] else ""
    scheme = spec.security_schemes.get(name, {})
    if scheme.get("type") == "apiKey" and scheme.get("in") == "header":
        return str(scheme.get("name", name))
    return "Authorization"
