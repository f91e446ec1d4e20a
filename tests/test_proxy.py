"""``mockserver --proxy``: real upstreams started here (the mock serving the docs variant, a dead port,
a port that never answers), the drift they show, the fallback, hop-by-hop headers, failures."""

from __future__ import annotations

import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
import uvicorn

from mockserver.app import MockApp
from mockserver.config import Config
from mockserver.testing import run_server
from tests.conftest import BEARER, DOCS_VARIANT, HOSTING, MIXPEEK

LIST = "/v1/namespaces/migrations/list"


@pytest.fixture(scope="module")
def upstream() -> Iterator[str]:
    """The API as its docs describe it: `migrations` not `results`, limit <= 100, no `extend`."""
    with run_server(MockApp(Config(specs=[str(DOCS_VARIANT)], seed=3))) as url:
        yield url


def _proxy(upstream: str, **options: object) -> MockApp:
    return MockApp(Config(specs=[str(MIXPEEK)], proxy=upstream, **options))  # type: ignore[arg-type]


def _kinds(base: str) -> set[tuple[str, str]]:
    found = httpx.get(base + "/_mock/findings").json()["findings"]
    return {(f["kind"], f["location"]) for f in found}


def test_ordinary_calls_show_the_three_documented_drifts(upstream: str) -> None:
    with run_server(_proxy(upstream)) as proxy, httpx.Client(base_url=proxy, headers=BEARER) as client:
        direct = httpx.post(upstream + LIST, json={"limit": 5}, headers=BEARER)
        passed = client.post(LIST, json={"limit": 5})
        assert passed.status_code == 200 and passed.content == direct.content  # unchanged
        assert passed.headers["content-type"] == direct.headers["content-type"]
        assert client.post(LIST, json={"limit": 500}).status_code == 422  # the upstream's refusal
        assert client.post(LIST, json={"migration_type": "extend"}).status_code == 422
        client.post(LIST, json={})
        assert _kinds(proxy) == {
            ("field-renamed", "response.body.results"),
            ("bound-tighter", "request.body.limit"),
            ("enum-narrowed", "request.body.migration_type"),
        }
        report = httpx.get(proxy + "/_mock/findings").json()
        renamed = next(f for f in report["findings"] if f["kind"] == "field-renamed")
        assert (renamed["expected"], renamed["actual"], renamed["count"]) == ("results", "migrations", 2)
        assert report["summary"]["exchanges"] == 4
        entry = httpx.get(proxy + "/_mock/journal", params={"limit": 1}).json()["entries"][0]
        assert entry["served_by"] == "upstream" and "field-renamed" in entry["findings"][0]
        assert entry["headers"]["authorization"] == "[redacted]"
        junit = httpx.get(proxy + "/_mock/findings", params={"format": "junit"})
        assert junit.headers["content-type"] == "application/xml" and b'name="field-renamed"' in junit.content
        html = httpx.get(proxy + "/_mock/findings", params={"format": "html"})
        assert b"migrations" in html.content and html.headers["content-type"].startswith("text/html")
        assert httpx.get(proxy + "/_mock/findings", params={"format": "pdf"}).status_code == 400


def test_a_spec_invalid_request_the_upstream_serves_is_reported(upstream: str) -> None:
    # held to the docs variant (limit <= 100), an upstream serving mixpeek.yaml accepts 500
    with run_server(MockApp(Config(specs=[str(MIXPEEK)], seed=3))) as loose:
        config = Config(specs=[str(DOCS_VARIANT)], proxy=loose)
        with run_server(MockApp(config)) as proxy:
            answer = httpx.post(proxy + LIST, json={"limit": 500}, headers=BEARER)
            assert answer.status_code == 200
            assert ("bound-looser", "request.body.limit") in _kinds(proxy)


def test_strict_turns_a_violating_response_into_a_502_saying_why(upstream: str) -> None:
    with run_server(_proxy(upstream, proxy_strict=True)) as proxy:
        answer = httpx.post(proxy + LIST, json={}, headers=BEARER)
        assert answer.status_code == 502
        assert "field-renamed at response.body.results" in answer.json()["detail"]
        refused = httpx.post(proxy + LIST, json={"limit": 500}, headers=BEARER)
        assert refused.status_code == 422  # the request is the cause: passed through


def test_undocumented_operations_are_forwarded_and_reported(upstream: str) -> None:
    with run_server(_proxy(upstream)) as proxy:
        assert httpx.get(proxy + "/not/in/the/spec").status_code == 404  # the upstream's own 404
        report = httpx.get(proxy + "/_mock/findings").json()
        assert report["undocumented_operations"] == [{"operation": "GET /not/in/the/spec", "count": 1}]


def test_the_control_plane_is_never_forwarded_and_hop_by_hop_headers_stop(upstream: str) -> None:
    httpx.delete(upstream + "/_mock/journal")
    with run_server(_proxy(upstream)) as proxy:
        assert httpx.post(proxy + "/_mock/reset").status_code == 200
        headers = {
            **BEARER,
            "Connection": "keep-alive, x-hop",
            "X-Hop": "1",
            "Proxy-Authorization": "p",
            "X-End": "2",
        }
        httpx.post(proxy + LIST, json={}, headers=headers)
    seen = httpx.get(upstream + "/_mock/journal").json()["entries"]
    assert [e["path"] for e in seen] == [LIST]  # the reset stayed on the proxy
    arrived = seen[0]["headers"]
    assert "x-hop" not in arrived and "proxy-authorization" not in arrived
    assert arrived["x-end"] == "2" and arrived["via"] == "1.1 specmock"


def test_fallback_serves_what_the_upstream_lacks(upstream: str) -> None:
    # the upstream serves only the hosting API: the Mixpeek list is a 404 there
    with run_server(MockApp(Config(specs=[str(HOSTING)]))) as hosting:
        config = Config(specs=[str(MIXPEEK), str(HOSTING)], proxy=hosting, proxy_fallback=True)
        with run_server(MockApp(config)) as proxy:
            answer = httpx.post(proxy + LIST, json={}, headers=BEARER)
            assert answer.status_code == 200 and "results" in answer.json()
            assert answer.headers["x-specmock-served-by"] == "mock (upstream answered 404)"
            real = httpx.get(proxy + "/api/migrations", headers={"X-Api-Token": "tok_user"})
            assert "x-specmock-served-by" not in real.headers


def _dead_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_a_killed_upstream_gives_502s_and_the_fallback_the_mock() -> None:
    with run_server(MockApp(Config(specs=[str(DOCS_VARIANT)]))) as short_lived:
        pass  # started, then stopped: nothing listens there any more
    with run_server(MockApp(Config(specs=[str(MIXPEEK)], proxy=short_lived, proxy_timeout=5))) as proxy:
        for _ in range(3):
            answer = httpx.post(proxy + LIST, json={}, headers=BEARER, timeout=20)
            assert answer.status_code == 502
            assert "cannot connect to the upstream" in answer.json()["detail"]
    config = Config(specs=[str(MIXPEEK)], proxy=f"http://127.0.0.1:{_dead_port()}", proxy_fallback=True)
    with run_server(MockApp(config)) as proxy:
        answer = httpx.post(proxy + LIST, json={}, headers=BEARER, timeout=20)
        assert answer.status_code == 200
        assert answer.headers["x-specmock-served-by"].startswith("mock (upstream unreachable")


def test_an_upstream_that_never_answers_gives_a_504() -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])  # accepted, read never, answered never
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{listener.getsockname()[1]}"
        with run_server(MockApp(Config(specs=[str(MIXPEEK)], proxy=url, proxy_timeout=0.5))) as proxy:
            answer = httpx.post(proxy + LIST, json={}, headers=BEARER, timeout=20)
            assert answer.status_code == 504 and "did not answer in time" in answer.json()["detail"]
    finally:
        stop.set()
        thread.join(10)
        for conn in held:
            conn.close()
        listener.close()


def test_cli_maps_the_proxy_flags(tmp_path: Path) -> None:
    from mockserver.cli import parse_config

    config = parse_config(
        [
            "s.yaml",
            "--proxy",
            "https://api.example",
            "--proxy-strict",
            "--proxy-fallback",
            "--record",
            str(tmp_path),
            "--redact",
            "email",
            "--proxy-timeout",
            "3",
        ]
    )
    assert (config.proxy, config.proxy_strict, config.proxy_fallback) == ("https://api.example", True, True)
    assert (config.record, config.redact, config.proxy_timeout) == (str(tmp_path), ["email"], 3.0)
    for bad in (["--proxy", "ftp://x"], ["--record", "d"], ["--proxy", "http://x", "--fixtures", "d"]):
        with pytest.raises(SystemExit):
            parse_config(bad)


@contextmanager
def _tls_upstream(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """The docs variant over HTTPS with a self-signed certificate for 127.0.0.1 (made by openssl)."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    app = MockApp(Config(specs=[str(DOCS_VARIANT)]))
    config = uvicorn.Config(app, log_level="warning", ssl_certfile=str(cert), ssl_keyfile=str(key))
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        assert thread.is_alive(), "the TLS upstream did not start"
        time.sleep(0.01)
    try:
        yield f"https://127.0.0.1:{sock.getsockname()[1]}", cert
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


def test_tls_is_verified_unless_told_which_ca_to_trust(tmp_path: Path) -> None:
    with _tls_upstream(tmp_path) as (url, cert):
        with run_server(_proxy(url)) as proxy:
            refused = httpx.post(proxy + LIST, json={}, headers=BEARER, timeout=20)
            assert refused.status_code == 502 and "TLS verification failed" in refused.json()["detail"]
        with run_server(_proxy(url, proxy_ca=str(cert))) as proxy:
            assert httpx.post(proxy + LIST, json={}, headers=BEARER, timeout=20).status_code == 200


FRAGMENTS = """
openapi: 3.1.0
info: {title: Tagging, version: '1'}
paths:
  /#X-Amz-Target=Svc.GetA:
    post:
      responses:
        '200':
          description: a
          content:
            application/json:
              schema: {type: object, required: [a], properties: {a: {type: string}}}
  /#X-Amz-Target=Svc.GetB:
    post:
      responses:
        '200':
          description: b
          content:
            application/json:
              schema: {type: object, required: [b], properties: {b: {type: integer}}}
  /list#Action=Describe:
    get:
      responses:
        '200':
          description: d
          content:
            application/json:
              schema: {type: object, required: [d], properties: {d: {type: boolean}}}
  /list#Action=Count:
    get:
      responses:
        '200':
          description: c
          content:
            application/json:
              schema: {type: object, required: [n], properties: {n: {type: integer}}}
"""


def test_operations_told_apart_by_a_header_or_query_value_are_checked_as_the_one_called(
    tmp_path: Path,
) -> None:
    spec = tmp_path / "tagging.yaml"
    spec.write_text(FRAGMENTS, encoding="utf-8")
    upstream_app = MockApp(Config(specs=[str(spec)], seed=1))
    with (
        run_server(upstream_app) as upstream,
        run_server(MockApp(Config(specs=[str(spec)], proxy=upstream))) as proxy,
    ):
        b = httpx.post(proxy + "/", headers={"X-Amz-Target": "Svc.GetB"}, json={})
        assert b.status_code == 200 and set(b.json()) == {"b"}
        count = httpx.get(proxy + "/list", params={"Action": "Count"})
        assert count.status_code == 200 and set(count.json()) == {"n"}
        # each answer is held to its own operation's schema: no drift
        assert httpx.get(proxy + "/_mock/findings").json()["findings"] == []
        entries = httpx.get(proxy + "/_mock/journal").json()["entries"]
        assert sorted(e["operation"] for e in entries) == [
            "GET /list#Action=Count",
            "POST /#X-Amz-Target=Svc.GetB",
        ]
