"""One HTTP/1.1 exchange over a raw socket, for requests no client would send (malformed heads,
truncated bodies). The answer is read whole: to its ``Content-Length``, to the last chunk, or to
the close — never cut at the end of the headers. Every wait is bounded by the socket's timeout (a
server that goes silent fails the read with ``TimeoutError``)."""

from __future__ import annotations

import socket
from dataclasses import dataclass


@dataclass
class Reply:
    status: int
    headers: dict[str, str]  # lower-cased names (a repeated name: the last one)
    body: bytes


def _dechunked(data: bytes) -> bytes | None:
    """The body of a complete chunked payload, or ``None`` while the last chunk has not arrived."""
    out = bytearray()
    while True:
        line, sep, rest = data.partition(b"\r\n")
        if not sep:
            return None
        size = int(line.split(b";")[0].strip() or b"0", 16)
        if size == 0:
            return bytes(out) if b"\r\n" in rest else None
        if len(rest) < size + 2:
            return None
        out += rest[:size]
        data = rest[size + 2 :]


def read_reply(sock: socket.socket, *, head_only: bool = False) -> Reply:
    """The next whole response on ``sock`` (``head_only``: the answer to a HEAD request)."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        assert chunk, f"the server closed the connection before a whole head: {data!r}"
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    if head_only or status in (204, 304) or 100 <= status < 200:
        return Reply(status, headers, b"")
    if "chunked" in headers.get("transfer-encoding", "").lower():
        while (whole := _dechunked(body)) is None:
            chunk = sock.recv(65536)
            assert chunk, "the server closed the connection inside a chunked body"
            body += chunk
        return Reply(status, headers, whole)
    if "content-length" in headers:
        length = int(headers["content-length"])
        while len(body) < length:
            chunk = sock.recv(65536)
            assert chunk, f"the server closed the connection after {len(body)} of {length} body bytes"
            body += chunk
        return Reply(status, headers, body[:length])
    while chunk := sock.recv(65536):  # neither: the body ends at the close
        body += chunk
    return Reply(status, headers, body)


def exchange(url: str, request: bytes, *, timeout: float = 10.0) -> Reply:
    """Send ``request`` as bytes to the server at ``url`` (``http://host:port``) and read its answer."""
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=timeout) as sock:
        sock.sendall(request)
        return read_reply(sock, head_only=request.startswith(b"HEAD "))
