"""Reading what a world needs out of the served spec: sub-schemas, enums, list names, pruning.

A profile's generators build rich documents; :class:`Pruner` then cuts each document down to
what the served schema declares (an object schema with ``properties`` and no
``additionalProperties`` is treated as closed), so a variant spec that drops or renames a field
never receives one it does not declare.
"""

from __future__ import annotations

from typing import Any

from mockserver.spec import Operation, Spec

Schema = dict[str, Any]


def non_null(spec: Spec, schema: Any) -> Schema:
    """``schema`` resolved, with an ``anyOf``/``oneOf`` of ``[X, null]`` narrowed to ``X``."""
    node = spec.resolve(schema)
    for _ in range(8):
        if not isinstance(node, dict):
            return {}
        branches = node.get("anyOf") or node.get("oneOf")
        if not branches:
            return node
        real = [b for b in (spec.resolve(b) for b in branches) if b.get("type") != "null"]
        if not real:
            return node
        node = real[0]
    return node if isinstance(node, dict) else {}


def walk(spec: Spec, schema: Any, *path: str) -> Schema:
    """The sub-schema at ``path`` (property names; ``"[]"`` steps into array items); ``{}`` if absent."""
    node = non_null(spec, schema)
    for part in path:
        node = non_null(spec, node.get("items") if part == "[]" else node.get("properties", {}).get(part))
        if not node:
            return {}
    return node


def enum_values(spec: Spec, schema: Any) -> list[Any]:
    """The non-null ``enum`` values of ``schema`` (following refs and nullable unions)."""
    return [v for v in non_null(spec, schema).get("enum", []) if v is not None]


def response_schema(operation: Operation, status: str = "200") -> Schema:
    response = operation.responses.get(status)
    media = response.content.get("application/json") if response else None
    return media.schema if media and media.schema else {}


def list_property(spec: Spec, schema: Any, default: str = "results") -> str:
    """The name of the array property that holds a list response's items (``results``, ``migrations`` …)."""
    node = non_null(spec, schema)
    required = node.get("required", [])
    arrays = [
        name for name, sub in node.get("properties", {}).items() if non_null(spec, sub).get("type") == "array"
    ]
    for name in arrays:
        if name in required:
            return str(name)
    return str(arrays[0]) if arrays else default


def _types(node: Schema) -> set[str]:
    kind = node.get("type")
    if isinstance(kind, str):
        return {kind}
    if isinstance(kind, list):
        return {str(k) for k in kind}
    if "properties" in node or "additionalProperties" in node:
        return {"object"}
    if "items" in node:
        return {"array"}
    return set()


class Pruner:
    """Drops every property the served schema does not declare, recursively."""

    def __init__(self, spec: Spec) -> None:
        self.spec = spec

    def prune(self, value: Any, schema: Any) -> Any:
        node = self._branch(schema, value)
        if isinstance(value, dict):
            return self._object(value, node)
        if isinstance(value, list):
            items = node.get("items")
            return [self.prune(v, items) for v in value] if items is not None else value
        return value

    def _object(self, value: dict[str, Any], node: Schema) -> dict[str, Any]:
        props: dict[str, Any] = dict(node.get("properties") or {})
        extra = node.get("additionalProperties")
        for part in node.get("allOf") or []:
            sub = self.spec.resolve(part)
            props.update(sub.get("properties") or {})
            extra = sub.get("additionalProperties", extra)
        if not props and extra is None:
            return value
        out: dict[str, Any] = {}
        for key, sub_value in value.items():
            if key in props:
                out[key] = self.prune(sub_value, props[key])
            elif extra is True:
                out[key] = sub_value
            elif isinstance(extra, dict):
                out[key] = self.prune(sub_value, extra)
        return out

    def _branch(self, schema: Any, value: Any) -> Schema:
        node = self.spec.resolve(schema)
        if not isinstance(node, dict):
            return {}
        branches = node.get("anyOf") or node.get("oneOf")
        if not branches:
            return node
        want = "object" if isinstance(value, dict) else "array" if isinstance(value, list) else None
        if want is None:
            return node
        fits: list[Schema] = [b for b in (self.spec.resolve(b) for b in branches) if want in _types(b)]
        if not fits:
            return node
        if want == "object":
            return max(fits, key=lambda b: len(set(b.get("properties") or {}) & set(value)))
        return fits[0]


def close_schema(node: Any) -> Any:
    """A copy of ``node`` (a schema or a whole document) in which every object schema that
    declares ``properties`` but says nothing of ``additionalProperties`` is closed — the check
    that a response carries no undeclared field."""
    if isinstance(node, list):
        return [close_schema(v) for v in node]
    if not isinstance(node, dict):
        return node
    out = {k: close_schema(v) for k, v in node.items()}
    if isinstance(out.get("properties"), dict) and "additionalProperties" not in out:
        out["additionalProperties"] = False
    return out
