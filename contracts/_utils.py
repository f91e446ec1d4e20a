"""Helpers shared by the classifiers and the diff: findings, bound and credential names, JSON values."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from jsonschema import Draft202012Validator

from contracts.findings import Evidence, Finding, Severity
from oascore import Operation, Spec

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


def valid(spec: Spec, schema: Any, value: Any) -> bool:
    return bool(Draft202012Validator(spec.rooted(schema if isinstance(schema, dict) else {})).is_valid(value))


def coerce(schema: Mapping[str, Any], value: Any) -> Any:
    """A query or header string read as the scalar its schema declares."""
    if isinstance(value, str) and schema.get("type") in ("integer", "number", "boolean", "array", "object"):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


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


def credential_location(spec: Spec, scheme_name: str) -> str:
    """Where scheme ``scheme_name`` carries its credential (``request.header.authorization``)."""
    scheme = spec.security_schemes.get(scheme_name, {})
    if scheme.get("type") == "apiKey" and scheme.get("in") in ("header", "query", "cookie"):
        name = str(scheme.get("name", scheme_name))
        return f"request.{scheme['in']}.{name.lower() if scheme['in'] == 'header' else name}"
    if scheme.get("type") in ("http", "oauth2", "openIdConnect"):
        return "request.header.authorization"
    return "request.security"
