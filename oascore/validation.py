"""Request validation: parameters and JSON bodies against an operation, compiled once.

Violations carry a FastAPI-style location (``("body", "limit")``, ``("query", "per")``), a message
and a pydantic-like type, so any API profile can render them in its own error shape.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import jsonschema_rs

from oascore.coerce import (
    TYPE_WORDS,
    ParamReader,
    Unparsable,
    decode_form,
    decode_multipart,
    decode_xml,
    items_schema,
    properties,
)
from oascore.discriminator import by_discriminator
from oascore.model import Operation, Parameter, Spec


@dataclass(frozen=True, slots=True)
class Violation:
    loc: tuple[str | int, ...]
    msg: str
    type: str

    @property
    def field(self) -> str:
        """The location without its section, dotted: ``limit``, ``filters.AND.0.operator``."""
        return ".".join(str(part) for part in self.loc[1:]) or str(self.loc[0])

    def as_fastapi(self) -> dict[str, Any]:
        return {"loc": list(self.loc), "msg": self.msg, "type": self.type}


log = logging.getLogger("oascore")


def compile_schema(spec: Spec, schema: Mapping[str, Any]) -> jsonschema_rs.Validator:
    """The validator of ``schema``, a ``discriminator`` choosing its branch by value; when the
    mapping names schemas the document lacks (a file it never bundled), the branches as written."""
    contained = spec.self_contained(schema)
    if _has_key(contained, "discriminator"):
        try:
            chosen = by_discriminator(copy.deepcopy(contained))
            return jsonschema_rs.validator_for(chosen, validate_formats=True)
        except (ValueError, jsonschema_rs.ValidationError):
            pass  # read plainly below: a broken schema still fails there
    return jsonschema_rs.validator_for(contained, validate_formats=True)


def _has_key(node: Any, key: str) -> bool:
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, dict):
            if key in current:
                return True
            stack.extend(v for v in current.values() if isinstance(v, (dict, list)))
        elif isinstance(current, list):
            stack.extend(v for v in current if isinstance(v, (dict, list)))
    return False


_ANYTHING = jsonschema_rs.validator_for({})


def lenient_schema(spec: Spec, schema: Mapping[str, Any], where: str) -> jsonschema_rs.Validator:
    """:func:`compile_schema`, or (a schema the validator cannot compile: a broken ``$ref``, an
    invalid regex) one that accepts anything, with one warning naming ``where`` (a JSON pointer)."""
    try:
        return compile_schema(spec, schema)
    except (ValueError, jsonschema_rs.ValidationError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        log.warning("%s: %s: schema not usable (%s); anything is accepted there", spec.source, where, reason)
        return _ANYTHING


def operation_pointer(operation: Operation) -> str:
    """The JSON pointer of ``operation`` in its document."""
    path = operation.path.replace("~", "~0").replace("/", "~1")
    return f"#/paths/{path}/{operation.method.lower()}"


def _enum_words(values: Iterable[Any]) -> str:
    quoted = [f"'{v}'" if isinstance(v, str) else repr(v) for v in values]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + f" or {quoted[-1]}"


def _describe(error: Any) -> tuple[str, str]:
    """(msg, type) for one jsonschema_rs error, phrased like pydantic/FastAPI."""
    kind = error.kind
    name: str = kind.name
    data: dict[str, Any] = kind.as_dict()
    limit = data.get("limit")
    simple = {
        "maximum": (f"Input should be less than or equal to {limit}", "less_than_equal"),
        "minimum": (f"Input should be greater than or equal to {limit}", "greater_than_equal"),
        "exclusiveMaximum": (f"Input should be less than {limit}", "less_than"),
        "exclusiveMinimum": (f"Input should be greater than {limit}", "greater_than"),
        "minLength": (f"String should have at least {limit} characters", "string_too_short"),
        "maxLength": (f"String should have at most {limit} characters", "string_too_long"),
        "minItems": (f"List should have at least {limit} items", "too_short"),
        "maxItems": (f"List should have at most {limit} items", "too_long"),
        "multipleOf": (f"Input should be a multiple of {data.get('multiple_of')}", "multiple_of"),
        "required": ("Field required", "missing"),
        "additionalProperties": ("Extra inputs are not permitted", "extra_forbidden"),
    }
    if name in simple:
        return simple[name]
    if name == "type":
        types = data.get("types") or []
        wanted = [t for t in types if t != "null"] or types
        type_code, words = TYPE_WORDS.get(str(wanted[0]) if wanted else "", ("type_error", "valid"))
        return f"Input should be {words}", type_code
    if name == "enum":
        return f"Input should be {_enum_words(data.get('options') or [])}", "enum"
    if name == "pattern":
        return f"String should match pattern '{data.get('pattern')}'", "string_pattern_mismatch"
    if name == "format":
        return f"Input should be a valid {data.get('format')}", "value_error"
    return str(error.message), "value_error"


def _flatten(error: Any) -> list[Any]:
    """Replace an anyOf/oneOf failure by the errors of its most plausible branch (jsonschema-rs names a
    oneOf that no branch passes `oneOf`; older releases `oneOfNotValid`)."""
    if error.kind.name not in ("anyOf", "oneOf", "oneOfNotValid"):
        return [error]
    branches: list[list[Any]] = [list(b) for b in error.kind.as_dict().get("context") or []]
    if any(not b for b in branches):
        return [error]  # a branch passed: a oneOf valid under more than one, no branch to blame
    # A branch whose failure is not merely "wrong type" says what was really wrong.
    relevant = [b for b in branches if b and not all(e.kind.name == "type" for e in b)]
    if len(relevant) == 1:
        return [inner for e in relevant[0] for inner in _flatten(e)]
    return [error]


def schema_violations(
    validator: jsonschema_rs.Validator, instance: Any, prefix: tuple[str | int, ...]
) -> list[Violation]:
    if validator.is_valid(instance):
        return []
    out: list[Violation] = []
    for error in validator.iter_errors(instance):
        for leaf in _flatten(error):
            path = tuple(leaf.instance_path)
            if leaf.kind.name == "required":
                path = (*path, leaf.kind.as_dict()["property"])
            elif leaf.kind.name == "additionalProperties":
                for extra in leaf.kind.as_dict().get("unexpected") or []:
                    msg, typ = _describe(leaf)
                    out.append(Violation((*prefix, *path, extra), msg, typ))
                continue
            msg, typ = _describe(leaf)
            out.append(Violation((*prefix, *path), msg, typ))
    return _one_per_location(out)


def _one_per_location(violations: list[Violation]) -> list[Violation]:
    """One violation per location, the most specific: an enum or a bound says more than a type."""
    best: dict[tuple[str | int, ...], Violation] = {}
    for violation in violations:
        current = best.get(violation.loc)
        if current is None or (current.type.endswith("_type") and not violation.type.endswith("_type")):
            best[violation.loc] = violation
    return list(best.values())


@dataclass(slots=True)
class _CompiledParam:
    param: Parameter
    reader: ParamReader
    validator: jsonschema_rs.Validator


# "If in is header and the name field is Accept, Content-Type or Authorization, the parameter
# definition SHALL be ignored" (OpenAPI 3.0.3 and 3.1, Parameter Object)
_IGNORED_HEADERS = frozenset(("accept", "content-type", "authorization"))
FORM = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"


def is_decoded(media_type: str) -> bool:
    """Whether a request body of this media type is read into a JSON value and validated."""
    return media_type in (FORM, MULTIPART) or media_type.endswith(("/xml", "+xml"))


class RequestValidator:
    """Validates and coerces one operation's parameters and body.

    Built for every operation at start-up, compiled at its first request: most operations of a
    large document (GitHub: 1,223) are never called in a session, and compiling them all was most
    of the start-up once parsing got fast. Compiling twice in a race is harmless (same result).
    """

    def __init__(self, spec: Spec, operation: Operation) -> None:
        self.operation = operation
        self._spec = spec
        self._compiled: tuple[list[_CompiledParam], dict[str, jsonschema_rs.Validator]] | None = None

    def _ready(self) -> tuple[list[_CompiledParam], dict[str, jsonschema_rs.Validator]]:
        if self._compiled is None:
            self._compiled = self._compile()
        return self._compiled

    def _compile(self) -> tuple[list[_CompiledParam], dict[str, jsonschema_rs.Validator]]:
        spec, operation = self._spec, self.operation
        where = operation_pointer(operation)
        params: list[_CompiledParam] = []
        for param in operation.parameters:
            if param.location == "header" and param.name.lower() in _IGNORED_HEADERS:
                continue
            named = f"{where} parameter {param.name!r} ({param.location})"
            validator = lenient_schema(spec, param.schema, named)
            params.append(_CompiledParam(param, ParamReader(spec, param), validator))
        bodies: dict[str, jsonschema_rs.Validator] = {}
        if operation.body is not None:
            for ctype, media in operation.body.content.items():
                if media.schema is not None:
                    bodies[ctype] = lenient_schema(spec, media.schema, f"{where}/requestBody {ctype}")
        return params, bodies

    @property
    def body_validators(self) -> dict[str, jsonschema_rs.Validator]:
        return self._ready()[1]

    def parameters(
        self,
        path: Mapping[str, str],
        query: Mapping[str, list[str]],
        headers: Mapping[str, str],
        cookies: Mapping[str, str],
    ) -> tuple[dict[str, dict[str, Any]], list[Violation]]:
        """Coerced values by location (``{"query": {...}, ...}``) and the violations found."""
        values: dict[str, dict[str, Any]] = {"path": {}, "query": {}, "header": {}, "cookie": {}}
        violations: list[Violation] = []
        for compiled in self._ready()[0]:
            param = compiled.param
            loc: tuple[str | int, ...] = (param.location, param.name)
            try:
                readings = compiled.reader.candidates(path, query, headers, cookies)
            except Unparsable as exc:
                violations.append(Violation(loc, exc.msg, exc.typ))
                continue
            if not readings:
                if param.required:
                    violations.append(Violation(loc, "Field required", "missing"))
                continue
            found: list[Violation] = []
            for i, value in enumerate(readings):  # the first reading the schema accepts
                problems = schema_violations(compiled.validator, value, loc)
                if not problems:
                    values[param.location][param.name] = value
                    break
                if i == 0:
                    found = problems
            else:
                violations.extend(found)
        return values, violations

    def decoded_body(self, media_type: str, raw: bytes, content_type: str) -> tuple[Any, list[Violation]]:
        """A form, multipart or XML body read into the value its schema describes, and validated."""
        media = self.operation.body.content.get(media_type) if self.operation.body else None
        schema = media.schema if media is not None else None
        if schema is None:
            return raw.decode("utf-8", errors="replace"), []
        payload: Any
        if media_type == FORM:
            payload = decode_form(self._spec, schema, raw)
        elif media_type == MULTIPART:
            payload = decode_multipart(self._spec, schema, raw, content_type)
            if payload is None:
                return None, [
                    Violation(
                        ("body",),
                        "Not a well-formed multipart/form-data body (a boundary, and a name for every part)",
                        "value_error",
                    )
                ]
        else:
            payload = decode_xml(self._spec, schema, raw)
            if payload is None:
                return None, [Violation(("body",), "Not well-formed XML", "xml_invalid")]
        return payload, self.body(media_type, payload)

    def body(self, content_type: str, payload: Any) -> list[Violation]:
        validator = self.body_validators.get(content_type)
        if validator is None:
            return []
        found = schema_violations(validator, payload, ("body",))
        media = self.operation.body.content.get(content_type) if self.operation.body else None
        if found and media is not None and media.schema is not None:
            # readOnly properties are never required in a request (OAS: "required" applies to responses)
            found = [v for v in found if v.type != "missing" or not self._read_only(media.schema, v.loc[1:])]
        return found

    def _read_only(self, schema: Any, path: tuple[str | int, ...]) -> bool:
        node: Any = schema
        for part in path:
            if isinstance(part, int):
                node = items_schema(self._spec, node)
            else:
                node = properties(self._spec, node).get(part)
            if node is None:
                return False
        resolved = self._spec.resolve(node)
        return isinstance(resolved, dict) and resolved.get("readOnly") is True
