"""The control plane refuses cross-site use: a web page open in the developer's browser is a
loopback client too, so the loopback rule (:mod:`mockserver.control.access`) cannot stop it.

* ``Host`` must be a loopback name (``localhost``, ``*.localhost``), an IP address, the ``--host``
  the server binds, or a name given with ``--allowed-host``: a page on ``evil.example`` whose DNS
  name is rebound to 127.0.0.1 sends ``Host: evil.example`` and is refused (DNS rebinding).
* ``Origin``, when sent, must be the origin of ``Host`` itself (the dashboard is same-origin).
  Browsers send ``Origin`` with every request that is not a GET or HEAD, so a page cannot change
  state from another origin, ``Origin: null`` (sandboxed frames, files) included.
* A state-changing call (POST, PUT, PATCH, DELETE) carries a JSON ``Content-Type``, the header
  ``X-Specmock-Control``, or no body at all: the content types a cross-site "simple request" may
  send without a preflight (``text/plain``, forms, multipart) are refused.

No CORS headers are ever sent for ``/_mock/*`` (the API's own CORS stays as it is).
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from mockserver.control.problems import problem_response

CONTROL_HEADER = "x-specmock-control"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _hostname(authority: str) -> str:
    """The host of a ``Host`` header value (``[::1]:4010`` -> ``::1``), lower-case."""
    return (urlsplit(f"//{authority}").hostname or "").lower()


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def _is_json(content_type: str) -> bool:
    media = content_type.split(";", 1)[0].strip().lower()
    return media == "application/json" or (media.startswith("application/") and media.endswith("+json"))


class CrossSiteGuard:
    """ASGI middleware in front of ``/_mock/*``: the three rules of this module's docstring."""

    def __init__(self, app: ASGIApp, allowed_hosts: frozenset[str] = frozenset()) -> None:
        self.app = app
        self.allowed_hosts = frozenset(host.lower() for host in allowed_hosts)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        refusal = self.refusal(scope) if scope["type"] == "http" else None
        if refusal is None:
            await self.app(scope, receive, send)
            return
        status, detail = refusal
        await problem_response(status, detail)(scope, receive, send)

    def refusal(self, scope: Scope) -> tuple[int, str] | None:
        """``(status, why)`` when the request is refused, else ``None``."""
        headers = Headers(scope=scope)
        authority = headers.get("host", "")
        host = _hostname(authority)
        if not self.host_allowed(host):
            return 403, (
                f"Host {host or authority!r} is not a loopback name; the control plane answers"
                f" localhost and IP addresses (start with --allowed-host {host or 'NAME'} to allow it)"
            )
        origin = headers.get("origin")
        if origin is not None and urlsplit(origin).netloc.lower() != authority.lower():
            return 403, f"Cross-site requests to the control plane are refused (Origin: {origin})"
        if scope["method"] in SAFE_METHODS or CONTROL_HEADER in headers:
            return None
        content_type = headers.get("content-type")
        if (
            content_type is None
            and headers.get("content-length", "0") == "0"
            and "transfer-encoding" not in headers
        ):
            return None  # a bare `curl -X POST`: no body a page could have chosen
        if content_type is None or not _is_json(content_type):
            return 415, (
                "Control calls that change state take Content-Type: application/json"
                f" (or the header X-Specmock-Control), not {content_type or 'a body without a type'}"
            )
        return None

    def host_allowed(self, host: str) -> bool:
        return (
            host == "localhost" or host.endswith(".localhost") or _is_ip(host) or host in self.allowed_hosts
        )
