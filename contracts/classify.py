"""From observations to drift findings, one per cause.

An :class:`Observation` is one failed schemathesis check on one exchange. Each becomes findings of
the kinds in :data:`contracts.findings.KINDS`, named at their cause:

- a response that breaks its (closed) schema is re-validated whole, so a missing required field
  next to an undocumented one of the same shape is one ``field-renamed``;
- a refused spec-valid request or an accepted spec-invalid one is first checked against what the
  probes explained ("limit=999 refused" is the ``bound-tighter`` already found), then isolated: the
  one slot whose value alone draws the verdict is the cause;
- a 5xx is a ``server-error``, never also an undocumented status.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match

from contracts.findings import Evidence, Finding, Severity
from contracts.probes import ABSENT, Explanation, Pins, Slot, Verdict, enum_values, slots
from contracts.probes_bounds import fmt, spec_bounds
from contracts.probes_enums import joined
from mockserver.spec import Operation, Spec

Isolate = Callable[[Operation, Slot, Any], "tuple[Verdict, Evidence] | None"]
"""Send the baseline with one slot changed: (verdict, evidence), or None when there is no baseline."""


@dataclass(frozen=True, slots=True)
class Observation:
    """One failed check on one exchange, with what was sent and what came back."""

    operation: str
    check: str
    failure: Any  # a schemathesis Failure
    evidence: Evidence
    status: int | None = None
    content_type: str | None = None
    body: Any = None
    headers: Mapping[str, str] = field(default_factory=dict)
    request: Mapping[str, Any] = field(default_factory=dict)  # slot label -> value sent (ABSENT if left out)
    negative: tuple[str, ...] = ()  # request parts generated to be invalid: body, query, header, path


@dataclass(slots=True)
class Classifier:
    spec: Spec  # response schemas closed, if closing is on
    probed: Spec  # the spec as given, for request slots
    explanations: list[Explanation]
    isolate: Isolate
    pinned: Pins
    _seen_bodies: set[tuple[str, int, str]] = field(default_factory=set)

    def classify(self, observations: Iterable[Observation]) -> list[Finding]:
        findings: list[Finding] = []
        for obs in observations:
            op = self._operation(obs.operation)
            if op is not None:
                findings += self._one(op, obs)
        return findings

    def _operation(self, label: str) -> Operation | None:
        return next((op for op in self.spec.operations if op.label == label), None)

    def _one(self, op: Operation, obs: Observation) -> list[Finding]:
        name = type(obs.failure).__name__
        handler = _HANDLERS.get(name)
        return handler(self, op, obs) if handler is not None else []

    # --- responses -------------------------------------------------------------------------------

    def _schema(self, op: Operation, obs: Observation) -> list[Finding]:
        if obs.check == "response_headers_conformance":
            return self._header(op, obs)
        key = (op.label, obs.status or 0, json.dumps(obs.body, sort_keys=True, default=str))
        if key in self._seen_bodies:
            return []
        self._seen_bodies.add(key)
        return response_drift(self.spec, op, obs.status or 0, obs.content_type, obs.body, obs.evidence)

    def _header(self, op: Operation, obs: Observation) -> list[Finding]:
        response = op.response_for(obs.status or 0)
        for name, header in (response.headers if response else {}).items():
            schema = self.spec.resolve(header).get("schema") or {}
            value = next((v for k, v in obs.headers.items() if k.lower() == name.lower()), None)
            if value is not None and not _valid(self.spec, schema, _coerce(schema, value)):
                return [
                    _finding(
                        op,
                        "header-mismatch",
                        f"response.header.{name.lower()}",
                        _type_name(schema),
                        repr(value),
                        "breaking",
                        obs.evidence,
                    )
                ]
        return []

    def _missing_headers(self, op: Operation, obs: Observation) -> list[Finding]:
        return [
            _finding(
                op,
                "header-mismatch",
                f"response.header.{name.lower()}",
                "present",
                "absent",
                "breaking",
                obs.evidence,
            )
            for name in getattr(obs.failure, "missing_headers", [])
        ]

    def _status(self, op: Operation, obs: Observation) -> list[Finding]:
        if obs.status is not None and obs.status >= 500:
            return []  # the cause is the server error, reported on its own
        documented = ", ".join(getattr(obs.failure, "defined_status_codes", None) or op.responses)
        return [
            _finding(
                op,
                "status-undocumented",
                "response.status",
                documented,
                str(obs.status),
                "warning",
                obs.evidence,
            )
        ]

    def _server_error(self, op: Operation, obs: Observation) -> list[Finding]:
        return [
            _finding(
                op, "server-error", "response.status", "not 5xx", str(obs.status), "breaking", obs.evidence
            )
        ]

    def _content_type(self, op: Operation, obs: Observation) -> list[Finding]:
        response = op.response_for(obs.status or 0)
        documented = ", ".join(response.content) if response is not None and response.content else "none"
        return [
            _finding(
                op,
                "content-type-mismatch",
                "response.header.content-type",
                documented,
                obs.content_type or "none",
                "breaking",
                obs.evidence,
            )
        ]

    def _discriminator(self, op: Operation, obs: Observation) -> list[Finding]:
        return [
            _finding(
                op,
                "type-mismatch",
                "response.body",
                "the discriminated schema",
                "a body no mapping matches",
                "breaking",
                obs.evidence,
            )
        ]

    def _allow(self, op: Operation, obs: Observation) -> list[Finding]:
        return [
            _finding(
                op,
                "header-mismatch",
                "response.header.allow",
                "the documented methods",
                str(getattr(obs.failure, "allow_header", "")),
                "breaking",
                obs.evidence,
            )
        ]

    def _method(self, op: Operation, obs: Observation) -> list[Finding]:
        method = getattr(obs.failure, "method", "?")
        return [
            _finding(
                op,
                "status-undocumented",
                "response.status",
                f"405 for {method}",
                str(obs.status),
                "warning",
                obs.evidence,
            )
        ]

    def _state(self, op: Operation, obs: Observation) -> list[Finding]:
        return [
            _finding(
                op,
                "status-undocumented",
                "response.status",
                obs.failure.title,
                str(obs.status),
                "warning",
                obs.evidence,
                message=str(obs.failure.message).splitlines()[0],
            )
        ]

    # --- requests --------------------------------------------------------------------------------

    def _ignored_auth(self, op: Operation, obs: Observation) -> list[Finding]:
        # Whether a made-up token is valid is not in the spec; only a request with none is drift.
        if str(getattr(obs.failure, "scenario", "no_auth")) != "no_auth":
            return []
        return self._auth(op, obs)

    def _auth(self, op: Operation, obs: Observation) -> list[Finding]:
        scheme = next(iter(op.security[0]), "") if op.security else ""
        declared = self.spec.security_schemes.get(scheme, {})
        name = (
            str(declared.get("name", "Authorization"))
            if declared.get("type") == "apiKey"
            else "Authorization"
        )
        where = str(declared.get("in", "header")) if declared.get("type") == "apiKey" else "header"
        location = f"request.{where}.{name.lower() if where == 'header' else name}"
        return [
            _finding(
                op, "auth-not-enforced", location, "401 or 403", str(obs.status), "breaking", obs.evidence
            )
        ]

    def _missing_header(self, op: Operation, obs: Observation) -> list[Finding]:
        if obs.status is None or not 200 <= obs.status < 300:
            return []  # refused, just with another status
        name = str(getattr(obs.failure, "header_name", "")).lower()
        if name == "authorization":
            return self._auth(op, obs)
        return [
            _finding(
                op,
                "validation-missing",
                f"request.header.{name}",
                "refused without it",
                str(obs.status),
                "warning",
                obs.evidence,
            )
        ]

    def _positive(self, op: Operation, obs: Observation) -> list[Finding]:
        """A schema-valid request refused: explained by a probe, or isolated to one slot."""
        sent = self._sent(op, obs)
        if any(self._explained(op, slot, value, ("bound-tighter", "enum-narrowed")) for slot, value in sent):
            return []
        if any(_beyond_interoperable(value) for _, value in sent):
            return []  # I-JSON (RFC 7493): integers past 2**53 are not a contract anyone can keep
        for slot, value in sent:
            if value is ABSENT:
                continue
            answer = self.isolate(op, slot, value)
            if answer is not None and answer[0] is Verdict.REFUSED:
                return [self._refused_value(op, slot, value, answer[1])]
        return [
            _finding(
                op,
                "type-mismatch",
                "request",
                "a schema-valid request accepted",
                f"refused with {obs.status}",
                "warning",
                obs.evidence,
            )
        ]

    def _refused_value(self, op: Operation, slot: Slot, value: Any, evidence: Evidence) -> Finding:
        bounds = spec_bounds(slot.schema)
        if bounds is not None and isinstance(value, int | float) and not isinstance(value, bool):
            expected = ", ".join(
                f"{n} {fmt(b)}" for n, b in (("min", bounds.low), ("max", bounds.high)) if b is not None
            )
            return _finding(
                op, "bound-tighter", slot.label, expected, f"refuses {_short(value)}", "breaking", evidence
            )
        values = enum_values(slot.schema)
        if values and value in values:
            accepted = [v for v in values if v != value]
            return _finding(
                op,
                "enum-narrowed",
                slot.label,
                joined(values),
                joined(accepted),
                "breaking",
                evidence,
                message=f"server refuses {value}",
            )
        return _finding(
            op, "type-mismatch", slot.label, f"accepts {_short(value)}", "refused", "breaking", evidence
        )

    def _negative(self, op: Operation, obs: Observation) -> list[Finding]:
        """A schema-invalid request accepted: explained by a probe, or isolated to one slot."""
        sent = self._sent(op, obs)
        invalid = [(slot, value) for slot, value in sent if not _slot_valid(self.probed, slot, value)]
        unexplained = [
            (slot, value)
            for slot, value in invalid
            if not self._explained(op, slot, value, ("bound-looser", "enum-widened"))
        ]
        if invalid and not unexplained:
            return []
        for slot, value in unexplained:
            answer = self.isolate(op, slot, value)
            if answer is not None and answer[0] is Verdict.ACCEPTED:
                return [
                    _finding(
                        op,
                        "validation-missing",
                        slot.label,
                        f"refuses {_short(value)}",
                        "accepted",
                        "warning",
                        answer[1],
                    )
                ]
        if invalid:
            return []  # every invalid value is refused on its own: nothing to pin on one slot
        where = f"request.{obs.negative[0]}" if obs.negative else "request"
        return [
            _finding(
                op,
                "validation-missing",
                where,
                "4xx for an invalid request",
                str(obs.status),
                "warning",
                obs.evidence,
            )
        ]

    def _sent(self, op: Operation, obs: Observation) -> list[tuple[Slot, Any]]:
        return [(slot, obs.request.get(slot.label, ABSENT)) for slot in slots(self.probed, op, self.pinned)]

    def _explained(self, op: Operation, slot: Slot, value: Any, kinds: tuple[str, ...]) -> bool:
        return value is not ABSENT and any(
            e.operation == op.label and e.location == slot.label and e.kind in kinds and e.explains(value)
            for e in self.explanations
        )


_HANDLERS: dict[str, Callable[[Classifier, Operation, Observation], list[Finding]]] = {
    "JsonSchemaError": Classifier._schema,
    "MissingHeaders": Classifier._missing_headers,
    "UndefinedStatusCode": Classifier._status,
    "ServerError": Classifier._server_error,
    "ContentTypeServerError": Classifier._server_error,
    "UndefinedContentType": Classifier._content_type,
    "MissingContentType": Classifier._content_type,
    "MalformedMediaType": Classifier._content_type,
    "MalformedJson": Classifier._content_type,
    "ContentDeserializationError": Classifier._content_type,
    "DiscriminatorMismatch": Classifier._discriminator,
    "AllowHeaderMismatch": Classifier._allow,
    "UnsupportedMethodResponse": Classifier._method,
    "UseAfterFree": Classifier._state,
    "EnsureResourceAvailability": Classifier._state,
    "IgnoredAuth": Classifier._ignored_auth,
    "ObjectLevelAuthorizationViolation": Classifier._auth,
    "MissingHeaderNotRejected": Classifier._missing_header,
    "RejectedPositiveData": Classifier._positive,
    "AcceptedNegativeData": Classifier._negative,
}


# --- response bodies -------------------------------------------------------------------------------


def response_drift(
    spec: Spec, op: Operation, status: int, content_type: str | None, body: Any, evidence: Evidence
) -> list[Finding]:
    """Every way ``body`` breaks the documented schema for ``status``, one finding per cause."""
    response = op.response_for(status)
    if response is None:
        return []
    ctype = (content_type or "application/json").split(";")[0].strip().lower()
    media = response.content.get(ctype) or next(iter(response.content.values()), None)
    if media is None or media.schema is None:
        return []
    validator = Draft202012Validator(spec.rooted(media.schema))
    missing: dict[str, dict[str, Any]] = {}  # parent path -> {name: property schema}
    extra: dict[str, dict[str, Any]] = {}  # parent path -> {name: value}
    findings: list[Finding] = []
    for error in validator.iter_errors(body):
        for leaf in _leaves(error):
            findings += _error_findings(spec, op, leaf, missing, extra, evidence)
    findings += _pair_renames(spec, op, missing, extra, evidence)
    return findings


def _leaves(error: ValidationError) -> list[ValidationError]:
    """The errors that name a cause: inside an ``anyOf``, the branch that came closest."""
    if error.validator in ("anyOf", "oneOf") and error.context:
        enum_errors = [e for e in error.context if e.validator == "enum"]
        if enum_errors:
            return [enum_errors[0]]
        if all(e.validator == "type" for e in error.context):
            return [error]
        chosen = best_match(error.context)
        return _leaves(chosen) if chosen is not None else [error]
    return [error]


def _path(parts: Iterable[Any]) -> str:
    out = "response.body"
    for part in parts:
        out += "[]" if isinstance(part, int) else f".{part}"
    return out


def _error_findings(
    spec: Spec,
    op: Operation,
    error: ValidationError,
    missing: dict[str, dict[str, Any]],
    extra: dict[str, dict[str, Any]],
    evidence: Evidence,
) -> list[Finding]:
    where = _path(error.absolute_path)
    schema = error.schema if isinstance(error.schema, dict) else {}
    instance = error.instance
    if error.validator == "required" and isinstance(instance, dict):
        properties = schema.get("properties") or {}
        for name in error.validator_value:
            if name not in instance:
                missing.setdefault(where, {})[name] = properties.get(name, {})
        return []
    if error.validator in ("additionalProperties", "unevaluatedProperties") and isinstance(instance, dict):
        known = set(schema.get("properties") or {})
        for name, value in instance.items():
            if name not in known:
                extra.setdefault(where, {})[name] = value
        return []
    if error.validator == "enum":
        return [
            _finding(
                op,
                "enum-undeclared",
                where,
                joined(list(error.validator_value)),
                _short(instance),
                "breaking",
                evidence,
            )
        ]
    if error.validator in (
        "maximum",
        "minimum",
        "exclusiveMaximum",
        "exclusiveMinimum",
        "maxLength",
        "minLength",
        "maxItems",
        "minItems",
    ):
        return [
            _finding(
                op,
                "bound-looser",
                where,
                f"{error.validator} {error.validator_value}",
                _short(instance),
                "warning",
                evidence,
            )
        ]
    return [
        _finding(
            op,
            "type-mismatch",
            where,
            _type_name(schema),
            _json_type(instance),
            "breaking",
            evidence,
            message=error.message[:200],
        )
    ]


def _pair_renames(
    spec: Spec,
    op: Operation,
    missing: dict[str, dict[str, Any]],
    extra: dict[str, dict[str, Any]],
    evidence: Evidence,
) -> list[Finding]:
    findings: list[Finding] = []
    for parent in sorted(set(missing) | set(extra)):
        gone, new = dict(missing.get(parent, {})), dict(extra.get(parent, {}))
        for name, schema in list(gone.items()):
            twin = _twin(spec, schema, new)
            if twin is not None:
                findings.append(
                    _finding(op, "field-renamed", f"{parent}.{name}", name, twin, "breaking", evidence)
                )
                del gone[name], new[twin]
        findings += [
            _finding(op, "field-missing", f"{parent}.{n}", "present", "absent", "breaking", evidence)
            for n in gone
        ]
        findings += [
            _finding(op, "field-undocumented", f"{parent}.{n}", "absent", "present", "warning", evidence)
            for n in new
        ]
    return findings


def _twin(spec: Spec, schema: dict[str, Any], candidates: dict[str, Any]) -> str | None:
    """The undocumented field with the missing one's shape: valid against its schema, else same type."""
    for name, value in candidates.items():
        if _valid(spec, schema, value):
            return name
    wanted = _type_name(spec.resolve(schema))
    return next((n for n, v in candidates.items() if _json_type(v) in wanted.split(" | ")), None)


# --- helpers ---------------------------------------------------------------------------------------


def _finding(
    op: Operation,
    kind: str,
    location: str,
    expected: str,
    actual: str,
    severity: Severity,
    evidence: Evidence,
    *,
    message: str = "",
) -> Finding:
    return Finding(op.label, kind, location, expected, actual, severity, evidence=evidence, message=message)


def _valid(spec: Spec, schema: Any, value: Any) -> bool:
    return bool(Draft202012Validator(spec.rooted(schema if isinstance(schema, dict) else {})).is_valid(value))


def _beyond_interoperable(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and abs(value) > 2**53 - 1


_INT_FORMATS = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1)}


def _slot_valid(spec: Spec, slot: Slot, value: Any) -> bool:
    if value is ABSENT:
        return not slot.required
    value = _coerce(slot.schema, value) if slot.location != "body" else value
    low, high = _INT_FORMATS.get(str(slot.schema.get("format")), (None, None))
    if low is not None and high is not None and isinstance(value, int) and not low <= value <= high:
        return False  # OpenAPI's integer formats are ranges; JSON Schema does not check them
    return _valid(spec, slot.declared, value)


def _coerce(schema: Mapping[str, Any], value: Any) -> Any:
    """A query or header string read as the scalar its schema declares."""
    if isinstance(value, str) and schema.get("type") in ("integer", "number", "boolean", "array", "object"):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _type_name(schema: Any) -> str:
    if not isinstance(schema, dict):
        return "any"
    kind = schema.get("type")
    if isinstance(kind, list):
        return " | ".join(str(k) for k in kind)
    if kind is None and "properties" in schema:
        return "object"
    return str(kind) if kind is not None else "any"


def _json_type(value: Any) -> str:
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


def _short(value: Any) -> str:
    text = json.dumps(value, default=str) if not isinstance(value, str) else value
    return text if len(text) <= 60 else text[:57] + "..."


def dedupe(findings: Iterable[Finding]) -> list[Finding]:
    """One finding per (operation, kind, location); the first seen wins."""
    kept: dict[tuple[str, str, str], Finding] = {}
    for finding in findings:
        kept.setdefault(finding.key, finding)
    return list(kept.values())
