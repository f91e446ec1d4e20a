"""Seeing through a schema's wrappers: ``$ref`` chains, one-branch ``allOf``, nullable ``anyOf``.

What :mod:`contracts.diff.schema` compares is the concrete schema underneath, plus the facts
the wrappers carried (the innermost component ref, whether null was allowed).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from oascore import Spec


@dataclass(frozen=True, slots=True)
class Opened:
    schema: dict[str, Any]
    ref: str | None
    nullable: bool  # made nullable by an ``anyOf``/``oneOf`` wrapper with a null branch


def open_schema(spec: Spec, node: Any) -> Opened:
    """Follow refs, single-branch ``allOf`` and nullable wrappers down to a concrete schema."""
    ref: str | None = None
    nullable = False
    seen: set[str] = set()
    while isinstance(node, dict):
        if isinstance(node.get("$ref"), str) and node["$ref"] not in seen:
            ref = node["$ref"]
            seen.add(ref)
            node = spec.deref(ref)
            continue
        inner = _single_branch(spec, node)
        if inner is None:
            break
        node, made_nullable = inner
        nullable = nullable or made_nullable
    schema = node if isinstance(node, dict) else {}
    if isinstance(schema.get("allOf"), list):
        schema = _merge_all_of(spec, schema)
    return Opened(schema, ref, nullable)


def _single_branch(spec: Spec, node: dict[str, Any]) -> tuple[Any, bool] | None:
    all_of = node.get("allOf")
    if isinstance(all_of, list) and len(all_of) == 1 and not (node.keys() & {"properties", "type"}):
        return all_of[0], False
    for key in ("anyOf", "oneOf"):
        branches = node.get(key)
        if not isinstance(branches, list):
            continue
        concrete = [b for b in branches if not _is_null(spec.resolve(b))]
        if len(concrete) == 1 and len(branches) == 2:
            return concrete[0], True
    return None


def _merge_all_of(spec: Spec, schema: dict[str, Any]) -> dict[str, Any]:
    merged: dict[str, Any] = {k: v for k, v in schema.items() if k != "allOf"}
    properties: dict[str, Any] = dict(merged.get("properties") or {})
    required: list[str] = list(merged.get("required") or [])
    for part in schema["allOf"]:
        branch = open_schema(spec, part).schema
        for key, value in branch.items():
            merged.setdefault(key, value)
        properties.update({k: v for k, v in (branch.get("properties") or {}).items() if k not in properties})
        required += [r for r in branch.get("required") or [] if r not in required]
    if properties:
        merged["properties"] = properties
    if required:
        merged["required"] = required
    return merged


def _is_null(schema: Any) -> bool:
    return isinstance(schema, dict) and types_of(schema) == ["null"]


def types_of(schema: dict[str, Any]) -> list[str]:
    declared = schema.get("type")
    if isinstance(declared, str):
        return [declared]
    if isinstance(declared, list):
        return sorted((str(t) for t in declared), key=lambda t: (t == "null", t))
    if "properties" in schema:
        return ["object"]
    if "items" in schema:
        return ["array"]
    return []


def shape_of(spec: Spec, node: Any, seen: frozenset[str]) -> Any:
    """The structure of a schema, without annotations or constraints, for spotting renames."""
    if isinstance(node, dict) and isinstance(node.get("$ref"), str):
        name = node["$ref"].rsplit("/", 1)[-1]
        if node["$ref"] in seen:
            return ("ref", name)
        seen = seen | {node["$ref"]}
    opened = open_schema(spec, node)
    schema = opened.schema
    found: dict[str, Any] = {"type": tuple(types_of(schema)), "null": opened.nullable}
    if isinstance(schema.get("items"), dict):
        found["items"] = shape_of(spec, schema["items"], seen)
    if schema.get("properties"):
        found["properties"] = tuple(
            sorted((k, shape_of(spec, v, seen)) for k, v in schema["properties"].items())
        )
    for key in ("anyOf", "oneOf"):
        if isinstance(schema.get(key), list):
            found[key] = tuple(shape_of(spec, b, seen) for b in schema[key])
    return tuple(sorted(found.items()))


def describe(spec: Spec, node: Any) -> str:
    opened = open_schema(spec, node)
    if opened.ref is not None:
        return opened.ref.rsplit("/", 1)[-1]
    return " | ".join(types_of(opened.schema)) or "any"
