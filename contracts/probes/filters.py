"""Filters: a list filtered on a field its items carry (``status``, ``migration_type``) must hold only
items with that value."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from contracts.findings import Finding
from contracts.probes.base import ProbeContext, Slot, Verdict, slots
from contracts.probes.pagination import OFFSET_NAMES, PAGE_NAMES, SIZE_NAMES, items_of, listing
from contracts.probes.samples import enum_values, unwrap
from oascore import Operation

MAX_VALUES = 3
_STEERING = {*SIZE_NAMES, *OFFSET_NAMES, *PAGE_NAMES}


def item_fields(ctx: ProbeContext, schema: dict[str, Any]) -> dict[str, tuple[str, ...]]:
    """Field name -> path inside an item, for top-level fields and those one object down."""
    found: dict[str, tuple[str, ...]] = {}
    properties = schema.get("properties") or {}
    for name in properties:
        found.setdefault(name, (name,))
    for name, prop in properties.items():
        for inner in unwrap(ctx.spec, prop).get("properties") or {}:
            found.setdefault(inner, (name, inner))
    return found


def _dig(item: Any, path: tuple[str, ...]) -> Any:
    for part in path:
        if not isinstance(item, dict) or part not in item:
            return None
        item = item[part]
    return item


def probe_filters(ctx: ProbeContext, op: Operation) -> list[Finding]:
    base = ctx.baseline(op)
    shape = listing(ctx, op)
    if base is None or shape is None:
        return []
    items = items_of(base, shape) or []
    fields = item_fields(ctx, shape.item_schema)
    findings: list[Finding] = []
    for slot in slots(ctx.spec, op, ctx.pins):
        path = fields.get(slot.name)
        if path is None or slot.name.lower() in _STEERING or slot.location == "header":
            continue
        for value in _values(slot, items, path):
            answer = ctx.send(op, base.request.with_slot(slot, value))
            listed = items_of(answer, shape)
            if answer.verdict is not Verdict.ACCEPTED or listed is None:
                continue
            others = sorted({str(_dig(i, path)) for i in listed if str(_dig(i, path)) != str(value)})
            if others:
                where = f"response.body.{shape.items}[].{'.'.join(path)}"
                findings.append(
                    Finding(
                        op.label,
                        "filter-ignored",
                        where,
                        f"{slot.name} = {value}",
                        ", ".join(others),
                        "breaking",
                        evidence=ctx.evidence(answer),
                        message=f"filtering on {slot.label}={value} lists items with other values",
                    )
                )
                break
    return findings


def _values(slot: Slot, items: list[Any], path: tuple[str, ...]) -> Iterator[Any]:
    """Values seen on listed items (so the filtered list is not trivially empty) the slot allows."""
    allowed = {str(v) for v in enum_values(slot.schema)}
    seen: list[Any] = []
    for item in items:
        value = _dig(item, path)
        scalar = isinstance(value, str | int) and not isinstance(value, bool)
        if scalar and value not in seen and (not allowed or str(value) in allowed):
            seen.append(value)
    yield from seen[:MAX_VALUES]
