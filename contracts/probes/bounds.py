"""Numeric bounds: try every bounded slot at and beyond its bounds; binary-search the server's own.

A server that refuses a spec-valid value has a ``bound-tighter`` ("max 1000" documented, "max 100"
enforced); one that accepts a spec-invalid value has a ``bound-looser`` ("max 1000" vs "max 5000",
or "no max" when nothing up to 2**31 is refused).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from contracts.findings import Finding
from contracts.probes.base import Exchange, ProbeContext, ProbeRequest, Slot, Verdict, probe_slots
from oascore import Operation

FAR = 2**31 - 1
_BISECT_STEPS = 40


@dataclass(frozen=True, slots=True)
class Bounds:
    low: float | None
    high: float | None
    integer: bool
    multiple: float | None = None  # multipleOf: every value the probe sends is one

    @property
    def step(self) -> float:
        if self.multiple is not None:
            return self.multiple
        return 1 if self.integer else max(abs(self.high or self.low or 1) / 100, 0.01)

    def snap(self, value: float) -> float:
        """``value`` as the nearest multiple (when the schema asks for ``multipleOf``)."""
        if self.multiple is None:
            return value
        snapped = round(value / self.multiple) * self.multiple
        return float(round(snapped)) if self.integer else snapped


def spec_bounds(schema: dict[str, Any]) -> Bounds | None:
    """The inclusive bounds ``schema`` declares for a number, or ``None`` when it declares none."""
    kind = schema.get("type")
    if kind not in ("integer", "number"):
        return None
    integer = kind == "integer"
    low, high = schema.get("minimum"), schema.get("maximum")
    if isinstance(schema.get("exclusiveMinimum"), int | float) and not isinstance(
        schema["exclusiveMinimum"], bool
    ):
        low = schema["exclusiveMinimum"] + (1 if integer else 0)
    if isinstance(schema.get("exclusiveMaximum"), int | float) and not isinstance(
        schema["exclusiveMaximum"], bool
    ):
        high = schema["exclusiveMaximum"] - (1 if integer else 0)
    if low is None and high is None:
        return None
    multiple = schema.get("multipleOf")
    if isinstance(multiple, int | float) and not isinstance(multiple, bool) and multiple > 0:
        # the documented bounds a value can reach: a multiple of 7 with "minimum 1" starts at 7
        low = None if low is None else math.ceil(low / multiple) * multiple
        high = None if high is None else math.floor(high / multiple) * multiple
        return Bounds(low, high, integer, multiple)
    return Bounds(low, high, integer)


def probe_bounds(ctx: ProbeContext, op: Operation) -> list[Finding]:
    return probe_slots(ctx, op, spec_bounds, _probe_slot)


def fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


@dataclass(slots=True)
class _Side:
    """What one side (min or max) of a slot revealed."""

    name: str  # "min" | "max"
    documented: float
    tighter: float | None = None  # the server's bound, inside the documented one
    looser: float | None = None  # the server's bound, outside the documented one
    unbounded: bool = False
    evidence: Exchange | None = None


def _probe_slot(
    ctx: ProbeContext, op: Operation, base: Exchange, slot: Slot, bounds: Bounds
) -> list[Finding]:
    request = base.request
    seen: dict[float, Exchange] = {}

    def send(value: float) -> Exchange:
        if value not in seen:
            number: Any = int(value) if bounds.integer else value
            seen[value] = ctx.send(op, request.with_slot(slot, number))
        return seen[value]

    anchor = _anchor(request, slot, bounds, send)
    sides: list[_Side] = []
    if bounds.high is not None:
        sides.append(_side("max", bounds.high, +1, anchor, bounds, send))
    if bounds.low is not None:
        sides.append(_side("min", bounds.low, -1, anchor, bounds, send))
    return _findings(ctx, op, slot, bounds, sides)


def _anchor(
    request: ProbeRequest, slot: Slot, bounds: Bounds, send: Callable[[float], Exchange]
) -> float | None:
    """A value the server accepts, to search from."""
    current = request.value_at(slot)
    candidates: list[Any] = (
        [current] if isinstance(current, int | float) and not isinstance(current, bool) else []
    )
    candidates += [slot.schema.get("default"), bounds.low, bounds.high]  # on a multiple: see spec_bounds
    for value in candidates:
        if (
            isinstance(value, int | float)
            and not isinstance(value, bool)
            and send(value).verdict is Verdict.ACCEPTED
        ):
            return float(value)
    return None


def _side(
    name: str,
    documented: float,
    sign: int,
    anchor: float | None,
    bounds: Bounds,
    send: Callable[[float], Exchange],
) -> _Side:
    side = _Side(name, documented)
    at = send(documented)
    if at.verdict is Verdict.REFUSED:
        side.evidence = at
        if anchor is not None:
            # Largest (for max) accepted value between the anchor and the documented bound.
            side.tighter = _bisect(
                anchor, documented, lambda v: send(v).verdict is not Verdict.REFUSED, bounds
            )
        return side
    beyond = documented + sign * bounds.step
    over = send(beyond)
    if over.verdict is not Verdict.ACCEPTED:
        return side
    side.evidence = over
    good, probe = beyond, beyond
    while True:
        probe = bounds.snap(documented + sign * max(abs(probe - documented) * 4, bounds.step * 4))
        if abs(probe) >= FAR:
            side.unbounded = send(bounds.snap(sign * FAR)).verdict is Verdict.ACCEPTED
            probe = sign * FAR
            if side.unbounded:
                return side
            break
        if send(probe).verdict is not Verdict.ACCEPTED:
            break
        good = probe
    side.looser = _bisect(good, probe, lambda v: send(v).verdict is Verdict.ACCEPTED, bounds)
    return side


def _bisect(good: float, bad: float, holds: Callable[[float], bool], bounds: Bounds) -> float:
    """The value nearest ``bad`` (from ``good``'s side) for which ``holds`` is still true."""
    for _ in range(_BISECT_STEPS):
        if abs(bad - good) <= (bounds.multiple or (1 if bounds.integer else bounds.step / 100)):
            break
        middle = bounds.snap((good + bad) / 2)
        middle = float(int(middle)) if bounds.integer else middle
        if middle in (good, bad):
            break
        if holds(middle):
            good = middle
        else:
            bad = middle
    return good


def _findings(
    ctx: ProbeContext, op: Operation, slot: Slot, bounds: Bounds, sides: list[_Side]
) -> list[Finding]:
    findings: list[Finding] = []
    tighter = [s for s in sides if s.evidence is not None and s.looser is None and not s.unbounded]
    looser = [s for s in sides if s.looser is not None or s.unbounded]
    if tighter:
        actual = ", ".join(
            f"{s.name} {fmt(s.tighter)}" if s.tighter is not None else f"refuses {fmt(s.documented)}"
            for s in tighter
        )
        finding = _finding(ctx, op, slot, "bound-tighter", tighter, actual, "breaking")
        findings.append(finding)
        ctx.explain(finding, _outside(tighter))
    if looser:
        actual = ", ".join(
            f"no {s.name}" if s.unbounded else f"{s.name} {fmt(s.looser or 0)}" for s in looser
        )
        finding = _finding(ctx, op, slot, "bound-looser", looser, actual, "warning")
        findings.append(finding)
        ctx.explain(finding, _beyond_documented(looser))
    return findings


def _finding(
    ctx: ProbeContext, op: Operation, slot: Slot, kind: str, sides: list[_Side], actual: str, severity: str
) -> Finding:
    expected = ", ".join(f"{s.name} {fmt(s.documented)}" for s in sides)
    evidence = sides[0].evidence
    assert evidence is not None
    verb = "refuses" if kind == "bound-tighter" else "accepts"
    return Finding(
        op.label,
        kind,
        slot.label,
        expected,
        actual,
        "breaking" if severity == "breaking" else "warning",
        evidence=ctx.evidence(evidence),
        message=f"server {verb} {slot.name}={_sent(evidence, slot)}",
    )


def _sent(exchange: Exchange, slot: Slot) -> str:
    value = exchange.request.value_at(slot)
    return fmt(value) if isinstance(value, int | float) else str(value)


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _outside(sides: list[_Side]) -> Callable[[Any], bool]:
    """Values past the server's tighter bound (the ones it refuses though the spec allows them)."""
    return _past_any(sides, _past_tighter)


def _beyond_documented(sides: list[_Side]) -> Callable[[Any], bool]:
    """Values past the documented bound that the server's looser bound still lets through."""
    return _past_any(sides, _past_documented)


def _past_any(sides: list[_Side], past: Callable[[_Side, float], bool]) -> Callable[[Any], bool]:
    def explains(value: Any) -> bool:
        number = _number(value)
        return number is not None and any(past(side, number) for side in sides)

    return explains


def _past_tighter(side: _Side, number: float) -> bool:
    limit = side.tighter
    if limit is None:  # refused at the documented bound, but no accepted value to search from
        limit = side.documented - 1 if side.name == "max" else side.documented + 1
    return (side.name == "max" and number > limit) or (side.name == "min" and number < limit)


def _past_documented(side: _Side, number: float) -> bool:
    server = None if side.unbounded else side.looser
    if side.name == "max" and number > side.documented and (server is None or number <= server):
        return True
    return side.name == "min" and number < side.documented and (server is None or number >= server)
