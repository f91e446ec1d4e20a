"""The invalid-credential probe (``auth-invalid-accepted``) against the mock: a spec without a profile
accepts any credential until ``--token`` registers some (README, *What every request goes through*)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from drift_servers import SPEC, TOKEN

from contracts import cli
from contracts.probes.auth import invalid_like
from mockserver.app import create_app
from mockserver.config import Config
from mockserver.testing import run_server


@pytest.fixture(scope="module")
def spec_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("spec") / "items.json"
    path.write_text(json.dumps(SPEC))
    return path


def _auth_findings(
    spec_path: Path, tmp_path: Path, tokens: dict[str, str], *flags: str
) -> list[dict[str, str]]:
    report = tmp_path / "r.json"
    with run_server(create_app(Config(specs=[str(spec_path)], tokens=tokens))) as url:
        args = ["run", "--spec", str(spec_path), "--url", url, "--header", f"Authorization: Bearer {TOKEN}"]
        args += ["--seed", "3", "--max-examples", "3", "--quiet", "--json", str(report), *flags]
        cli.main(args)
    findings = json.loads(report.read_text())["findings"]
    return [f for f in findings if f["kind"].startswith("auth-")]


def test_a_mock_taking_any_credential_is_one_server_wide_warning(spec_path: Path, tmp_path: Path) -> None:
    (found,) = _auth_findings(spec_path, tmp_path, {})  # one cause, folded across both operations
    assert (found["kind"], found["location"], found["severity"]) == (
        "auth-invalid-accepted",
        "request.header.authorization",
        "warning",
    )
    assert "server-wide: every operation" in found["message"]
    assert "Authorization: [Filtered]" in found["evidence"]["curl"]  # the invalid one is masked too


def test_registered_tokens_refuse_an_invalid_one_so_nothing_is_found(spec_path: Path, tmp_path: Path) -> None:
    assert _auth_findings(spec_path, tmp_path, {TOKEN: "admin"}) == []


def test_schemathesis_invalid_credential_result_is_kept(spec_path: Path, tmp_path: Path) -> None:
    (found,) = _auth_findings(spec_path, tmp_path, {}, "--checks", "ignored_auth")  # no probe of ours
    assert found["kind"] == "auth-invalid-accepted"
    assert found["evidence"]["note"] == "schemathesis ignored_auth"


@pytest.mark.parametrize("flags", [["--no-auth-probe"], ["--checks", "auth,bounds"]])
def test_the_probe_can_be_turned_off(spec_path: Path, tmp_path: Path, flags: list[str]) -> None:
    assert _auth_findings(spec_path, tmp_path, {}, *flags) == []


def test_an_invalid_credential_keeps_the_shape_of_the_real_one() -> None:
    wrong = invalid_like("Bearer sk_live_abc", seed=1)
    assert wrong.startswith("Bearer sk_invalid_") and wrong != invalid_like("Bearer sk_live_abc", seed=2)
    assert invalid_like("tok_abc", seed=1).startswith("tok_invalid_")
    assert invalid_like("Basic dXNlcjpwYXNz", seed=1).startswith("Basic ")
