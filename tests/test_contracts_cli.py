"""``contracts run`` / ``contracts diff``: flags map to the library, exit codes, reports, messages."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from drift_servers import SPEC, make_app
from spec_variants import docs_page_spec

from contracts import cli
from contracts.engine import RunOptions, RunResult
from mockserver.testing import run_server

ROOT = Path(__file__).resolve().parent.parent
MIXPEEK = ROOT / "spec" / "mixpeek.yaml"
DOCS = ROOT / "spec" / "variants" / "mixpeek-docs.yaml"


@pytest.fixture(scope="module")
def spec_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("spec") / "drift.json"
    path.write_text(json.dumps(SPEC))
    return path


def _run_args(spec_path: Path, url: str, *extra: str) -> list[str]:
    return [
        "run",
        "--spec",
        str(spec_path),
        "--url",
        url,
        "--header",
        "Authorization: Bearer t",
        "--max-examples",
        "3",
        "--seed",
        "5",
        *extra,
    ]


def test_flags_map_to_run_options(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    calls: list[tuple[Any, ...]] = []

    def fake_run(spec: str, url: str, options: RunOptions, progress: Any, watch: Any = None) -> RunResult:
        calls.append((spec, url, options))
        return RunResult([], 0, 9, ("GET /x",))

    monkeypatch.setattr(cli, "run", fake_run)
    code = cli.main(
        [
            "run",
            "--spec",
            "s.yaml",
            "--url",
            "http://h",
            "--header",
            "X-A: 1",
            "--param",
            "header.X-Namespace=ns_1",
            "--param",
            "path.id=7",
            "--max-examples",
            "4",
            "--seed",
            "3",
            "--workers",
            "2",
            "--no-closed-schemas",
        ]
    )
    assert code == 0
    ((spec, url, options),) = calls
    assert (spec, url) == ("s.yaml", "http://h")
    assert options == RunOptions(
        headers={"X-A": "1"},
        params={"header.X-Namespace": "ns_1", "path.id": "7"},
        max_examples=4,
        seed=3,
        workers=2,
        closed_schemas=False,
    )
    assert "No drift" in capsys.readouterr().out


def test_a_conforming_server_exits_0_with_progress_on_stderr(
    spec_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with run_server(make_app(None)) as url:
        assert cli.main(_run_args(spec_path, url)) == 0
    out, err = capsys.readouterr()
    assert "No drift found" in out
    assert "probe bounds" in err and "phase coverage" in err


def test_drift_exits_1_and_writes_json_and_junit(
    spec_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report, junit = tmp_path / "r.json", tmp_path / "r.xml"
    with run_server(make_app("bound-tighter")) as url:
        code = cli.main(_run_args(spec_path, url, "--json", str(report), "--junit", str(junit), "--quiet"))
    assert code == 1
    out, err = capsys.readouterr()
    assert "bound-tighter" in out and "max 100" in out and "probe" not in err
    data = json.loads(report.read_text())
    assert [(f["kind"], f["location"], f["expected"], f["actual"]) for f in data["findings"]] == [
        ("bound-tighter", "request.body.limit", "max 1000", "max 100")
    ]
    assert data["summary"]["operations"] == 2 and data["summary"]["findings"] == 1
    assert data["findings"][0]["evidence"]["curl"].startswith("curl ")
    cases = ET.parse(junit).getroot().iter("testcase")
    failed = [(c.get("classname"), c.get("name")) for c in cases if c.find("failure") is not None]
    assert failed == [("POST /items/list", "bounds")]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["run", "--spec", "/no/such.yaml", "--url", "http://127.0.0.1:9"], "cannot read file"),
        (["run", "--spec", str(MIXPEEK), "--url", "http://127.0.0.1:9"], "cannot reach"),
        (["run", "--spec", str(MIXPEEK), "--url", "ftp://x"], "http(s) URL"),
        (["run", "--spec", str(MIXPEEK), "--url", "127.0.0.1:9"], "http(s) URL"),
        (["run", "--spec", str(MIXPEEK), "--url", "http://"], "http(s) URL"),
        (["run", "--spec", str(MIXPEEK), "--url", "http://[::1"], "not a valid URL"),
        (["run", "--spec", str(MIXPEEK), "--url", "http://127.0.0.1:9", "--max-examples", "0"], "at least 1"),
        (
            ["run", "--spec", str(MIXPEEK), "--url", "http://127.0.0.1:9", "--param", "nodot=1"],
            "LOCATION.NAME",
        ),
        (["run", "--spec", str(MIXPEEK), "--url", "http://127.0.0.1:9", "--header", "novalue"], "'K: V'"),
        (["run", "--spec", str(MIXPEEK)], "--url"),
        (["diff", str(MIXPEEK), "/no/such.yaml"], "cannot read file"),
    ],
)
def test_usage_and_setup_problems_exit_2_with_one_message(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(args) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_diff_exits_1_on_breaking_drift_and_0_on_none(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = tmp_path / "d.json"
    docs_page = docs_page_spec(tmp_path)  # mixpeek.yaml without what API 0.82 adds beyond the page
    assert cli.main(["diff", str(docs_page), str(DOCS), "--json", str(report)]) == 1
    out = capsys.readouterr().out
    assert "field-renamed" in out and "enum-narrowed" in out and "max 100" in out
    assert json.loads(report.read_text())["summary"]["findings"] == 3
    assert cli.main(["diff", str(MIXPEEK), str(MIXPEEK)]) == 0


def test_python_dash_m_contracts_is_the_same_command() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "contracts", "run", "--spec", "/no/such.yaml", "--url", "http://127.0.0.1:9"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "error: /no/such.yaml: cannot read file (No such file or directory)"
    ]


def test_unknown_checks_are_a_set_up_error_naming_the_valid_ones(
    spec_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(_run_args(spec_path, "http://127.0.0.1:9", "--checks", "bounds,nope")) == 2
    err = capsys.readouterr().err
    assert "unknown check(s) nope" in err and "bounds" in err and "response_schema_conformance" in err


@pytest.mark.parametrize(
    ("drift", "checks", "found"),
    [
        ("enum-narrowed", "enums", True),
        ("enum-narrowed", "bounds,response_schema_conformance", False),  # the enums probe is off
        ("field-renamed", "response_schema_conformance", True),  # a schemathesis check alone
        ("field-renamed", "all", True),
        ("field-renamed", "bounds,enums,auth", False),  # no schemathesis check looks at bodies
    ],
)
def test_checks_choose_probes_and_schemathesis_checks(
    spec_path: Path, tmp_path: Path, drift: str, checks: str, found: bool
) -> None:
    report = tmp_path / "r.json"
    with run_server(make_app(drift)) as url:
        cli.main(_run_args(spec_path, url, "--checks", checks, "--quiet", "--json", str(report)))
    kinds = {f["kind"] for f in json.loads(report.read_text())["findings"]}
    assert (drift in kinds) is found, kinds


def test_the_check_names_are_schemathesis_own() -> None:
    import schemathesis.specs.openapi.checks  # noqa: F401  (registers the built-in checks)
    from schemathesis.checks import CHECKS as REGISTRY

    from contracts.options import SCHEMATHESIS_CHECKS

    assert set(SCHEMATHESIS_CHECKS) == {check.__name__ for check in REGISTRY.get_all()}
