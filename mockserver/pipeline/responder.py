"""The generic responder: a documented response built from spec examples or schema fakes.

Deterministic: the same seed and the same request give the same bytes. Top-level response
fields that share a name and a type with a request value (``limit``, ``offset``, ``page``…) echo
it, so a list asked for with ``limit: 20`` does not claim ``limit: -28262673``.
"""

from __future__ import annotations

import hashlib
import json
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
from oascore.validation import compile_schema

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
            raw = dump_json(self._body(op, status, media, prefs, seed, request_key, values, body))
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
            return next(iter(media.examples.values()))
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

    def _echo_request(
        self,
        op: Operation,
        status: int,
        schema: Mapping[str, Any],
        generated: Any,
        values: Mapping[str, Mapping[str, Any]],
        body: Any,
    ) -> Any:
        if not isinstance(generated, dict) or not 200 <= status < 300:
            return generated
        asked: dict[str, Any] = dict(values.get("query", {}))
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
