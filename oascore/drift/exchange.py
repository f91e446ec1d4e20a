"""One request and its answer held to the document: every disagreement as a finding at its cause.

What one exchange can show without sending anything else (the mock's proxy sees traffic, it does not
probe): a spec-invalid request the server served (``bound-looser``, ``enum-widened``,
``validation-missing``), a spec-valid request it refused for one value (``bound-tighter``,
``enum-narrowed``: the value the server's error names, or the only bounded/enumerated one sent), an
undocumented status, content type or missing header, and the response body against its closed
schema (:func:`~oascore.drift.response.response_drift`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import orjson

from oascore.drift.response import response_drift
from oascore.drift.values import BOUND_LABELS, finding, joined, short
from oascore.findings import Evidence, Finding
from oascore.model import Operation, Spec
from oascore.validation import Violation, compile_schema

REFUSALS = frozenset({400, 422})
"""The statuses that say "your request is invalid" (not who you are, not the state of the world)."""

_BOUND_TYPES = {
    "less_than_equal": "maximum",
    "less_than": "exclusiveMaximum",
    "greater_than_equal": "minimum",
    "greater_than": "exclusiveMinimum",
    "string_too_long": "maxLength",
    "string_too_short": "minLength",
    "too_long": "maxItems",
    "too_short": "minItems",
}


@dataclass(frozen=True, slots=True)
class Sent:
    """A request as the classifier sees it: coerced parameter values by location (``{"query":
    {...}}``), the parsed body, and what the spec refuses in it (:mod:`oascore.validation`)."""

    params: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    body: Any = None
    violations: tuple[Violation, ...] = ()


@dataclass(frozen=True, slots=True)
class Answer:
    """A response as the classifier sees it; ``body`` is the bytes as they came."""

    status: int
    headers: Mapping[str, str]
    body: bytes

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";", 1)[0].strip().lower()


def exchange_drift(spec: Spec, checked: Spec, op: Operation, sent: Sent, answer: Answer) -> list[Finding]:
    """Every disagreement between ``op`` in ``spec`` and this exchange, one finding per cause.

    ``checked`` is ``spec`` with closed response schemas (:mod:`oascore.drift.closing`), so an
    undocumented response field is drift.
    """
    evidence = Evidence(status=answer.status)
    findings = _request_drift(spec, op, sent, answer, evidence)
    if findings:
        return findings  # the request is the cause; what the server answered follows from it
    closed = next((o for o in checked.operations if o.label == op.label), op)
    return _response_drift(checked, closed, answer, evidence)


# --- the request --------------------------------------------------------------------------------------


def _request_drift(
    spec: Spec, op: Operation, sent: Sent, answer: Answer, evidence: Evidence
) -> list[Finding]:
    if sent.violations and 200 <= answer.status < 300:
        return [_accepted(op, v, sent, evidence) for v in sent.violations]
    if not sent.violations and answer.status in REFUSALS:
        return [_refused(spec, op, sent, answer, evidence)]
    return []


def _accepted(op: Operation, violation: Violation, sent: Sent, evidence: Evidence) -> Finding:
    """A value the spec refuses, served: a looser bound, a wider enum, or validation missing."""
    where = "request." + ".".join(str(p) for p in violation.loc)
    value = short(_value_at(sent, violation.loc))
    if violation.type in _BOUND_TYPES:
        label = BOUND_LABELS[_BOUND_TYPES[violation.type]]
        expected = f"{label} {violation.msg.rsplit(' ', 1)[-1]}"
        return finding(op, "bound-looser", where, expected, f"accepts {value}", "warning", evidence)
    if violation.type == "enum":
        return finding(op, "enum-widened", where, violation.msg, f"accepts {value}", "warning", evidence)
    return finding(op, "validation-missing", where, f"refuses {value}", "accepted", "warning", evidence)


def _refused(spec: Spec, op: Operation, sent: Sent, answer: Answer, evidence: Evidence) -> Finding:
    """A spec-valid request refused: pinned on the value the server names, when one can be."""
    slots = list(_slots(spec, op, sent))
    said = answer.body.decode("utf-8", errors="replace")
    named = [s for s in slots if s[0].rsplit(".", 1)[-1] in said]
    suspects = [s for s in named or slots if _bounds(s[1]) or _enum(s[1])]
    if len(suspects) == 1:
        where, schema, value = suspects[0]
        enum = _enum(schema)
        if enum is not None and value in enum:
            narrowed = joined([v for v in enum if v != value])
            message = f"server refuses {value}"
            return finding(
                op, "enum-narrowed", where, joined(enum), narrowed, "breaking", evidence, message=message
            )
        bounds = _bounds(schema)
        if bounds:
            expected = ", ".join(f"{BOUND_LABELS[k]} {v}" for k, v in bounds.items())
            return finding(
                op, "bound-tighter", where, expected, f"refuses {short(value)}", "breaking", evidence
            )
    expected, actual = "a schema-valid request accepted", f"refused with {answer.status}"
    return finding(op, "type-mismatch", "request", expected, actual, "warning", evidence)


def _slots(spec: Spec, op: Operation, sent: Sent) -> Iterator[tuple[str, dict[str, Any], Any]]:
    """(label, schema, value) for every parameter and body field the request carries."""
    for param in op.parameters:
        value = sent.params.get(param.location, {}).get(param.name)
        if value is not None:
            name = param.name.lower() if param.location == "header" else param.name
            yield f"request.{param.location}.{name}", spec.resolve(param.schema), value
    if op.body is not None and sent.body is not None:
        media = op.body.content.get("application/json") or next(iter(op.body.content.values()), None)
        if media is not None and media.schema is not None:
            yield from _fields(spec, "request.body", media.schema, sent.body, depth=0)


def _fields(
    spec: Spec, where: str, schema: Any, value: Any, depth: int
) -> Iterator[tuple[str, dict[str, Any], Any]]:
    schema = _branch(spec, spec.resolve(schema) if isinstance(schema, dict) else {}, value)
    if depth > 8 or not isinstance(value, dict):
        return
    properties = schema.get("properties") or {}
    for name, item in value.items():
        if name in properties:
            inner = _branch(spec, spec.resolve(properties[name]), item)
            yield f"{where}.{name}", inner, item
            yield from _fields(spec, f"{where}.{name}", inner, item, depth + 1)


def _branch(spec: Spec, schema: dict[str, Any], value: Any) -> dict[str, Any]:
    """The ``anyOf``/``oneOf`` branch ``value`` is meant for: not ``null`` unless it is ``None``."""
    for key in ("anyOf", "oneOf"):
        for option in schema.get(key) or []:
            resolved = spec.resolve(option) if isinstance(option, dict) else {}
            if (resolved.get("type") == "null") == (value is None):
                return resolved
    return schema


def _bounds(schema: dict[str, Any]) -> dict[str, Any]:
    return {
        k: schema[k] for k in ("minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum") if k in schema
    }


def _enum(schema: dict[str, Any]) -> list[Any] | None:
    values = schema.get("enum")
    return list(values) if isinstance(values, list) else None


def _value_at(sent: Sent, loc: tuple[str | int, ...]) -> Any:
    current: Any = sent.body if loc[:1] == ("body",) else sent.params.get(str(loc[0]), {})
    for part in loc[1:]:
        try:
            current = current[part]
        except (KeyError, IndexError, TypeError):
            return None
    return current


# --- the response -------------------------------------------------------------------------------------


def _response_drift(checked: Spec, op: Operation, answer: Answer, evidence: Evidence) -> list[Finding]:
    documented = op.response_for(answer.status)
    if documented is None:
        if answer.status >= 500:
            actual = f"{answer.status}"
            return [finding(op, "server-error", "response.status", "no 5xx", actual, "breaking", evidence)]
        listed = ", ".join(op.responses)
        return [
            finding(
                op, "status-undocumented", "response.status", listed, str(answer.status), "warning", evidence
            )
        ]
    findings: list[Finding] = []
    for name, header in documented.headers.items():
        if isinstance(header, dict) and header.get("required") and name.lower() not in answer.headers:
            where = f"response.header.{name.lower()}"
            findings.append(finding(op, "header-mismatch", where, "present", "absent", "breaking", evidence))
    if not documented.content or not answer.body:
        return findings
    ctype = answer.content_type
    if not _documents(documented.content, ctype):
        where = "response.header.content-type"
        listed = ", ".join(documented.content)
        findings.append(
            finding(op, "content-type-mismatch", where, listed, ctype or "none", "breaking", evidence)
        )
        return findings
    if "json" in ctype:
        try:
            body = orjson.loads(answer.body)
        except orjson.JSONDecodeError:
            actual = "a body that is not JSON"
            findings.append(
                finding(op, "type-mismatch", "response.body", "JSON", actual, "breaking", evidence)
            )
            return findings
        media = documented.content.get(ctype) or next(iter(documented.content.values()))
        if media.schema is not None and not _quickly_valid(checked, media.schema, body):
            findings += response_drift(checked, op, answer.status, ctype, body, evidence)
    return findings


_COMPILED: dict[int, tuple[Any, Any]] = {}  # id(schema) -> (schema, its jsonschema-rs validator)


def _quickly_valid(spec: Spec, schema: dict[str, Any], body: Any) -> bool:
    """Whether ``body`` fits ``schema``, by a validator compiled once (jsonschema-rs): most exchanges
    are fine, and the classifier (pure-Python jsonschema, to name each cause) costs ~100x more."""
    cached = _COMPILED.get(id(schema))
    if cached is None or cached[0] is not schema:
        if len(_COMPILED) > 4096:
            _COMPILED.clear()
        try:
            cached = (schema, compile_schema(spec, schema))
        except ValueError:
            return False
        _COMPILED[id(schema)] = cached
    return bool(cached[1].is_valid(body))


def _documents(content: Mapping[str, Any], ctype: str) -> bool:
    if ctype in content or "*/*" in content:
        return True
    return any(key.endswith("/*") and ctype.startswith(key[:-1]) for key in content) or (
        ctype.endswith("+json") and "application/json" in content
    )
