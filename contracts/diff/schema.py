"""Comparing one JSON Schema in two specs, as the changes a client of the old one would meet.

:class:`SchemaDiff` walks an old and a new schema side by side and yields :class:`Change` values.
Each change carries a ``cause``: the innermost component (``$ref``) it lives in plus its path
inside that component, so a component reached from many places is one cause. The mapping of
changes to finding kinds is documented in :mod:`contracts.diff.compare`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

from contracts._utils import BOUND_LABELS
from contracts.diff.open import describe, open_schema, shape_of, types_of
from contracts.findings import Severity
from oascore import Spec

Side = Literal["request", "response"]
Cause = tuple[str, ...]

# (keyword, label, True for an upper bound)
_BOUNDS: tuple[tuple[str, str, bool], ...] = tuple(
    (keyword, label, label.startswith(("max", "exclusiveMax"))) for keyword, label in BOUND_LABELS.items()
)


@dataclass(frozen=True, slots=True)
class Change:
    kind: str
    location: str
    expected: str
    actual: str
    severity: Severity
    cause: Cause
    side: Side


@dataclass(frozen=True, slots=True)
class Frame:
    """Where causes are named: a component ``ref`` (or the operation) entered at ``location``."""

    ref: str
    location: str

    def cause(self, location: str, aspect: str) -> Cause:
        return (self.ref, location[len(self.location) :], aspect)


class SchemaDiff:
    """Compares schemas of ``old`` against ``new`` on one ``side`` of the exchange.

    A component pair is walked once per side over the whole diff: a second walk could only
    find the same causes again.
    """

    def __init__(self, old: Spec, new: Spec, side: Side) -> None:
        self.old, self.new, self.side = old, new, side
        self._walked: set[tuple[str | None, str | None]] = set()

    def compare(self, old: Any, new: Any, location: str, frame: Frame) -> Iterator[Change]:
        o, n = open_schema(self.old, old), open_schema(self.new, new)
        old_types, new_types = types_of(o.schema), types_of(n.schema)
        if o.nullable != n.nullable and old_types and new_types:
            yield self._type_change(location, frame, old_types, new_types, o.nullable, n.nullable)
        ref = o.ref or n.ref
        if ref is not None:
            if (o.ref, n.ref) in self._walked:
                return
            self._walked.add((o.ref, n.ref))
            frame = Frame(ref, location)
        if old_types and new_types and old_types != new_types:
            yield self._type_change(location, frame, old_types, new_types, False, False)
            return
        yield from self._enum(o.schema, n.schema, location, frame)
        yield from self._bounds(o.schema, n.schema, location, frame)
        yield from self._properties(o.schema, n.schema, location, frame)
        for key, suffix in (("items", "[]"), ("additionalProperties", ".*")):
            if isinstance(o.schema.get(key), dict) and isinstance(n.schema.get(key), dict):
                yield from self.compare(o.schema[key], n.schema[key], location + suffix, frame)
        yield from self._branches(o.schema, n.schema, location, frame)

    def _change(
        self, kind: str, location: str, expected: str, actual: str, severity: Severity, cause: Cause
    ) -> Change:
        return Change(kind, location, expected, actual, severity, cause, self.side)

    def _type_change(
        self, location: str, frame: Frame, old: list[str], new: list[str], old_null: bool, new_null: bool
    ) -> Change:
        expected = " | ".join([*old, "null"] if old_null and "null" not in old else old)
        actual = " | ".join([*new, "null"] if new_null and "null" not in new else new)
        return self._change(
            "type-mismatch", location, expected, actual, "breaking", frame.cause(location, "type")
        )

    def _enum(
        self, old: dict[str, Any], new: dict[str, Any], location: str, frame: Frame
    ) -> Iterator[Change]:
        before, after = _enum_values(old), _enum_values(new)
        if before == after:
            return
        removed = before is None or (after is not None and any(v not in after for v in before))
        added = after is None or (before is not None and any(v not in before for v in after))
        cause = frame.cause(location, "enum")
        expected, actual = _join_values(before), _join_values(after)
        if self.side == "request" and removed:
            yield self._change("enum-narrowed", location, expected, actual, "breaking", cause)
        elif self.side == "request" and added:
            yield self._change("enum-widened", location, expected, actual, "warning", cause)
        elif self.side == "response" and added:
            yield self._change("enum-undeclared", location, expected, actual, "breaking", cause)

    def _bounds(
        self, old: dict[str, Any], new: dict[str, Any], location: str, frame: Frame
    ) -> Iterator[Change]:
        tighter: list[tuple[str, str, str]] = []
        looser: list[tuple[str, str, str]] = []
        for keyword, label, upper in _BOUNDS:
            before, after = _number(old.get(keyword)), _number(new.get(keyword))
            if before == after:
                continue
            if after is None:
                is_tighter = False
            elif before is None:
                is_tighter = True
            else:
                is_tighter = after < before if upper else after > before
            entry = (keyword, _bound_text(label, before), _bound_text(label, after))
            (tighter if is_tighter else looser).append(entry)
        if self.side == "request" and tighter:
            yield self._bound_change("bound-tighter", "breaking", tighter, location, frame)
        if looser:
            yield self._bound_change("bound-looser", "warning", looser, location, frame)

    def _bound_change(
        self, kind: str, severity: Severity, entries: list[tuple[str, str, str]], location: str, frame: Frame
    ) -> Change:
        cause = frame.cause(location, "bounds:" + ",".join(e[0] for e in entries))
        expected = ", ".join(e[1] for e in entries)
        actual = ", ".join(e[2] for e in entries)
        return self._change(kind, location, expected, actual, severity, cause)

    def _properties(
        self, old: dict[str, Any], new: dict[str, Any], location: str, frame: Frame
    ) -> Iterator[Change]:
        old_props: dict[str, Any] = old.get("properties") or {}
        new_props: dict[str, Any] = new.get("properties") or {}
        old_req, new_req = set(old.get("required") or ()), set(new.get("required") or ())
        request = self.side == "request"
        for name in old_props:
            if name in new_props:
                yield from self._required(name, name in old_req, name in new_req, location, frame)
                yield from self.compare(old_props[name], new_props[name], f"{location}.{name}", frame)
        removed = [n for n in old_props if n not in new_props and (request or n in old_req)]
        added = [n for n in new_props if n not in old_props]
        for name, renamed in self._pair_renames(removed, added, old_props, new_props).items():
            at = f"{location}.{name}"
            yield self._change("field-renamed", at, name, renamed, "breaking", frame.cause(at, "prop"))
            yield from self.compare(old_props[name], new_props[renamed], at, frame)
            removed.remove(name)
            added.remove(renamed)
        for name in removed:
            at = f"{location}.{name}"
            expected = "present" if request else "required"
            yield self._change("field-missing", at, expected, "absent", "breaking", frame.cause(at, "prop"))
        closed = bool(old_props) or old.get("additionalProperties") is False
        for name in added:
            at = f"{location}.{name}"
            if request and name in new_req:
                yield self._change(
                    "bound-tighter", at, "absent", "required", "breaking", frame.cause(at, "prop")
                )
            elif not request and closed:
                yield self._change(
                    "field-undocumented", at, "absent", "present", "warning", frame.cause(at, "prop")
                )

    def _required(
        self, name: str, before: bool, after: bool, location: str, frame: Frame
    ) -> Iterator[Change]:
        at = f"{location}.{name}"
        cause = frame.cause(at, "required")
        if self.side == "request" and after and not before:
            yield self._change("bound-tighter", at, "optional", "required", "breaking", cause)
        elif self.side == "request" and before and not after:
            yield self._change("bound-looser", at, "required", "optional", "warning", cause)
        elif self.side == "response" and before and not after:
            yield self._change("field-missing", at, "required", "optional", "warning", cause)

    def _pair_renames(
        self, removed: list[str], added: list[str], old_props: dict[str, Any], new_props: dict[str, Any]
    ) -> dict[str, str]:
        """Old name -> new name for each removed property whose shape a new one repeats."""
        pairs: dict[str, str] = {}
        free = list(added)
        for name in removed:
            wanted = shape_of(self.old, old_props[name], frozenset())
            match = next((n for n in free if shape_of(self.new, new_props[n], frozenset()) == wanted), None)
            if match is not None:
                pairs[name] = match
                free.remove(match)
        return pairs

    def _branches(
        self, old: dict[str, Any], new: dict[str, Any], location: str, frame: Frame
    ) -> Iterator[Change]:
        for key in ("anyOf", "oneOf"):
            before, after = old.get(key), new.get(key)
            if not isinstance(before, list) or not isinstance(after, list):
                continue
            if len(before) != len(after):
                expected = " | ".join(describe(self.old, b) for b in before)
                actual = " | ".join(describe(self.new, a) for a in after)
                cause = frame.cause(location, key)
                yield self._change("type-mismatch", location, expected, actual, "breaking", cause)
                continue
            for b, a in zip(before, after, strict=True):
                yield from self.compare(b, a, location, frame)


def _enum_values(schema: dict[str, Any]) -> list[Any] | None:
    if isinstance(schema.get("enum"), list):
        return list(schema["enum"])
    if "const" in schema:
        return [schema["const"]]
    return None


def _join_values(values: list[Any] | None) -> str:
    if values is None:
        return "any value"
    return ", ".join(v if isinstance(v, str) else json.dumps(v) for v in values)


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _bound_text(label: str, value: float | None) -> str:
    if value is None:
        return f"no {label}"
    return f"{label} {int(value) if value.is_integer() else value}"
