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
_WILDCARDS = {"all", "any", "*", "", "none"}


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
    shape = listing(ctx, op)
    if shape is None:
        return []
    fields = item_fields(ctx, shape.item_schema)
    filtering = [
        (slot, fields[slot.name])
        for slot in slots(ctx.spec, op, ctx.pins)
        if slot.name in fields and slot.name.lower() not in _STEERING and slot.location != "header"
    ]
    base = ctx.needs_baseline(op) if filtering else None
    if base is None:
        return []
    items = items_of(base, shape) or []
    findings: list[Finding] = []
    for slot, path in filtering:
        for value in _values(slot, items, path, _field_values(ctx, shape.item_schema, path)):
            answer = ctx.send(op, base.request.with_slot(slot, value))
            listed = items_of(answer, shape)
            if answer.verdict is not Verdict.ACCEPTED or listed is None:
                continue
            others = sorted({str(_dig(i, path)) for i in listed if str(_dig(i, path)) != str(value)})
            if others:
                where = f"response.body{'.' + shape.items if shape.items else ''}[].{'.'.join(path)}"
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


def _field_values(ctx: ProbeContext, schema: dict[str, Any], path: tuple[str, ...]) -> list[Any] | None:
    """The enum of the item field at ``path``, or None when it has none."""
    for part in path:
        schema = unwrap(ctx.spec, (schema.get("properties") or {}).get(part) or {})
    values = enum_values(schema)
    return list(values) if values else None


def _values(slot: Slot, items: list[Any], path: tuple[str, ...], field: list[Any] | None) -> Iterator[Any]:
    """Values seen on listed items (so the filtered list is not trivially empty) the slot allows, then
    the slot's other values an item can hold (the field's enum; else the slot's, less wildcards like
    ``all``): a list filtered on a value no listed item has must not list those items."""
    allowed = enum_values(slot.schema)
    texts = {str(v) for v in allowed}
    seen: list[Any] = []
    for item in items:
        value = _dig(item, path)
        scalar = isinstance(value, str | int) and not isinstance(value, bool)
        if scalar and value not in seen and (not texts or str(value) in texts):
            seen.append(value)
    holdable = {str(v) for v in field} if field is not None else None
    unseen = [
        v
        for v in allowed
        if isinstance(v, str | int)
        and str(v) not in {str(s) for s in seen}
        and (str(v) in holdable if holdable is not None else str(v).lower() not in _WILDCARDS)
    ]
    yield from (seen[: MAX_VALUES - 1] + unseen)[:MAX_VALUES] if unseen else seen[:MAX_VALUES]
