"""Request validation: parameters and JSON bodies against an operation, compiled once.

Violations carry a FastAPI-style location (``("body", "limit")``, ``("query", "per")``), a message
and a pydantic-like type, so any API profile can render them in its own error shape.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import jsonschema_rs

from oascore.model import Operation, Parameter, Spec, json_type


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
    return jsonschema_rs.validator_for(spec.self_contained(schema), validate_formats=True)


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


_TYPE_WORDS = {
    "integer": ("int_type", "a valid integer"),
    "number": ("float_type", "a valid number"),
    "string": ("string_type", "a valid string"),
    "boolean": ("bool_type", "a valid boolean"),
    "array": ("list_type", "a valid list"),
    "object": ("dict_type", "a valid dictionary"),
    "null": ("none_required", "None"),
}


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
        type_code, words = _TYPE_WORDS.get(str(wanted[0]) if wanted else "", ("type_error", "valid"))
        return f"Input should be {words}", type_code
    if name == "enum":
        return f"Input should be {_enum_words(data.get('options') or [])}", "enum"
    if name == "pattern":
        return f"String should match pattern '{data.get('pattern')}'", "string_pattern_mismatch"
    if name == "format":
        return f"Input should be a valid {data.get('format')}", "value_error"
    return str(error.message), "value_error"


def _flatten(error: Any) -> list[Any]:
    """Replace an anyOf/oneOf failure by the errors of its most plausible branch."""
    if error.kind.name not in ("anyOf", "oneOfNotValid"):
        return [error]
    branches: list[list[Any]] = [list(b) for b in error.kind.as_dict().get("context") or []]
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


class _Unparsable(ValueError):
    def __init__(self, msg: str, typ: str) -> None:
        super().__init__(msg)
        self.msg = msg
        self.typ = typ


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


def _coerce_scalar(raw: str, types: Sequence[str]) -> Any:
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
        if kind == "string":
            return raw
        if kind == "null" and raw in ("", "null"):
            return None
    first = types[0] if types else "string"
    code, words = _TYPE_WORDS.get(first, ("type_error", "valid"))
    parsing = {"integer": "int_parsing", "number": "float_parsing", "boolean": "bool_parsing"}
    raise _Unparsable(f"Input should be {words}, unable to parse string", parsing.get(first, code))


def _schema_types(spec: Spec, schema: Mapping[str, Any]) -> list[str]:
    """The JSON types a parameter schema admits, most specific first (to coerce strings)."""
    resolved = spec.resolve(schema)
    kinds: list[str] = []
    declared = resolved.get("type")
    if isinstance(declared, str):
        kinds.append(declared)
    elif isinstance(declared, list):
        kinds.extend(str(k) for k in declared)
    for key in ("anyOf", "oneOf", "allOf"):
        for branch in resolved.get(key) or []:
            kinds.extend(_schema_types(spec, branch))
    if not kinds and "enum" in resolved:
        kinds.extend(sorted({json_type(v) for v in resolved["enum"]}))
    order = ["integer", "number", "boolean", "array", "object", "string", "null"]
    return sorted(dict.fromkeys(kinds), key=order.index) or ["string"]


@dataclass(slots=True)
class _CompiledParam:
    param: Parameter
    types: list[str]
    item_types: list[str]
    validator: jsonschema_rs.Validator


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
            types = _schema_types(spec, param.schema)
            items = spec.resolve(param.schema).get("items") or {}
            named = f"{where} parameter {param.name!r} ({param.location})"
            validator = lenient_schema(spec, param.schema, named)
            params.append(_CompiledParam(param, types, _schema_types(spec, items), validator))
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
            raw = self._raw(param, path, query, headers, cookies)
            loc: tuple[str | int, ...] = (param.location, param.name)
            if raw is None:
                if param.required:
                    violations.append(Violation(loc, "Field required", "missing"))
                continue
            try:
                value = self._coerce(compiled, raw)
            except _Unparsable as exc:
                violations.append(Violation(loc, exc.msg, exc.typ))
                continue
            found = schema_violations(compiled.validator, value, loc)
            if found:
                violations.extend(found)
            else:
                values[param.location][param.name] = value
        return values, violations

    @staticmethod
    def _raw(
        param: Parameter,
        path: Mapping[str, str],
        query: Mapping[str, list[str]],
        headers: Mapping[str, str],
        cookies: Mapping[str, str],
    ) -> str | list[str] | None:
        if param.location == "path":
            return path.get(param.name)
        if param.location == "query":
            return query.get(param.name)
        if param.location == "header":
            return headers.get(param.name.lower())
        return cookies.get(param.name)

    @staticmethod
    def _coerce(compiled: _CompiledParam, raw: str | list[str]) -> Any:
        if "array" in compiled.types:
            parts = raw if isinstance(raw, list) else [raw]
            if (len(parts) == 1 and compiled.param.explode is False) or compiled.param.location != "query":
                parts = [p for chunk in parts for p in chunk.split(",")]
            return [_coerce_scalar(p, compiled.item_types) for p in parts]
        # A repeated scalar query parameter: the last one wins, as in FastAPI and most frameworks.
        value = raw[-1] if isinstance(raw, list) else raw
        return _coerce_scalar(value, compiled.types)

    def body(self, content_type: str, payload: Any) -> list[Violation]:
        validator = self.body_validators.get(content_type)
        if validator is None:
            return []
        return schema_violations(validator, payload, ("body",))
