"""OpenAPI 3.0's schema dialect rewritten into JSON Schema 2020-12 (what 3.1 uses)."""

from __future__ import annotations

from typing import Any

from oascore.model import HTTP_METHODS

_SCHEMA_MAPS = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas")
_SCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
_SCHEMA_ONES = ("items", "additionalProperties", "not", "contains", "propertyNames", "if", "then", "else")


def upgrade_30(doc: dict[str, Any]) -> dict[str, Any]:
    """Rewrite OpenAPI 3.0 schema dialect into JSON Schema 2020-12, in place."""

    def schema(node: Any) -> None:
        if not isinstance(node, dict):
            return
        if node.pop("nullable", False) is True and "$ref" not in node:
            kind = node.get("type")
            if isinstance(kind, str):
                node["type"] = [kind, "null"]
            if "enum" in node and None not in node["enum"]:
                node["enum"] = [*node["enum"], None]
        for key, bound in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
            if node.get(key) is True and bound in node:
                node[key] = node.pop(bound)
            elif node.get(key) is False:
                node.pop(key)
        if "example" in node and "examples" not in node:
            node["examples"] = [node.pop("example")]
        for key in _SCHEMA_MAPS:
            for sub in (node.get(key) or {}).values():
                schema(sub)
        for key in _SCHEMA_LISTS:
            for sub in node.get(key) or []:
                schema(sub)
        for key in _SCHEMA_ONES:
            schema(node.get(key))

    def media(content: Any) -> None:
        for raw in (content or {}).values():
            if isinstance(raw, dict):
                schema(raw.get("schema"))

    components = doc.get("components", {})
    for sub in (components.get("schemas") or {}).values():
        schema(sub)
    for param in (components.get("parameters") or {}).values():
        schema(param.get("schema"))
    for body in list((components.get("requestBodies") or {}).values()) + list(
        (components.get("responses") or {}).values()
    ):
        media(body.get("content"))
    for item in (doc.get("paths") or {}).values():
        if not isinstance(item, dict):
            continue
        for param in item.get("parameters", []):
            if isinstance(param, dict):
                schema(param.get("schema"))
        for method in HTTP_METHODS:
            op = item.get(method)
            if not isinstance(op, dict):
                continue
            for param in op.get("parameters", []):
                if isinstance(param, dict):
                    schema(param.get("schema"))
            if isinstance(op.get("requestBody"), dict):
                media(op["requestBody"].get("content"))
            for response in (op.get("responses") or {}).values():
                if isinstance(response, dict):
                    media(response.get("content"))
    return doc
