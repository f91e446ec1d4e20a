"""Bad input of every kind gets a documented 4xx at once, never a 5xx, and the server keeps serving;
and the security defaults hold: loopback binding, a closed control plane, no credential in logs or
the journal, a body limit.

The bad-input list and the answer each must get live in ``tests/bad_inputs.py`` (shared with
``bench/bench_hardening.py``, which hammers the server with it).
"""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Any

import httpx
import pytest
from bad_inputs import API_TOKEN, BEARER, JSON, LIST, NAMESPACE, Bad, catalog, valid
from mockproc import MockProcess

from mockserver.app import create_app
from mockserver.config import DEFAULT_MAX_BODY, Config
from mockserver.control.journal import redact, redact_query
from mockserver.testing import run_server
from tests.conftest import HOSTING, MIXPEEK
from tests.oracle import Document, assert_response_valid
from tests.rawhttp import exchange

SPECS = {"mixpeek": Document.at(MIXPEEK), "hosting": Document.at(HOSTING)}
CASES = catalog()
TIMEOUT = 10  # "at once": a request that hangs fails on this, not on a stopwatch


def _send(client: httpx.Client, url: str, bad: Bad) -> tuple[int, Any]:
    if bad.raw is not None:
        reply = exchange(url, bad.raw, timeout=TIMEOUT)
        try:
            return reply.status, json.loads(reply.body) if reply.body else None
        except ValueError:
            return reply.status, reply.body
    response = client.request(bad.method, bad.path, headers=bad.headers, content=bad.body)
    return response.status_code, response.json() if response.content else None


def _check_shape(bad: Bad, status: int, body: Any) -> None:
    """The answer is the API's own, documented error: its status is documented for the operation,
    its body valid against the documented schema (the document as written, an independent
    validator), and it names the offender where it should."""
    if bad.api == "http":
        return  # refused by the HTTP layer (h11) before any API is involved
    if bad.operation is not None:
        method, path = bad.operation
        assert_response_valid(SPECS[bad.api], path, method, status, "application/json", body)
    if bad.api == "mixpeek" and status == 422:
        loc = body["detail"][0]["loc"]
        assert tuple(loc[: len(bad.where or ())]) == bad.where, body
    elif bad.api == "mixpeek":
        assert body["success"] is False and body["status"] == status
        assert body["error"]["type"] == {400: "BadRequestError", 404: "NotFoundError"}[status]
    else:
        assert set(body) == {"message", "errors"}, body
        if bad.where is not None:
            assert [e["field"] for e in body["errors"]] == list(bad.where), body


@pytest.mark.parametrize("bad", CASES, ids=[bad.name for bad in CASES])
def test_bad_input_gets_its_documented_4xx(client: httpx.Client, mock_url: str, bad: Bad) -> None:
    with httpx.Client(base_url=mock_url, timeout=TIMEOUT) as fresh:  # a refused body may close it
        status, body = _send(fresh, mock_url, bad)
    assert status == bad.status, (bad.name, status, body)
    _check_shape(bad, status, body)
    assert client.post(LIST[1], headers=BEARER, json={"limit": 1}).status_code == 200


def test_every_item_of_the_list_is_covered_on_both_apis() -> None:
    names = {bad.name for bad in CASES}
    for kind in ("malformed", "truncated", "nan", "infinity", "deep_nesting", "invalid_utf8", "over_limit"):
        assert {f"list:{kind}", f"clone:{kind}", f"collections:{kind}"} <= names
    assert {"list:content_type=None", "clone:content_type=text/plain"} <= names
    for kind in ("forty_digit_per", "nan_per", "infinity_per", "invalid_utf8_per", "over_limit",
                 "unicode_segment", "cr_in_value", "lf_in_value", "obs_fold"):  # fmt: skip
        assert f"hosting:{kind}" in names
    assert {"list:forty_digits", "clone:unicode_segment", "list:obs_fold"} <= names


@pytest.mark.parametrize("good", valid(), ids=[good.name for good in valid()])
def test_odd_but_valid_requests_are_served(client: httpx.Client, good: Any) -> None:
    response = client.request(good.method, good.path, headers=good.headers, content=good.body)
    assert response.status_code == 200, response.text


def test_repeated_query_parameters_last_one_wins_on_both_apis(client: httpx.Client) -> None:
    repeated = client.get("/api/migrations?per=5&per=7&page=1&page=2", headers=API_TOKEN)
    assert repeated.status_code == 200
    pagination = repeated.json()["pagination"]
    assert (pagination["page"], pagination["per"]) == (2, 7)
    scoped = {**JSON, "X-Namespace": NAMESPACE}
    listed = client.post("/v1/collections/list?limit=1&limit=2&offset=5&offset=0", headers=scoped, json={})
    assert listed.status_code == 200
    assert listed.json()["pagination"]["page_size"] == 2 and listed.json()["pagination"]["page"] == 1


def test_percent_encoded_and_unicode_path_segments_resolve(client: httpx.Client) -> None:
    encoded = "".join(f"%{b:02X}" for b in NAMESPACE.encode())
    by_encoded_name = client.post(
        f"/v1/namespaces/{encoded}/clone", headers=BEARER, json={"namespace_name": "hardening_é😀"}
    )
    assert by_encoded_name.status_code == 200, by_encoded_name.text
    unicode_path = "/v1/namespaces/hardening_%C3%A9%F0%9F%98%80/clone"  # the clone, by its unicode name
    again = client.post(unicode_path, headers=BEARER, json={"namespace_name": "hardening_again"})
    assert again.status_code == 200, again.text
    assert again.json()["source_namespace_id"] == by_encoded_name.json()["namespace"]["namespace_id"]


@pytest.mark.parametrize("prefer", ["dynamic=true", "dynamic=false", "code=200"])
def test_forty_digit_integers_reach_the_generic_responder_too(client: httpx.Client, prefer: str) -> None:
    big = 10**39  # Prefer hands the request to the spec-driven responder, which echoes and digests it
    listed = client.post(LIST[1], headers={**JSON, "Prefer": prefer}, content=b'{"offset": %d}' % big)
    assert listed.status_code == 200, listed.text
    scoped = {**JSON, "X-Namespace": NAMESPACE, "Prefer": prefer}
    assert client.post(f"/v1/collections/list?page={big}", headers=scoped, json={}).status_code == 200


def test_an_unpaired_surrogate_is_a_422_on_the_body_a_paired_one_a_character(client: httpx.Client) -> None:
    path = f"/v1/namespaces/{NAMESPACE}/clone"
    odd = client.post(path, headers=JSON, content=rb'{"namespace_name": "lone\ud800x"}')
    assert odd.status_code == 422, odd.text
    assert odd.json()["detail"][0]["loc"][0] == "body" and "surrogate" in odd.json()["detail"][0]["msg"]
    paired = client.post(path, headers=JSON, content=rb'{"namespace_name": "pair_\ud83d\ude00"}')
    assert paired.status_code == 200, paired.text
    assert paired.json()["namespace"]["namespace_name"] == "pair_\U0001f600"


def test_forty_digit_integers_the_spec_allows_are_accepted(client: httpx.Client) -> None:
    big = 10**39  # 40 digits; Mixpeek's offset has no maximum, nor does the collections list's page
    listed = client.post(LIST[1], headers=JSON, content=b'{"offset": %d}' % big)
    assert listed.status_code == 200, listed.text
    assert listed.json()["results"] == [] and listed.json()["offset"] == big and listed.json()["total"] > 0
    scoped = {**JSON, "X-Namespace": NAMESPACE}
    beyond = client.post(f"/v1/collections/list?page={big}", headers=scoped, json={})
    assert beyond.status_code == 200, beyond.text
    assert beyond.json()["results"] == [] and beyond.json()["total_count"] > 0
    assert beyond.json()["pagination"]["page"] == big
    wide = client.post(f"/v1/collections/list?limit={big}", headers=scoped, json={})
    assert wide.status_code == 422, wide.text  # API 0.82 bounds limit to 1..1000


def test_server_keeps_serving_after_abuse(client: httpx.Client, mock_url: str) -> None:
    for bad in CASES:
        with httpx.Client(base_url=mock_url, timeout=TIMEOUT) as fresh:
            assert _send(fresh, mock_url, bad)[0] < 500
    for good in valid():
        assert (
            client.request(good.method, good.path, headers=good.headers, content=good.body).status_code == 200
        )


# -- security defaults ---------------------------------------------------------------------------


def _listening_addresses(port: int) -> set[str]:
    """Local addresses in LISTEN state on ``port`` (from /proc/net/tcp and tcp6)."""
    found: set[str] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            local, state = line.split()[1], line.split()[3]
            address, _, hex_port = local.partition(":")
            if state == "0A" and int(hex_port, 16) == port:
                found.add(address)
    return found


def _external_ip() -> str | None:
    """An address of this machine that is not loopback, if it has one."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.255.255.255", 1))  # no packet is sent; picks the outgoing interface
            address = str(probe.getsockname()[0])
        except OSError:
            return None
    return None if address.startswith("127.") else address


def test_default_binding_is_loopback_only() -> None:
    with MockProcess() as server:
        assert server.url.startswith("http://127.0.0.1:"), server.text()
        port = int(server.url.rsplit(":", 1)[1])
        assert _listening_addresses(port) == {"0100007F"}  # 127.0.0.1, nothing else
        external = _external_ip()
        if external is not None:
            with pytest.raises(OSError):
                socket.create_connection((external, port), timeout=2).close()


@pytest.mark.skipif(_external_ip() is None, reason="this machine has no non-loopback address")
def test_control_plane_refuses_remote_clients_on_a_real_socket() -> None:
    external = _external_ip()
    for admin_token in (None, "s3cret"):
        with run_server(create_app(Config(admin_token=admin_token)), host="0.0.0.0") as url:
            port = url.rsplit(":", 1)[1]
            remote, local = f"http://{external}:{port}", f"http://127.0.0.1:{port}"
            assert httpx.get(local + "/_mock/health").status_code == 200
            refused = httpx.get(remote + "/_mock/state", headers={"X-Admin-Token": "guess"})
            assert refused.status_code == 403
            assert refused.headers["content-type"] == "application/problem+json"
            allowed = httpx.get(remote + "/_mock/health", headers={"X-Admin-Token": "s3cret"})
            assert allowed.status_code == (200 if admin_token else 403)
            assert httpx.get(remote + "/api/migrations", headers=API_TOKEN).status_code == 200


SECRETS = ("sk_live_SECRET0001", "tok_SECRET0002", "SECRET0003cookie", "SECRET0004admin")


def _send_secrets(url: str) -> None:
    bearer, token, cookie, admin = SECRETS
    with httpx.Client(base_url=url, timeout=TIMEOUT) as c:
        c.post(LIST[1], headers={"Authorization": f"Bearer {bearer}"}, json={"limit": 1})
        c.post(LIST[1], headers={"Authorization": f"Bearer {bearer}"}, json={"limit": "x"})
        c.post(LIST[1], headers={"Authorization": f"Basic {bearer}"}, json={})
        c.get("/api/migrations", headers={"X-Api-Token": token, "Cookie": f"session={cookie}"})
        c.get("/api/migrations?per=abc", headers={"X-Api-Token": token})
        c.get("/_mock/health", headers={"X-Admin-Token": admin})
    for raw in (  # requests the HTTP layer refuses, and logs about
        f"GET /api/migrations HTTP/1.1\r\nHost: x\r\nX-Api-Token: {token}\rx\r\n\r\n".encode(),
        f"POST {LIST[1]} HTTP/1.1\r\nAuthorization: Bearer {bearer}\r\n\x00\r\n\r\n".encode(),
    ):
        exchange(url, raw, timeout=TIMEOUT)


def test_credentials_never_reach_the_logs_or_the_journal() -> None:
    with MockProcess("--strict", "--admin-token", SECRETS[3]) as server:
        _send_secrets(server.url)
        journal = httpx.get(server.url + "/_mock/journal", params={"limit": 1000}).text
        server.stop()
        logs = server.text()
    assert '"[redacted]"' in journal
    assert "Invalid HTTP request received" in logs  # the server did log about these requests
    for secret in SECRETS:
        assert secret not in journal, secret
        assert secret not in logs, (secret, logs)


API_KEY_SPEC = """
openapi: 3.0.3
info: {title: keys, version: "1"}
components:
  securitySchemes:
    query_key: {type: apiKey, in: query, name: api_key}
    header_key: {type: apiKey, in: header, name: X-Secret-Key}
    plain_header: {type: apiKey, in: header, name: X-Client}
    plain_query: {type: apiKey, in: query, name: who}
paths:
  /things:
    get:
      security: [{query_key: []}, {header_key: []}, {plain_header: []}, {plain_query: []}]
      responses:
        "200": {description: ok, content: {application/json: {schema: {type: object}}}}
"""


def test_the_journal_redacts_api_keys_in_the_query_and_custom_headers(tmp_path: Path) -> None:
    spec = tmp_path / "keys.yaml"
    spec.write_text(API_KEY_SPEC)
    with run_server(create_app(Config(specs=[str(spec)]))) as url:
        assert httpx.get(url + "/things", params={"api_key": "SECRETQUERY", "page": "2"}).status_code == 200
        assert httpx.get(url + "/things", headers={"X-Secret-Key": "SECRETHEADER"}).status_code == 200
        entries = httpx.get(url + "/_mock/journal").json()["entries"]
    text = json.dumps(entries)
    assert "SECRETQUERY" not in text and "SECRETHEADER" not in text
    assert entries[1]["query"] == "api_key=%5Bredacted%5D&page=2"  # the rest of the query is kept
    assert entries[0]["headers"]["x-secret-key"] == "[redacted]"


def test_the_journal_redacts_whatever_the_spec_names_its_api_keys(tmp_path: Path) -> None:
    spec = tmp_path / "keys.yaml"
    spec.write_text(API_KEY_SPEC)
    with run_server(create_app(Config(specs=[str(spec)]))) as url:
        assert httpx.get(url + "/things", headers={"X-Client": "PLAINHEADER"}).status_code == 200
        assert httpx.get(url + "/things", params={"who": "PLAINQUERY", "page": "2"}).status_code == 200
        entries = httpx.get(url + "/_mock/journal").json()["entries"]
    text = json.dumps(entries)
    assert "PLAINHEADER" not in text and "PLAINQUERY" not in text
    assert entries[1]["headers"]["x-client"] == "[redacted]"  # newest first
    assert entries[0]["query"] == "who=%5Bredacted%5D&page=2"


def test_redaction_hides_credential_names_and_keeps_the_rest() -> None:
    hidden = ["Authorization", "X-Auth", "access_token", "apiKey", "X-API-KEY", "key", "client_secret"]
    kept = ["author", "page", "Idempotency-Key", "X-Specmock-Session", "keyword"]
    headers = redact({name: "v" for name in hidden + kept})
    assert [name for name, value in headers.items() if value == "[redacted]"] == hidden
    assert redact_query("author=me&key=K&page=2") == "author=me&key=%5Bredacted%5D&page=2"
    assert redact_query("per=5&per=7") == "per=5&per=7"  # untouched, byte for byte


def test_body_limit_is_on_by_default(client: httpx.Client) -> None:
    assert Config().max_body == DEFAULT_MAX_BODY == 16 * 1024 * 1024
    just_over = client.post(LIST[1], headers=JSON, content=b" " * (DEFAULT_MAX_BODY + 1))
    assert just_over.status_code == 400 and "limit" in just_over.json()["error"]["message"]
    chunks = iter([b" " * 65536] * (DEFAULT_MAX_BODY // 65536 + 1))
    chunked = client.post(LIST[1], headers=JSON, content=chunks)  # no Content-Length
    assert chunked.status_code == 400 and "limit" in chunked.json()["error"]["message"]


def test_the_nesting_limit_is_checked_before_validation_and_is_a_flag() -> None:
    leaf: object = {"field": "collection_name", "operator": "eq", "value": "x"}
    for _ in range(40):  # 82 levels of JSON: over the default 64
        leaf = {"AND": [leaf]}
    scoped = {**JSON, "X-Namespace": NAMESPACE}
    with run_server(create_app(Config())) as url:
        refused = httpx.post(url + "/v1/collections/list", headers=scoped, json={"filters": leaf})
    assert refused.status_code == 422 and "deeper than 64 levels" in refused.json()["detail"][0]["msg"]
    with run_server(create_app(Config(max_depth=100))) as url:
        served = httpx.post(url + "/v1/collections/list", headers=scoped, json={"filters": leaf})
    assert served.status_code in (200, 422), served.text  # the validator's own answer now
    assert "deeper than" not in served.text
