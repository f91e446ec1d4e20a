"""Run an ASGI app on a real uvicorn server on a free loopback port (for tests and benches)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn

from mockserver.config import Config


@contextmanager
def run_server(
    app: Any, *, host: str = "127.0.0.1", timeout: float = 10.0, limits: Config | None = None
) -> Iterator[str]:
    """Serve ``app`` in a background thread; yields its base URL and stops it on exit. With
    ``limits``, on the mock's own connection protocol with that config's limits, as ``mockserver``
    serves (``mockserver.server.uvicorn_config``)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, 0))
    port = sock.getsockname()[1]
    if limits is None:
        config = uvicorn.Config(app, log_level="warning", lifespan="auto", access_log=False)
    else:
        from mockserver.server import uvicorn_config

        config = uvicorn_config(app, limits, lifespan="auto")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("test server did not start")
        time.sleep(0.01)
    try:
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout)
        sock.close()
