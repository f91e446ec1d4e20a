"""The generic responder: a documented response built from spec examples or schema fakes.

Deterministic: the same seed and the same request give the same bytes. Top-level response
fields that share a name and a type with a request value (``limit``, ``offset``, ``page``…) echo
it, so a list asked for with ``limit: 20`` does not claim ``limit: -28262673``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import xml.etree.ElementTree as ET
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

import jsonschema_rs
import orjson

from mockserver.jsonio import dump_json
from mockserver.pipeline.errors import ErrorRenderer, MockError, title_for
from mockserver.pipeline.prefer import Preferences
from mockserver.runtime import MockResponse
from oascore import MediaType, Operation, Spec
from oascore.fakes.generator import FakeData, stable_seed
from oascore.validation import compile_schema, operation_pointer

log = logging.getLogger("mockserver")

_CACHE_SIZE = 2048
_STRING: dict[str, Any] = {"type": "string"}  # one object: fakes cache preparation by schema identity


def fingerprint(values: Mapping[str, Any], body: Any) -> str:
    """A stable digest of what a request asked for (its parameters and body)."""
    options = orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS
    try:
        blob = orjson.dumps([values, body], option=options, default=str)
    except TypeError:  # an integer beyond 64 bits (orjson never calls ``default`` for those)
        blob = json.dumps([values, body], sort_keys=True, default=str).encode("utf-8", "surrogatepass")
    return hashlib.blake2b(blob, digest_size=12).hexdigest()


_LIMITS = (
    "limit",
    "per_page",
    "perPage",
    "page_size",
    "pageSize",
    "max_results",
    "maxResults",
    "size",
    "count",
)
_LIST_FIELDS = ("data", "items", "results", "records", "entries", "values", "list", "content")


def _cut(items: list[Any], limit: Any) -> list[Any]:
    return items[: max(int(limit), 0)] if isinstance(limit, int) and not isinstance(limit, bool) else items


def _honour_limit(generated: Any, query: Mapping[str, Any]) -> Any:
    """A list never longer than the ``limit`` (``per_page``…) the request asked for (the schema's
    ``minItems`` is checked after: a document that forbids it keeps what was generated)."""
    limit = next((query[name] for name in _LIMITS if name in query), None)
    if limit is None:
        return generated
    if isinstance(generated, list):
        return _cut(generated, limit)
    if isinstance(generated, dict):
        for name in _LIST_FIELDS:
            if isinstance(generated.get(name), list):
                return {**generated, name: _cut(generated[name], limit)}
    return generated


def encode_body(content_type: str, body: Any) -> bytes:
    """Bytes for a response body: JSON for JSON media types; text as it is for ``text/*`` and any
    other media type when the value is a string (an HTML page is not a JSON string); XML for XML."""
    if "json" in content_type:
        return dump_json(body)
    if isinstance(body, str):
        return body.encode()
    if isinstance(body, bytes):
        return bytes(body)
    if content_type.endswith(("/xml", "+xml")):
        return xml_bytes(body)
    return dump_json(body)


def xml_bytes(body: Any, root: str = "response") -> bytes:
    """A JSON-like value as XML elements (objects: one child per field, lists: repeated ``item``)."""
    element = ET.Element(root)

    def fill(node: ET.Element, value: Any) -> None:
        if isinstance(value, dict):
            for key, sub in value.items():
                fill(ET.SubElement(node, str(key) if str(key).isidentifier() else "field"), sub)
        elif isinstance(value, list):
            for sub in value:
                fill(ET.SubElement(node, "item"), sub)
        elif value is not None:
            node.text = str(value).lower() if isinstance(value, bool) else str(value)

    fill(element, body)
    text: bytes = ET.tostring(element, encoding="utf-8", xml_declaration=True)
    return text


def default_status(op: Operation) -> int:
    successes = [code for code in op.documented_statuses() if 200 <= code < 300]
    if successes:
        return successes[0]
    if "2XX" in op.responses or "default" in op.responses:
        return 200
    return op.documented_statuses()[0] if op.documented_statuses() else 200


def pick_media(content: Mapping[str, MediaType], accept: str) -> tuple[str, MediaType] | None:
    if not content:
        return None
    wanted = [part.split(";")[0].strip().lower() for part in accept.split(",") if part.strip()]
    for want in wanted:
        if want in content:
            return want, content[want]
        if want.endswith("/*"):
            for ctype, media in content.items():
                if ctype.startswith(want[:-1]):
                    return ctype, media
    for ctype, media in content.items():
        if "json" in ctype:
            return ctype, media
    return next(iter(content.items()))


class Responder:
    def __init__(self, spec: Spec, fakes: FakeData, seed: int, errors: ErrorRenderer) -> None:
        self.spec = spec
        self.fakes = fakes
        self.seed = seed
        self.errors = errors
        self._cache: OrderedDict[tuple[Any, ...], bytes] = OrderedDict()
        self._echo: dict[tuple[str, str, str], jsonschema_rs.Validator | None] = {}
        self._header_values: dict[tuple[str, int], dict[str, str]] = {}

    def respond(
        self,
        op: Operation,
        prefs: Preferences,
        values: Mapping[str, Mapping[str, Any]],
        body: Any,
        accept: str = "",
    ) -> MockResponse:
        status = prefs.code if prefs.code is not None else default_status(op)
        response = op.response_for(status)
        if response is None and not op.responses and prefs.code is None:
            # no responses documented at all (``responses: {}``, or none in 3.1): the request is
            # valid, so it succeeds, with nothing to say
            return MockResponse(200, None, content_type=None)
        if response is None:
            documented = ", ".join(map(str, op.documented_statuses())) or "none"
            raise MockError(
                404,
                f"Requested status code {status} is not defined in the document: {op.label} documents"
                f" {documented}",
                by_mock=True,
            )
        headers = self._headers(op, status, response.headers)
        chosen = pick_media(response.content, accept)
        if chosen is None:
            return MockResponse(status, None, headers=headers, content_type=None)
        ctype, media = chosen
        dynamic = prefs.dynamic
        seed = self.seed if prefs.seed is None else prefs.seed
        request_key = fingerprint(values, body) if dynamic is not False else ""
        key = (op.operation_id, status, ctype, prefs.example, dynamic, seed, request_key)
        raw = self._cache.get(key)
        if raw is None:
            raw = encode_body(ctype, self._body(op, status, media, prefs, seed, request_key, values, body))
            self._remember(key, raw)
        return MockResponse(status, None, headers=headers, content_type=ctype, raw=raw)

    def _remember(self, key: tuple[Any, ...], raw: bytes) -> None:
        self._cache[key] = raw
        if len(self._cache) > _CACHE_SIZE:
            self._cache.popitem(last=False)

    def _body(
        self,
        op: Operation,
        status: int,
        media: MediaType,
        prefs: Preferences,
        seed: int,
        request_key: str,
        values: Mapping[str, Mapping[str, Any]],
        body: Any,
    ) -> Any:
        if prefs.example is not None:
            if prefs.example not in media.examples:
                names = ", ".join(media.examples) or "none"
                raise MockError(
                    404,
                    f"Response for exampleKey: {prefs.example} does not exist: {op.label} {status} has"
                    f" examples {names}",
                    by_mock=True,
                )
            return media.examples[prefs.example]
        if prefs.dynamic is not True and media.examples:
            example = next(iter(media.examples.values()))
            if self._example_fits(op, status, media, example):
                return example
        if media.schema is None:
            return None
        if status >= 400:
            # An error body that agrees with its status: the API's own shape, a real message.
            return self.errors.render(op, MockError(status, title_for(status))).body
        generated = self.fakes.generate(
            media.schema,
            stable_seed(seed, op.operation_id, status, request_key),
            prefer_examples=prefs.dynamic is False,
        )
        return self._echo_request(op, status, media.schema, generated, values, body)

    def _example_fits(self, op: Operation, status: int, media: MediaType, example: Any) -> bool:
        """Whether the document's example is valid against its own schema (checked once each); one
        that is not is never served (a client generated from the schema would fail on it)."""
        if media.schema is None:
            return True
        key = (op.operation_id, str(status), f"example:{id(media)}")
        if key not in self._echo:
            validator = compile_schema(self.spec, media.schema)
            fits = validator.is_valid(example)
            self._echo[key] = None if fits else validator
            if not fits:
                log.warning(
                    "%s: %s/responses/%s: the example breaks its own schema; generated values served instead",
                    self.spec.source,
                    operation_pointer(op),
                    status,
                )
        return self._echo[key] is None

    def _echo_request(
        self,
        op: Operation,
        status: int,
        schema: Mapping[str, Any],
        generated: Any,
        values: Mapping[str, Mapping[str, Any]],
        body: Any,
    ) -> Any:
        if not 200 <= status < 300:
            return generated
        cut = _honour_limit(generated, values.get("query", {}))
        if cut is not generated:
            key = (op.operation_id, str(status), "whole")
            if key not in self._echo:
                self._echo[key] = compile_schema(self.spec, schema)
            whole = self._echo[key]
            generated = cut if whole is None or whole.is_valid(cut) else generated
        if not isinstance(generated, dict):
            return generated
        asked: dict[str, Any] = dict(values.get("query", {}))
        path_values = dict(values.get("path", {}))
        if len(path_values) >= 1:
            last = list(path_values.items())[-1]
            if last[0].lower().endswith("id") and "id" not in path_values:
                path_values["id"] = last[1]  # GET /pets/{petId} -> "id" of the pet
        asked.update(path_values)
        if isinstance(body, dict):
            asked.update({k: v for k, v in body.items() if isinstance(v, (int, float, str, bool))})
        props = self.spec.resolve(schema).get("properties") or {}
        for name, value in asked.items():
            if name not in generated or name not in props:
                continue
            key = (op.operation_id, str(status), name)
            if key not in self._echo:
                self._echo[key] = compile_schema(self.spec, props[name])
            validator = self._echo[key]
            if validator is not None and validator.is_valid(value):
                generated[name] = value
        return generated

    def _headers(
        self, op: Operation, status: int, declared: Mapping[str, Mapping[str, Any]]
    ) -> dict[str, str]:
        """The documented response headers; they depend on nothing in the request, so each
        (operation, status) is generated once."""
        key = (op.operation_id, status)
        values = self._header_values.get(key)
        if values is None:
            values = {
                name: self._header(op, status, name, header)
                for name, header in declared.items()
                if name.lower() not in ("content-type", "content-length")
            }
            self._header_values[key] = values
        return dict(values)

    def _header(self, op: Operation, status: int, name: str, header: Mapping[str, Any]) -> str:
        schema = header.get("schema") or _STRING
        value = self.fakes.generate(schema, stable_seed(self.seed, op.operation_id, status, name), name=name)
        if isinstance(value, bool):
            return "true" if value else "false"
        return value if isinstance(value, str) else orjson.dumps(value).decode()
