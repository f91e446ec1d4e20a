"""Shared fixtures: the real mock on a free loopback port, and the bundled specs."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from mockserver.app import create_app
from mockserver.config import Config
from mockserver.testing import run_server

ROOT = Path(__file__).resolve().parent.parent
MIXPEEK = ROOT / "spec" / "mixpeek.yaml"
HOSTING = ROOT / "spec" / "hosting.yaml"
DOCS_VARIANT = ROOT / "spec" / "variants" / "mixpeek-docs.yaml"
BEARER = {"Authorization": "Bearer sk_test"}
API_TOKEN = {"X-Api-Token": "tok_user"}


@pytest.fixture(scope="module")
def mock_url() -> Iterator[str]:
    """The bundled specs, served on their defaults (seed 0)."""
    with run_server(create_app(Config(seed=0))) as url:
        yield url


@pytest.fixture()
def client(mock_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=mock_url, timeout=10) as c:
        yield c


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """A throwaway PostgreSQL server for this test session (``TEST_PG_DSN`` to use a running one).

    No PostgreSQL binaries is a failure, not a skip: ``.ci/install.d/30-postgresql.sh`` installs them.
    """
    if os.environ.get("TEST_PG_DSN"):
        yield os.environ["TEST_PG_DSN"]
        return
    from tests.pgserver import running_postgres

    with running_postgres("specmock_test") as dsn:
        yield dsn


@pytest.fixture()
def pg_url(pg_server: str) -> Iterator[str]:
    """A ``--state-url`` of an empty schema of its own (the search path picks it), one per test;
    dropped afterwards (with ``TEST_PG_DSN`` the schemas would otherwise pile up there)."""
    import psycopg

    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(pg_server, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    yield with_schema(pg_server, schema)
    try:
        with psycopg.connect(pg_server, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")
    except psycopg.Error:
        pass  # a test that stopped the server or held locks: the throwaway cluster goes anyway


def with_schema(dsn: str, schema: str) -> str:
    """``dsn`` whose connections use ``schema`` (libpq ``options=-c search_path=…``)."""
    sep = "&" if "?" in dsn else "?"
    return f"{dsn}{sep}options=-csearch_path%3D{schema}"


# A skip is a test that did not run. Only these reasons may skip; any other skip fails the run
# (a needed tool or fixture that is missing must never turn into a quiet green). Each entry says
# why it is acceptable.
ALLOWED_SKIPS: dict[str, str] = {
    # needs a second network address to prove the mock refuses non-loopback clients; CI sandboxes
    # may have none, and the refusal logic is also covered over loopback with a forged peer
    "this machine has no non-loopback address": "environment without a non-loopback address",
}


_UNEXPECTED_SKIPS: list[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.skipped and not hasattr(report, "wasxfail"):
        reason = str(report.longrepr)
        if not any(allowed in reason for allowed in ALLOWED_SKIPS):
            _UNEXPECTED_SKIPS.append(f"{report.nodeid}: {reason}")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if _UNEXPECTED_SKIPS and session.exitstatus == 0:
        session.exitstatus = 1


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if _UNEXPECTED_SKIPS:
        terminalreporter.section("skips not on the allow-list (tests/conftest.py ALLOWED_SKIPS)", red=True)
        for line in _UNEXPECTED_SKIPS:
            terminalreporter.line(line)
