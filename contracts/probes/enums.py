"""Enums: every documented value must be accepted, an undocumented one refused."""

from __future__ import annotations

from typing import Any

from contracts.findings import Evidence, Finding
from contracts.probes.base import Exchange, ProbeContext, Slot, Verdict, probe_slots
from contracts.probes.samples import enum_values
from oascore import Operation
from oascore.drift.values import joined

UNDOCUMENTED = "zz_undocumented_value"


def enum_narrowed(
    op: Operation, slot: Slot, values: list[Any], refused: list[Any], evidence: Evidence
) -> Finding:
    """The documented ``values`` at ``slot``, of which the server refuses ``refused``."""
    return Finding(
        op.label,
        "enum-narrowed",
        slot.label,
        joined(values),
        joined([v for v in values if v not in refused]),
        "breaking",
        evidence=evidence,
        message=f"server refuses {joined(refused)}",
    )


def probe_enums(ctx: ProbeContext, op: Operation) -> list[Finding]:
    return probe_slots(ctx, op, enum_values, _probe_slot)


def _probe_slot(
    ctx: ProbeContext, op: Operation, base: Exchange, slot: Slot, values: list[Any]
) -> list[Finding]:
    findings: list[Finding] = []
    answers = {str(v): ctx.send(op, base.request.with_slot(slot, v)) for v in values}
    rejected = [v for v in values if answers[str(v)].verdict is Verdict.REFUSED]
    if rejected:
        finding = enum_narrowed(op, slot, values, rejected, ctx.evidence(answers[str(rejected[0])]))
        findings.append(finding)
        refused = {str(v) for v in rejected}
        ctx.explain(finding, lambda value: str(value) in refused)
    stranger = _undocumented(values)
    answer = ctx.send(op, base.request.with_slot(slot, stranger))
    if answer.verdict is Verdict.ACCEPTED:
        finding = Finding(
            op.label,
            "enum-widened",
            slot.label,
            joined(values),
            joined([*values, stranger]),
            "warning",
            evidence=ctx.evidence(answer),
            message=f"server accepts undocumented {stranger!r}",
        )
        findings.append(finding)
        documented = {str(v) for v in values}
        ctx.explain(finding, lambda value: value is not None and str(value) not in documented)
    return findings


def _undocumented(values: list[Any]) -> Any:
    numbers = [v for v in values if isinstance(v, int | float) and not isinstance(v, bool)]
    if numbers and len(numbers) == len(values):
        return max(numbers) + 1000
    return UNDOCUMENTED
