"""The operation / parameter / body / response model of an OpenAPI document.

Every schema handed out by :class:`Spec` is JSON Schema 2020-12 (3.0's ``nullable`` and boolean
``exclusiveMinimum`` are rewritten at load, :mod:`oascore.upgrade`), and ``$ref`` values stay local
references into :attr:`Spec.doc`, so a validator built with :meth:`Spec.rooted` resolves them against
the whole document. :attr:`Spec.doc` is read-only once loaded; :attr:`Spec.raw` is the document as
written, for tools (schemathesis) that read the OpenAPI dialect itself.

:meth:`Spec.self_contained` gives validators only the components a schema reaches. Handing every
validator the whole ``components`` (as :meth:`Spec.rooted` does) made jsonschema-rs convert all 323
component schemas of a 500-operation spec once per parameter and body (~3,700 compiles): 11-16 s of
start-up. With the reachable closure they take ~50 ms in all.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from oascore.errors import SpecError

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


@dataclass(frozen=True, slots=True)
class Parameter:
    name: str
    location: str  # path | query | header | cookie
    required: bool
    schema: dict[str, Any]
    style: str | None = None
    explode: bool | None = None


@dataclass(frozen=True, slots=True)
class MediaType:
    schema: dict[str, Any] | None
    examples: dict[str, Any]  # name -> value; a lone ``example`` is named "default"


@dataclass(frozen=True, slots=True)
class RequestBody:
    required: bool
    content: dict[str, MediaType]


@dataclass(frozen=True, slots=True)
class ResponseSpec:
    status: str  # "200", "4XX" or "default"
    description: str
    content: dict[str, MediaType]
    headers: dict[str, dict[str, Any]]


@dataclass(frozen=True, slots=True)
class Operation:
    method: str  # upper-case
    path: str
    operation_id: str
    summary: str
    parameters: tuple[Parameter, ...]
    body: RequestBody | None
    responses: dict[str, ResponseSpec]
    security: tuple[dict[str, tuple[str, ...]], ...]
    spec_title: str = ""

    @property
    def label(self) -> str:
        return f"{self.method} {self.path}"

    def response_for(self, status: int) -> ResponseSpec | None:
        """The documented response for ``status``: exact code, then ``4XX``, then ``default``."""
        return (
            self.responses.get(str(status))
            or self.responses.get(f"{str(status)[0]}XX")
            or self.responses.get("default")
        )

    def documented_statuses(self) -> list[int]:
        return sorted(int(code) for code in self.responses if code.isdigit())


@dataclass(slots=True)
class Spec:
    source: str
    doc: dict[str, Any]
    version: str  # "3.0" or "3.1"
    # the document as written (3.0 dialect kept), when the loader was asked for it (keep_raw)
    raw: dict[str, Any] | None = field(default=None, repr=False, compare=False)
    operations: list[Operation] = field(default_factory=list)
    # deviations served anyway, one line each, starting with the JSON pointer of the first place
    warnings: list[str] = field(default_factory=list)
    # (section, name) -> (the component, the (section, name)s its $refs name); None: see _refs_of
    _component_refs: dict[tuple[str, str], tuple[Any, frozenset[tuple[str, str]] | None]] = field(
        default_factory=dict, repr=False, compare=False
    )

    @property
    def title(self) -> str:
        return str(self.doc.get("info", {}).get("title", self.source))

    @property
    def security_schemes(self) -> dict[str, dict[str, Any]]:
        schemes = self.doc.get("components", {}).get("securitySchemes", {})
        return {name: self.resolve(s) for name, s in schemes.items()}

    def resolve(self, node: Any) -> Any:
        """Follow ``$ref`` chains at the top of ``node`` (not inside it)."""
        seen: set[str] = set()
        while isinstance(node, dict) and isinstance(node.get("$ref"), str):
            ref = node["$ref"]
            if ref in seen:
                raise SpecError(self.source, f"circular $ref {ref}")
            seen.add(ref)
            node = self.deref(ref)
        return node

    def deref(self, ref: str) -> Any:
        if not ref.startswith("#/"):
            raise SpecError(self.source, f"only local $refs are supported, got {ref!r}")
        node: Any = self.doc
        for raw in ref[2:].split("/"):
            # a pointer in a URI fragment is percent-encoded (RFC 6901 section 6): %7B is "{"
            part = (unquote(raw) if "%" in raw else raw).replace("~1", "/").replace("~0", "~")
            if isinstance(node, list) and part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            elif isinstance(node, dict) and part in node:
                node = node[part]
            else:
                raise SpecError(self.source, f"unresolvable $ref {ref!r}")
        return node

    def rooted(self, schema: Mapping[str, Any]) -> dict[str, Any]:
        """``schema`` made self-contained for a validator: local refs resolve against the doc."""
        rooted = dict(schema)
        rooted.setdefault("$schema", "https://json-schema.org/draft/2020-12/schema")
        for key in ("components", "paths", "webhooks"):  # $refs may point into any of them
            if key in self.doc:
                rooted[key] = self.doc[key]
        return rooted

    def self_contained(self, schema: Mapping[str, Any]) -> dict[str, Any]:
        """:meth:`rooted`, but with only the components ``schema`` reaches through ``$ref``s.

        Validates exactly as :meth:`rooted` does (every ``$ref`` resolves to the same node) at a
        fraction of the compile cost in a large spec. Anything this cannot follow with certainty
        (a ``$ref`` outside ``#/components/``, ``$id``, ``$anchor``, ``$dynamicRef``, escapes)
        falls back to :meth:`rooted`.
        """
        components = self.doc.get("components")
        if not isinstance(components, dict):
            return self.rooted(schema)
        direct = _refs_in(schema)
        if direct is None:
            return self.rooted(schema)
        pending = set(direct)
        needed: set[tuple[str, str]] = set()
        while pending:
            key = pending.pop()
            if key in needed:
                continue
            refs = self._refs_of(components, key)
            if refs is None:
                return self.rooted(schema)
            needed.add(key)
            pending |= refs - needed
        reached: dict[str, dict[str, Any]] = {}
        for section, name in needed:
            reached.setdefault(section, {})[name] = components[section][name]
        rooted = dict(schema)
        rooted.setdefault("$schema", "https://json-schema.org/draft/2020-12/schema")
        rooted["components"] = reached
        return rooted

    def _refs_of(self, components: dict[str, Any], key: tuple[str, str]) -> set[tuple[str, str]] | None:
        """The components one component refers to (cached per component); None: not followable."""
        section, name = key
        holder = components.get(section)
        if not isinstance(holder, dict) or name not in holder:
            return None
        node = holder[name]
        hit = self._component_refs.get(key)
        if hit is None or hit[0] is not node:
            hit = (node, _refs_in(node))
            self._component_refs[key] = hit
        return None if hit[1] is None else set(hit[1])


_COMPONENTS = "#/components/"
_UNFOLLOWABLE = frozenset(("$id", "$anchor", "$dynamicRef", "$dynamicAnchor", "$recursiveRef"))


def _refs_in(node: Any) -> frozenset[tuple[str, str]] | None:
    """The ``(section, name)`` of every ``#/components/section/name…`` ``$ref`` inside ``node``;
    ``None`` when a reference there cannot be followed that way (other targets, ids, anchors)."""
    found: set[tuple[str, str]] = set()
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, dict):
            for key, value in current.items():
                if isinstance(value, str):
                    if key == "$ref":
                        if not value.startswith(_COMPONENTS) or "%" in value:
                            return None
                        parts = value[len(_COMPONENTS) :].split("/")
                        if len(parts) < 2:
                            return None
                        found.add((_unescape(parts[0]), _unescape(parts[1])))
                    elif key in _UNFOLLOWABLE:
                        return None
                elif isinstance(value, (dict, list)):
                    stack.append(value)
        elif isinstance(current, list):
            stack.extend(v for v in current if isinstance(v, (dict, list)))
    return frozenset(found)


def _unescape(part: str) -> str:
    return part.replace("~1", "/").replace("~0", "~")


def json_type(value: Any) -> str:
    """The JSON Schema type name of a parsed JSON value (``True`` is a boolean, not an integer)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"
