"""Errors become responses here, in the shape the API itself documents.

The shape is read off the schema the spec declares for the status (the operation's own, else the
one most of the spec's operations declare): FastAPI's ``{"detail": [{loc, msg, type}]}``, a
``{"message", "errors": [{field, description}]}`` body, an ``{"error": {"message", "type"}}``
envelope, any other declared schema (generated, with its message fields filled), or RFC 9457
``application/problem+json`` when the spec declares nothing.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from http import HTTPStatus
from typing import Any

from mockserver.runtime import MockResponse
from oascore import Operation, Spec
from oascore.fakes.generator import FakeData, stable_seed
from oascore.validation import Violation

PROBLEM_JSON = "application/problem+json"

_TYPES = {
    400: "BadRequestError",
    401: "UnauthorizedError",
    403: "ForbiddenError",
    404: "NotFoundError",
    405: "MethodNotAllowedError",
    406: "NotAcceptableError",
    409: "ConflictError",
    413: "PayloadTooLargeError",
    415: "UnsupportedMediaTypeError",
    422: "ValidationError",
    500: "InternalServerError",
}
_TITLES = {404: "Not found", 422: "Validation failed"}


def title_for(status: int) -> str:
    if status in _TITLES:
        return _TITLES[status]
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        return "Error"
    return phrase[0] + phrase[1:].lower()


@dataclass(slots=True)
class MockError(Exception):
    """An HTTP error raised anywhere in the pipeline; :class:`ErrorRenderer` shapes it."""

    status: int
    detail: str = ""
    violations: list[Violation] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    error_type: str | None = None
    code: str | None = None
    details: dict[str, Any] | None = None
    field: str | None = None  # what the error is about when it is not a validation violation
    by_mock: bool = False  # the mock's own error (a Prefer mistake): answered as Prism does

    def __str__(self) -> str:
        return f"{self.status} {self.detail or title_for(self.status)}"


def refusal_reason(error: MockError) -> str:
    """Why a request was refused, in one line: each violated parameter with its rule, else the detail."""
    if error.violations:
        shown = [f"{'.'.join(map(str, v.loc))}: {v.msg}" for v in error.violations[:3]]
        more = len(error.violations) - len(shown)
        return "; ".join(shown) + (f"; and {more} more" if more > 0 else "")
    return error.detail or title_for(error.status)


PRISM_NOT_FOUND = "https://stoplight.io/prism/errors#NOT_FOUND"
MOCK_ERROR_HEADER = "X-Specmock-Error"


def mock_own_error(error: MockError) -> MockResponse:
    """A Prefer mistake answered as Prism answers it (problem+json, Prism's error type), and marked
    as the mock's own (``X-Specmock-Error: prefer``) so nobody mistakes it for the API's answer."""
    title = "The server cannot find the requested content" if error.status == 404 else title_for(error.status)
    body = {
        "type": PRISM_NOT_FOUND if error.status == 404 else "about:blank",
        "title": title,
        "status": error.status,
        "detail": error.detail,
        "specmock": "the mock's own error (a Prefer mistake), not an answer of the API",
    }
    headers = {MOCK_ERROR_HEADER: "prefer"}
    return MockResponse(error.status, body, headers=headers, content_type=PROBLEM_JSON)


RETRY_AFTER = "1"  # seconds: the store reconnects on its own, so a retry soon is worth it


def unavailable(reason: object) -> MockError:
    """The 503 for a state store that cannot be reached: says why, and that a retry will do."""
    return MockError(
        503,
        f"The mock's state store cannot be reached, so this request was not served: {reason}. "
        "This replica reconnects on its own; retry in a moment.",
        headers={"Retry-After": RETRY_AFTER},
        code="state_store_unavailable",
    )


def _reason(error: MockError, message: str) -> str:
    """The message with what was wrong, where: ``Validation failed: query.limit: Input should …``."""
    if not error.violations:
        return message
    parts = [f"{'.'.join(map(str, v.loc))}: {v.msg}" for v in error.violations[:5]]
    return f"{message}: " + "; ".join(parts)


def _kinds(schema: Any) -> list[str]:
    kind = schema.get("type") if isinstance(schema, Mapping) else None
    return [kind] if isinstance(kind, str) else list(kind) if isinstance(kind, list) else []


def _admits_text(schema: Any, text: str) -> bool:
    if not isinstance(schema, Mapping) or "string" not in _kinds(schema) or "enum" in schema:
        return False
    if "pattern" in schema or "format" in schema:
        return False
    return len(text) <= int(schema.get("maxLength", len(text)))


# words an error code for a status is likely to contain, most telling first
_STATUS_WORDS = {
    400: ("badrequest", "invalidrequest", "invalid", "validation", "bad"),
    401: ("unauthorized", "unauthenticated", "authentication", "auth", "credential", "token"),
    403: ("forbidden", "permission", "denied", "notallowed"),
    404: ("notfound", "missing", "unknown", "nosuch"),
    405: ("methodnotallowed", "notallowed", "method", "unsupported"),
    406: ("notacceptable", "acceptable"),
    409: ("conflict", "alreadyexists", "exists", "duplicate"),
    413: ("toolarge", "payload", "size"),
    415: ("unsupportedmedia", "mediatype", "unsupported"),
    422: ("validation", "unprocessable", "invalid", "badrequest"),
    429: ("ratelimit", "toomany", "throttl", "limit"),
    500: ("internal", "servererror", "unexpected", "unknown"),
    503: ("unavailable", "maintenance", "overloaded"),
}


def fitting_code(enum: list[Any], status: int, current: Any) -> Any:
    """The enum value that names ``status`` best (``VALIDATION_ERROR`` for 422, ``NOT_FOUND`` for
    404); ``current`` when none does."""
    words = _STATUS_WORDS.get(status) or _STATUS_WORDS.get(status // 100 * 100, ())
    texts = [(v, "".join(c for c in v.lower() if c.isalnum())) for v in enum if isinstance(v, str)]
    for word in words:
        for value, text in texts:
            if word in text:
                return value
    for value, text in texts:
        if str(status) in text:
            return value
    return current


class Shape(Enum):
    FASTAPI = "fastapi"
    MESSAGE_ERRORS = "message-errors"
    ENVELOPE = "envelope"
    DECLARED = "declared"
    PROBLEM = "problem"
    TEXT = "text"  # the response documents only a non-JSON media type, without a schema


def _props(spec: Spec, schema: Mapping[str, Any] | None) -> dict[str, Any]:
    if not schema:
        return {}
    resolved = spec.resolve(schema)
    return {k: spec.resolve(v) for k, v in (resolved.get("properties") or {}).items()}


def detect_shape(spec: Spec, schema: Mapping[str, Any] | None) -> Shape:
    if not schema:
        return Shape.PROBLEM
    props = _props(spec, schema)
    detail = props.get("detail") or {}
    if detail.get("type") == "array" and "loc" in _props(spec, detail.get("items")):
        return Shape.FASTAPI
    errors = props.get("errors") or {}
    if "message" in props and errors.get("type") == "array":
        return Shape.MESSAGE_ERRORS
    inner = _props(spec, props.get("error"))
    if "message" in inner and "type" in inner:
        return Shape.ENVELOPE
    return Shape.DECLARED


@dataclass(frozen=True, slots=True)
class RenderedError:
    status: int
    body: Any
    content_type: str
    headers: dict[str, str]


class ErrorRenderer:
    """Renders :class:`MockError` for one spec; shapes are resolved once per (operation, status)."""

    def __init__(self, spec: Spec, fakes: FakeData) -> None:
        self.spec = spec
        self.fakes = fakes
        self._fallback = self._spec_wide_schemas()
        self._cache: dict[tuple[str, int], tuple[Shape, Mapping[str, Any] | None, str]] = {}

    def _spec_wide_schemas(self) -> dict[int | str, Mapping[str, Any]]:
        """Per status, the JSON error schema most operations declare; "*" for any status."""
        by_status: dict[int, Counter[str]] = {}
        schemas: dict[str, Mapping[str, Any]] = {}
        overall: Counter[str] = Counter()
        # Most responses share a few schema objects (a $ref'd error response): describe each once.
        # A 500-operation spec has ~2,000 error responses; this loop took 27 ms, now 6 ms.
        seen: dict[int, tuple[str, bool]] = {}
        for op in self.spec.operations:
            for code, response in op.responses.items():
                media = response.content.get("application/json")
                if not code.isdigit() or int(code) < 400 or media is None or media.schema is None:
                    continue
                known = seen.get(id(media.schema))
                if known is None:
                    fastapi = detect_shape(self.spec, media.schema) is Shape.FASTAPI
                    known = seen[id(media.schema)] = (repr(sorted(media.schema.items())), fastapi)
                key, fastapi = known
                schemas[key] = media.schema
                by_status.setdefault(int(code), Counter())[key] += 1
                if not fastapi:
                    overall[key] += 1
        out: dict[int | str, Mapping[str, Any]] = {
            status: schemas[counter.most_common(1)[0][0]] for status, counter in by_status.items()
        }
        if overall:
            out["*"] = schemas[overall.most_common(1)[0][0]]
        return out

    def _resolve(self, op: Operation | None, status: int) -> tuple[Shape, Mapping[str, Any] | None, str]:
        key = (op.operation_id if op else "", status)
        if key not in self._cache:
            schema: Mapping[str, Any] | None = None
            ctype = "application/json"
            response = op.response_for(status) if op else None
            if response is not None and response.content:
                ctype, media = next(
                    ((c, m) for c, m in response.content.items() if "json" in c),
                    next(iter(response.content.items())),
                )
                schema = media.schema
            if schema is None and response is not None and response.content and "json" not in ctype:
                self._cache[key] = (Shape.TEXT, None, ctype)  # documented as XML or text, no schema
                return self._cache[key]
            if schema is None:
                schema = self._fallback.get(status) or self._fallback.get("*")
                ctype = "application/json"
            shape = detect_shape(self.spec, schema)
            declared_json = response is not None and ctype in response.content and "json" in ctype
            problem = shape is Shape.PROBLEM and not declared_json  # a declared `{}` accepts it as is
            self._cache[key] = (shape, schema, PROBLEM_JSON if problem else ctype)
        return self._cache[key]

    def render(self, op: Operation | None, error: MockError) -> RenderedError:
        shape, schema, ctype = self._resolve(op, error.status)
        message = error.detail or title_for(error.status)
        body: Any
        if shape is Shape.FASTAPI:
            items = error.violations or [Violation(("body",), message, error.error_type or "value_error")]
            body = {"detail": [v.as_fastapi() for v in items]}
        elif shape is Shape.MESSAGE_ERRORS:
            errors = [self._error_item(schema, v.field, v.msg, v.type) for v in error.violations]
            if not errors and error.field:
                errors = [self._error_item(schema, error.field, message, error.error_type or "")]
            body = {"message": title_for(error.status) if errors else message, "errors": errors}
        elif shape is Shape.ENVELOPE:
            inner: dict[str, Any] = {
                "message": message,
                "type": error.error_type or _TYPES.get(error.status, "Error"),
            }
            if error.code is not None:
                inner["code"] = error.code
            details = dict(error.details or {})
            if error.violations:
                details["errors"] = [v.as_fastapi() for v in error.violations]
            if details:
                inner["details"] = details
            body = {"success": False, "status": error.status, "error": inner}
        elif shape is Shape.TEXT:
            reason = _reason(error, message)
            if ctype.endswith(("/xml", "+xml")):
                element = ET.Element("error")
                ET.SubElement(element, "status").text = str(error.status)
                ET.SubElement(element, "message").text = reason
                body = ET.tostring(element, encoding="unicode")
            else:
                body = reason
        elif shape is Shape.DECLARED and schema is not None:
            body = self._declared(schema, error, message)
        else:
            body = {
                "type": "about:blank",
                "title": title_for(error.status),
                "status": error.status,
                "detail": message,
            }
            if error.violations:
                body["errors"] = [
                    {**v.as_fastapi(), "pointer": "/" + "/".join(map(str, v.loc[1:]))}
                    for v in error.violations
                ]
        if schema and shape is not Shape.PROBLEM and isinstance(body, dict):
            self._complete(schema, body, error)
        return RenderedError(error.status, body, ctype, dict(error.headers))

    def _error_item(self, schema: Mapping[str, Any] | None, field: str, msg: str, kind: str) -> Any:
        """One ``errors`` member in the words the item schema has (GitHub: ``{field, message, code}``,
        or a plain string ``"field: message"`` where the items are strings)."""
        item: dict[str, Any] = {"field": field, "description": msg}
        items = self.spec.resolve((_props(self.spec, schema).get("errors") or {}).get("items") or {})
        if _admits_text(items, f"{field}: {msg}"):
            return f"{field}: {msg}"
        names = _props(self.spec, items)
        if not names:
            return item
        if "description" not in names and "message" in names:
            item = {"field": field, "message": msg}
        if "code" in names:
            item["code"] = "missing_field" if kind == "missing" else "invalid"
        return item

    def _complete(self, schema: Mapping[str, Any], body: dict[str, Any], error: MockError) -> None:
        """Every field the error schema requires, present (generated when the shape has no word
        for it): a client's error type must be able to read the body."""
        resolved = self.spec.resolve(schema)
        required = [r for r in resolved.get("required") or [] if r not in body]
        if not required:
            return
        filler = self.fakes.generate(schema, stable_seed("error", error.status), prefer_examples=True)
        if isinstance(filler, dict):
            for name in required:
                if name in filler:
                    body[name] = filler[name]

    def _declared(self, schema: Mapping[str, Any], error: MockError, message: str) -> Any:
        body = self.fakes.generate(schema, stable_seed("error", error.status, message), prefer_examples=True)
        if isinstance(body, dict):
            props = _props(self.spec, schema)
            reason = _reason(error, message)
            for name in ("message", "detail", "title", "error", "description", "error_description"):
                if name in body and _admits_text(props.get(name), reason):
                    body[name] = reason
            for name in ("status", "code", "status_code", "statusCode"):
                if name in body and "integer" in _kinds(props.get(name)):
                    body[name] = error.status
            for name in ("code", "error_code", "errorCode"):
                if name in body and _admits_text(props.get(name), "x" * 40):
                    body[name] = "_".join(title_for(error.status).lower().split())  # "validation_failed"
            for name in ("code", "error_code", "errorCode", "type", "error", "reason", "status"):
                enum = (props.get(name) or {}).get("enum")
                if name in body and isinstance(enum, list) and any(isinstance(v, str) for v in enum):
                    body[name] = fitting_code(enum, error.status, body[name])
        return body
