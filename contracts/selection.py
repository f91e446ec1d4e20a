"""Which operations a run touches: ``--include``/``--exclude`` and ``--read-only``.

A pattern is ``operation:ID``, ``path:GLOB``, ``method:GET`` or ``tag:NAME`` (globs as in
:mod:`fnmatch`; a bare pattern matches any of the four). An operation runs when no ``--include``
is given or one matches, no ``--exclude`` matches, and, under ``--read-only``, its method is safe
(GET, HEAD, OPTIONS, TRACE): nothing the run sends can change the server's data.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any

from oascore import Operation, Spec

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
FIELDS = ("operation", "path", "method", "tag")


class SelectionError(ValueError):
    """A pattern that names no field we match on; ``str()`` says which are known."""


@dataclass(frozen=True, slots=True)
class Selection:
    include: Sequence[str] = ()
    exclude: Sequence[str] = ()
    read_only: bool = False

    def __post_init__(self) -> None:
        for pattern in (*self.include, *self.exclude):
            field, found, _ = pattern.partition(":")
            if found and field not in FIELDS and not field.startswith("/"):
                raise SelectionError(f"{pattern!r}: expected FIELD:PATTERN, FIELD one of {', '.join(FIELDS)}")

    @property
    def everything(self) -> bool:
        return not (self.include or self.exclude or self.read_only)

    def chooses(self, spec: Spec, op: Operation) -> bool:
        if self.read_only and op.method.upper() not in SAFE_METHODS:
            return False
        if self.include and not any(_matches(spec, op, p) for p in self.include):
            return False
        return not any(_matches(spec, op, p) for p in self.exclude)

    def labels(self, spec: Spec) -> list[str]:
        return [op.label for op in spec.operations if self.chooses(spec, op)]


def _matches(spec: Spec, op: Operation, pattern: str) -> bool:
    field, found, value = pattern.partition(":")
    if not found or field not in FIELDS:
        return any(_matches(spec, op, f"{name}:{pattern}") for name in FIELDS)
    if field == "operation":
        return fnmatchcase(op.operation_id, value) or fnmatchcase(op.label, value)
    if field == "path":
        return fnmatchcase(op.path, value)
    if field == "method":
        return op.method.upper() == value.upper()
    return any(fnmatchcase(str(tag), value) for tag in _tags(spec, op))


def _tags(spec: Spec, op: Operation) -> list[Any]:
    item = ((spec.raw or spec.doc).get("paths") or {}).get(op.path) or {}
    operation = item.get(op.method.lower()) if isinstance(item, dict) else None
    return list(operation.get("tags") or []) if isinstance(operation, dict) else []
