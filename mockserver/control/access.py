"""Who may use ``/_mock/``: loopback clients, others only with ``X-Admin-Token`` matching
``--admin-token`` (and never when no admin token is set)."""

from __future__ import annotations

import hmac
import ipaddress

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from mockserver.control.problems import problem_response


def is_loopback(host: str | None) -> bool:
    if host is None:
        return False
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


class AdminGate:
    """ASGI middleware in front of the control plane and the dashboard."""

    def __init__(self, app: ASGIApp, admin_token: str | None) -> None:
        self.app = app
        self.admin_token = admin_token

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.allows(scope):
            await self.app(scope, receive, send)
            return
        reason = (
            "send X-Admin-Token"
            if self.admin_token
            else "start the server with --admin-token to allow remote clients"
        )
        response = problem_response(403, f"The control plane answers loopback clients only; {reason}")
        await response(scope, receive, send)

    def allows(self, scope: Scope) -> bool:
        client = scope.get("client")
        if is_loopback(client[0] if client else None):
            return True
        token = self.admin_token
        if not token:
            return False
        given = Headers(scope=scope).get("x-admin-token", "")
        return hmac.compare_digest(given.encode(), token.encode())
