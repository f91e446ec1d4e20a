"""OpenAPI 3.0's schema dialect rewritten into JSON Schema 2020-12 (what 3.1 uses).

:func:`upgrade_30` rewrites a 3.0 document (its dialect, silently: that is what 3.0 means).
:func:`tolerate_31` rewrites the same 3.0 idioms where they appear in a 3.1 document, where they are
deviations (``nullable: true`` means nothing to JSON Schema 2020-12, a boolean
``exclusiveMinimum`` is invalid): the document is served as its author obviously meant, and each
kind of deviation is reported once, with a count and the JSON pointer of its first occurrence.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from oascore.model import HTTP_METHODS

_SCHEMA_MAPS = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas")
_SCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
_SCHEMA_ONES = ("items", "additionalProperties", "not", "contains", "propertyNames", "if", "then", "else")

Visit = Callable[[dict[str, Any], str], None]


def pointer_token(key: str) -> str:
    """One JSON pointer token (RFC 6901): ``~`` and ``/`` escaped."""
    return key.replace("~", "~0").replace("/", "~1")


_MAP, _LIST, _ONE = 0, 1, 2
_KIND = {
    **dict.fromkeys(_SCHEMA_MAPS, _MAP),
    **dict.fromkeys(_SCHEMA_LISTS, _LIST),
    **dict.fromkeys(_SCHEMA_ONES, _ONE),
}


def walk_schemas(doc: dict[str, Any], visit: Visit, *, pointers: bool = True) -> None:
    """Call ``visit(schema, pointer)`` on every schema object of ``doc``, parents before children.

    Without ``pointers`` the pointer is always ``""`` (GitHub's 400,000 schema nodes: building
    every pointer costs more than the walk itself)."""

    def schema(node: Any, at: str) -> None:
        if type(node) is not dict:
            return
        visit(node, at)
        for key, value in node.items():
            kind = _KIND.get(key)
            if kind is None:
                continue
            if kind == _MAP:
                if type(value) is dict:
                    for name, sub in value.items():
                        schema(sub, f"{at}/{key}/{pointer_token(str(name))}" if pointers else at)
            elif kind == _LIST:
                if type(value) is list:
                    for i, sub in enumerate(value):
                        schema(sub, f"{at}/{key}/{i}" if pointers else at)
            else:
                schema(value, f"{at}/{key}" if pointers else at)

    def media(content: Any, at: str) -> None:
        if isinstance(content, dict):
            for ctype, raw in content.items():
                if isinstance(raw, dict):
                    schema(raw.get("schema"), f"{at}/{pointer_token(str(ctype))}/schema")

    def parameter(param: Any, at: str) -> None:
        if isinstance(param, dict):
            schema(param.get("schema"), f"{at}/schema")
            media(param.get("content"), f"{at}/content")

    def headers(holder: Any, at: str) -> None:
        if isinstance(holder, dict):
            for name, header in holder.items():
                parameter(header, f"{at}/{pointer_token(str(name))}")

    def response(raw: Any, at: str) -> None:
        if isinstance(raw, dict):
            media(raw.get("content"), f"{at}/content")
            headers(raw.get("headers"), f"{at}/headers")

    def path_item(item: Any, at: str) -> None:
        if not isinstance(item, dict):
            return
        for i, param in enumerate(item.get("parameters") or []):
            parameter(param, f"{at}/parameters/{i}")
        for method in HTTP_METHODS:
            op = item.get(method)
            if not isinstance(op, dict):
                continue
            here = f"{at}/{method}"
            for i, param in enumerate(op.get("parameters") or []):
                parameter(param, f"{here}/parameters/{i}")
            if isinstance(op.get("requestBody"), dict):
                media(op["requestBody"].get("content"), f"{here}/requestBody/content")
            responses = op.get("responses")
            if isinstance(responses, dict):
                for code, raw in responses.items():
                    response(raw, f"{here}/responses/{pointer_token(str(code))}")
            callbacks = op.get("callbacks")
            if isinstance(callbacks, dict):
                for name, callback in callbacks.items():
                    paths(callback, f"{here}/callbacks/{pointer_token(str(name))}")

    def paths(holder: Any, at: str) -> None:
        if isinstance(holder, dict):
            for name, item in holder.items():
                path_item(item, f"{at}/{pointer_token(str(name))}")

    components = doc.get("components")
    if isinstance(components, dict):
        sections: dict[str, Callable[[Any, str], None]] = {
            "schemas": schema,
            "parameters": parameter,
            "headers": parameter,
            "responses": response,
            "requestBodies": lambda body, at: media(
                body.get("content") if isinstance(body, dict) else None, f"{at}/content"
            ),
            "pathItems": path_item,
        }
        for section, handle in sections.items():
            held = components.get(section)
            if isinstance(held, dict):
                for name, value in held.items():
                    handle(value, f"#/components/{section}/{pointer_token(str(name))}")
    paths(doc.get("paths"), "#/paths")
    paths(doc.get("webhooks"), "#/webhooks")


def _nullable(node: dict[str, Any]) -> bool:
    """Drop ``nullable``; where it was ``true``, let the schema admit ``null``. True if it did."""
    if node.pop("nullable", False) is not True:
        return False
    kind = node.get("type")
    if isinstance(kind, str):
        node["type"] = [kind, "null"]
    elif isinstance(kind, list) and "null" not in kind:
        node["type"] = [*kind, "null"]
    # an ``enum`` without null keeps refusing null: "other Schema Object constraints retain their
    # defined behavior, and therefore may disallow the use of null" (OAS 3.0.3, ``nullable``), as
    # schemathesis and openapi-schema-validator read it too (tests/test_validator_differential.py)
    if "$ref" not in node and kind is None and any(k in node for k in ("oneOf", "anyOf", "allOf")):
        # nullable beside a composition without a type ("null is allowed too", OAS 3.0.3): what
        # is there becomes one branch, null the other. Beside a $ref it is ignored, as 3.0 says.
        inner = {
            k: node.pop(k) for k in list(node) if k not in ("description", "title", "default", "examples")
        }
        node["anyOf"] = [inner, {"type": "null"}]
    return True


def _boolean_bounds(node: dict[str, Any]) -> bool:
    """3.0's ``exclusiveMinimum: true`` beside ``minimum`` → 2020-12's numeric form. True if changed."""
    changed = False
    for key, bound in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        value = node.get(key)
        if value is True and bound in node:
            node[key] = node.pop(bound)
            changed = True
        elif isinstance(value, bool):
            node.pop(key)
            changed = True
    return changed


_INT_RANGES = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1)}


def _needs_int_bounds(node: dict[str, Any]) -> bool:
    fmt = node.get("format")
    if fmt not in _INT_RANGES:
        return False
    kind = node.get("type")
    if kind != "integer" and not (isinstance(kind, list) and "integer" in kind):
        return False
    return "minimum" not in node or "maximum" not in node


def _int_bounds(node: dict[str, Any]) -> None:
    """``format: int32/int64`` as the bounds they mean (JSON Schema validators ignore the format)."""
    if _needs_int_bounds(node):
        low, high = _INT_RANGES[node["format"]]
        if "minimum" not in node and "exclusiveMinimum" not in node:
            node["minimum"] = low
        if "maximum" not in node and "exclusiveMaximum" not in node:
            node["maximum"] = high


def upgrade_30(doc: dict[str, Any]) -> dict[str, Any]:
    """Rewrite OpenAPI 3.0 schema dialect into JSON Schema 2020-12, in place."""

    def visit(node: dict[str, Any], at: str) -> None:
        _nullable(node)
        _boolean_bounds(node)
        _int_bounds(node)
        if "example" in node and "examples" not in node:
            node["examples"] = [node.pop("example")]

    walk_schemas(doc, visit, pointers=False)
    return doc


class _Found(Exception):
    pass


def has_30_idioms(doc: dict[str, Any]) -> bool:
    """Whether :func:`tolerate_31` would change anything (read-only, stops at the first); integer
    formats without their bounds count (they get them, silently: that is what the format means)."""

    def visit(node: dict[str, Any], at: str) -> None:
        if (
            "nullable" in node
            or isinstance(node.get("exclusiveMinimum"), bool)
            or isinstance(node.get("exclusiveMaximum"), bool)
            or _needs_int_bounds(node)
        ):
            raise _Found

    try:
        walk_schemas(doc, visit, pointers=False)
    except _Found:
        return True
    return False


def tolerate_31(doc: dict[str, Any]) -> list[str]:
    """Rewrite 3.0 idioms found in a 3.1 document, in place; one warning line per kind of idiom."""
    found: dict[str, list[str]] = {}

    def visit(node: dict[str, Any], at: str) -> None:
        if _nullable(node):
            found.setdefault("`nullable: true` (OpenAPI 3.0) read as: null allowed too", []).append(at)
        if _boolean_bounds(node):
            found.setdefault(
                "boolean exclusiveMinimum/exclusiveMaximum (OpenAPI 3.0) read as 3.0 meant it", []
            ).append(at)
        _int_bounds(node)

    walk_schemas(doc, visit)
    return [
        f"{at[0]}: {what}" + (f" (and {len(at) - 1} more places)" if len(at) > 1 else "")
        for what, at in found.items()
    ]
