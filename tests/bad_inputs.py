"""The bad-input list of the hardening suites, against both bundled APIs, with the answer each gets.

Shared by ``tests/test_hardening.py`` (each once, answer checked against the spec) and
``bench/bench_hardening.py`` (all of them, over and over, interleaved with valid requests).

Every :class:`Bad` names the operation it targets, what to send (or, for what an HTTP client will
not send, the raw bytes), the status it must get at once and, when the API names the offender,
where: Mixpeek's FastAPI 422 ``detail[0].loc``, the hosting API's ``errors[*].field``. The
statuses are the documented ones: a body violation is 422 on every operation (each documents
422), a wrong or missing ``Content-Type`` and a body over the limit are 400 on Mixpeek (it
documents 400, not 415 or 413) and 422 on the hosting API (it documents neither 400 nor 413), an
unknown namespace is Mixpeek's 404 ``NotFoundError``, a path no operation matches is 404 in the
API's own error shape, and a CR or LF inside a header value is refused by the HTTP layer (400)
before the application sees it. A 40-digit integer is refused where the spec bounds the value
(Mixpeek's ``limit`` <= 1000, a ``namespace_name`` string, the hosting API's ``int32`` page and per);
where it does not (Mixpeek's ``offset``), it is valid input and not in this list.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from mockserver.config import DEFAULT_MAX_BODY

BEARER = {"Authorization": "Bearer sk_test"}
API_TOKEN = {"X-Api-Token": "tok_user"}
JSON = {**BEARER, "Content-Type": "application/json"}
NAMESPACE = "real_estate_listings_prod"  # a namespace of the seed-0 world (the default seed)

LIST = ("POST", "/v1/namespaces/migrations/list")
CLONE = ("POST", "/v1/namespaces/{namespace_identifier}/clone")
COLLECTIONS = ("POST", "/v1/collections/list")
HOSTING = ("GET", "/api/migrations")

OVER_LIMIT = DEFAULT_MAX_BODY + 1024 * 1024  # a body 1 MiB over the default --max-body
DEEP = 10_000


@dataclass(frozen=True)
class Bad:
    name: str
    operation: tuple[str, str] | None  # (method, templated path); None: a path no operation matches
    api: str  # "mixpeek" or "hosting": whose error shape the answer has
    method: str
    path: str  # with its query string, already encoded
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None
    status: int = 422
    where: tuple[str | int, ...] | None = None  # Mixpeek loc prefix, or (field,) for hosting
    raw: bytes | None = None  # send these bytes as they are (an HTTP client would refuse them)


def _bodies() -> dict[str, tuple[bytes, tuple[str | int, ...]]]:
    """Bad JSON bodies, and where the violation is located (Mixpeek ``loc`` prefix)."""
    return {
        "malformed": (b"{limit: 5}", ("body",)),
        "truncated": (b'{"limit": 5, "status": "dra', ("body",)),
        "nan": (b'{"limit": NaN}', ("body",)),
        "infinity": (b'{"limit": Infinity}', ("body",)),
        "minus_infinity": (b'{"limit": -Infinity}', ("body",)),
        "deep_nesting": (b'{"status": ' + b"[" * DEEP + b"]" * DEEP + b"}", ("body",)),
        "deep_objects": (b'{"a":' * DEEP + b"1" + b"}" * DEEP, ("body",)),
        "invalid_utf8": (b'{"source_namespace_id": "\xff\xfe"}', ("body",)),
        "not_an_object": (b"[1, 2, 3]", ("body",)),
        "empty": (b"", ("body",)),
    }


def _nested(key: bytes, inner: bytes, depth: int) -> bytes:
    """``{"key": [{"key": [ ... inner ... ]}]}``: an object and an array per level, ``depth`` levels."""
    return (b'{"' + key + b'": [') * depth + inner + b"]}" * depth


def _big() -> bytes:
    return b"[" + b"1," * (OVER_LIMIT // 2) + b"1]"


def catalog(namespace: str = NAMESPACE) -> list[Bad]:
    """Every bad input, for every operation it applies to."""
    clone_path = f"/v1/namespaces/{namespace}/clone"
    scoped = {**JSON, "X-Namespace": namespace}
    bad: list[Bad] = []
    targets = [
        ("list", LIST, LIST[1], JSON),
        ("clone", CLONE, clone_path, JSON),
        ("collections", COLLECTIONS, COLLECTIONS[1], scoped),
    ]
    for label, op, path, headers in targets:
        for name, (body, where) in _bodies().items():
            if label == "collections" and name == "empty":
                continue  # the collections list body is optional (API 0.82): no body is fine
            bad.append(Bad(f"{label}:{name}", op, "mixpeek", "POST", path, headers, body, 422, where))
        plain = {k: v for k, v in headers.items() if k != "Content-Type"}
        for ctype in (None, "text/plain", "application/xml", "multipart/form-data; boundary=x"):
            sent = {**plain, "Content-Type": ctype} if ctype else plain
            bad.append(Bad(f"{label}:content_type={ctype}", op, "mixpeek", "POST", path, sent, b"{}", 400))
        bad.append(Bad(f"{label}:over_limit", op, "mixpeek", "POST", path, headers, _big(), 400))
    forty = "1234567890123456789012345678901234567890"
    leaf = b'{"field": "collection_name", "operator": "eq", "value": "x"}'
    bad += [
        # small bodies nested past the validators' recursion (a 500 before the depth limit)
        Bad(
            "collections:filters_129_deep",
            COLLECTIONS,
            "mixpeek",
            "POST",
            COLLECTIONS[1],
            scoped,
            b'{"filters": ' + _nested(b"AND", leaf, 129) + b"}",
            422,
            ("body",),
        ),
        Bad(
            "clone:include_resources_300_deep",
            CLONE,
            "mixpeek",
            "POST",
            clone_path,
            JSON,
            b'{"namespace_name": "deep", "include_resources": ' + b'{"a": ' * 300 + b"1" + b"}" * 300 + b"}",
            422,
            ("body",),
        ),
        # 40-digit integers, NaN and Infinity where a number is expected
        Bad(
            "list:forty_digits",
            LIST,
            "mixpeek",
            "POST",
            LIST[1],
            JSON,
            b'{"limit": ' + forty.encode() + b"}",
            422,
            ("body", "limit"),
        ),
        Bad(
            "clone:forty_digits",
            CLONE,
            "mixpeek",
            "POST",
            clone_path,
            JSON,
            b'{"namespace_name": ' + forty.encode() + b"}",
            422,
            ("body", "namespace_name"),
        ),
        Bad(
            "clone:forty_digit_flag",
            CLONE,
            "mixpeek",
            "POST",
            clone_path,
            JSON,
            b'{"namespace_name": "x", "include_resources": {"collections": ' + forty.encode() + b"}}",
            422,
            ("body", "include_resources", "collections"),
        ),
        Bad(
            "collections:nan_limit",
            COLLECTIONS,
            "mixpeek",
            "POST",
            f"{COLLECTIONS[1]}?limit=NaN",
            scoped,
            b"{}",
            422,
            ("query", "limit"),
        ),
        Bad(
            "collections:infinity_offset",
            COLLECTIONS,
            "mixpeek",
            "POST",
            f"{COLLECTIONS[1]}?offset=Infinity",
            scoped,
            b"{}",
            422,
            ("query", "offset"),
        ),
        # unicode and percent-encoded path segments: an unknown namespace, in Mixpeek's 404 shape
        Bad(
            "clone:unicode_segment",
            CLONE,
            "mixpeek",
            "POST",
            "/v1/namespaces/%C3%A9%F0%9F%98%80/clone",
            JSON,
            b'{"namespace_name": "u"}',
            404,
        ),
        Bad(
            "clone:invalid_utf8_segment",
            CLONE,
            "mixpeek",
            "POST",
            "/v1/namespaces/%ff%fe/clone",
            JSON,
            b'{"namespace_name": "u"}',
            404,
        ),
        Bad(
            "clone:encoded_slash_dots",
            CLONE,
            "mixpeek",
            "POST",
            "/v1/namespaces/%2E%2E%2F%2E%2E/clone",
            JSON,
            b'{"namespace_name": "u"}',
            404,
        ),
        Bad(
            "clone:nul_segment",
            CLONE,
            "mixpeek",
            "POST",
            "/v1/namespaces/ns%00x/clone",
            JSON,
            b'{"namespace_name": "u"}',
            404,
        ),
        Bad("mixpeek:unknown_unicode_path", None, "mixpeek", "POST", "/v1/%C3%A9/list", JSON, b"{}", 404),
        Bad("mixpeek:long_path", None, "mixpeek", "POST", "/v1/" + "a/" * 500, JSON, b"{}", 404),
        # an unknown namespace in the X-Namespace header, sent as raw UTF-8 bytes
        Bad(
            "collections:unicode_namespace",
            COLLECTIONS,
            "mixpeek",
            "POST",
            COLLECTIONS[1],
            JSON,
            b"{}",
            404,
            raw=_raw_request("POST", COLLECTIONS[1], {**JSON, "X-Namespace": "é😀"}, b"{}"),
        ),
        # the hosting API: its query parameters, its 422 shape, its 404 shape
        Bad(
            "hosting:forty_digit_per",
            HOSTING,
            "hosting",
            "GET",
            f"/api/migrations?per={forty}",
            API_TOKEN,
            None,
            422,
            ("per",),
        ),
        Bad(
            "hosting:forty_digit_page",
            HOSTING,
            "hosting",
            "GET",
            f"/api/migrations?page={forty}",
            API_TOKEN,
            None,
            422,
            ("page",),
        ),
        Bad(
            "hosting:nan_per",
            HOSTING,
            "hosting",
            "GET",
            "/api/migrations?per=NaN",
            API_TOKEN,
            None,
            422,
            ("per",),
        ),
        Bad(
            "hosting:infinity_per",
            HOSTING,
            "hosting",
            "GET",
            "/api/migrations?per=Infinity",
            API_TOKEN,
            None,
            422,
            ("per",),
        ),
        Bad(
            "hosting:minus_infinity_page",
            HOSTING,
            "hosting",
            "GET",
            "/api/migrations?page=-Infinity",
            API_TOKEN,
            None,
            422,
            ("page",),
        ),
        Bad(
            "hosting:invalid_utf8_per",
            HOSTING,
            "hosting",
            "GET",
            "/api/migrations?per=%ff%fe",
            API_TOKEN,
            None,
            422,
            ("per",),
        ),
        Bad(
            "hosting:invalid_utf8_status",
            HOSTING,
            "hosting",
            "GET",
            "/api/migrations?status=%ff",
            API_TOKEN,
            None,
            422,
            ("status",),
        ),
        Bad(
            "hosting:repeated_bad_last",
            HOSTING,
            "hosting",
            "GET",
            "/api/migrations?per=5&per=abc",
            API_TOKEN,
            None,
            422,
            ("per",),
        ),
        Bad("hosting:over_limit", HOSTING, "hosting", "GET", "/api/migrations", API_TOKEN, _big(), 422),
        Bad(
            "hosting:unicode_segment",
            None,
            "hosting",
            "GET",
            "/api/migrations/%C3%A9%F0%9F%98%80",
            API_TOKEN,
            None,
            404,
        ),
        Bad(
            "hosting:invalid_utf8_segment",
            None,
            "hosting",
            "GET",
            "/api/migrations/%ff",
            API_TOKEN,
            None,
            404,
        ),
        Bad(
            "hosting:encoded_dots", None, "hosting", "GET", "/api/migrations/%2E%2E%2F", API_TOKEN, None, 404
        ),
    ]
    # CR/LF inside a header value: the HTTP layer refuses the request (400) before the app runs
    crlf = {
        "cr_in_value": b"\r",
        "lf_in_value": b"\n",
        "obs_fold": b"\r\n continued",  # a folded (multi-line) value, obsolete in RFC 9112
        "nul_in_value": b"\x00",
    }
    for name, inject in crlf.items():
        bad.append(
            Bad(
                f"hosting:{name}",
                HOSTING,
                "http",
                "GET",
                HOSTING[1],
                status=400,
                raw=b"GET /api/migrations HTTP/1.1\r\nHost: x\r\nX-Api-Token: tok_"
                + inject
                + b"user\r\n\r\n",
            )
        )
        bad.append(
            Bad(
                f"list:{name}",
                LIST,
                "http",
                "POST",
                LIST[1],
                status=400,
                raw=b"POST /v1/namespaces/migrations/list HTTP/1.1\r\nHost: x\r\n"
                b"Content-Type: application/json\r\nContent-Length: 2\r\nAuthorization: Bearer sk_"
                + inject
                + b"test\r\n\r\n{}",
            )
        )
    return bad


def _raw_request(method: str, path: str, headers: dict[str, str], body: bytes) -> bytes:
    lines = [f"{method} {path} HTTP/1.1".encode(), b"Host: x", b"Connection: close"]
    lines += [f"{k}: {v}".encode() for k, v in headers.items()]
    lines.append(f"Content-Length: {len(body)}".encode())
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


@dataclass(frozen=True)
class Good:
    """A valid request that must keep getting 200 while bad ones fly."""

    name: str
    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None = None


def valid(namespace: str = NAMESPACE) -> list[Good]:
    return [
        Good("list", "POST", LIST[1], JSON, b'{"limit": 5}'),
        Good("list_unicode", "POST", LIST[1], JSON, '{"source_namespace_id": "ns_ü😀\\u0000"}'.encode()),
        Good(
            "collections",
            "POST",
            COLLECTIONS[1] + "?limit=1&limit=2",
            {**JSON, "X-Namespace": namespace},
            b"{}",
        ),
        Good("hosting", "GET", "/api/migrations?per=5&per=7&page=1&page=2", API_TOKEN),
        Good("health", "GET", "/_mock/health", {}),
    ]
