"""A server that dies mid-run: its crash is a finding with the request that killed it, and the run
ends there with a verdict that says so (not an error line on stderr and "N findings")."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from crashing_server import SPEC

from contracts import cli

HERE = Path(__file__).resolve().parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_a_server_that_dies_ends_the_run_with_its_crash_as_the_finding(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec, report = tmp_path / "spec.json", tmp_path / "r.json"
    spec.write_text(json.dumps(SPEC))
    port = _free_port()
    server = subprocess.Popen([sys.executable, str(HERE / "crashing_server.py"), str(port)])
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                httpx.get(url, timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        code = cli.main(["run", "--spec", str(spec), "--url", url, "--seed", "4", "--json", str(report)])
        assert server.wait(10) == 3  # it did die, of the request the finding names
    finally:
        server.kill()
        server.wait(30)
    out, _ = capsys.readouterr()
    assert code == 1
    assert f"Run ended early: the server stopped answering at {url} after GET /things" in out
    (finding,) = json.loads(report.read_text())["findings"]
    assert (finding["kind"], finding["location"], finding["operation"]) == (
        "connection-dropped",
        "response",
        "GET /things",
    )
    assert finding["evidence"]["curl"].startswith(f"curl -X GET '{url}/things?limit=")
    assert finding["evidence"]["seed"] == 4
    assert json.loads(report.read_text())["summary"]["stopped"].startswith("the server stopped answering")
