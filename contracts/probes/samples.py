"""Schemas as probes read them: unwrapped (refs resolved, the nullable wrapper removed) and sampled.

:func:`sample` gives the small valid value a baseline request starts from: a schema's default,
example or first enum value, else its minimum.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from oascore import Spec


def unwrap(spec: Spec, schema: Any) -> dict[str, Any]:
    """``schema`` with refs resolved and a nullable wrapper (``anyOf: [X, null]``) removed."""
    node = spec.resolve(schema)
    if not isinstance(node, dict):
        return {}
    for key in ("anyOf", "oneOf"):
        branches = [spec.resolve(b) for b in node.get(key) or []]
        useful = [b for b in branches if not (isinstance(b, dict) and b.get("type") == "null")]
        if key in node and len(useful) == 1:
            outer = {k: v for k, v in node.items() if k != key}
            return {**unwrap(spec, useful[0]), **outer}
    if isinstance(node.get("allOf"), list) and len(node["allOf"]) == 1:
        outer = {k: v for k, v in node.items() if k != "allOf"}
        return {**unwrap(spec, node["allOf"][0]), **outer}
    kind = node.get("type")
    if isinstance(kind, list):
        kinds = [k for k in kind if k != "null"]
        node = {**node, "type": kinds[0] if len(kinds) == 1 else kinds}
    return dict(node)


def enum_values(schema: Mapping[str, Any]) -> list[Any]:
    return [v for v in schema.get("enum") or [] if v is not None]


def sample(spec: Spec, schema: Any, depth: int = 0) -> Any:
    """A small value valid against ``schema``: its default, example, first enum value, or a minimum."""
    node = unwrap(spec, schema)
    for key in ("const", "default"):
        if key in node:
            return node[key]
    if node.get("examples"):
        return node["examples"][0]
    if enum_values(node):
        return enum_values(node)[0]
    for key in ("anyOf", "oneOf"):
        if node.get(key):
            return sample(spec, node[key][0], depth + 1)
    kind = node.get("type")
    kind = kind[0] if isinstance(kind, list) and kind else kind
    if kind in ("integer", "number"):
        return _number_sample(node, integer=kind == "integer")
    if kind == "boolean":
        return False
    if kind == "array":
        count = int(node.get("minItems", 0))
        return [sample(spec, node.get("items", {}), depth + 1) for _ in range(count)] if depth < 6 else []
    if kind == "object" or "properties" in node or "allOf" in node:
        return _object_sample(spec, node, depth)
    if kind == "string" or kind is None:
        return _string_sample(node)
    return None


def _number_sample(node: Mapping[str, Any], *, integer: bool) -> int | float:
    low = node.get("minimum", node.get("exclusiveMinimum"))
    high = node.get("maximum", node.get("exclusiveMaximum"))
    value: float = 1
    if low is not None:
        value = low + (1 if "exclusiveMinimum" in node and "minimum" not in node else 0)
    elif high is not None and high < value:
        value = high - (1 if "exclusiveMaximum" in node and "maximum" not in node else 0)
    return int(value) if integer else value


_FORMATS = {
    "date-time": "2024-01-01T00:00:00Z",
    "date": "2024-01-01",
    "email": "probe@example.com",
    "uuid": "00000000-0000-4000-8000-000000000000",
    "uri": "https://example.com/",
    "url": "https://example.com/",
}


def _string_sample(node: Mapping[str, Any]) -> str:
    text = _FORMATS.get(str(node.get("format")), "probe")
    low = int(node.get("minLength", 0))
    high = node.get("maxLength")
    text = text.ljust(low, "x")
    return text[: int(high)] if high is not None else text


def _object_sample(spec: Spec, node: Mapping[str, Any], depth: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for part in node.get("allOf") or []:
        value = sample(spec, part, depth + 1)
        if isinstance(value, dict):
            out.update(value)
    properties = node.get("properties") or {}
    for name in node.get("required") or []:
        if name in properties and depth < 6:
            out[name] = sample(spec, properties[name], depth + 1)
    return out
