"""The upstream: one pooled httpx client, a request forwarded as it came, failures named.

Bodies stream both ways: the request body reaches the upstream as an iterator of the chunks read
(what the spec check kept and the rest as it arrives), the response is read chunk by chunk
(:meth:`UpstreamAnswer.chunks`). TLS certificates are verified unless a CA bundle says otherwise.
"""

from __future__ import annotations

import logging
import ssl
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx

from mockserver.proxy.headers import VIA, end_to_end

logging.getLogger("httpx").setLevel(logging.WARNING)  # one INFO line per forwarded request otherwise


class UpstreamError(Exception):
    """The upstream gave no answer: ``status`` is 502 (refused, reset, TLS) or 504 (timed out)."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


@dataclass(slots=True)
class UpstreamAnswer:
    status: int
    headers: list[tuple[str, str]]  # end to end, as they came (repeated names kept)
    response: httpx.Response

    async def chunks(self) -> AsyncIterator[bytes]:
        """The body as the upstream sent it (still content-encoded: it passes through unchanged)."""
        try:
            async for chunk in self.response.aiter_raw():
                yield chunk
        except httpx.TimeoutException:
            raise UpstreamError(504, "the upstream stopped sending its response (timed out)") from None
        except httpx.HTTPError as exc:
            raise UpstreamError(502, f"the upstream broke off its response: {exc}") from None

    async def close(self) -> None:
        await self.response.aclose()


class Upstream:
    """``base_url`` (``https://api.example.com/prefix``): every request's path is appended to it."""

    def __init__(self, base_url: str, *, timeout: float = 30.0, ca_file: str | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        verify: ssl.SSLContext | bool = ssl.create_default_context(cafile=ca_file) if ca_file else True
        self._client = httpx.AsyncClient(
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
            verify=verify,
            follow_redirects=False,  # a redirect is the upstream's answer, for the client to follow
            trust_env=False,  # never route through a proxy the environment names
            limits=httpx.Limits(max_connections=256, max_keepalive_connections=64),
        )

    async def open(
        self,
        method: str,
        target: str,
        headers: list[tuple[str, str]],
        body: AsyncIterator[bytes] | bytes,
    ) -> UpstreamAnswer:
        """Send the request; the answer's body is still to be read (:meth:`UpstreamAnswer.chunks`)."""
        forwarded = [*end_to_end(headers), VIA]
        try:
            request = self._client.build_request(
                method, self.base_url + target, headers=forwarded, content=body
            )
            response = await self._client.send(request, stream=True)
        except httpx.TimeoutException as exc:
            raise UpstreamError(
                504, f"the upstream {self.base_url} did not answer in time ({_name(exc)})"
            ) from None
        except httpx.ConnectError as exc:
            raise UpstreamError(
                502, f"cannot connect to the upstream {self.base_url}: {_tls_or(exc)}"
            ) from None
        except httpx.HTTPError as exc:
            raise UpstreamError(502, f"the upstream {self.base_url} failed: {_name(exc)}: {exc}") from None
        kept = end_to_end(response.headers.multi_items())
        return UpstreamAnswer(response.status_code, kept, response)

    async def aclose(self) -> None:
        await self._client.aclose()


def _name(exc: Exception) -> str:
    return type(exc).__name__


def _tls_or(exc: Exception) -> str:
    text = str(exc) or _name(exc)
    if "CERTIFICATE" in text.upper() or "SSL" in text.upper():
        return f"TLS verification failed ({text})"
    return text
