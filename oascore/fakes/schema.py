"""Schema normalisation for the fake-data generator: top-level ``$ref`` and ``allOf`` folded in.

:func:`flatten` turns a schema into one dict with no top-level ``$ref`` or ``allOf``: bounds are
intersected, properties and ``required`` united, types intersected. What cannot be folded (two
different patterns, two ``anyOf`` lists) goes under :data:`CHECK`, a list of schemas that every
generated value is verified against afterwards.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

from oascore.fakes.scalars import Unsatisfiable
from oascore.model import Spec

CHECK = "x-fakes-check"
ANNOTATIONS = frozenset(
    {
        "title",
        "description",
        "examples",
        "example",
        "default",
        "deprecated",
        "readOnly",
        "writeOnly",
        "$comment",
        "$schema",
        "$id",
        "$anchor",
        "discriminator",
        "xml",
        "externalDocs",
        "contentMediaType",
        "contentEncoding",
        "$defs",
        "definitions",
    }
)
TYPES = ("null", "boolean", "object", "array", "number", "string", "integer")
ANY_TYPES = ("string", "integer", "boolean")  # what an unconstrained value is made of
_INFER = (
    (
        "object",
        (
            "properties",
            "required",
            "additionalProperties",
            "patternProperties",
            "propertyNames",
            "minProperties",
            "maxProperties",
            "dependentRequired",
        ),
    ),
    ("array", ("items", "prefixItems", "minItems", "maxItems", "uniqueItems", "contains")),
    ("string", ("minLength", "maxLength", "pattern")),
    ("number", ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf")),
)


def is_pure_ref(schema: Mapping[str, Any]) -> bool:
    """``{"$ref": ...}`` with nothing but annotations beside it."""
    return isinstance(schema.get("$ref"), str) and all(k == "$ref" or k in ANNOTATIONS for k in schema)


def flatten(spec: Spec, schema: Any, seen: tuple[str, ...] = ()) -> dict[str, Any]:
    if schema is True:
        return {}
    if schema is False:
        raise Unsatisfiable("the schema `false` accepts nothing")
    flat = dict(schema)
    ref = flat.pop("$ref", None)
    if isinstance(ref, str) and ref not in seen:  # a $ref cycle through allOf adds nothing new
        flat = merge(flat, flatten(spec, spec.deref(ref), (*seen, ref)))
    for member in flat.pop("allOf", None) or ():
        flat = merge(flat, flatten(spec, member, seen))
    return flat


def types_of(schema: Mapping[str, Any]) -> tuple[str, ...]:
    declared = schema.get("type")
    if isinstance(declared, str):
        return (declared,)
    if isinstance(declared, list):
        return tuple(t for t in TYPES if t in declared)
    fmt = schema.get("format")
    inferred = [kind for kind, keys in _INFER if any(k in schema for k in keys)]
    if fmt in ("int32", "int64"):
        inferred.append("integer")
    elif isinstance(fmt, str) and "string" not in inferred:
        inferred.append("string")
    return tuple(inferred) or ANY_TYPES


def merge(a: Mapping[str, Any], b: Mapping[str, Any]) -> dict[str, Any]:
    """The conjunction of two flattened schemas; ``a``'s annotations win."""
    out = dict(a)
    checks: list[Any] = list(a.get(CHECK, ()))
    for key, value in b.items():
        if key == CHECK:
            checks.extend(value)
        elif key not in out:
            out[key] = value
        elif out[key] != value and key not in ANNOTATIONS:
            merger = _MERGERS.get(key)
            merged = merger(out[key], value) if merger else _NO_MERGE
            if merged is _NO_MERGE:
                checks.append({key: value})
            else:
                out[key] = merged
    if checks:
        out[CHECK] = checks
    return out


_NO_MERGE: Any = object()


def _types(a: Any, b: Any) -> Any:
    left = [a] if isinstance(a, str) else list(a)
    right = [b] if isinstance(b, str) else list(b)
    both = [t for t in left if t in right]
    both += [
        t
        for t in ("integer",)
        if t not in both
        and (("integer" in left and "number" in right) or ("number" in left and "integer" in right))
    ]
    if not both:
        raise Unsatisfiable(f"allOf types {a!r} and {b!r} do not overlap")
    return both[0] if len(both) == 1 else both


def _props(a: Mapping[str, Any], b: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(a)
    for key, sub in b.items():
        out[key] = {"allOf": [out[key], sub]} if key in out and out[key] != sub else sub
    return out


def _enum(a: list[Any], b: list[Any]) -> list[Any]:
    both = [v for v in a if v in b]
    if not both:
        raise Unsatisfiable("allOf enums share no value")
    return both


def _const(a: Any, b: Any) -> Any:
    raise Unsatisfiable(f"allOf consts {a!r} and {b!r} differ")


def _sub(a: Any, b: Any) -> Any:
    return False if a is False or b is False else {"allOf": [a, b]}


def _multiple(a: Any, b: Any) -> Any:
    if isinstance(a, int) and isinstance(b, int):
        return math.lcm(a, b)
    return _NO_MERGE


def _prefix(a: list[Any], b: list[Any]) -> list[Any]:
    shared = [_sub(x, y) for x, y in zip(a, b, strict=False)]
    return shared + a[len(shared) :] + b[len(shared) :]


def _union(a: list[Any], b: list[Any]) -> list[Any]:
    return list(dict.fromkeys([*a, *b]))


def _dependent(a: Mapping[str, list[str]], b: Mapping[str, list[str]]) -> dict[str, list[str]]:
    return {k: _union(a.get(k, []), b.get(k, [])) for k in dict.fromkeys([*a, *b])}


_MERGERS: dict[str, Callable[[Any, Any], Any]] = {
    "type": _types,
    "properties": _props,
    "patternProperties": _props,
    "dependentSchemas": _props,
    "required": _union,
    "enum": _enum,
    "const": _const,
    "multipleOf": _multiple,
    "items": _sub,
    "additionalProperties": _sub,
    "propertyNames": _sub,
    "contains": _sub,
    "unevaluatedProperties": _sub,
    "unevaluatedItems": _sub,
    "prefixItems": _prefix,
    "dependentRequired": _dependent,
    "uniqueItems": lambda a, b: bool(a or b),
    **{
        k: max
        for k in ("minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties", "minContains")
    },
    **{
        k: min
        for k in ("maximum", "exclusiveMaximum", "maxLength", "maxItems", "maxProperties", "maxContains")
    },
}
