"""The ``mockserver`` command as a user runs it: a subprocess on a free port."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from mockserver.cli import parse_config
from tests.childlines import read_lines
from tests.conftest import BEARER, DOCS_VARIANT, HOSTING, MIXPEEK
from tests.mockproc import MockProcess

URL = re.compile(r"http://127\.0\.0\.1:(\d+)")


@contextmanager
def serve(*args: str, cwd: Path | None = None) -> Iterator[tuple[str, list[str]]]:
    """Start ``python -m mockserver ARGS --port 0``; yields its URL and the lines it printed."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "mockserver", *args, "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=cwd,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert proc.stdout is not None
        printed = read_lines(proc.stdout, lambda line: "control plane" in line, timeout=30)
        lines = [line.rstrip() for line in printed]
        found = next((URL.search(line) for line in lines if URL.search(line)), None)
        assert found, "\n".join(lines)
        yield found.group(0), lines
    finally:
        proc.terminate()
        proc.wait(10)


def test_defaults_serve_every_bundled_spec_from_any_directory(tmp_path: Path) -> None:
    with serve(cwd=tmp_path) as (url, lines):
        text = "\n".join(lines)
        assert "POST /v1/namespaces/migrations/list" in text
        assert "GET /api/migrations" in text
        assert "variants" not in text
        assert httpx.post(url + "/v1/namespaces/migrations/list", headers=BEARER, json={}).status_code == 200


def test_serves_a_variant_when_named() -> None:
    with serve(str(DOCS_VARIANT)) as (url, lines):
        assert "/api/migrations" not in "\n".join(lines)
        response = httpx.post(url + "/v1/namespaces/migrations/list", headers=BEARER, json={"limit": 101})
        assert response.status_code == 422


def _fail(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mockserver", *args, "--port", "0"], capture_output=True, text=True, timeout=30
    )


def test_unloadable_spec_is_one_line_and_exit_2(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("openapi: 3.1.0\npaths: [\n")
    for args, needle in (
        ([str(tmp_path / "absent.yaml")], "cannot read"),
        ([str(broken)], "not valid YAML"),
        ([str(tmp_path)], "cannot read"),
    ):
        result = _fail(*args)
        assert result.returncode == 2, result
        assert needle in result.stderr
        assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_a_state_file_that_cannot_hold_a_database_is_one_line_and_exit_2(tmp_path: Path) -> None:
    corrupt = tmp_path / "corrupt.db"
    corrupt.write_bytes(b"this is not SQLite" * 100)
    for path, needle in (
        (tmp_path, "is a directory"),
        (tmp_path / "missing" / "state.db", "does not exist"),
        (corrupt, "not a database"),
    ):
        result = _fail("--state-file", str(path))
        assert result.returncode == 2, result
        assert needle in result.stderr and str(path) in result.stderr
        assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert corrupt.read_bytes() == b"this is not SQLite" * 100  # left as it was


def test_colliding_specs_exit_2() -> None:
    result = _fail(str(MIXPEEK), str(DOCS_VARIANT))
    assert result.returncode == 2
    assert "collide" in result.stderr and "Traceback" not in result.stderr


def test_flags_map_to_config() -> None:
    config = parse_config(
        [
            "a.yaml",
            "--seed",
            "9",
            "--no-cors",
            "--strict",
            "--token",
            "admin:tok_a",
            "--world-size",
            "500",
            "--state-file",
            "s.db",
            "--admin-token",
            "x",
        ]
    )
    assert config.specs == ["a.yaml"] and config.seed == 9 and not config.cors and config.strict
    assert config.tokens == {"tok_a": "admin"} and config.world_size == 500
    assert config.state_file == "s.db" and config.admin_token == "x"
    assert config.host == "127.0.0.1" and config.port == 4010
    with pytest.raises(SystemExit):
        parse_config(["--token", "no-colon"])


def test_limit_flags_map_to_config_and_must_be_positive() -> None:
    config = parse_config(
        [
            "--max-header-bytes",
            "1000",
            "--max-headers",
            "7",
            "--header-timeout",
            "2.5",
            "--body-timeout",
            "4",
            "--max-connections",
            "9",
            "--max-clones",
            "3",
        ]
    )
    assert (config.max_header_bytes, config.max_headers, config.max_connections) == (1000, 7, 9)
    assert (config.header_timeout, config.body_timeout, config.max_clones) == (2.5, 4.0, 3)
    assert parse_config([]).max_connections == 4096 and parse_config([]).max_clones == 2000
    for flag in ("--max-header-bytes", "--header-timeout", "--max-connections"):
        with pytest.raises(SystemExit):
            parse_config([flag, "0"])
    with pytest.raises(SystemExit):
        parse_config(["--world-size", "5000001"])
    with pytest.raises(SystemExit):
        parse_config(["--max-depth", "201"])
    flags = parse_config(
        ["--max-depth", "200", "--max-import", "5", "--allowed-host", "a.test", "--allowed-host", "b"]
    )
    assert (flags.max_depth, flags.max_import, flags.allowed_hosts) == (200, 5, ["a.test", "b"])


def test_prism_habits_map_to_config() -> None:
    config = parse_config(["-p", "5005", "-h", "0.0.0.0", "-d", "--log-format", "json", "--reports", "r"])
    assert (config.port, config.host, config.dynamic, config.log_format) == (5005, "0.0.0.0", True, "json")
    assert config.reports == "r"
    assert parse_config([]).log_format == "text" and parse_config(["--quiet"]).log_format is None
    assert parse_config(["--state-file", "s.db", "--reset-state"]).reseed


def _wait_for(process: MockProcess, text: str) -> str:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        found = next((line for line in process.output if text in line), None)
        if found is not None:
            return found
        time.sleep(0.05)
    raise AssertionError(f"{text!r} never printed:\n{process.text()}")


def test_one_line_per_request_with_the_refusal_reason_and_a_banner(tmp_path: Path) -> None:
    state = tmp_path / "state.db"
    with MockProcess("--seed", "3", "--state-file", str(state)) as mock:
        assert "seed 3; state file" in mock.text() and "(created)" in mock.text()
        assert f"dashboard: {mock.url}/_mock/ui" in mock.text()
        httpx.post(mock.url + "/v1/namespaces/migrations/list", headers=BEARER, json={"limit": 5000})
        line = _wait_for(mock, "POST /v1/namespaces/migrations/list 422")
        assert re.search(r" 422 \d+\.\d ms  body\.limit: .*1000", line), line
        refused = {"Authorization": "Bearer foo"}
        httpx.post(mock.url + "/v1/namespaces/migrations/list", headers=refused, json={})
        assert "sk_" in _wait_for(mock, "list 401")
        mock.stop()
    with MockProcess("--seed", "3", "--state-file", str(state), "--log-format", "json") as mock:
        assert "(resumed)" in mock.text()
        httpx.post(mock.url + "/v1/namespaces/migrations/list", headers=BEARER, json={})
        record = json.loads(_wait_for(mock, '"status":200'))
        assert record["path"] == "/v1/namespaces/migrations/list" and record["reason"] is None
    with MockProcess("--quiet") as mock:
        httpx.post(mock.url + "/v1/namespaces/migrations/list", headers=BEARER, json={})
        time.sleep(0.5)
        assert "/v1/namespaces/migrations/list 200" not in mock.text()


def test_another_seed_on_a_state_file_refuses_and_says_how(tmp_path: Path) -> None:
    state = tmp_path / "state.db"
    with MockProcess("--seed", "3", "--state-file", str(state)) as mock:
        mock.stop()
    refused = subprocess.run(
        [sys.executable, "-m", "mockserver", "--seed", "4", "--state-file", str(state), "--port", "0"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert "--seed 3" in refused.stderr and "--reset-state" in refused.stderr
    with MockProcess("--seed", "4", "--state-file", str(state), "--reset-state") as mock:
        assert httpx.get(mock.url + "/_mock/state").json()["seed"] == 4


def test_ctrl_c_exits_0_without_a_traceback() -> None:
    with MockProcess() as mock:
        os.killpg(mock.pid, signal.SIGINT)
        assert mock.proc.wait(30) == 0
        mock._reader.join(5)
        assert "Traceback" not in mock.text()


def test_root_points_to_the_dashboard_and_the_operations() -> None:
    with MockProcess("--quiet") as mock:
        index = httpx.get(mock.url + "/").json()
        listing = httpx.get(mock.url + "/_mock").json()["endpoints"]
    assert index["dashboard"] == "/_mock/ui"
    assert "POST /v1/namespaces/migrations/list" in index["operations"]["Mixpeek API"]
    assert {"GET /_mock/journal/{entry}", "POST /_mock/clock/advance", "GET /_mock/ui"} <= set(listing)


def test_workers_get_the_secrets_without_the_environment() -> None:
    """--workers N: the registered tokens reach each worker (the admin's may filter by customer_code,
    a user gets 403) but no process's environment holds them or the admin token (/proc/PID/environ,
    inherited by anything a worker runs)."""
    admin, token = "admin-s3cret-token", "tok_registered_s3cret"
    args = ["--workers", "2", "--admin-token", admin, "--token", f"admin:{token}", str(HOSTING)]
    with MockProcess(*args) as server:
        deadline = time.monotonic() + 30
        while len(server.worker_pids()) < 3 and time.monotonic() < deadline:
            time.sleep(0.2)
        pids = server.worker_pids()
        assert len(pids) >= 3, pids  # the parent, its two workers (and multiprocessing's resource tracker)
        for pid in pids:
            environ = Path(f"/proc/{pid}/environ").read_bytes()
            assert admin.encode() not in environ and token.encode() not in environ, pid
        url = f"{server.url}/api/migrations?customer_code=ACME"
        for _ in range(6):  # whichever worker answers knows the registered token
            assert httpx.get(url, headers={"X-Api-Token": token}, timeout=10).status_code == 200
            assert httpx.get(url, headers={"X-Api-Token": "tok_user"}, timeout=10).status_code == 403
