"""What a ``discriminator`` means: the branch of a ``oneOf``/``anyOf`` is the one its property names.

Shared by the request validator (:mod:`oascore.validation`) and the fake-data generator
(:mod:`oascore.fakes`), so the mock checks and makes values by the same reading.
"""

from __future__ import annotations

from typing import Any

_COMPONENT = "#/components/schemas/"


def branches(node: dict[str, Any]) -> tuple[str, str, dict[str, Any]] | None:
    """``(property, combinator, value -> branch schema)`` of a discriminated ``oneOf``/``anyOf``, or
    ``None`` when ``node`` has none (or a mapping entry is not a schema name or ``$ref``)."""
    disc = node.get("discriminator")
    key = "oneOf" if "oneOf" in node else "anyOf" if "anyOf" in node else None
    if not isinstance(disc, dict) or key is None or not isinstance(disc.get("propertyName"), str):
        return None
    by_value: dict[str, Any] = {}
    mapping: dict[str, Any] = disc["mapping"] if isinstance(disc.get("mapping"), dict) else {}
    for value, ref in mapping.items():
        if not isinstance(ref, str):
            return None
        # a $ref, or a schema's name (OAS allows both)
        by_value[str(value)] = {"$ref": ref if "/" in ref else f"{_COMPONENT}{ref}"}
    for branch in node[key] if isinstance(node[key], list) else ():
        ref = branch.get("$ref") if isinstance(branch, dict) else None
        if isinstance(ref, str) and ref.startswith(_COMPONENT):  # its schema name is a value too
            by_value.setdefault(ref[len(_COMPONENT) :], branch)
    return (disc["propertyName"], key, by_value) if by_value else None


def by_discriminator(node: Any) -> Any:
    """``oneOf``/``anyOf`` with a ``discriminator`` chooses its branch by the property's value (what
    the discriminator means), not by "exactly one branch matches" (overlapping branches), in place:
    the property is required and one of the mapped values; the branch it names must hold."""
    if isinstance(node, list):
        for item in node:
            by_discriminator(item)
        return node
    if not isinstance(node, dict):
        return node
    for value in node.values():
        by_discriminator(value)
    found = branches(node)
    if found is None:
        return node
    prop, key, by_value = found
    node.pop(key)
    node["allOf"] = [
        *node.get("allOf", []),
        {"required": [prop], "properties": {prop: {"enum": list(by_value)}}},
        *({"if": {"properties": {prop: {"const": v}}}, "then": b} for v, b in by_value.items()),
    ]
    return node
