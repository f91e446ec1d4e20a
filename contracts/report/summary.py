"""What every report shares: the check families findings fall in, and a run's summary counts."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from contracts.findings import KINDS, Finding

FAMILIES: tuple[str, ...] = (
    "schema",
    "bounds",
    "enums",
    "status",
    "content-type",
    "headers",
    "auth",
    "pagination",
    "filters",
    "validation",
    "availability",
)

_FAMILY_OF_KIND: dict[str, str] = {
    "field-renamed": "schema",
    "field-missing": "schema",
    "field-undocumented": "schema",
    "type-mismatch": "schema",
    "enum-undeclared": "schema",
    "bound-tighter": "bounds",
    "bound-looser": "bounds",
    "enum-narrowed": "enums",
    "enum-widened": "enums",
    "status-undocumented": "status",
    "method-not-allowed": "status",
    "server-error": "status",
    "content-type-mismatch": "content-type",
    "header-mismatch": "headers",
    "allow-header-missing": "headers",
    "auth-not-enforced": "auth",
    "auth-invalid-accepted": "auth",
    "pagination-violated": "pagination",
    "filter-ignored": "filters",
    "validation-missing": "validation",
    "positive-data-rejected": "validation",
    "connection-dropped": "availability",
    "response-timeout": "availability",
}


@dataclass(frozen=True, slots=True)
class Summary:
    operations: int
    requests: int
    findings: int
    by_kind: dict[str, int]
    untested: int = 0  # operations whose documented success was never reached
    unexercised: int = 0  # (operation, probe) pairs the probe could not exercise
    phases: tuple[str, ...] = ()  # the phases that ran
    stopped: str = ""  # why the run ended early (the server stopped answering)


def family_of(kind: str) -> str:
    """The check family (one of :data:`FAMILIES`) a finding kind belongs to."""
    try:
        return _FAMILY_OF_KIND[kind]
    except KeyError:
        raise ValueError(f"unknown finding kind {kind!r}") from None


def summarize(
    findings: Sequence[Finding],
    *,
    operations: int,
    requests: int,
    untested: int = 0,
    phases: Sequence[str] = (),
    stopped: str = "",
    unexercised: int = 0,
) -> Summary:
    counts = Counter(f.kind for f in findings)
    by_kind = {kind: counts[kind] for kind in KINDS if counts[kind]}
    return Summary(
        operations, requests, len(findings), by_kind, untested, unexercised, tuple(phases), stopped
    )


def count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
