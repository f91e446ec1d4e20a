"""Drift findings: one per cause, with the evidence to reproduce it."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Severity = Literal["breaking", "warning"]

KINDS: tuple[str, ...] = (
    "field-renamed",
    "field-missing",
    "field-undocumented",
    "type-mismatch",
    "enum-undeclared",
    "bound-tighter",
    "bound-looser",
    "enum-narrowed",
    "enum-widened",
    "status-undocumented",
    "method-not-allowed",
    "content-type-mismatch",
    "header-mismatch",
    "allow-header-missing",
    "auth-not-enforced",
    "auth-invalid-accepted",
    "pagination-violated",
    "filter-ignored",
    "validation-missing",
    "positive-data-rejected",
    "server-error",
    "connection-dropped",
    "response-timeout",
)


@dataclass(frozen=True, slots=True)
class Evidence:
    curl: str | None = None
    seed: int | None = None
    status: int | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Finding:
    """One drift, named at its cause.

    ``operation`` is ``"POST /v1/namespaces/migrations/list"``; ``location`` is dotted, rooted at
    ``request`` or ``response`` (``request.body.limit``, ``response.body.results``);
    ``expected``/``actual`` are short human-readable statements ("max 1000" / "max 100").
    """

    operation: str
    kind: str
    location: str
    expected: str
    actual: str
    severity: Severity
    evidence: Evidence = field(default_factory=Evidence)
    message: str = ""

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown finding kind {self.kind!r}")

    @property
    def key(self) -> tuple[str, str, str]:
        """Identity for de-duplication: the same cause seen twice is one finding."""
        return (self.operation, self.kind, self.location)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["evidence"] = {k: v for k, v in data["evidence"].items() if v is not None}
        return data

    def __str__(self) -> str:
        text = f"{self.operation} {self.kind} at {self.location}: expected {self.expected}, got {self.actual}"
        return f"{text} ({self.message})" if self.message else text
