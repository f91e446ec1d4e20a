"""The pytest entry: one test per operation x family, the same suites as ``contracts run``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from drift_servers import SPEC, make_app

from mockserver.testing import run_server


def _pytest(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "contracts.pytest_plugin",
            "-q",
            "-p",
            "no:cacheprovider",
            *args,
        ],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_without_its_options_the_plugin_adds_nothing(tmp_path: Path) -> None:
    (tmp_path / "test_one.py").write_text("def test_one() -> None:\n    pass\n")
    done = _pytest(tmp_path)
    assert done.returncode == 0 and "1 passed" in done.stdout


def test_one_test_per_operation_and_family_failing_where_the_drift_is(tmp_path: Path) -> None:
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps(SPEC))
    (tmp_path / "test_other.py").write_text("def test_other() -> None:\n    pass\n")
    # --contracts-only collects nothing of the project: a module that cannot even be imported is not read
    (tmp_path / "test_broken.py").write_text("import no_such_module_anywhere\n")
    with run_server(make_app("enum-narrowed")) as url:
        done = _pytest(
            tmp_path,
            "--contracts-spec",
            str(spec),
            "--contracts-url",
            url,
            "--contracts-header",
            "Authorization: Bearer t",
            "--contracts-max-examples",
            "3",
            "--contracts-seed",
            "2",
            "--contracts-only",
        )
    assert done.returncode == 1, done.stdout
    assert "1 failed, 21 passed" in done.stdout  # 2 operations x 11 families; test_other not collected
    assert "no_such_module_anywhere" not in done.stdout and "error" not in done.stdout
    assert "POST /items/list enum-narrowed at request.body.kind: expected a, b, c, got a, b" in done.stdout


@pytest.mark.parametrize(
    "args",
    [["--contracts-spec", "/no/such.yaml", "--contracts-url", "http://x"], ["--contracts-spec", "{spec}"]],
)
def test_bad_options_are_usage_errors(tmp_path: Path, args: list[str]) -> None:
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps(SPEC))
    done = _pytest(tmp_path, *[a.format(spec=spec) for a in args])
    assert done.returncode == 4, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
