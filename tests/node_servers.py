"""Servers nobody here wrote, started by the tests themselves: Prism and json-server (npm).

Both come from the npm cache `.ci/install.d/20-node-servers.sh` fills (the one bench/bench_http.py
uses for Prism: ``~/.cache/specmock/prism``, or ``$SPECMOCK_PRISM_CACHE``). A missing tool fails the
test with the command that installs it: it is never a skip.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

INSTALL = ".ci/install.d/20-node-servers.sh"


def node_bin(tool: str) -> Path:
    """The installed executable of ``tool`` (``prism``, ``json-server``); fails the test when absent."""
    cache = os.environ.get("SPECMOCK_PRISM_CACHE") or str(Path.home() / ".cache" / "specmock" / "prism")
    binary = Path(cache).expanduser() / "node_modules" / ".bin" / tool
    if not binary.exists():
        pytest.fail(f"{tool} is not installed at {binary}: run `bash {INSTALL}` (or .ci/test)")
    return binary


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serving(argv: Sequence[str], ready_path: str, *, cwd: Path, timeout: float = 60) -> Iterator[str]:
    """Run ``argv`` (``{port}`` replaced by a free loopback port) until ``ready_path`` answers HTTP."""
    port = _free_port()
    command = [part.replace("{port}", str(port)) for part in argv]
    log = (cwd / f"server-{port}.log").open("w")
    process = subprocess.Popen(
        command,
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        cwd=cwd,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                httpx.get(url + ready_path, timeout=2)
                break
            except httpx.HTTPError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(
                        f"{command[0]} did not answer on {url} (exit {process.poll()}): see {log.name}"
                    )
                time.sleep(0.1)
        yield url
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)  # prism forks workers: stop the whole group
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(10)
        log.close()


@contextmanager
def prism(spec: Path, cwd: Path, *flags: str) -> Iterator[str]:
    argv = [str(node_bin("prism")), "mock", *flags, "-h", "127.0.0.1", "-p", "{port}", str(spec)]
    with serving(argv, "/", cwd=cwd) as url:
        yield url


@contextmanager
def json_server(db: Path, cwd: Path) -> Iterator[str]:
    """json-server 0.17 on ``db`` (which it rewrites on every write: pass a copy)."""
    argv = [str(node_bin("json-server")), "-H", "127.0.0.1", "-p", "{port}", "-q", str(db)]
    with serving(argv, "/db", cwd=cwd) as url:
        yield url
