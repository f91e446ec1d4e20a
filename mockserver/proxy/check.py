"""One exchange held to the served specs: which operation, what the spec says of the request, and the
drift (``oascore.drift.exchange``) against closed response schemas, compiled once per spec."""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

import orjson

from mockserver.catalog import Catalog, CompiledOperation
from oascore import Spec, spec_from_document
from oascore.drift.closing import close_response_schemas
from oascore.drift.exchange import Answer, Sent, exchange_drift
from oascore.findings import Finding


@dataclass(slots=True)
class Located:
    """Where a request lands in the served specs: its operation (``None``: undocumented)."""

    spec: str | None
    compiled: CompiledOperation | None
    path_params: dict[str, str]

    @property
    def label(self) -> str | None:
        return self.compiled.operation.label if self.compiled is not None else None


class SpecCheck:
    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self._closed: dict[str, Spec] = {}

    def locate(
        self, method: str, path: str, query_string: str = "", headers: Mapping[str, str] | None = None
    ) -> Located:
        """The operation a request reaches; the query and (lower-case) headers pick among operations
        told apart by a fragment (``/#Action=X``, ``/#X-Amz-Target=Svc.Op``), as the mock routes."""
        match = self.catalog.router.match(method, path, headers=headers, query_string=query_string)
        if match is None or match.operation is None:
            return Located(None, None, {})
        served = self.catalog.specs[match.owner]
        return Located(match.owner, served.operations[match.operation.label], dict(match.path_params))

    def sent(
        self, located: Located, query_string: str, headers: Mapping[str, str], body: bytes | None
    ) -> Sent:
        """The request as the spec sees it; ``body`` ``None``: too large to hold, not checked."""
        compiled = located.compiled
        if compiled is None:
            return Sent()
        query = parse_qs(query_string, keep_blank_values=True) if query_string else {}
        cookies = _cookies(headers.get("cookie", ""))
        values, violations = compiled.validator.parameters(located.path_params, query, headers, cookies)
        params: dict[str, dict[str, Any]] = {"path": {}, "query": {}, "header": {}, "cookie": {}}
        for param in compiled.operation.parameters:
            value = _raw(param.location, param.name, located.path_params, query, headers, cookies)
            if value is not None and param.location in params:
                params[param.location][param.name] = value
        for loc, coerced in values.items():
            params[loc].update(coerced)
        payload: Any = None
        declared = compiled.operation.body
        if body and declared is not None:
            ctype = headers.get("content-type", "").split(";", 1)[0].strip().lower()
            if "json" in ctype:
                try:
                    payload = orjson.loads(body)
                except ValueError:
                    payload = None
                else:
                    key = ctype if ctype in declared.content else "application/json"
                    violations.extend(compiled.validator.body(key, payload))
        return Sent(params=params, body=payload, violations=tuple(violations))

    def drift(self, located: Located, sent: Sent, answer: Answer, *, closed: bool = True) -> list[Finding]:
        """The exchange's findings; ``closed``: an undocumented response field is drift too (the spec
        as written allows it unless it says ``additionalProperties: false``)."""
        if located.compiled is None or located.spec is None:
            return []
        spec = self.catalog.specs[located.spec].spec
        checked = self._checked(located.spec) if closed else spec
        return exchange_drift(spec, checked, located.compiled.operation, sent, answer)

    def _checked(self, name: str) -> Spec:
        if name not in self._closed:
            spec = self.catalog.specs[name].spec
            self._closed[name] = spec_from_document(close_response_schemas(spec.doc), spec.source, owned=True)
        return self._closed[name]


def decoded(body: bytes, encoding: str) -> bytes | None:
    """``body`` without its content coding (gzip, deflate), or ``None`` when it cannot be read."""
    coding = encoding.strip().lower()
    try:
        if coding in ("", "identity"):
            return body
        if coding in ("gzip", "x-gzip"):
            return gzip.decompress(body)
        if coding == "deflate":
            return zlib.decompress(body)
    except (OSError, zlib.error, EOFError):
        return None
    return None


def _cookies(header: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for part in header.split(";"):
        name, sep, value = part.strip().partition("=")
        if sep:
            out[name] = value
    return out


def _raw(
    location: str,
    name: str,
    path: Mapping[str, str],
    query: Mapping[str, list[str]],
    headers: Mapping[str, str],
    cookies: Mapping[str, str],
) -> Any:
    if location == "path":
        return path.get(name)
    if location == "query":
        values = query.get(name)
        return values[-1] if values else None
    if location == "header":
        return headers.get(name.lower())
    return cookies.get(name)
