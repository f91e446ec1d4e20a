"""The connection limits (``mockserver.connection``) on a real server: the request head bounded in
bytes and fields (431), slow heads and bodies dropped (408), open connections capped (503), and
the journal keeping truncated headers. Waits are bounded by socket timeouts, never measured."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator

import httpx
import pytest

from mockserver.app import create_app
from mockserver.config import Config
from mockserver.control.journal import MAX_KEPT_CHARS, MAX_KEPT_HEADERS
from mockserver.testing import run_server

LIMITS = Config(header_timeout=1.0, body_timeout=1.0, max_connections=6)
HEALTH = b"GET /_mock/health HTTP/1.1\r\nHost: 127.0.0.1\r\n"
WAIT = 15.0  # how long a test waits for the server to act: far above the 1 s limits


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    with run_server(create_app(LIMITS), limits=LIMITS) as served:
        yield served


def _connect(url: str) -> socket.socket:
    host, port = url.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)), timeout=WAIT)
    return sock


def _reply(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection (``b""`` if it sent nothing)."""
    chunks = []
    while chunk := sock.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


def _status(reply: bytes) -> int:
    return int(reply.split(b" ", 2)[1])


def _problem(reply: bytes) -> dict[str, object]:
    head, _, body = reply.partition(b"\r\n\r\n")
    assert b"content-type: application/problem+json" in head.lower()
    problem: dict[str, object] = json.loads(body)
    return problem


def test_a_header_over_the_byte_limit_is_a_431_before_it_is_read_whole(url: str) -> None:
    with _connect(url) as sock:
        sock.sendall(HEALTH + b"X-Big: ")
        try:  # 8 MiB as the attacker sent; the server answers and closes long before the end
            for _ in range(128):
                sock.sendall(b"a" * 65536)
        except (BrokenPipeError, ConnectionResetError):
            pass
        reply = _reply(sock)
    assert _status(reply) == 431
    assert "32768 bytes" in str(_problem(reply)["detail"])


def test_a_head_just_over_the_limit_in_one_piece_is_a_431(url: str) -> None:
    with _connect(url) as sock:
        sock.sendall(HEALTH + b"X-Big: " + b"a" * (32 * 1024) + b"\r\n\r\n")
        assert _status(_reply(sock)) == 431


def test_more_header_fields_than_the_limit_is_a_431(url: str) -> None:
    fields = b"".join(b"X-F%d: v\r\n" % i for i in range(101))
    with _connect(url) as sock:
        sock.sendall(HEALTH + fields + b"\r\n")
        reply = _reply(sock)
    assert _status(reply) == 431 and "100 header fields" in str(_problem(reply)["detail"])


def test_a_head_that_stops_arriving_is_a_408_and_the_connection_closes(url: str) -> None:
    with _connect(url) as sock:
        sock.sendall(b"GET /_mock/health HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        reply = _reply(sock)  # without a head timeout this waits for WAIT and fails on the timeout
    assert _status(reply) == 408 and "head" in str(_problem(reply)["detail"])


def test_a_connection_that_never_sends_a_byte_is_closed_without_a_word(url: str) -> None:
    with _connect(url) as sock:
        assert _reply(sock) == b""


def test_a_body_that_stops_arriving_is_a_408(url: str) -> None:
    head = (
        b"POST /v1/namespaces/migrations/list HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer sk_x\r\n"
        b"Content-Type: application/json\r\nContent-Length: 100\r\n\r\n"
    )
    with _connect(url) as sock:
        sock.sendall(head + b'{"limit": ')
        reply = _reply(sock)
    assert _status(reply) == 408 and "body" in str(_problem(reply)["detail"])


def test_keep_alive_requests_are_not_cut_by_the_head_timer(url: str) -> None:
    with httpx.Client(base_url=url, timeout=WAIT) as client:
        for _ in range(3):
            assert client.get("/_mock/health").status_code == 200


def test_connections_beyond_the_cap_get_a_503_and_the_rest_are_served(url: str) -> None:
    held = [_connect(url) for _ in range(LIMITS.max_connections)]
    try:
        for sock in held:
            sock.sendall(b"GET /_mock/health HTTP/1.1\r\nHost: x\r\n")  # heads under way
        with _connect(url) as extra:
            extra.sendall(HEALTH + b"\r\n")
            reply = _reply(extra)
        assert _status(reply) == 503
        assert "6 connections" in str(_problem(reply)["detail"])
    finally:
        for sock in held:
            sock.close()
    with httpx.Client(base_url=url, timeout=WAIT) as client:  # room again once they are gone
        assert client.get("/_mock/health").status_code == 200


def test_the_journal_keeps_truncated_headers(url: str) -> None:
    many = {f"X-H{i}": "v" for i in range(90)}
    with httpx.Client(base_url=url, timeout=WAIT) as client:
        sent = client.get("/api/migrations", headers={"X-Api-Token": "tok_a", "X-Long": "L" * 20_000, **many})
        assert sent.status_code == 200
        entry = client.get("/_mock/journal", params={"limit": 1}).json()["entries"][0]
    assert len(entry["headers"]) == MAX_KEPT_HEADERS
    assert entry["headers"]["x-long"].startswith("L" * MAX_KEPT_CHARS)
    assert entry["headers"]["x-long"].endswith(f"[{20_000 - MAX_KEPT_CHARS} more characters]")
    assert entry["headers"]["x-api-token"] == "[redacted]"
