"""Response bodies that break their (closed) schema, as findings: one per cause.

The body is validated whole, so a missing required field next to an undocumented one of the same
shape is one ``field-renamed``; the rest are ``field-missing``, ``field-undocumented``,
``enum-undeclared``, ``bound-looser`` or ``type-mismatch``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from jsonschema.exceptions import ValidationError, best_match

from oascore.drift.values import BOUND_LABELS, finding, joined, short, type_name, valid, validator
from oascore.findings import Evidence, Finding
from oascore.model import Operation, Spec, json_type

Fields = dict[str, dict[str, Any]]
"""Parent path -> {field name: its property schema (missing) or its value (undocumented)}."""


def response_drift(
    spec: Spec, op: Operation, status: int, content_type: str | None, body: Any, evidence: Evidence
) -> list[Finding]:
    """Every way ``body`` breaks the documented schema for ``status``, one finding per cause."""
    response = op.response_for(status)
    if response is None:
        return []
    ctype = (content_type or "application/json").split(";")[0].strip().lower()
    media = response.content.get(ctype) or next(iter(response.content.values()), None)
    if media is None or media.schema is None:
        return []
    missing: Fields = {}
    extra: Fields = {}
    findings: list[Finding] = []
    for error in validator(spec, media.schema).iter_errors(body):
        for leaf in _leaves(error):
            findings += _error_findings(op, leaf, missing, extra, evidence)
    findings += _pair_renames(spec, op, missing, extra, evidence)
    return findings


def _leaves(error: ValidationError) -> list[ValidationError]:
    """The errors that name a cause: inside an ``anyOf``, the branch that came closest."""
    if error.validator in ("anyOf", "oneOf") and error.context:
        enum_errors = [e for e in error.context if e.validator == "enum"]
        if enum_errors:
            return [enum_errors[0]]
        if all(e.validator == "type" for e in error.context):
            return [error]
        chosen = best_match(error.context)
        return _leaves(chosen) if chosen is not None else [error]
    return [error]


def _path(parts: Iterable[Any]) -> str:
    out = "response.body"
    for part in parts:
        out += "[]" if isinstance(part, int) else f".{part}"
    return out


def _error_findings(
    op: Operation, error: ValidationError, missing: Fields, extra: Fields, evidence: Evidence
) -> list[Finding]:
    """A finding for ``error``, or none when it only notes a missing or undocumented field to pair."""
    where = _path(error.absolute_path)
    schema = error.schema if isinstance(error.schema, dict) else {}
    instance = error.instance
    if error.validator == "required" and isinstance(instance, dict):
        properties = schema.get("properties") or {}
        for name in error.validator_value:
            if name not in instance:
                missing.setdefault(where, {})[name] = properties.get(name, {})
        return []
    if error.validator in ("additionalProperties", "unevaluatedProperties") and isinstance(instance, dict):
        known = set(schema.get("properties") or {})
        for name, value in instance.items():
            if name not in known:
                extra.setdefault(where, {})[name] = value
        return []
    return [_value_finding(op, error, where, schema, evidence)]


def _value_finding(
    op: Operation, error: ValidationError, where: str, schema: dict[str, Any], evidence: Evidence
) -> Finding:
    instance = error.instance
    if error.validator == "enum":
        expected = joined(list(error.validator_value))
        return finding(op, "enum-undeclared", where, expected, short(instance), "breaking", evidence)
    if error.validator in BOUND_LABELS:
        expected = f"{BOUND_LABELS[error.validator]} {error.validator_value}"
        return finding(op, "bound-looser", where, expected, short(instance), "warning", evidence)
    return finding(
        op,
        "type-mismatch",
        where,
        type_name(schema),
        json_type(instance),
        "breaking",
        evidence,
        message=error.message[:200],
    )


def _pair_renames(
    spec: Spec, op: Operation, missing: Fields, extra: Fields, evidence: Evidence
) -> list[Finding]:
    findings: list[Finding] = []
    for parent in sorted(set(missing) | set(extra)):
        gone, new = dict(missing.get(parent, {})), dict(extra.get(parent, {}))
        for name, schema in list(gone.items()):
            twin = _twin(spec, schema, new)
            if twin is not None:
                findings.append(
                    finding(op, "field-renamed", f"{parent}.{name}", name, twin, "breaking", evidence)
                )
                del gone[name], new[twin]
        findings += [
            finding(op, "field-missing", f"{parent}.{n}", "present", "absent", "breaking", evidence)
            for n in gone
        ]
        findings += [
            finding(op, "field-undocumented", f"{parent}.{n}", "absent", "present", "warning", evidence)
            for n in new
        ]
    return findings


def _twin(spec: Spec, schema: dict[str, Any], candidates: dict[str, Any]) -> str | None:
    """The undocumented field with the missing one's shape: valid against its schema, else same type."""
    for name, value in candidates.items():
        if valid(spec, schema, value):
            return name
    wanted = type_name(spec.resolve(schema))
    return next((n for n, v in candidates.items() if json_type(v) in wanted.split(" | ")), None)
