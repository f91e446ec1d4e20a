"""Reading what a world needs out of the served spec: sub-schemas, enums, list names, pruning.

A profile's generators build rich documents; :class:`Pruner` then cuts each document down to
what the served schema declares (an object schema with ``properties`` and no
``additionalProperties`` is treated as closed), so a variant spec that drops or renames a field
never receives one it does not declare.
"""

from __future__ import annotations

from typing import Any

from oascore import Operation, Spec

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


class _Plan:
    """What pruning does at one schema node, compiled once (schemas are resolved only here)."""

    __slots__ = ("branches", "extra", "items", "keeps_all", "props", "types")

    def __init__(self) -> None:
        self.props: dict[str, _Plan] | None = None  # None: objects here are free-form
        self.extra: _Plan | bool = True  # undeclared keys: kept (True), dropped (False), pruned
        self.items: _Plan | None = None
        self.branches: list[_Plan] = []  # anyOf/oneOf alternatives
        self.types: set[str] = set()
        self.keeps_all = False  # nothing at or below this node is ever dropped


class Pruner:
    """Drops every property the served schema does not declare, recursively.

    Plans are compiled per schema node on first use and cached, so pruning a document costs one
    walk over the document, not a walk over the spec.
    """

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self._plans: dict[int, tuple[Any, _Plan]] = {}  # the schema is kept so its id stays unique

    def prune(self, value: Any, schema: Any) -> Any:
        return self._apply(value, self._plan(schema))

    def _apply(self, value: Any, plan: _Plan) -> Any:
        if plan.keeps_all:
            return value
        if plan.branches:
            plan = self._choose(plan, value)
        if type(value) is dict:
            props = plan.props
            if props is None:
                return value
            out: dict[str, Any] = {}
            extra = plan.extra
            for key, sub in value.items():
                sub_plan = props.get(key)
                if sub_plan is not None:
                    out[key] = sub if sub_plan.keeps_all else self._apply(sub, sub_plan)
                elif extra is True:
                    out[key] = sub
                elif extra is not False:
                    out[key] = self._apply(sub, extra)
            return out
        if type(value) is list and plan.items is not None and not plan.items.keeps_all:
            items = plan.items
            return [self._apply(v, items) for v in value]
        return value

    def _choose(self, plan: _Plan, value: Any) -> _Plan:
        want = "object" if type(value) is dict else "array" if type(value) is list else None
        fits = [b for b in plan.branches if want in b.types] if want else []
        if not fits:
            return plan
        if want == "object" and len(fits) > 1:
            return max(fits, key=lambda b: len(set(b.props or {}) & set(value)))
        return fits[0]

    def _plan(self, schema: Any) -> _Plan:
        key = id(schema)
        known = self._plans.get(key)
        if known is not None:
            return known[1]
        plan = _Plan()
        self._plans[key] = (schema, plan)  # before recursing: recursive schemas reuse this plan
        node = self.spec.resolve(schema)
        if not isinstance(node, dict):
            plan.keeps_all = True
            return plan
        plan.types = _types(node)
        props: dict[str, Any] = dict(node.get("properties") or {})
        extra = node.get("additionalProperties")
        for part in node.get("allOf") or []:
            sub = self.spec.resolve(part)
            props.update(sub.get("properties") or {})
            extra = sub.get("additionalProperties", extra)
        if props or extra is not None:
            plan.props = {name: self._plan(sub) for name, sub in props.items()}
            plan.extra = True if extra is True else (self._plan(extra) if isinstance(extra, dict) else False)
            if not props and extra is False:
                plan.props = {}
        if isinstance(node.get("items"), dict):
            plan.items = self._plan(node["items"])
        plan.branches = [self._plan(b) for b in node.get("anyOf") or node.get("oneOf") or []]
        plan.keeps_all = _keeps_all(plan, set())
        return plan


def _keeps_all(plan: _Plan, seen: set[int]) -> bool:
    if id(plan) in seen:
        return False  # recursive: be safe and keep walking
    seen = seen | {id(plan)}
    if plan.props is not None and (plan.extra is not True or plan.props):
        if plan.extra is False or not all(_keeps_all(p, seen) for p in plan.props.values()):
            return False
        if isinstance(plan.extra, _Plan) and not _keeps_all(plan.extra, seen):
            return False
    if plan.items is not None and not _keeps_all(plan.items, seen):
        return False
    return all(_keeps_all(b, seen) for b in plan.branches)


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
