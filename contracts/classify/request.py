"""Failed request checks as findings, each pinned on the one request slot that causes it.

A refused spec-valid request or an accepted spec-invalid one is first checked against what the
probes explained ("limit=999 refused" is the ``bound-tighter`` already found), then isolated: the
one slot whose value alone draws the verdict is the cause. A request without credentials that is
served is ``auth-not-enforced``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any, Protocol

from contracts._utils import coerce, credential_location, finding, short, valid
from contracts.classify.observation import Observation
from contracts.findings import Evidence, Finding
from contracts.probes.base import (
    ABSENT,
    Exchange,
    Explanation,
    Pins,
    ProbeContext,
    Slot,
    Verdict,
    slots,
)
from contracts.probes.bounds import fmt, spec_bounds
from contracts.probes.enums import enum_narrowed
from contracts.probes.samples import enum_values
from oascore import Operation, Spec

Isolate = Callable[[Operation, Slot, Any], "tuple[Verdict, Evidence] | None"]
"""Send the baseline with one slot changed: (verdict, evidence), or None when there is no baseline."""

_INT_FORMATS = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1)}


class RequestContext(Protocol):
    """What classifying a request needs: the specs, the probes' explanations, a way to isolate."""

    @property
    def spec(self) -> Spec: ...
    @property
    def probed(self) -> Spec: ...  # the spec as given, for request slots
    @property
    def explanations(self) -> list[Explanation]: ...
    @property
    def isolate(self) -> Isolate: ...
    @property
    def pinned(self) -> Pins: ...


def isolator(ctx: ProbeContext) -> Isolate:
    """An :data:`Isolate` that sends through ``ctx``, each (operation, slot, value) once."""
    cache: dict[tuple[str, str, str], Exchange] = {}

    def isolate(op: Operation, slot: Slot, value: Any) -> tuple[Verdict, Evidence] | None:
        base = ctx.baseline(op)
        if base is None:
            return None
        key = (op.label, slot.label, json.dumps(value, sort_keys=True, default=str))
        if key not in cache:
            cache[key] = ctx.send(op, base.request.with_slot(slot, value))
        return cache[key].verdict, ctx.evidence(cache[key], "isolated from a schemathesis case")

    return isolate


# --- auth and required headers ---------------------------------------------------------------------


def _ignored_auth(ctx: RequestContext, op: Operation, obs: Observation) -> list[Finding]:
    """Served without credentials: ``auth-not-enforced``; served with invalid ones (schemathesis'
    ``invalid_auth`` and ``generated_auth`` scenarios): ``auth-invalid-accepted``, a warning, since
    which credentials are valid is not in the spec."""
    if str(getattr(obs.failure, "scenario", "no_auth")) == "no_auth":
        return _auth(ctx, op, obs)
    # the answer is to schemathesis' own follow-up request, which the recorder may not hold
    accepted = str(getattr(obs.failure, "title", "")).startswith("API accepts")
    if not accepted and (obs.status is None or not 200 <= obs.status < 300):
        return []  # refused, only not with 401/403: says nothing about the credential
    location = _credential(ctx, op)
    said = str(getattr(obs.failure, "message", "")).splitlines() or [f"answered {obs.status}"]
    message = f"schemathesis sent an invalid credential: {said[0]}"
    return [
        finding(
            op,
            "auth-invalid-accepted",
            location,
            "401 or 403",
            "accepted",
            "warning",
            obs.evidence,
            message=message,
        )
    ]


def _credential(ctx: RequestContext, op: Operation) -> str:
    scheme = next(iter(op.security[0]), None) if op.security else None
    return credential_location(ctx.spec, scheme) if scheme else "request.header.authorization"


def _auth(ctx: RequestContext, op: Operation, obs: Observation) -> list[Finding]:
    location = _credential(ctx, op)
    return [
        finding(op, "auth-not-enforced", location, "401 or 403", str(obs.status), "breaking", obs.evidence)
    ]


def _missing_header(ctx: RequestContext, op: Operation, obs: Observation) -> list[Finding]:
    if obs.status is None or not 200 <= obs.status < 300:
        return []  # refused, just with another status
    name = str(getattr(obs.failure, "header_name", "")).lower()
    if name == "authorization":
        return _auth(ctx, op, obs)
    location = f"request.header.{name}"
    return [
        finding(
            op, "validation-missing", location, "refused without it", str(obs.status), "warning", obs.evidence
        )
    ]


# --- spec-valid requests refused -------------------------------------------------------------------


def _positive(ctx: RequestContext, op: Operation, obs: Observation) -> list[Finding]:
    """A schema-valid request refused: explained by a probe, or isolated to one slot."""
    sent = _sent(ctx, op, obs)
    if any(_explained(ctx, op, slot, value, ("bound-tighter", "enum-narrowed")) for slot, value in sent):
        return []
    if any(_beyond_interoperable(value) for _, value in sent):
        return []  # I-JSON (RFC 7493): integers past 2**53 are not a contract anyone can keep
    for slot, value in sent:
        if value is ABSENT:
            continue
        answer = ctx.isolate(op, slot, value)
        if answer is not None and answer[0] is Verdict.REFUSED:
            return [_refused_value(op, slot, value, answer[1])]
    return [_rejected(ctx, op, obs, sent)]


def _rejected(ctx: RequestContext, op: Operation, obs: Observation, sent: list[tuple[Slot, Any]]) -> Finding:
    """A schema-valid request refused though no one value of it is: at the field the server's error
    names (with its rule), else at ``request`` with what was sent."""
    named = refused_field(obs.body, [slot for slot, _ in sent])
    values = {slot.label: value for slot, value in sent if value is not ABSENT}
    if named is not None:
        slot, rule = named
        value = values.get(slot.label, ABSENT)
        actual = f"refused with {obs.status}" + (f": {short(rule)}" if rule else "")
        expected = f"accepts {short(value)}" if value is not ABSENT else "accepted as sent"
        message = "the server's error names this field; alone it is accepted, so the rule ties it to others"
        return finding(
            op,
            "positive-data-rejected",
            slot.label,
            expected,
            actual,
            "warning",
            obs.evidence,
            message=message,
        )
    shown = ", ".join(f"{label.removeprefix('request.')}={short(v)}" for label, v in values.items())
    return finding(
        op,
        "positive-data-rejected",
        "request",
        "a schema-valid request accepted",
        f"refused with {obs.status}",
        "warning",
        obs.evidence,
        message=f"sent {shown}" if shown else "sent no parameters",
    )


_FIELD_KEYS = ("loc", "field", "param", "parameter", "pointer", "path", "property", "name")
_RULE_KEYS = ("msg", "message", "detail", "reason", "error", "description")


def refused_field(body: Any, candidates: list[Slot]) -> tuple[Slot, str] | None:
    """The request slot an error body names (FastAPI's ``detail[].loc``, ``errors[].field``, a JSON
    pointer ...) and the rule it states, if any."""
    if isinstance(body, list):
        return next((found for item in body if (found := refused_field(item, candidates))), None)
    if not isinstance(body, dict):
        return None
    for key in _FIELD_KEYS:
        for name in _names(body.get(key)):
            slot = next((c for c in candidates if c.name == name or c.name.lower() == name.lower()), None)
            if slot is not None:
                rule = next((v for k in _RULE_KEYS if isinstance(v := body.get(k), str)), "")
                return slot, rule
    return next((found for value in body.values() if (found := refused_field(value, candidates))), None)


def _names(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(part) for part in reversed(value) if isinstance(part, str | int)]
    if isinstance(value, str):
        return [part for part in reversed(re.split(r"[/.#\[\]]+", value)) if part] + [value]
    return []


def _refused_value(op: Operation, slot: Slot, value: Any, evidence: Evidence) -> Finding:
    bounds = spec_bounds(slot.schema)
    if bounds is not None and isinstance(value, int | float) and not isinstance(value, bool):
        expected = ", ".join(
            f"{n} {fmt(b)}" for n, b in (("min", bounds.low), ("max", bounds.high)) if b is not None
        )
        return finding(
            op, "bound-tighter", slot.label, expected, f"refuses {short(value)}", "breaking", evidence
        )
    values = enum_values(slot.schema)
    if values and value in values:
        return enum_narrowed(op, slot, values, [value], evidence)
    return finding(
        op, "type-mismatch", slot.label, f"accepts {short(value)}", "refused", "breaking", evidence
    )


def _beyond_interoperable(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and abs(value) > 2**53 - 1


# --- spec-invalid requests accepted ----------------------------------------------------------------


def _negative(ctx: RequestContext, op: Operation, obs: Observation) -> list[Finding]:
    """A schema-invalid request accepted: explained by a probe, or isolated to one slot."""
    if obs.negative and all(_pinned_part(ctx, op, part) for part in obs.negative):
        return []  # the invalid value was replaced by the user's pin: what was sent is valid
    invalid = [
        (slot, value) for slot, value in _sent(ctx, op, obs) if not _slot_valid(ctx.probed, slot, value)
    ]
    unexplained = [
        (slot, value)
        for slot, value in invalid
        if not _explained(ctx, op, slot, value, ("bound-looser", "enum-widened"))
    ]
    if invalid and not unexplained:
        return []
    for slot, value in unexplained:
        answer = ctx.isolate(op, slot, value)
        if answer is not None and answer[0] is Verdict.ACCEPTED:
            expected = f"refuses {short(value)}"
            return [finding(op, "validation-missing", slot.label, expected, "accepted", "warning", answer[1])]
    if invalid:
        return []  # every invalid value is refused on its own: nothing to pin on one slot
    where = f"request.{obs.negative[0]}" if obs.negative else "request"
    return [
        finding(
            op,
            "validation-missing",
            where,
            "4xx for an invalid request",
            str(obs.status),
            "warning",
            obs.evidence,
        )
    ]


def _pinned_part(ctx: RequestContext, op: Operation, part: str) -> bool:
    params = [p for p in op.parameters if p.location == part]
    return bool(params) and all(ctx.pinned.param(p.location, p.name) is not None for p in params)


def _slot_valid(spec: Spec, slot: Slot, value: Any) -> bool:
    if value is ABSENT:
        return not slot.required
    value = coerce(slot.schema, value) if slot.location != "body" else value
    low, high = _INT_FORMATS.get(str(slot.schema.get("format")), (None, None))
    if low is not None and high is not None and isinstance(value, int) and not low <= value <= high:
        return False  # OpenAPI's integer formats are ranges; JSON Schema does not check them
    return valid(spec, slot.declared, value)


# --- shared -----------------------------------------------------------------------------------------


def _sent(ctx: RequestContext, op: Operation, obs: Observation) -> list[tuple[Slot, Any]]:
    return [(slot, obs.request.get(slot.label, ABSENT)) for slot in slots(ctx.probed, op, ctx.pinned)]


def _explained(ctx: RequestContext, op: Operation, slot: Slot, value: Any, kinds: tuple[str, ...]) -> bool:
    return value is not ABSENT and any(
        e.operation == op.label and e.location == slot.label and e.kind in kinds and e.explains(value)
        for e in ctx.explanations
    )


REQUEST_CHECKS: dict[str, Callable[[RequestContext, Operation, Observation], list[Finding]]] = {
    "IgnoredAuth": _ignored_auth,
    "ObjectLevelAuthorizationViolation": _auth,
    "MissingHeaderNotRejected": _missing_header,
    "RejectedPositiveData": _positive,
    "AcceptedNegativeData": _negative,
}
"""Failure class name -> its findings, for the checks whose cause is in the request."""
