"""The control plane refuses cross-site use (``mockserver.control.crosssite``): no CORS on
``/_mock/*``, a foreign ``Origin`` refused, state changes only with a JSON content type (or the
control header), ``Host`` a loopback name, an IP address or an ``--allowed-host``."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from mockserver.app import create_app
from mockserver.config import Config
from mockserver.testing import run_server
from tests.conftest import API_TOKEN, BEARER

LIST = "/v1/namespaces/migrations/list"
EVIL = "https://evil.example"


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    with run_server(create_app(Config(allowed_hosts=["mock.test"]))) as served:
        yield served


@pytest.fixture()
def mock(url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=url, timeout=30) as client:
        client.delete("/_mock/sessions/default")
        yield client


def test_a_simple_cross_site_request_cannot_reset(mock: httpx.Client) -> None:
    """The issue's attack: a text/plain POST needs no preflight, and reset answered 200."""
    refused = mock.post("/_mock/reset", headers={"Origin": EVIL, "Content-Type": "text/plain"}, content=b"x")
    assert refused.status_code == 403, refused.text
    assert refused.headers["content-type"] == "application/problem+json"
    assert "Cross-site" in refused.json()["detail"]
    assert "access-control-allow-origin" not in refused.headers


def test_a_null_origin_cannot_set_a_session_for_every_client(mock: httpx.Client) -> None:
    headers = {"Origin": "null", "Content-Type": "application/json"}
    assert mock.put("/_mock/sessions/default", headers=headers, json={"code": 500}).status_code == 403
    assert mock.get("/_mock/sessions").json() == {}
    assert mock.post(LIST, headers=BEARER, json={}).status_code == 200


@pytest.mark.parametrize("origin", [EVIL, "null", "http://localhost:1"])
def test_no_cors_on_the_control_plane_preflights_included(mock: httpx.Client, origin: str) -> None:
    preflight = mock.options(
        "/_mock/state", headers={"Origin": origin, "Access-Control-Request-Method": "PUT"}
    )
    assert preflight.status_code == 403
    read = mock.get("/_mock/state", headers={"Origin": origin})
    assert read.status_code == 403
    for response in (preflight, read):
        assert not any(name.startswith("access-control-") for name in response.headers)


def test_the_api_keeps_its_cors(mock: httpx.Client) -> None:
    listed = mock.get("/api/migrations", headers={**API_TOKEN, "Origin": EVIL})
    assert listed.status_code == 200 and listed.headers["access-control-allow-origin"] == EVIL


def test_same_origin_calls_are_served(mock: httpx.Client, url: str) -> None:
    same = {"Origin": url, "Content-Type": "application/json"}
    assert mock.put("/_mock/sessions/demo", headers=same, json={"code": 404}).status_code == 200
    assert mock.delete("/_mock/sessions/demo", headers={"Origin": url}).status_code == 204


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data"]
)
def test_state_changes_need_a_json_content_type_or_the_control_header(
    mock: httpx.Client, content_type: str
) -> None:
    body = b'{"seconds": 1}'
    refused = mock.post("/_mock/clock/advance", headers={"Content-Type": content_type}, content=body)
    assert refused.status_code == 415, refused.text
    assert "application/json" in refused.json()["detail"]
    allowed = {"Content-Type": content_type, "X-Specmock-Control": "1"}
    assert mock.post("/_mock/clock/advance", headers=allowed, content=body).status_code == 200
    assert mock.post("/_mock/clock/advance", json={"seconds": 1}).status_code == 200
    assert mock.post("/_mock/reset").status_code == 200  # no body at all: a script's bare POST


def _get(url: str, host: str) -> httpx.Response:
    return httpx.get(url + "/_mock/health", headers={"Host": host}, timeout=30)


def test_host_must_be_a_loopback_name_an_address_or_allowed(url: str) -> None:
    port = url.rsplit(":", 1)[1]
    rebound = _get(url, f"evil.example:{port}")  # DNS rebinding: the name now points at 127.0.0.1
    assert rebound.status_code == 403
    assert "--allowed-host evil.example" in rebound.json()["detail"]
    for host in (f"localhost:{port}", f"127.0.0.1:{port}", "[::1]", "app.localhost", f"mock.test:{port}"):
        assert _get(url, host).status_code == 200, host
    assert (
        httpx.get(url + "/api/migrations", headers={**API_TOKEN, "Host": "evil.example"}).status_code == 200
    )
