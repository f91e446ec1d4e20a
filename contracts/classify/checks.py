"""Failed response checks other than the body schema, as findings: status, content type, headers.

A 5xx is a ``server-error``, never also an undocumented status.
"""

from __future__ import annotations

from collections.abc import Callable

from contracts._utils import coerce, finding, type_name, valid
from contracts.classify.observation import Observation
from contracts.findings import Evidence, Finding, Severity
from oascore import Operation, Spec


def server_error(op: Operation, status: int | None, evidence: Evidence) -> Finding:
    return finding(op, "server-error", "response.status", "not 5xx", str(status), "breaking", evidence)


def header_mismatch(spec: Spec, op: Operation, obs: Observation) -> list[Finding]:
    """The first documented response header whose value breaks its schema."""
    response = op.response_for(obs.status or 0)
    for name, header in (response.headers if response else {}).items():
        schema = spec.resolve(header).get("schema") or {}
        value = next((v for k, v in obs.headers.items() if k.lower() == name.lower()), None)
        if value is not None and not valid(spec, schema, coerce(schema, value)):
            location = f"response.header.{name.lower()}"
            return _seen(op, obs, "header-mismatch", location, type_name(schema), repr(value), "breaking")
    return []


def _seen(
    op: Operation,
    obs: Observation,
    kind: str,
    location: str,
    expected: str,
    actual: str,
    severity: Severity,
    *,
    message: str = "",
) -> list[Finding]:
    """The one finding ``obs`` is evidence of."""
    return [finding(op, kind, location, expected, actual, severity, obs.evidence, message=message)]


def _missing_headers(op: Operation, obs: Observation) -> list[Finding]:
    return [
        finding(
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


def _status(op: Operation, obs: Observation) -> list[Finding]:
    if obs.status is not None and obs.status >= 500:
        return []  # the cause is the server error, reported on its own
    documented = ", ".join(getattr(obs.failure, "defined_status_codes", None) or op.responses)
    return _seen(op, obs, "status-undocumented", "response.status", documented, str(obs.status), "warning")


def _server_error(op: Operation, obs: Observation) -> list[Finding]:
    return [server_error(op, obs.status, obs.evidence)]


def _content_type(op: Operation, obs: Observation) -> list[Finding]:
    response = op.response_for(obs.status or 0)
    documented = ", ".join(response.content) if response is not None and response.content else "none"
    location = "response.header.content-type"
    return _seen(
        op, obs, "content-type-mismatch", location, documented, obs.content_type or "none", "breaking"
    )


def _discriminator(op: Operation, obs: Observation) -> list[Finding]:
    expected, actual = "the discriminated schema", "a body no mapping matches"
    return _seen(op, obs, "type-mismatch", "response.body", expected, actual, "breaking")


def _allow(op: Operation, obs: Observation) -> list[Finding]:
    allow = str(getattr(obs.failure, "allow_header", ""))
    return _seen(
        op, obs, "header-mismatch", "response.header.allow", "the documented methods", allow, "breaking"
    )


def _method(op: Operation, obs: Observation) -> list[Finding]:
    """A method the path does not declare: 405 is due (RFC 9110), with ``Allow`` naming the methods."""
    method = getattr(obs.failure, "method", "?")
    if str(getattr(obs.failure, "failure_reason", "")) == "missing_allow_header":
        expected = f"Allow on the 405 for {method} (RFC 9110)"
        return _seen(op, obs, "allow-header-missing", "response.header.allow", expected, "absent", "warning")
    return _seen(
        op, obs, "method-not-allowed", "response.status", f"405 for {method}", str(obs.status), "warning"
    )


def _state(op: Operation, obs: Observation) -> list[Finding]:
    return _seen(
        op,
        obs,
        "status-undocumented",
        "response.status",
        obs.failure.title,
        str(obs.status),
        "warning",
        message=str(obs.failure.message).splitlines()[0],
    )


RESPONSE_CHECKS: dict[str, Callable[[Operation, Observation], list[Finding]]] = {
    "MissingHeaders": _missing_headers,
    "UndefinedStatusCode": _status,
    "ServerError": _server_error,
    "ContentTypeServerError": _server_error,
    "UndefinedContentType": _content_type,
    "MissingContentType": _content_type,
    "MalformedMediaType": _content_type,
    "MalformedJson": _content_type,
    "ContentDeserializationError": _content_type,
    "DiscriminatorMismatch": _discriminator,
    "AllowHeaderMismatch": _allow,
    "UnsupportedMethodResponse": _method,
    "UseAfterFree": _state,
    "EnsureResourceAvailability": _state,
}
"""Failure class name -> its findings, for the checks that need nothing but the operation."""
