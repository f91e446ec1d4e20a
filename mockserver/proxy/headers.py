"""Which headers cross the proxy (RFC 9110 section 7.6.1) and which are never written down."""

from __future__ import annotations

from collections.abc import Iterable

HOP_BY_HOP = frozenset(
    {
        "connection",
        "proxy-connection",
        "keep-alive",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "proxy-authenticate",
        "proxy-authorization",
    }
)
"""Connection-specific fields a proxy consumes instead of forwarding (RFC 9110 7.6.1, RFC 9112)."""

VIA = ("via", "1.1 specmock")
SERVED_BY = "x-specmock-served-by"


def end_to_end(headers: Iterable[tuple[str, str]], *, drop: Iterable[str] = ()) -> list[tuple[str, str]]:
    """``headers`` without the hop-by-hop ones, those ``Connection`` names, ``drop`` (lower-case names),
    and the framing the next hop recomputes (``content-length``, ``host``)."""
    pairs = [(name.lower(), value) for name, value in headers]
    named = {
        token.strip().lower() for name, value in pairs if name == "connection" for token in value.split(",")
    }
    skipped = HOP_BY_HOP | named | set(drop) | {"content-length", "host"}
    return [(name, value) for name, value in pairs if name not in skipped]
