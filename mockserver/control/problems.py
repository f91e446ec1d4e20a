"""The control plane's errors: RFC 9457 ``application/problem+json``."""

from __future__ import annotations

from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from mockserver.jsonio import dump_json
from mockserver.pipeline.errors import PROBLEM_JSON, MockError, title_for


def json_response(body: Any, status: int = 200) -> Response:
    return Response(dump_json(body), status_code=status, media_type="application/json")


def problem_response(status: int, detail: str, headers: dict[str, str] | None = None) -> Response:
    body = {"type": "about:blank", "title": title_for(status), "status": status, "detail": detail}
    return Response(dump_json(body), status_code=status, headers=headers, media_type=PROBLEM_JSON)


def from_mock_error(error: MockError) -> Response:
    return problem_response(error.status, error.detail, error.headers)


async def from_http_exception(request: Request, exc: Exception) -> Response:
    """Starlette's own refusals under ``/_mock/`` (no such endpoint, wrong method, body too large)."""
    assert isinstance(exc, HTTPException)
    method, path = request.method, request.url.path
    if exc.status_code == 404:
        detail = f"No control endpoint {method} {path}; see GET /_mock"
    elif exc.status_code == 405:
        allowed = (exc.headers or {}).get("Allow", "")
        detail = f"{method} is not allowed on {path}; allowed: {allowed}"
    elif exc.status_code == 413 and path.rstrip("/") == "/_mock/state":
        detail = "The state to import exceeds the limit set by --max-import"
    elif exc.status_code == 413:
        detail = "Request body exceeds the limit set by --max-body"
    else:
        detail = exc.detail
    return problem_response(exc.status_code, detail, dict(exc.headers or {}))
