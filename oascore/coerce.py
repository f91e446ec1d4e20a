"""Wire text into the JSON values a schema describes: parameters in every ``style``/``explode``, and
request bodies that are not JSON (``application/x-www-form-urlencoded``, ``multipart/form-data``,
XML).

OpenAPI 3.x parameter serialisation (the table under "Style Examples" of the specification):

============== ========= ======================= =============================== =========================
style          in        array (explode=false)   object (explode=false)          object (explode=true)
============== ========= ======================= =============================== =========================
simple         path,hdr  ``3,4,5``               ``role,admin,name,Alex``        ``role=admin,name=Alex``
label          path      ``.3,4,5`` (``.3.4.5``) ``.role,admin,name,Alex``       ``.role=admin.name=Alex``
matrix         path      ``;id=3,4,5``           ``;id=role,admin,name,Alex``    ``;role=admin;name=Alex``
form           query,ck  ``id=3,4,5``            ``id=role,admin,name,Alex``     ``role=admin&name=Alex``
spaceDelimited query     ``id=3%204%205``
pipeDelimited  query     ``id=3|4|5``
deepObject     query                                                             ``id[role]=admin``
============== ========= ======================= =============================== =========================

An exploded array repeats the parameter (``id=3&id=4``; matrix ``;id=3;id=4``). Values that do not
parse as their schema's type stay text, so that the schema check that follows names the problem.
"""

from __future__ import annotations

import contextlib
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any
from urllib.parse import parse_qs

import orjson

from oascore.model import Parameter, Spec, json_type

TYPE_WORDS = {
    "integer": ("int_type", "a valid integer"),
    "number": ("float_type", "a valid number"),
    "string": ("string_type", "a valid string"),
    "boolean": ("bool_type", "a valid boolean"),
    "array": ("list_type", "a valid list"),
    "object": ("dict_type", "a valid dictionary"),
    "null": ("none_required", "None"),
}

_BOOLS = {
    "true": True,
    "1": True,
    "yes": True,
    "on": True,
    "false": False,
    "0": False,
    "no": False,
    "off": False,
}
_ORDER = ["integer", "number", "boolean", "array", "object", "string", "null"]
_DELIMITERS = {"spaceDelimited": " ", "pipeDelimited": "|"}


class Unparsable(ValueError):
    def __init__(self, msg: str, typ: str) -> None:
        super().__init__(msg)
        self.msg = msg
        self.typ = typ


def coerce_scalar(raw: str, types: Sequence[str]) -> Any:
    """``raw`` as the first of ``types`` it parses as; raises :class:`Unparsable` otherwise."""
    for kind in types:
        if kind == "integer":
            try:
                return int(raw)
            except ValueError:
                continue
        if kind == "number":
            try:
                value = float(raw)
            except ValueError:
                continue
            if value != value or value in (float("inf"), float("-inf")):
                continue
            return int(value) if value.is_integer() and "." not in raw and "e" not in raw.lower() else value
        if kind == "boolean" and raw.lower() in _BOOLS:
            return _BOOLS[raw.lower()]
        if kind in ("string", "array", "object"):
            return raw
        if kind == "null" and raw in ("", "null"):
            return None
    first = types[0] if types else "string"
    code, words = TYPE_WORDS.get(first, ("type_error", "valid"))
    parsing = {"integer": "int_parsing", "number": "float_parsing", "boolean": "bool_parsing"}
    raise Unparsable(f"Input should be {words}, unable to parse string", parsing.get(first, code))


def lenient_scalar(raw: str, types: Sequence[str], *, strict: bool = False) -> Any:
    """:func:`coerce_scalar`, or the text itself when it does not parse. ``strict``: a boolean is
    only ``true``/``false`` (bodies; query strings also take 1/0, yes/no, on/off)."""
    if strict and "boolean" in types and raw.lower() not in ("true", "false"):
        types = [t for t in types if t != "boolean"] or ["string"]
    try:
        return coerce_scalar(raw, types)
    except Unparsable:
        return raw


def schema_types(spec: Spec, schema: Any) -> list[str]:
    """The JSON types a schema admits, most specific first (to coerce text)."""
    resolved = spec.resolve(schema) if isinstance(schema, Mapping) else {}
    if not isinstance(resolved, Mapping):
        return ["string"]
    kinds: list[str] = []
    declared = resolved.get("type")
    if isinstance(declared, str):
        kinds.append(declared)
    elif isinstance(declared, list):
        kinds.extend(str(k) for k in declared)
    for key in ("anyOf", "oneOf", "allOf"):
        for branch in resolved.get(key) or []:
            kinds.extend(schema_types(spec, branch))
    if not kinds and "enum" in resolved:
        kinds.extend(sorted({json_type(v) for v in resolved["enum"]}))
    if not kinds and "properties" in resolved:
        kinds.append("object")
    if not kinds and "items" in resolved:
        kinds.append("array")
    return sorted((k for k in dict.fromkeys(kinds) if k in _ORDER), key=_ORDER.index) or ["string"]


def properties(spec: Spec, schema: Any) -> dict[str, Any]:
    """The properties a schema declares, through ``$ref``s and ``allOf``/``anyOf``/``oneOf``."""
    resolved = spec.resolve(schema) if isinstance(schema, Mapping) else None
    if not isinstance(resolved, Mapping):
        return {}
    found: dict[str, Any] = {}
    for key in ("allOf", "anyOf", "oneOf"):
        for branch in resolved.get(key) or []:
            found.update(properties(spec, branch))
    own = resolved.get("properties")
    if isinstance(own, Mapping):
        found.update(own)
    return found


def items_schema(spec: Spec, schema: Any) -> Any:
    resolved = spec.resolve(schema) if isinstance(schema, Mapping) else None
    if isinstance(resolved, Mapping):
        if isinstance(resolved.get("items"), Mapping):
            return resolved["items"]
        for key in ("anyOf", "oneOf", "allOf"):
            for branch in resolved.get(key) or []:
                found = items_schema(spec, branch)
                if found:
                    return found
    return {}


def _pairs(parts: Sequence[str], explode: bool, sep: str = "=") -> dict[str, str]:
    if explode:
        out: dict[str, str] = {}
        for part in parts:
            key, _, value = part.partition(sep)
            if key:
                out[key] = value
        return out
    return {parts[i]: parts[i + 1] for i in range(0, len(parts) - 1, 2)}


def _split(text: str, sep: str) -> list[str]:
    return text.split(sep) if text else []


class ParamReader:
    """Reads one parameter off a request in its declared style, as each JSON type it may be."""

    def __init__(self, spec: Spec, param: Parameter) -> None:
        self.param = param
        self.types = schema_types(spec, param.schema)
        default_style = "form" if param.location in ("query", "cookie") else "simple"
        self.style = param.style or default_style
        self.explode = param.explode if param.explode is not None else self.style == "form"
        self.item_types = schema_types(spec, items_schema(spec, param.schema))
        self.props = {name: schema_types(spec, sub) for name, sub in properties(spec, param.schema).items()}

    def _text(
        self,
        path: Mapping[str, str],
        query: Mapping[str, list[str]],
        headers: Mapping[str, str],
        cookies: Mapping[str, str],
    ) -> str | list[str] | None:
        name, location = self.param.name, self.param.location
        if location == "path":
            return path.get(name)
        if location == "query":
            return query.get(name) or query.get(f"{name}[]")
        if location == "header":
            return headers.get(name.lower())
        return cookies.get(name)

    def _object_keys(self, query: Mapping[str, list[str]], cookies: Mapping[str, str]) -> dict[str, str]:
        """An object serialised as keys of its own: ``deepObject`` (``id[role]=admin``), or form
        exploded (``role=admin&name=Alex``: only the schema's own property names count)."""
        if "object" not in self.types:
            return {}
        if self.param.location == "query" and self.style == "deepObject":
            prefix = f"{self.param.name}["
            return {
                key[len(prefix) : -1]: values[-1]
                for key, values in query.items()
                if key.startswith(prefix) and key.endswith("]") and values
            }
        if self.style == "form" and self.explode:
            if self.param.location == "query":
                return {key: query[key][-1] for key in self.props if query.get(key)}
            if self.param.location == "cookie":
                return {key: cookies[key] for key in self.props if key in cookies}
        return {}

    def candidates(
        self,
        path: Mapping[str, str],
        query: Mapping[str, list[str]],
        headers: Mapping[str, str],
        cookies: Mapping[str, str],
    ) -> list[Any]:
        """The value read as each type the schema admits, most likely first; [] when absent.
        Raises :class:`Unparsable` when the only reading is a scalar that does not parse."""
        raw = self._text(path, query, headers, cookies)
        out: list[Any] = []
        if "object" in self.types:
            keyed = self._object_keys(query, cookies)
            if keyed:
                out.append({k: lenient_scalar(v, self.props.get(k, ["string"])) for k, v in keyed.items()})
            elif raw is not None:
                text = raw[-1] if isinstance(raw, list) else raw
                pairs = self._object_text(text)
                out.append({k: lenient_scalar(v, self.props.get(k, ["string"])) for k, v in pairs.items()})
        if raw is None:
            return out
        if "array" in self.types:
            out.append([lenient_scalar(p, self.item_types) for p in self._array_parts(raw)])
        scalars = [t for t in self.types if t not in ("array", "object")]
        if scalars or not out:
            text = self._scalar_text(raw[-1] if isinstance(raw, list) else raw)
            if out:
                out.append(lenient_scalar(text, scalars or ["string"]))
            else:
                out.append(coerce_scalar(text, scalars or ["string"]))
        return out

    def _strip(self, text: str) -> str:
        if self.style == "label" and text.startswith("."):
            return text[1:]
        if self.style == "matrix" and text.startswith(";"):
            head = f";{self.param.name}="
            return text[len(head) :] if text.startswith(head) else text[1:]
        return text

    def _scalar_text(self, text: str) -> str:
        return self._strip(text)

    def _array_parts(self, raw: str | list[str]) -> list[str]:
        if isinstance(raw, list):
            if len(raw) > 1:
                return list(raw)  # exploded: one value per repetition
            raw = raw[0]
        if self.style == "matrix" and self.explode:
            head = f"{self.param.name}="
            return [p[len(head) :] if p.startswith(head) else p for p in raw.split(";") if p]
        text = self._strip(raw)
        if self.style in _DELIMITERS:
            return _split(text, _DELIMITERS[self.style])
        if self.style == "label" and self.explode:
            return _split(text, ".")
        return _split(text, ",")

    def _object_text(self, raw: str) -> dict[str, str]:
        if self.style == "matrix" and self.explode:
            return _pairs([p for p in raw.split(";") if p], True)
        text = self._strip(raw)
        if self.style == "label" and self.explode:
            return _pairs(_split(text, "."), True)
        return _pairs(_split(text, ","), self.explode and self.style != "form")


def decode_form(spec: Spec, schema: Any, raw: bytes) -> Any:
    """An ``application/x-www-form-urlencoded`` body as the object its schema describes."""
    fields = parse_qs(raw.decode("utf-8", errors="replace"), keep_blank_values=True)
    return _fields_to_object(spec, schema, fields)


def _fields_to_object(spec: Spec, schema: Any, fields: Mapping[str, list[Any]]) -> dict[str, Any]:
    props = properties(spec, schema)
    out: dict[str, Any] = {}
    resolved = spec.resolve(schema) if isinstance(schema, Mapping) else {}
    for name in resolved.get("required") or [] if isinstance(resolved, Mapping) else []:
        # a form cannot tell an empty list from no field at all: a required list reads as empty
        if name in props and name not in fields and "array" in schema_types(spec, props[name]):
            out[name] = []
    nested: dict[str, dict[str, list[Any]]] = {}
    for key, values in fields.items():
        base, bracket, rest = key.partition("[")
        if bracket and base:  # deepObject / bracket notation: a[b]=1, a[b][c]=1, a[]=1, a[0]=1
            nested.setdefault(base, {})[rest.replace("]", "", 1)] = values
            continue
        out[key] = _field(spec, props.get(key), values)
    for base, held in nested.items():
        sub = props.get(base)
        kinds = schema_types(spec, sub) if sub is not None else ["object"]
        if "array" in kinds and all(k == "" or k.isdigit() for k in held):
            out[base] = [
                _field(spec, items_schema(spec, sub), [v])
                for k in sorted(held, key=lambda k: (len(k), k))
                for v in held[k]
            ]
        else:
            out[base] = _fields_to_object(spec, sub or {}, held)
    return out


def _field(spec: Spec, schema: Any, values: Sequence[Any]) -> Any:
    kinds = schema_types(spec, schema) if schema is not None else ["string"]
    if "array" in kinds:
        items = items_schema(spec, schema)
        # form encoding's default is style form, explode true: one value per repetition, so a
        # single value is one item even with commas in it
        parts = list(values)
        if len(parts) == 1 and not isinstance(parts[0], str):  # a JSON part: the value itself
            return parts[0]
        kinds_of_items = schema_types(spec, items)
        return [lenient_scalar(p, kinds_of_items, strict=True) if isinstance(p, str) else p for p in parts]
    value = values[-1]
    if not isinstance(value, str):
        return value
    if "object" in kinds and value.lstrip().startswith("{"):
        try:
            return orjson.loads(value)
        except orjson.JSONDecodeError:
            return value
    return lenient_scalar(value, kinds, strict=True)


def decode_multipart(spec: Spec, schema: Any, raw: bytes, content_type: str) -> Any:
    """A ``multipart/form-data`` body as the object its schema describes; ``None`` when it is not
    well-formed multipart (no boundary, or a part without a ``Content-Disposition`` name, which
    RFC 7578 requires of every part). A part whose own type is JSON is parsed as JSON; a file
    part is its text."""
    if "boundary=" not in content_type:
        return None
    message = BytesParser(policy=HTTP).parsebytes(
        b"Content-Type: " + content_type.encode("latin-1", errors="replace") + b"\r\n\r\n" + raw
    )
    if not message.is_multipart():
        return {} if raw.strip().startswith(b"--") else None  # a closing boundary alone: no fields
    fields: dict[str, list[Any]] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            return None
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        value: Any = data.decode("utf-8", errors="replace")
        kinds = schema_types(spec, properties(spec, schema).get(name, {})) if schema else []
        # a part holding an array or object is JSON unless its encoding says otherwise (OAS default)
        if "json" in part.get_content_type() or (
            ("array" in kinds or "object" in kinds) and value.lstrip()[:1] in ("[", "{")
        ):
            with contextlib.suppress(orjson.JSONDecodeError):
                value = orjson.loads(data)
        fields.setdefault(name, []).append(value)
    return _fields_to_object(spec, schema, fields)


def decode_xml(spec: Spec, schema: Any, raw: bytes) -> Any:
    """An XML body as the value its schema describes (elements and attributes by property name);
    ``None`` when it is not well-formed XML."""
    try:
        root = ET.fromstring(raw)
    except ET.ParseError:
        return None
    return _element(spec, schema, root)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _element(spec: Spec, schema: Any, element: ET.Element) -> Any:
    kinds = schema_types(spec, schema) if schema else ["object" if len(element) else "string"]
    text = (element.text or "").strip()
    if "object" in kinds and len(element) == 0 and not element.attrib and text:
        return lenient_scalar(text, ["integer", "number", "boolean"], strict=True)  # not an object
    if "object" in kinds:
        props = properties(spec, schema)
        grouped: dict[str, list[ET.Element]] = {}
        for child in element:
            grouped.setdefault(_local(child.tag), []).append(child)
        out: dict[str, Any] = {
            k: lenient_scalar(v, schema_types(spec, props.get(k))) for k, v in element.attrib.items()
        }
        for name, children in grouped.items():
            sub = props.get(name)
            sub_kinds = schema_types(spec, sub) if sub is not None else []
            if "array" in sub_kinds:
                items = items_schema(spec, sub)
                wrapped = (
                    len(children) == 1 and len(children[0]) > 0 and "object" not in schema_types(spec, items)
                )
                elements = list(children[0]) if wrapped else children
                out[name] = [_element(spec, items, c) for c in elements]
            else:
                out[name] = _element(spec, sub, children[-1])
        return out
    if "array" in kinds:
        return [_element(spec, items_schema(spec, schema), c) for c in element]
    return lenient_scalar(text, kinds, strict=True)
