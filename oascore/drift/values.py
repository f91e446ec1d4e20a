"""What findings are made of: the bound names, short value spellings, the ``Finding`` of an operation."""

from __future__ import annotations

import json
from typing import Any

from jsonschema import Draft202012Validator

from oascore.findings import Evidence, Finding, Severity
from oascore.model import Operation, Spec

BOUND_LABELS: dict[str, str] = {
    "minimum": "min",
    "exclusiveMinimum": "exclusiveMin",
    "maximum": "max",
    "exclusiveMaximum": "exclusiveMax",
    "minLength": "minLength",
    "maxLength": "maxLength",
    "minItems": "minItems",
    "maxItems": "maxItems",
    "minProperties": "minProperties",
    "maxProperties": "maxProperties",
}
"""JSON Schema bound keyword -> its name in findings ("max 1000"), for the run and the diff alike."""


def finding(
    op: Operation,
    kind: str,
    location: str,
    expected: str,
    actual: str,
    severity: Severity,
    evidence: Evidence,
    *,
    message: str = "",
) -> Finding:
    return Finding(op.label, kind, location, expected, actual, severity, evidence=evidence, message=message)


_VALIDATORS: dict[tuple[int, int], tuple[Any, Any, Draft202012Validator]] = {}
_VALIDATORS_LIMIT = 4096  # callers that build fresh schema dicts per call cannot grow it forever


def validator(spec: Spec, schema: Any) -> Draft202012Validator:
    """The JSON Schema validator of ``schema`` (local ``$ref``s resolve against ``spec``), built once
    per (document, schema object): a run classifies many responses against a few schemas."""
    key = (id(spec.doc), id(schema))
    hit = _VALIDATORS.get(key)
    if hit is not None and hit[0] is spec.doc and hit[1] is schema:
        return hit[2]
    if len(_VALIDATORS) >= _VALIDATORS_LIMIT:
        _VALIDATORS.clear()
    built = Draft202012Validator(spec.rooted(schema if isinstance(schema, dict) else {}))
    _VALIDATORS[key] = (spec.doc, schema, built)  # holding both keeps their ids from being reused
    return built


def valid(spec: Spec, schema: Any, value: Any) -> bool:
    return bool(validator(spec, schema).is_valid(value))


def type_name(schema: Any) -> str:
    if not isinstance(schema, dict):
        return "any"
    kind = schema.get("type")
    if isinstance(kind, list):
        return " | ".join(str(k) for k in kind)
    if kind is None and "properties" in schema:
        return "object"
    return str(kind) if kind is not None else "any"


def short(value: Any) -> str:
    text = json.dumps(value, default=str) if not isinstance(value, str) else value
    return text if len(text) <= 60 else text[:57] + "..."


def joined(values: list[Any]) -> str:
    """Enum values as findings spell them (the static diff uses the same form)."""
    return ", ".join(str(v) for v in values)
