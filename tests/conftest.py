"""Shared fixtures: the real mock on a free loopback port, and the bundled specs."""

from __future__ import annotations

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
