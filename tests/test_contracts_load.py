"""``contracts run`` reads and parses its spec once: the model and schemathesis share one load."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import yaml

from contracts.engine import RunOptions, run
from mockserver.app import create_app
from mockserver.config import Config
from mockserver.testing import run_server
from oascore import refs
from tests.conftest import API_TOKEN, HOSTING


def _counting(monkeypatch: pytest.MonkeyPatch, owner: Any, name: str) -> list[tuple[Any, ...]]:
    calls: list[tuple[Any, ...]] = []
    real: Callable[..., Any] = getattr(owner, name)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, wrapper)
    return calls


def test_a_contract_run_reads_and_parses_the_spec_once(monkeypatch: pytest.MonkeyPatch) -> None:
    with run_server(create_app(Config(specs=[str(HOSTING)]))) as url:
        reads = _counting(monkeypatch, refs, "read_location")
        parses = _counting(monkeypatch, yaml, "load")  # yaml.safe_load goes through it too
        options = RunOptions(headers=API_TOKEN, max_examples=2, seed=1, phases=("fuzzing",), probes=False)
        result = run(HOSTING, url, options)
    assert result.requests > 0, "the run reached the server"
    assert [call[0] for call in reads] == [HOSTING.resolve().as_uri()]
    assert len(parses) == 1
