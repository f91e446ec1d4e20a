"""Pagination: a page holds at most the size asked, ``total`` covers it, ``limit``/``offset`` are
echoed, and walking the pages visits every item once."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from contracts.findings import Finding
from contracts.probes.base import Exchange, ProbeContext, ProbeRequest, Slot, Verdict, slots
from contracts.probes.samples import unwrap
from oascore import Operation

ITEM_FIELDS = ("results", "items", "data", "resources", "records", "entries")
SIZE_NAMES = ("limit", "per", "per_page", "page_size", "pagesize", "size", "max_results", "count", "_limit")
OFFSET_NAMES = ("offset", "skip", "start", "_start")
PAGE_NAMES = ("page", "page_number", "pagenumber", "_page")
TOTAL_NAMES = ("total", "total_count", "totalcount", "total_items", "count")
NESTED = ("pagination", "meta", "page_info", "paging")
PAGE_SIZE = 2
MAX_PAGES = 12


@dataclass(frozen=True, slots=True)
class Listing:
    """How one list operation pages: its items field and the slots that steer it."""

    items: str  # "" when the body is the array itself
    item_schema: dict[str, Any]
    size: Slot | None
    offset: Slot | None
    page: Slot | None


def listing(ctx: ProbeContext, op: Operation) -> Listing | None:
    """``op`` as a list operation (a 2xx object with an array of items), or ``None``."""
    response = next((r for code, r in sorted(op.responses.items()) if code.startswith("2")), None)
    media = response.content.get("application/json") if response is not None else None
    if media is None or media.schema is None:
        return None
    schema = unwrap(ctx.spec, media.schema)
    if schema.get("type") == "array":  # the body is the list (json-server, many REST APIs)
        return _listing(ctx, op, "", unwrap(ctx.spec, schema.get("items", {})))
    arrays = {
        name: unwrap(ctx.spec, prop)
        for name, prop in (schema.get("properties") or {}).items()
        if unwrap(ctx.spec, prop).get("type") == "array"
    }
    name = next(
        (n for n in ITEM_FIELDS if n in arrays), next(iter(arrays), None) if len(arrays) == 1 else None
    )
    if name is None:
        return None
    return _listing(ctx, op, name, unwrap(ctx.spec, arrays[name].get("items", {})))


def _listing(ctx: ProbeContext, op: Operation, name: str, item_schema: dict[str, Any]) -> Listing:
    by_name = {slot.name.lower(): slot for slot in slots(ctx.spec, op, ctx.pins) if slot.location != "header"}
    return Listing(
        items=name,
        item_schema=item_schema,
        size=next((by_name[n] for n in SIZE_NAMES if n in by_name), None),
        offset=next((by_name[n] for n in OFFSET_NAMES if n in by_name), None),
        page=next((by_name[n] for n in PAGE_NAMES if n in by_name), None),
    )


def items_of(exchange: Exchange, shape: Listing) -> list[Any] | None:
    if not shape.items:
        return list(exchange.body) if isinstance(exchange.body, list) else None
    if not isinstance(exchange.body, dict) or not isinstance(exchange.body.get(shape.items), list):
        return None
    return list(exchange.body[shape.items])


def find_number(body: Any, names: tuple[str, ...]) -> tuple[str, int] | None:
    """An integer field named one of ``names`` at the top of ``body`` or in its pagination object."""
    for path, node in _containers(body):
        for key, value in node.items():
            if key.lower() in names and isinstance(value, int) and not isinstance(value, bool):
                return f"{path}{key}", value
    return None


def _containers(body: Any) -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(body, dict):
        yield "", body
        for name in NESTED:
            if isinstance(body.get(name), dict):
                yield f"{name}.", body[name]


def probe_pagination(ctx: ProbeContext, op: Operation) -> list[Finding]:
    shape = listing(ctx, op)
    if shape is None or shape.size is None:
        return []
    base = ctx.needs_baseline(op)
    if base is None:
        return []
    first = ctx.send(op, _page(base.request, shape, 0))
    items = items_of(first, shape)
    if first.verdict is not Verdict.ACCEPTED or items is None:
        return []
    check = _Checker(ctx, op, shape)
    check.page(first, items)
    if not check.findings:
        check.walk(base.request, first, items)
    return check.findings


def _page(request: ProbeRequest, shape: Listing, index: int) -> ProbeRequest:
    assert shape.size is not None
    request = request.with_slot(shape.size, PAGE_SIZE)
    if shape.offset is not None:
        return request.with_slot(shape.offset, index * PAGE_SIZE)
    if shape.page is not None:
        first = (
            shape.page.schema.get("minimum", 1) if isinstance(shape.page.schema.get("minimum"), int) else 1
        )
        return request.with_slot(shape.page, first + index)
    return request


class _Checker:
    def __init__(self, ctx: ProbeContext, op: Operation, shape: Listing) -> None:
        self.ctx, self.op, self.shape = ctx, op, shape
        self.findings: list[Finding] = []

    def fail(self, where: str, expected: str, actual: str, exchange: Exchange, message: str) -> None:
        location = f"response.body.{where}" if where else "response.body"
        if all(f.location != location for f in self.findings):
            self.findings.append(
                Finding(
                    self.op.label,
                    "pagination-violated",
                    location,
                    expected,
                    actual,
                    "breaking",
                    evidence=self.ctx.evidence(exchange),
                    message=message,
                )
            )

    def page(self, exchange: Exchange, items: list[Any]) -> None:
        shape = self.shape
        if len(items) > PAGE_SIZE:
            self.fail(
                shape.items,
                f"at most {PAGE_SIZE} items",
                f"{len(items)} items",
                exchange,
                "page larger than asked",
            )
        total = find_number(exchange.body, TOTAL_NAMES)
        if total is not None and total[1] < len(items):
            self.fail(total[0], f">= {len(items)}", str(total[1]), exchange, "total smaller than the page")
        for slot in (shape.size, shape.offset, shape.page):
            if slot is None:
                continue
            asked = _as_int(exchange.request.value_at(slot))
            echoed = find_number(exchange.body, (slot.name.lower(),))
            if echoed is not None and asked is not None and echoed[1] != asked:
                self.fail(echoed[0], str(asked), str(echoed[1]), exchange, f"{slot.name} not echoed")

    def walk(self, request: ProbeRequest, first: Exchange, items: list[Any]) -> None:
        """Page through with a small page size; every item must come exactly once."""
        if self.shape.offset is None and self.shape.page is None:
            return
        total_field = find_number(first.body, TOTAL_NAMES)
        total = total_field[1] if total_field is not None else None
        seen: dict[str, int] = {}
        exchange, index = first, 0
        while items and index < MAX_PAGES:
            for item in items:
                key = _identity(item, self.shape)
                seen[key] = seen.get(key, 0) + 1
                if seen[key] > 1:
                    self.fail(
                        self.shape.items,
                        "each item once",
                        f"{key} on two pages",
                        exchange,
                        "paging repeats items",
                    )
                    return
            index += 1
            exchange = self.ctx.send(self.op, _page(request, self.shape, index))
            self.page(exchange, items_of(exchange, self.shape) or [])
            items = items_of(exchange, self.shape) or []
        if total is not None and not items and len(seen) != total:
            where = total_field[0] if total_field is not None else self.shape.items
            self.fail(
                where, f"{len(seen)} items paged", str(total), exchange, "paging visits a different count"
            )


def _identity(item: Any, shape: Listing) -> str:
    if isinstance(item, dict):
        ids = [k for k in (shape.item_schema.get("required") or []) if k == "id" or k.endswith("_id")]
        ids += [k for k in item if k == "id" or k.endswith("_id")]
        for key in ids:
            if key in item:
                return f"{key}={item[key]}"
    return json.dumps(item, sort_keys=True)


def _as_int(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return int(value) if isinstance(value, str) and value.lstrip("-").isdigit() else None
