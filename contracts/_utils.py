"""Helpers shared by the classifiers and the diff: credential names, coerced values; the finding helpers
live in the OpenAPI core (``oascore.drift.values``, shared with the mock's proxy) and are re-exported."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from oascore import Spec
from oascore.drift.values import BOUND_LABELS, finding, short, type_name, valid

__all__ = ["BOUND_LABELS", "coerce", "credential_location", "finding", "short", "type_name", "valid"]


def coerce(schema: Mapping[str, Any], value: Any) -> Any:
    """A query or header string read as the scalar its schema declares."""
    if isinstance(value, str) and schema.get("type") in ("integer", "number", "boolean", "array", "object"):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def credential_location(spec: Spec, scheme_name: str) -> str:
    """Where scheme ``scheme_name`` carries its credential (``request.header.authorization``)."""
    scheme = spec.security_schemes.get(scheme_name, {})
    if scheme.get("type") == "apiKey" and scheme.get("in") in ("header", "query", "cookie"):
        name = str(scheme.get("name", scheme_name))
        return f"request.{scheme['in']}.{name.lower() if scheme['in'] == 'header' else name}"
    if scheme.get("type") in ("http", "oauth2", "openIdConnect"):
        return "request.header.authorization"
    return "request.security"
