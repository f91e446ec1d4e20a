"""Plain schemathesis, every phase and every check, against the running mock: no failure.

This is the issue's acceptance line (``st run SPEC --url … --checks all``). CI runs a short
campaign per bundled spec; ``bench/selffuzz.py`` runs the long one (at least 2,000 cases each).
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from selffuzz_kit import (
    DOCS_VARIANT,
    HOSTING,
    MIXPEEK,
    TOKENS,
    parse_summary,
    schemathesis_run,
    stateful_report,
    write_config,
)

from mockserver.app import create_app
from mockserver.config import Config
from mockserver.testing import run_server


@pytest.mark.slow
@pytest.mark.parametrize("spec", [MIXPEEK, HOSTING, DOCS_VARIANT], ids=["mixpeek", "hosting", "docs"])
def test_schemathesis_all_checks_find_nothing(spec: Path) -> None:
    with run_server(create_app(Config(specs=[str(spec)], seed=0, tokens=TOKENS))) as url:
        result = schemathesis_run(spec, url, max_examples=25)
    output = result.stdout[-6000:] + result.stderr[-2000:]
    assert result.returncode == 0, output
    summary = parse_summary(result.stdout)
    assert summary is not None and summary.generated > 0, output
    assert summary.failed == 0 and summary.counts.get("passed") == summary.generated, output


def _pins(url: str) -> dict[str, str]:
    """An existing namespace of the mock's world: by name for the header, by id for the path."""
    state = httpx.get(f"{url}/_mock/state", timeout=30).json()["apis"]
    mixpeek = state.get("Mixpeek API")
    if mixpeek is None:
        return {}
    namespace = mixpeek["namespaces"][0]
    return {
        "header.X-Namespace": namespace["namespace_name"],
        "path.namespace_identifier": namespace["namespace_id"],
    }


@pytest.mark.slow
@pytest.mark.parametrize("spec", [MIXPEEK, HOSTING], ids=["mixpeek", "hosting"])
def test_schemathesis_with_a_pinned_namespace_finds_nothing(spec: Path, tmp_path: Path) -> None:
    """The issue's line: ``st run --checks all --phases examples,coverage,fuzzing,stateful`` with a
    real namespace pinned through ``schemathesis.toml`` ``[parameters]``, so requests reach the world
    (filters, sorts, pages, clones) instead of its 404; the stateful phase follows the spec's links."""
    with run_server(create_app(Config(specs=[str(spec)], seed=0, tokens=TOKENS))) as url:
        config = write_config(tmp_path, _pins(url))
        result = schemathesis_run(spec, url, max_examples=20, config=config)
    output = result.stdout[-8000:] + result.stderr[-2000:]
    assert result.returncode == 0, output
    summary = parse_summary(result.stdout)
    assert summary is not None and summary.generated > 0, output
    assert summary.failed == 0, output
    if spec == MIXPEEK:
        stateful = stateful_report(result.stdout)
        assert stateful.ran and stateful.links_followed > 0, output


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


def test_the_stateful_report_reads_scenarios_and_links() -> None:
    text = (
        " ✅  Stateful (in 5.28s)\n     Scenarios:    14\n"
        "     API Links:    3 covered / 3 selected / 3 total\n"
    )
    report = stateful_report(text)
    assert (report.scenarios, report.links_followed, report.links, report.ran) == (14, 3, 3, True)
    assert not stateful_report(" ⏭  Stateful (not applicable)\n").ran
