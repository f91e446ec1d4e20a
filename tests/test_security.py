"""The security stage on its own: which credential each scheme kind accepts, what a refusal says
(message, the field it is about, the challenge header), and how requirements combine (any
requirement, all of its schemes)."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from mockserver.pipeline.errors import MockError
from mockserver.pipeline.security import Security
from oascore import Operation

SCHEMES: dict[str, dict[str, Any]] = {
    "bearer": {"type": "http", "scheme": "bearer"},
    "basic": {"type": "HTTP", "scheme": "Basic"},
    "header_key": {"type": "apiKey", "in": "header", "name": "X-Api-Key"},
    "query_key": {"type": "apiKey", "in": "query", "name": "api_key"},
    "cookie_key": {"type": "apiKey", "in": "cookie", "name": "session"},
    "default_key": {"type": "apiKey", "name": "X-Token"},  # no `in`: a header
    "oauth": {"type": "oauth2", "flows": {}},
    "oidc": {"type": "openIdConnect", "openIdConnectUrl": "https://example.test"},
    "mtls": {"type": "mutualTLS"},
}


def _security(*requirements: dict[str, tuple[str, ...]]) -> Security:
    op = Operation("GET", "/x", "x", "", (), None, {}, tuple(requirements))
    return Security(op, SCHEMES)


def _basic(text: str) -> str:
    return "Basic " + base64.b64encode(text.encode()).decode()


def _refusal(
    security: Security,
    headers: dict[str, str] | None = None,
    query: dict[str, list[str]] | None = None,
    cookies: dict[str, str] | None = None,
) -> MockError:
    with pytest.raises(MockError) as caught:
        security.authenticate(headers or {}, query or {}, cookies or {})
    assert caught.value.status == 401
    return caught.value


def test_no_requirement_an_empty_one_or_an_uncheckable_one_is_open() -> None:
    assert _security().open and _security().authenticate({}, {}, {}) is None
    assert _security({"bearer": ()}, {}).open  # `{}` among the alternatives: anonymous allowed
    assert _security({"mtls": ()}).open and _security({"nowhere": ()}).open
    assert not _security({"bearer": ()}).open
    assert _security({"mtls": ()}).challenge() == {} and _security().credential_field() is None


@pytest.mark.parametrize("scheme", ["bearer", "oauth", "oidc"])
def test_bearer_kinds_take_the_token_after_the_scheme_word(scheme: str) -> None:
    security = _security({scheme: ()})
    assert security.authenticate({"authorization": "Bearer sk_1"}, {}, {}) == "sk_1"
    assert security.authenticate({"authorization": "  bearer   sk_2  "}, {}, {}) == "sk_2"
    assert security.challenge() == {"WWW-Authenticate": 'Bearer error="invalid_token"'}
    assert security.credential_field() == "Authorization"


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (None, "Missing Authorization header"),
        ("", "Missing Authorization header"),
        ("Bearer", "Authorization header must be 'Bearer <token>'"),
        ("Bearer   ", "Authorization header must be 'Bearer <token>'"),
        ("Token sk_1", "Authorization header must be 'Bearer <token>'"),
        (_basic("u:p"), "Authorization header must be 'Bearer <token>'"),
    ],
)
def test_a_refused_bearer_says_why_names_the_header_and_challenges(header: str | None, message: str) -> None:
    headers = {} if header is None else {"authorization": header}
    error = _refusal(_security({"bearer": ()}), headers)
    assert (error.detail, error.field) == (message, "Authorization")
    assert error.headers == {"WWW-Authenticate": "Bearer"}


def test_basic_answers_the_user_name() -> None:
    security = _security({"basic": ()})
    assert security.authenticate({"authorization": _basic("ada:s3cret:with:colons")}, {}, {}) == "ada"
    assert security.authenticate({"authorization": "basic " + _basic("bob:")[6:]}, {}, {}) == "bob"
    assert security.challenge() == {"WWW-Authenticate": 'Basic realm="specmock"'}
    assert security.credential_field() == "Authorization"


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("Bearer sk_1", "Authorization header must be 'Basic <credentials>'"),
        ("Basic", "Authorization header must be 'Basic <credentials>'"),
        ("Basic not*base64", "Basic credentials are not valid base64"),
        ("Basic " + base64.b64encode(b"\xff\xfe:x").decode(), "Basic credentials are not valid base64"),
        (_basic("no-colon"), "Basic credentials must be 'user:password'"),
    ],
)
def test_a_refused_basic_says_why_and_challenges_with_the_realm(header: str, message: str) -> None:
    error = _refusal(_security({"basic": ()}), {"authorization": header})
    assert (error.detail, error.field) == (message, "Authorization")
    assert error.headers == {"WWW-Authenticate": 'Basic realm="specmock"'}


def test_api_keys_are_read_where_the_scheme_says() -> None:
    assert _security({"header_key": ()}).authenticate({"x-api-key": " k1 "}, {}, {}) == "k1"
    assert _security({"default_key": ()}).authenticate({"x-token": "k2"}, {}, {}) == "k2"
    assert _security({"query_key": ()}).authenticate({}, {"api_key": ["old", "k3"]}, {}) == "k3"
    assert _security({"cookie_key": ()}).authenticate({}, {}, {"session": "k4"}) == "k4"
    # the right name in the wrong place is no credential
    assert _refusal(_security({"query_key": ()}), headers={"api_key": "k"}).field == "api_key"
    assert _refusal(_security({"cookie_key": ()}), query={"session": ["k"]}).field == "session"
    assert _security({"header_key": ()}).credential_field() == "X-Api-Key"
    assert _security({"header_key": ()}).challenge() == {}


@pytest.mark.parametrize(
    ("scheme", "where", "message"),
    [
        ("header_key", {"headers": {"x-api-key": "  "}}, "Missing API key in header 'X-Api-Key'"),
        ("query_key", {"query": {"api_key": []}}, "Missing API key in query 'api_key'"),
        ("query_key", {"query": {"api_key": [""]}}, "Missing API key in query 'api_key'"),
        ("cookie_key", {}, "Missing API key in cookie 'session'"),
    ],
)
def test_a_missing_api_key_names_its_place_without_a_challenge(
    scheme: str, where: dict[str, Any], message: str
) -> None:
    error = _refusal(_security({scheme: ()}), **where)
    assert (error.detail, error.field, error.headers) == (message, SCHEMES[scheme]["name"], {})


def test_one_requirement_needs_all_its_schemes_and_answers_the_first_credential() -> None:
    security = _security({"header_key": (), "bearer": ()})
    assert security.authenticate({"x-api-key": "k", "authorization": "Bearer t"}, {}, {}) == "k"
    missing_token = _refusal(security, {"x-api-key": "k"})
    assert (missing_token.detail, missing_token.field) == ("Missing Authorization header", "Authorization")
    assert missing_token.headers == {"WWW-Authenticate": "Bearer"}
    assert security.credential_field() == "X-Api-Key"
    assert security.challenge() == {"WWW-Authenticate": 'Bearer error="invalid_token"'}


def test_any_requirement_will_do_and_a_refusal_reports_the_first() -> None:
    security = _security({"query_key": ()}, {"basic": ()}, {"bearer": ()})
    assert security.authenticate({"authorization": "Bearer t"}, {}, {}) == "t"
    assert security.authenticate({"authorization": _basic("ada:x")}, {}, {}) == "ada"
    assert security.authenticate({}, {"api_key": ["k"]}, {}) == "k"
    error = _refusal(security)
    assert (error.detail, error.field) == ("Missing API key in query 'api_key'", "api_key")
    # the challenge is the first HTTP scheme's, though an API key was the first problem
    assert error.headers == {"WWW-Authenticate": 'Basic realm="specmock"'}
    assert security.challenge() == {"WWW-Authenticate": 'Bearer error="invalid_token"'}


def test_an_api_key_scheme_missing_its_name_or_place_is_read_as_a_nameless_header() -> None:
    nameless = Security(
        Operation("GET", "/x", "x", "", (), None, {}, ({"k": ()},)), {"k": {"type": "apiKey"}}
    )
    error = _refusal(nameless, {"none": "k", "None": "k"})
    assert (error.detail, error.field) == ("Missing API key in header ''", "")
    error = _refusal(_security({"default_key": ()}), query={"X-Token": ["k"]})
    assert error.detail == "Missing API key in header 'X-Token'"
