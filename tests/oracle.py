"""The independent oracle: is this answer what the document says?

Nobody here wrote it. The document is read as written (``yaml.safe_load`` of the file, never
``oascore.load_spec``: no 3.0 -> 2020-12 rewrite, no ``rooted``, no ``close_schema``), its
``$ref``s resolved by a ``referencing`` registry, and values judged by openapi-schema-validator
(python-openapi) in the document's own dialect, OAS 3.0 or 3.1, with its format checker. The
expected success status is read from the document too (the lowest documented 2xx).

openapi-core would also check headers, but it pins openapi-schema-validator below the version the
differential test uses (0.8 against 0.9); the schema validator alone judges what the tests need.

The project's own validators stay under test in ``test_validator_differential.py`` only, where
they are compared to this one.
"""

from __future__ import annotations

import copy
import gzip
import itertools
import json
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator, FormatChecker
from openapi_schema_validator import OAS30ReadValidator, OAS30Validator, OAS30WriteValidator, OAS31Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4, DRAFT202012

DOC_URI = "urn:specmock:oracle"
JSON = "application/json"
_DATA_KEYS = frozenset({"example", "examples", "default", "enum", "const"})
_INLINE = itertools.count()
_INLINE_KEY = "x-oracle-inline"
_SCHEMA_MAPS = frozenset({"properties", "patternProperties", "$defs", "definitions", "dependentSchemas"})


def read_document(path: str | Path) -> dict[str, Any]:
    """The document as written: YAML or JSON (gzip allowed), no rewrite."""
    return _read(str(path))


@cache
def _read(path: str) -> dict[str, Any]:
    data = Path(path).read_bytes()
    if path.endswith(".gz"):
        data = gzip.decompress(data)
    doc = json.loads(data) if path.removesuffix(".gz").endswith(".json") else yaml.safe_load(data)
    assert isinstance(doc, dict), f"{path} is not an OpenAPI document"
    return doc


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def _closed(node: Any) -> Any:
    """Every object schema that declares ``properties`` and says nothing of additional ones
    closed (in place): the check that an answer carries no field the document does not name."""
    if isinstance(node, list):
        for item in node:
            _closed(item)
    elif isinstance(node, dict):
        if isinstance(node.get("properties"), dict) and "additionalProperties" not in node:
            node["additionalProperties"] = False
        for key, value in node.items():
            if key in _DATA_KEYS:
                continue
            if key in _SCHEMA_MAPS and isinstance(value, dict):
                for schema in value.values():
                    _closed(schema)
            else:
                _closed(value)
    return node


class Document:
    """One OpenAPI document as written, and the questions the tests ask of it."""

    def __init__(self, raw: dict[str, Any], *, closed: bool = False) -> None:
        self.raw = raw
        self.version = str(raw.get("openapi", ""))
        assert self.version.startswith(("3.0", "3.1")), f"not OpenAPI 3.0/3.1: {self.version!r}"
        self.doc = _closed(copy.deepcopy(raw)) if closed else raw
        self.formats = self.format_checker()
        self.dialect = DRAFT4 if self.version.startswith("3.0") else DRAFT202012
        self.registry: Registry[Any] = Registry().with_resource(
            DOC_URI, Resource(contents=self.doc, specification=self.dialect)
        )

    @classmethod
    def at(cls, path: str | Path, *, closed: bool = False) -> Document:
        return _document(str(path), closed)

    # -- where things are -------------------------------------------------------------------------

    def _local(self, pointer: str) -> Any:
        node: Any = self.doc
        for token in pointer.lstrip("/").split("/") if pointer.strip("/") else []:
            token = token.replace("~1", "/").replace("~0", "~")
            node = node[int(token)] if isinstance(node, list) else node[token]
        return node

    def _followed(self, pointer: str) -> str:
        """``pointer``, or where the ``$ref`` at it leads (a local reference: a response, a path item)."""
        for _ in range(20):
            node = self._local(pointer)
            ref = node.get("$ref") if isinstance(node, dict) else None
            if not isinstance(ref, str):
                return pointer
            assert ref.startswith("#/"), f"the oracle follows local references only: {ref}"
            pointer = ref[1:]
        raise AssertionError(f"a $ref cycle at {pointer}")

    def operation_pointer(self, path: str, method: str) -> str:
        item = self._followed(f"/paths/{_escape(path)}")
        pointer = f"{item}/{method.lower()}"
        assert isinstance(self._local(item).get(method.lower()), dict), f"{method} {path} is not documented"
        return pointer

    def statuses(self, path: str, method: str) -> list[str]:
        return list(self._local(f"{self.operation_pointer(path, method)}/responses"))

    def success_status(self, path: str, method: str) -> int:
        """The status a client should expect: the lowest documented 2xx (a ``2XX`` range: 200)."""
        codes = [str(code).upper() for code in self.statuses(path, method)]
        exact = sorted(int(code) for code in codes if code.isdigit() and 200 <= int(code) < 300)
        if exact:
            return exact[0]
        assert "2XX" in codes, f"{method} {path} documents no success"
        return 200

    def response_pointer(self, path: str, method: str, status: int) -> str:
        responses = f"{self.operation_pointer(path, method)}/responses"
        documented = {str(code).upper(): str(code) for code in self._local(responses)}
        for key in (str(status), f"{status // 100}XX", "DEFAULT"):
            if key in documented:
                return self._followed(f"{responses}/{_escape(documented[key])}")
        raise AssertionError(f"{status} is not documented for {method} {path}")

    def schema_pointer(self, path: str, method: str, status: int, media_type: str = JSON) -> str | None:
        """Where the schema of that answer is; ``None`` when the response declares no content."""
        response = self.response_pointer(path, method, status)
        content = self._local(response).get("content")
        if not content:
            return None
        wanted = media_type.split(";")[0].strip().lower()
        kinds = {str(k).split(";")[0].strip().lower(): str(k) for k in content}
        for key in (wanted, wanted.split("/")[0] + "/*", "*/*"):
            if key in kinds:
                media = f"{response}/content/{_escape(kinds[key])}"
                return f"{media}/schema" if "schema" in self._local(media) else None
        raise AssertionError(f"{media_type} is not documented for {status} of {method} {path}")

    def request_schema_pointer(self, path: str, method: str, media_type: str = JSON) -> str:
        body = self._followed(f"{self.operation_pointer(path, method)}/requestBody")
        return f"{body}/content/{_escape(media_type)}/schema"

    # -- judging ----------------------------------------------------------------------------------

    def errors(
        self, pointer: str, value: Any, *, reading: bool = True, format_checker: FormatChecker | None = None
    ) -> list[str]:
        """What is wrong with ``value`` against the schema at ``pointer`` (empty: valid).
        ``reading``: a response (OAS 3.0: no ``writeOnly`` field), else a request (no ``readOnly``).
        ``format_checker``: the dialect's own unless given (a stricter one, say)."""
        return self._errors(f"{DOC_URI}#{pointer}", self.registry, value, reading, format_checker)

    def schema_errors(
        self, schema: Any, value: Any, *, format_checker: FormatChecker | None = None
    ) -> list[str]:
        """What is wrong with ``value`` against ``schema``, a schema written in this document's
        dialect whose ``#/...`` references point into the document."""
        uri = f"{DOC_URI}:inline:{next(_INLINE)}"
        beside = Resource(contents={**self.doc, _INLINE_KEY: schema}, specification=self.dialect)
        return self._errors(
            f"{uri}#/{_INLINE_KEY}", self.registry.with_resource(uri, beside), value, True, format_checker
        )

    def format_checker(self) -> FormatChecker:
        """A copy of the dialect's format checker, to add checks to.

        One correction for 3.1: openapi-schema-validator 0.9 checks ``time`` as JSON Schema draft 3
        did (``%H:%M:%S``, no offset), which refuses RFC 3339's ``full-time`` (``17:48:08Z``) that
        JSON Schema 2020-12, OAS 3.1's dialect, requires; jsonschema's own 2020-12 check is used."""
        base = self._validator_class(True).FORMAT_CHECKER
        checker = FormatChecker(formats=())
        checker.checkers = dict(base.checkers)
        if not self.version.startswith("3.0"):
            checker.checkers["time"] = Draft202012Validator.FORMAT_CHECKER.checkers["time"]
        return checker

    def _validator_class(self, reading: bool | None) -> Any:
        if self.version.startswith("3.0"):
            if reading is None:  # context-free: a value that may be a request or an answer
                return OAS30Validator
            return OAS30ReadValidator if reading else OAS30WriteValidator
        return OAS31Validator

    def validator(
        self, pointer: str, *, reading: bool | None = True, format_checker: FormatChecker | None = None
    ) -> Any:
        """The validator of the schema at ``pointer``; ``reading=None``: no read/write direction."""
        return self._validator(f"{DOC_URI}#{pointer}", self.registry, reading, format_checker)

    def _validator(
        self, ref: str, registry: Registry[Any], reading: bool | None, format_checker: FormatChecker | None
    ) -> Any:
        cls = self._validator_class(reading)
        return cls({"$ref": ref}, registry=registry, format_checker=format_checker or self.formats)

    def _errors(
        self,
        ref: str,
        registry: Registry[Any],
        value: Any,
        reading: bool,
        format_checker: FormatChecker | None,
    ) -> list[str]:
        validator = self._validator(ref, registry, reading, format_checker)
        return [
            f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}"
            for e in validator.iter_errors(value)
        ]

    def response_errors(
        self, path: str, method: str, status: int, body: Any, media_type: str = JSON
    ) -> list[str]:
        pointer = self.schema_pointer(path, method, status, media_type)
        return [] if pointer is None else self.errors(pointer, body)

    def component(self, name: str) -> str:
        """The pointer of ``#/components/schemas/<name>``."""
        pointer = f"/components/schemas/{_escape(name)}"
        self._local(pointer)
        return pointer


@cache
def _document(path: str, closed: bool) -> Document:
    return Document(_read(path), closed=closed)


def _as_document(doc: Document | dict[str, Any] | str | Path) -> Document:
    if isinstance(doc, Document):
        return doc
    if isinstance(doc, dict):
        return Document(doc)
    return Document.at(doc)


def assert_response_valid(
    doc: Document | dict[str, Any] | str | Path,
    path: str,
    method: str,
    status: int,
    media_type: str,
    body: Any,
) -> None:
    """``body`` is what the document promises for ``status`` of ``method path`` (the path template,
    as written in the document) in ``media_type``; the status itself must be documented."""
    problems = _as_document(doc).response_errors(path, method, status, body, media_type)
    assert not problems, f"{method} {path} {status}: " + "; ".join(problems[:10])


def assert_component_valid(doc: Document | dict[str, Any] | str | Path, name: str, value: Any) -> None:
    """``value`` is valid against ``#/components/schemas/<name>`` of the document as written."""
    document = _as_document(doc)
    problems = document.errors(document.component(name), value)
    assert not problems, f"{name}: " + "; ".join(problems[:10])
