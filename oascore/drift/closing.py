"""Closed response schemas: an undocumented response field is drift, so object schemas refuse it."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

from oascore.model import HTTP_METHODS

_SCHEMAS = "#/components/schemas/"


def close_response_schemas(raw: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``raw`` whose response object schemas refuse undocumented properties.

    Object schemas with ``properties`` and no ``additionalProperties`` get ``additionalProperties:
    false``, except the members of an ``allOf`` (each would refuse the others' properties). Response
    schemas reach components through copies (``#/components/schemas/X__response``), so request
    schemas sharing a component stay open.
    """
    doc = copy.deepcopy(raw)
    closer = _Closer(doc)
    for item in (doc.get("paths") or {}).values():
        for method in HTTP_METHODS:
            operation = item.get(method) if isinstance(item, dict) else None
            for response in ((operation or {}).get("responses") or {}).values():
                for media in _media(closer.response(response)):
                    if isinstance(media.get("schema"), dict):
                        media["schema"] = closer.close(media["schema"], in_all_of=False)
    return doc


class _Closer:
    def __init__(self, doc: dict[str, Any]) -> None:
        self.doc = doc
        self.schemas: dict[str, Any] = doc.setdefault("components", {}).setdefault("schemas", {})

    def response(self, response: Any) -> dict[str, Any]:
        prefix = "#/components/responses/"
        if isinstance(response, dict) and str(response.get("$ref", "")).startswith(prefix):
            target = self.doc["components"]["responses"].get(response["$ref"][len(prefix) :], {})
            return target if isinstance(target, dict) else {}
        return response if isinstance(response, dict) else {}

    def close(self, node: Any, *, in_all_of: bool) -> Any:
        if isinstance(node, list):
            return [self.close(n, in_all_of=in_all_of) for n in node]
        if not isinstance(node, dict):
            return node
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(_SCHEMAS):
            return {**node, "$ref": self._closed_ref(ref[len(_SCHEMAS) :], in_all_of)}
        out = {key: self._child(key, value) for key, value in node.items()}
        if (
            not in_all_of
            and isinstance(out.get("properties"), dict)
            and out["properties"]
            and "additionalProperties" not in out  # true or a schema: the spec opened it, keep it open
            and "patternProperties" not in out
            and "unevaluatedProperties" not in out
            and "allOf" not in out
        ):
            out["additionalProperties"] = False
        return out

    def _child(self, key: str, value: Any) -> Any:
        if key in ("properties", "patternProperties", "$defs", "definitions"):
            return (
                {k: self.close(v, in_all_of=False) for k, v in value.items()}
                if isinstance(value, dict)
                else value
            )
        if key in ("items", "additionalProperties", "anyOf", "oneOf", "prefixItems", "not"):
            return self.close(value, in_all_of=False)
        if key == "allOf":
            return self.close(value, in_all_of=True)
        return value

    def _closed_ref(self, name: str, in_all_of: bool) -> str:
        suffix = "__response_member" if in_all_of else "__response"
        closed = f"{name}{suffix}"
        if closed not in self.schemas and name in self.schemas:
            self.schemas[closed] = {}
            self.schemas[closed] = self.close(copy.deepcopy(self.schemas[name]), in_all_of=in_all_of)
        return f"{_SCHEMAS}{closed}" if name in self.schemas else f"{_SCHEMAS}{name}"


def _media(response: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for media in (response.get("content") or {}).values():
        if isinstance(media, dict):
            yield media
