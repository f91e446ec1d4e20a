"""cURL lines that reproduce a request: the evidence a finding carries.

Credentials, and only credentials, are masked (``[Filtered]``), so reports can be shared: the
``Authorization``, ``Proxy-Authorization``, ``Cookie`` and ``Set-Cookie`` headers, and the header,
query and cookie names the spec's ``securitySchemes`` declare, and the headers the user sends with
``--header`` whose names say they carry a credential (:func:`credential_names`). A body field merely
named ``key`` or ``token`` is data and stays as sent. Put your own credential back to replay.
"""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Collection, Mapping
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

CREDENTIAL_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie"})
MASK = "[Filtered]"


# a header the user sends with ``--header`` under one of these words carries a credential even when
# the spec declares no scheme for it (a gateway's key, a second key beside a declared bearer)
_CREDENTIAL_WORDS = re.compile(r"auth|key|token|secret|session|password|passwd|signature|cookie", re.I)


def credential_names(
    security_schemes: Mapping[str, Any], sent_headers: Collection[str] = ()
) -> frozenset[str]:
    """Every name a credential travels under (lower-cased): the fixed headers, each apiKey's name,
    and each header the user sends (``--header``) whose name says it is a credential. Only these are
    masked: a body field merely named ``key`` is shown as sent."""
    names = set(CREDENTIAL_HEADERS)
    for scheme in security_schemes.values():
        if isinstance(scheme, Mapping) and scheme.get("type") == "apiKey" and scheme.get("name"):
            names.add(str(scheme["name"]).lower())
    names.update(name.lower() for name in sent_headers if _CREDENTIAL_WORDS.search(name))
    return frozenset(names)


def masked(name: str, value: str, secrets: Collection[str] = CREDENTIAL_HEADERS) -> str:
    return MASK if name.lower() in secrets else value


def masked_url(url: str, secrets: Collection[str]) -> str:
    """``url`` with the values of credential query parameters masked."""
    parts = urlsplit(url)
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    if not any(name.lower() in secrets for name, _ in pairs):
        return url
    query = urlencode([(name, masked(name, value, secrets)) for name, value in pairs], safe="[]")
    return urlunsplit(parts._replace(query=query))


def curl_line(
    method: str,
    url: str,
    *,
    headers: Mapping[str, str] | None = None,
    body: Any = None,
    has_body: bool = False,
    secrets: Collection[str] = CREDENTIAL_HEADERS,
) -> str:
    """One shell-safe ``curl`` command; ``body`` is sent as JSON when ``has_body`` is true.
    ``secrets``: the lower-cased header and query names whose values are masked."""
    parts = ["curl", "-X", method.upper(), shlex.quote(masked_url(url, secrets))]
    for name, value in (headers or {}).items():
        parts += ["-H", shlex.quote(f"{name}: {masked(name, value, secrets)}")]
    if has_body:
        if not any(name.lower() == "content-type" for name in headers or {}):
            parts += ["-H", shlex.quote("Content-Type: application/json")]
        parts += ["-d", shlex.quote(json.dumps(body, separators=(",", ":")))]
    return " ".join(parts)
