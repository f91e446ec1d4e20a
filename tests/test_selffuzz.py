"""Plain schemathesis, every phase and every check, against the running mock: no failure.

This is the issue's acceptance line (``st run SPEC --url … --checks all``). CI runs a short
campaign per bundled spec; ``bench/selffuzz.py`` runs the long one (at least 2,000 cases each).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from selffuzz_kit import DOCS_VARIANT, HOSTING, MIXPEEK, parse_summary, schemathesis_run

from mockserver.app import create_app
from mockserver.config import Config
from mockserver.testing import run_server


@pytest.mark.slow
@pytest.mark.parametrize("spec", [MIXPEEK, HOSTING, DOCS_VARIANT], ids=["mixpeek", "hosting", "docs"])
def test_schemathesis_all_checks_find_nothing(spec: Path) -> None:
    with run_server(create_app(Config(specs=[str(spec)], seed=0))) as url:
        result = schemathesis_run(spec, url, max_examples=25)
    output = result.stdout[-6000:] + result.stderr[-2000:]
    assert result.returncode == 0, output
    summary = parse_summary(result.stdout)
    assert summary is not None and summary.generated > 0, output
    assert summary.failed == 0 and summary.counts.get("passed") == summary.generated, output


def test_the_summary_parser_reads_schemathesis_counts() -> None:
    text = "Test cases:\n  616 generated, 610 passed, 4 failed, 2 errored, 2 skipped\n\nSeed: 1\n"
    summary = parse_summary(text)
    assert summary is not None and summary.generated == 616
    assert summary.counts == {"passed": 610, "failed": 4, "errored": 2, "skipped": 2}
    assert summary.failed == 6
    found = parse_summary("Test cases:\n  1311 generated, 1 found 1 unique failure, 2 skipped\n")
    assert found is not None and found.generated == 1311 and found.failed == 1
    assert found.counts == {"failed": 1, "unique failures": 1, "skipped": 2}
    assert parse_summary("Schemathesis v4\nno summary here\n") is None
