"""The core pipeline through a real server: auth, validation, error shapes, Prefer, CORS."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from mockserver.apis.common.worldkit import ANCHOR
from mockserver.app import create_app
from mockserver.config import DEFAULT_MAX_BODY, Config
from mockserver.testing import run_server
from oascore import load_spec
from tests.conftest import API_TOKEN, BEARER, HOSTING, MIXPEEK
from tests.oracle import assert_response_valid
from tests.rawhttp import exchange

LIST = "/v1/namespaces/migrations/list"
JSON_TYPE = "application/json"


def _valid(response: httpx.Response, path: str = LIST, spec: Any = MIXPEEK) -> None:
    """The answer is what the document (as written) promises for its status on ``path``."""
    method = response.request.method
    assert_response_valid(spec, path, method, response.status_code, JSON_TYPE, response.json())


def test_migrations_list_is_valid_against_the_spec(client: httpx.Client) -> None:
    response = client.post(LIST, headers=BEARER, json={"limit": 5})
    assert response.status_code == 200
    body = response.json()
    _valid(response)
    assert body["limit"] == 5 and len(body["results"]) <= 5


def test_missing_bearer_is_401_in_error_response_shape(client: httpx.Client) -> None:
    response = client.post(LIST, json={"limit": 5})
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    body = response.json()
    _valid(response)
    assert body["status"] == 401 and body["success"] is False


@pytest.mark.parametrize("header", ["Basic abc", "Bearer", "Token sk_test", "sk_test"])
def test_malformed_bearer_is_401(client: httpx.Client, header: str) -> None:
    assert client.post(LIST, headers={"Authorization": header}, json={}).status_code == 401


def test_limit_above_maximum_names_body_limit(client: httpx.Client) -> None:
    response = client.post(LIST, headers=BEARER, json={"limit": 1001})
    assert response.status_code == 422
    detail = response.json()["detail"]
    _valid(response)
    assert [d["loc"] for d in detail] == [["body", "limit"]]
    assert detail[0]["type"] == "less_than_equal"


def test_every_violation_is_named(client: httpx.Client) -> None:
    body = {"limit": 0, "offset": -1, "status": "nope", "migration_type": 3}
    detail = client.post(LIST, headers=BEARER, json=body).json()["detail"]
    assert sorted(tuple(d["loc"]) for d in detail) == [
        ("body", "limit"),
        ("body", "migration_type"),
        ("body", "offset"),
        ("body", "status"),
    ]
    status_error = next(d for d in detail if d["loc"] == ["body", "status"])
    assert status_error["type"] == "enum" and "'draft'" in status_error["msg"]


def test_truncated_json_is_answered_at_once(mock_url: str) -> None:
    request = (
        f"POST {LIST} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer sk\r\n"
        'Content-Type: application/json\r\nContent-Length: 11\r\n\r\n{"limit": 5'
    ).encode()
    reply = exchange(mock_url, request, timeout=5)
    assert reply.status == 422, reply
    assert b"json_invalid" in reply.body  # answered at all: the socket's 5 s timeout bounds the wait


def test_wrong_content_type_and_oversized_body_are_4xx(client: httpx.Client) -> None:
    wrong = client.post(LIST, headers={**BEARER, "Content-Type": "text/plain"}, content=b"limit=5")
    assert wrong.status_code == 400 and "Content-Type" in wrong.json()["error"]["message"]
    big = client.post(
        LIST, headers={**BEARER, "Content-Type": "application/json"}, content=b" " * (DEFAULT_MAX_BODY + 1)
    )
    assert big.status_code == 400 and "limit" in big.json()["error"]["message"]


def test_body_limit_is_configurable() -> None:
    with run_server(create_app(Config(max_body=64))) as url:
        response = httpx.post(url + LIST, headers=BEARER, json={"source_namespace_id": "x" * 100})
    assert response.status_code == 400


def test_hosting_token_and_its_error_shape(client: httpx.Client) -> None:
    ok = client.get("/api/migrations", headers=API_TOKEN)
    assert ok.status_code == 200
    _valid(ok, "/api/migrations", HOSTING)
    missing = client.get("/api/migrations")
    assert missing.status_code == 401
    assert missing.json()["message"] == "Unauthorized"
    assert missing.json()["errors"][0]["field"] == "X-Api-Token"
    bad = client.get("/api/migrations", params={"per": "abc"}, headers=API_TOKEN)
    assert bad.status_code == 422
    assert bad.json()["message"] == "Validation failed"
    assert [e["field"] for e in bad.json()["errors"]] == ["per"]


def test_unknown_route_and_method(client: httpx.Client) -> None:
    missing = client.get("/v1/nothing/here", headers=BEARER)
    assert missing.status_code == 404 and missing.json()["error"]["type"] == "NotFoundError"
    wrong = client.delete(LIST, headers=BEARER)
    assert wrong.status_code == 405 and wrong.headers["allow"] == "POST"
    # only /_mock and what is below it is the control plane's: a look-alike is the API's own 404
    for path in ("/_mockery", "/_mock_state"):
        lookalike = client.get(path, headers=BEARER)
        assert lookalike.status_code == 404 and f"No route for GET {path}" in lookalike.text, path
    assert client.get("/_mock").status_code == 200 and client.get("/_mock/health").status_code == 200
    assert client.get("/%5Fmock/health").status_code == 200  # the decoded path decides, as Starlette's


def test_prefer_code_and_undocumented_code(client: httpx.Client) -> None:
    forced = client.post(LIST, headers={**BEARER, "Prefer": "code=404"}, json={})
    assert forced.status_code == 404
    _valid(forced)

    def served_404() -> int:
        coverage = client.get("/_mock/coverage").json()["operations"]
        op = next(o for o in coverage if o["operation"] == "POST /v1/namespaces/migrations/list")
        return int(op["served"].get("404", 0))

    before = served_404()
    undocumented = client.post(LIST, headers={**BEARER, "Prefer": "code=418"}, json={})
    # answered as Prism does, marked as the mock's own error, and not the API's coverage
    assert undocumented.status_code == 404 and undocumented.headers["x-specmock-error"] == "prefer"
    problem = undocumented.json()
    assert problem["type"] == "https://stoplight.io/prism/errors#NOT_FOUND"
    assert "Requested status code 418 is not defined" in problem["detail"]
    assert "200, 400, 401, 403, 404, 422, 500" in problem["detail"]
    assert served_404() == before
    entry = client.get("/_mock/journal", params={"limit": 1, "status": 404}).json()["entries"][0]
    assert entry["by_mock"] and "418" in entry["reason"]
    fallback = client.post(LIST + "?__code=403", headers=BEARER, json={})
    assert fallback.status_code == 403


def test_prefer_example_serves_the_named_example(client: httpx.Client) -> None:
    spec = load_spec(MIXPEEK)
    collections = "/v1/collections/list"
    op = next(o for o in spec.operations if o.path == collections)
    examples = op.responses["404"].content["application/json"].examples
    assert examples, "the bundled spec documents a named 404 example for the collections list"
    name, value = next(iter(examples.items()))
    namespace = client.get("/_mock/state").json()["apis"]["Mixpeek API"]["namespaces"][0]["namespace_id"]
    headers = {**BEARER, "X-Namespace": namespace, "Prefer": f"code=404, example={name}"}
    response = client.post(collections, headers=headers, json={})
    assert response.status_code == 404 and response.json() == value
    unknown = client.post(LIST, headers={**BEARER, "Prefer": "code=404, example=nope"}, json={})
    assert unknown.status_code == 404 and "exampleKey: nope does not exist" in unknown.json()["detail"]


def test_bad_prefer_values_are_400(client: httpx.Client) -> None:
    for header in ("code=abc", "dynamic=maybe", "seed=-1"):
        assert client.post(LIST, headers={**BEARER, "Prefer": header}, json={}).status_code == 400


def test_dynamic_generation_is_deterministic_per_seed(client: httpx.Client) -> None:
    headers = {**BEARER, "Prefer": "dynamic=true, seed=7"}
    first = client.post(LIST, headers=headers, json={"limit": 3}).content
    again = client.post(LIST, headers=headers, json={"limit": 3}).content
    other = client.post(LIST, headers={**BEARER, "Prefer": "dynamic=true, seed=8"}, json={"limit": 3}).content
    assert first == again
    assert first != other
    assert_response_valid(MIXPEEK, LIST, "POST", 200, JSON_TYPE, httpx.Response(200, content=first).json())
    assert httpx.Response(200, content=first).json()["limit"] == 3  # echoed, not random


def test_same_seed_same_bytes_across_servers() -> None:
    bodies = []
    for _ in range(2):
        with run_server(create_app(Config(seed=42, anchor=ANCHOR))) as url:  # pinned: compared bytes
            bodies.append(httpx.post(url + LIST, headers=BEARER, json={"limit": 7}).content)
    assert bodies[0] == bodies[1]


def test_cors_on_by_default_and_off_with_flag(client: httpx.Client) -> None:
    origin = {"Origin": "http://localhost:5173"}
    preflight = client.options(
        LIST,
        headers={
            **origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization,content-type",
        },
    )
    assert preflight.status_code == 200  # Starlette's CORSMiddleware answers a preflight 200 OK
    assert preflight.headers["access-control-allow-origin"] == "http://localhost:5173"
    assert "authorization" in preflight.headers["access-control-allow-headers"]
    simple = client.post(LIST, headers={**BEARER, **origin}, json={})
    assert simple.headers["access-control-allow-origin"] == "http://localhost:5173"
    with run_server(create_app(Config(cors=False))) as url:
        plain = httpx.post(url + LIST, headers={**BEARER, **origin}, json={})
    assert "access-control-allow-origin" not in plain.headers


STRICT_SPEC = """
openapi: 3.1.0
info: {title: Strict, version: '1'}
paths:
  /things:
    get:
      responses:
        '200':
          description: a thing
          content:
            application/json:
              schema:
                type: object
                required: [id]
                properties: {id: {type: integer, minimum: 1}}
              examples: EXAMPLES
"""
BROKEN = "{bad: {value: {id: 0}}, good: {value: {id: 7}}}"  # id 0 breaks minimum: 1
CLEAN = "{good: {value: {id: 7}}}"


def _strict_spec(tmp_path: Any, examples: str) -> str:
    path = tmp_path / "strict.yaml"
    path.write_text(STRICT_SPEC.replace("EXAMPLES", examples))
    return str(path)


def _messages(caplog: pytest.LogCaptureFixture, needle: str) -> list[str]:
    return [r.getMessage() for r in caplog.records if needle in r.getMessage()]


@pytest.mark.parametrize("examples", [BROKEN, CLEAN])
def test_an_example_that_breaks_its_own_schema_is_warned_of_once_and_not_served(
    tmp_path: Any, caplog: pytest.LogCaptureFixture, examples: str
) -> None:
    """README: such a spec starts, with one warning naming the pointer, and generated data is
    served instead; a clean spec serves its example without a word."""
    path = _strict_spec(tmp_path, examples)
    with run_server(create_app(Config(specs=[path]))) as url:
        answers = [httpx.get(url + "/things", timeout=10) for _ in range(2)]
    warned = _messages(caplog, "the example breaks its own schema")
    for answer in answers:
        assert answer.status_code == 200
        assert_response_valid(path, "/things", "GET", 200, JSON_TYPE, answer.json())
    if examples == BROKEN:
        assert len(warned) == 1 and "#/paths/~1things/get/responses/200" in warned[0], warned
        assert answers[0].json() != {"id": 0}
    else:
        assert warned == [] and [a.json() for a in answers] == [{"id": 7}, {"id": 7}]


@pytest.mark.parametrize(("example", "violates"), [("bad", True), ("good", False)])
def test_strict_mode_logs_a_served_body_that_breaks_its_schema(
    tmp_path: Any, caplog: pytest.LogCaptureFixture, example: str, violates: bool
) -> None:
    """``Prefer: example=bad`` serves the broken example as asked; --strict validates what goes
    out and logs the violation at its place, without --strict nothing is said; a valid answer is
    never logged."""
    path = _strict_spec(tmp_path, BROKEN)
    for strict in (True, False):
        caplog.clear()
        with run_server(create_app(Config(specs=[path], strict=strict))) as url:
            served = httpx.get(url + "/things", headers={"Prefer": f"example={example}"}, timeout=10)
        assert served.status_code == 200 and served.json() == {"id": 0 if violates else 7}
        logged = _messages(caplog, "strict:")
        if strict and violates:
            assert len(logged) == 1, logged
            assert "GET /things 200 response violates its schema at response.id" in logged[0], logged
        else:
            assert logged == [], logged


def test_strict_mode_logs_nothing_for_the_bundled_apis_valid_answers(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with run_server(create_app(Config(strict=True))) as url:
        answers = [
            httpx.post(url + LIST, headers=BEARER, json=body) for body in ({"limit": 3}, {"limit": 1001})
        ]
        answers.append(httpx.get(url + "/api/migrations", headers=API_TOKEN))
    for response, spec, path in zip(
        answers, (MIXPEEK, MIXPEEK, HOSTING), (LIST, LIST, "/api/migrations"), strict=True
    ):
        _valid(response, path, spec)  # the answers are valid to the oracle: nothing to log
    assert not [r for r in caplog.records if "strict:" in r.getMessage()]


def test_a_preflight_grants_any_method_so_the_page_reads_the_405(client: httpx.Client) -> None:
    """A browser asks before a DELETE the path does not declare: granted, so the DELETE reaches the
    mock and the page reads its 405 body and its Allow header (named: credentialed responses
    take no "*")."""
    origin = {"Origin": "http://localhost:5173"}
    preflight = client.options(
        LIST,
        headers={
            **origin,
            "Access-Control-Request-Method": "DELETE",
            "Access-Control-Request-Headers": "authorization",
        },
    )
    assert preflight.status_code == 200
    assert "DELETE" in preflight.headers["access-control-allow-methods"]
    refused = client.delete(LIST, headers={**BEARER, **origin})
    assert refused.status_code == 405 and refused.headers["allow"] == "POST"
    assert refused.headers["access-control-allow-origin"] == "http://localhost:5173"
    assert "Allow" in [h.strip() for h in refused.headers["access-control-expose-headers"].split(",")]
    assert "POST" in refused.json()["error"]["message"]


def test_an_unknown_route_is_the_documented_404_body_on_the_hosting_api() -> None:
    """004 documents ``{"message": "Not found", "errors": []}``; the route goes in an error item."""
    with run_server(create_app(Config(specs=[str(HOSTING)]))) as url:
        missing = httpx.get(url + "/api/nothing", headers=API_TOKEN)
    assert missing.status_code == 404
    body = missing.json()
    assert body["message"] == "Not found"
    assert body["errors"] == [{"field": "path", "description": "No route for GET /api/nothing"}]


@pytest.mark.parametrize(
    ("query", "body", "where", "bound"),
    [
        ({"limit": 0}, {}, ["query", "limit"], "greater than or equal to 1"),
        ({"limit": 1001}, {}, ["query", "limit"], "less than or equal to 1000"),
        ({"offset": -1}, {}, ["query", "offset"], "greater than or equal to 0"),
        ({}, {"limit": 0}, ["body", "limit"], "greater than or equal to 1"),
        ({}, {"page": 0}, ["body", "page"], "greater than or equal to 1"),
    ],
)
def test_out_of_range_paging_is_a_422_naming_the_bound_never_clamped(
    client: httpx.Client, query: dict[str, int], body: dict[str, int], where: list[str], bound: str
) -> None:
    state = client.get("/_mock/state").json()["apis"]["Mixpeek API"]
    headers = {**BEARER, "X-Namespace": state["namespaces"][0]["namespace_id"]}
    refused = client.post("/v1/collections/list", params=query, json=body, headers=headers)
    assert refused.status_code == 422
    (item,) = refused.json()["detail"]
    assert item["loc"] == where and bound in item["msg"]
