"""Loading an OpenAPI 3.0/3.1 document into an index of operations.

A spec is parsed once. Every schema handed out by :class:`Spec` is JSON Schema 2020-12 (3.0's
``nullable`` and boolean ``exclusiveMinimum`` are rewritten at load), and ``$ref`` values stay
local references into :attr:`Spec.doc`, so a validator built with :meth:`Spec.rooted` resolves
them against the whole document. :attr:`Spec.doc` is read-only once loaded.

Start-up cost (measured with ``bench/bench_coldstart.py``'s breakdown and pyinstrument, 2 CPUs):

- YAML is parsed with libyaml's ``CSafeLoader`` when PyYAML has it: the same constructor and
  resolver as ``SafeLoader`` (the same values), with the scanner and parser in C. Loading the
  bundled specs took 92 ms and a generated 500-operation spec (750 kB) 1.6 s; now 13 ms and
  0.35 s (what is left is PyYAML building Python nodes and objects).
- A 3.0 document is upgraded in place: it was freshly parsed, so the ``deepcopy`` it used to get
  first protected nothing.
- :meth:`Spec.self_contained` gives validators only the components a schema reaches. Handing
  every validator the whole ``components`` (as :meth:`Spec.rooted` does) made jsonschema-rs
  convert all 323 component schemas of the 500-operation spec once per parameter and body
  (~3,700 compiles): 11-16 s of start-up. With the reachable closure they take ~50 ms in all.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

_YAML_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


class SpecError(Exception):
    """A spec that cannot be loaded; ``str()`` is a one-line message for a person."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason


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
    operations: list[Operation] = field(default_factory=list)
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
            part = raw.replace("~1", "/").replace("~0", "~")
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
        if "components" in self.doc:
            rooted["components"] = self.doc["components"]
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


def load_spec(path: str | Path) -> Spec:
    """Parse, normalise and index the spec at ``path``; raises :class:`SpecError`."""
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise SpecError(source, f"cannot read file ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise SpecError(source, "file is not UTF-8 text") from None
    return parse_spec(text, source)


def _load_yaml(text: str) -> Any:
    try:
        return yaml.load(text, Loader=_YAML_LOADER)  # a safe loader: CSafeLoader or SafeLoader
    except yaml.YAMLError:
        if _YAML_LOADER is yaml.SafeLoader:
            raise
    # libyaml places some errors elsewhere (an unclosed '[' at the end, not where it opened):
    # the pure-Python parser has the last word on a document libyaml refuses, as it always had.
    return yaml.load(text, Loader=yaml.SafeLoader)


def parse_spec(text: str, source: str = "<spec>") -> Spec:
    try:
        doc = _load_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise SpecError(source, f"not valid YAML or JSON{where}") from None
    if not isinstance(doc, dict):
        raise SpecError(source, "not an OpenAPI document (expected a mapping at the top)")
    raw_version = str(doc.get("openapi", ""))
    if raw_version.startswith("3.0"):
        version = "3.0"
        doc = _upgrade_30(doc)  # freshly parsed: nothing else holds it
    elif raw_version.startswith("3.1"):
        version = "3.1"
    elif "swagger" in doc:
        raise SpecError(source, "Swagger 2.0 is not supported; convert it to OpenAPI 3")
    else:
        raise SpecError(source, "missing or unsupported 'openapi' version (need 3.0.x or 3.1.x)")
    if not isinstance(doc.get("paths"), dict):
        raise SpecError(source, "has no 'paths' object")
    spec = Spec(source=source, doc=doc, version=version)
    spec.operations = list(_index_operations(spec))
    return spec


def _index_operations(spec: Spec) -> Iterator[Operation]:
    global_security = spec.doc.get("security", [])
    for path, raw_item in spec.doc["paths"].items():
        item = spec.resolve(raw_item)
        if not isinstance(item, dict):
            raise SpecError(spec.source, f"path item {path!r} is not a mapping")
        shared = [spec.resolve(p) for p in item.get("parameters", [])]
        for method in HTTP_METHODS:
            raw_op = item.get(method)
            if not isinstance(raw_op, dict):
                continue
            own = [spec.resolve(p) for p in raw_op.get("parameters", [])]
            params = _merge_parameters(spec, shared, own, f"{method.upper()} {path}")
            yield Operation(
                method=method.upper(),
                path=path,
                operation_id=str(raw_op.get("operationId") or _synthetic_id(method, path)),
                summary=str(raw_op.get("summary", "")),
                parameters=params,
                body=_request_body(spec, raw_op.get("requestBody")),
                responses=_responses(spec, raw_op.get("responses", {})),
                security=tuple(
                    {name: tuple(scopes) for name, scopes in req.items()}
                    for req in raw_op.get("security", global_security)
                ),
                spec_title=spec.title,
            )


def _synthetic_id(method: str, path: str) -> str:
    cleaned = "".join(c if c.isalnum() else "_" for c in path).strip("_")
    return f"{method}_{cleaned}"


def _merge_parameters(spec: Spec, shared: list[Any], own: list[Any], where: str) -> tuple[Parameter, ...]:
    merged: dict[tuple[str, str], Parameter] = {}
    for raw in [*shared, *own]:
        if not isinstance(raw, dict) or "name" not in raw or "in" not in raw:
            raise SpecError(spec.source, f"{where}: a parameter lacks 'name' or 'in'")
        schema = raw.get("schema")
        if schema is None and isinstance(raw.get("content"), dict) and raw["content"]:
            schema = next(iter(raw["content"].values())).get("schema")
        location = str(raw["in"])
        name = str(raw["name"])
        merged[(location, name.lower() if location == "header" else name)] = Parameter(
            name=name,
            location=location,
            required=bool(raw.get("required", location == "path")),
            schema=schema if isinstance(schema, dict) else {},
            style=raw.get("style"),
            explode=raw.get("explode"),
        )
    return tuple(merged.values())


def _media(spec: Spec, content: Any) -> dict[str, MediaType]:
    media: dict[str, MediaType] = {}
    for ctype, raw in (content or {}).items():
        raw = raw or {}
        examples: dict[str, Any] = {}
        for name, ex in (raw.get("examples") or {}).items():
            resolved = spec.resolve(ex)
            if isinstance(resolved, dict) and "value" in resolved:
                examples[str(name)] = resolved["value"]
        if "example" in raw:
            examples.setdefault("default", raw["example"])
        schema = raw.get("schema")
        media[str(ctype).lower()] = MediaType(
            schema=schema if isinstance(schema, dict) else None, examples=examples
        )
    return media


def _request_body(spec: Spec, raw: Any) -> RequestBody | None:
    if raw is None:
        return None
    body = spec.resolve(raw)
    return RequestBody(required=bool(body.get("required", False)), content=_media(spec, body.get("content")))


def _responses(spec: Spec, raw: Mapping[str, Any]) -> dict[str, ResponseSpec]:
    out: dict[str, ResponseSpec] = {}
    for code, raw_response in raw.items():
        response = spec.resolve(raw_response) or {}
        status = str(code).upper()
        out[status] = ResponseSpec(
            status=status,
            description=str(response.get("description", "")),
            content=_media(spec, response.get("content")),
            headers={name: spec.resolve(h) for name, h in (response.get("headers") or {}).items()},
        )
    return out


_SCHEMA_MAPS = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas")
_SCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
_SCHEMA_ONES = ("items", "additionalProperties", "not", "contains", "propertyNames", "if", "then", "else")


def _upgrade_30(doc: dict[str, Any]) -> dict[str, Any]:
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
