"""Plain schemathesis against the mock: the command line, and what its summary says.

Shared by ``tests/test_selffuzz.py`` (a short campaign in CI) and ``bench/selffuzz.py`` (at least
2,000 cases per bundled spec). The command is what a user types:
``python -m schemathesis.cli run SPEC --url URL --checks all`` with every phase, plus the
credential the API accepts, a seed, and no example database (nothing is written to the checkout).
With ``config`` (:func:`write_config`), a ``schemathesis.toml`` pins parameters to existing data.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MIXPEEK = ROOT / "spec" / "mixpeek.yaml"
HOSTING = ROOT / "spec" / "hosting.yaml"
DOCS_VARIANT = ROOT / "spec" / "variants" / "mixpeek-docs.yaml"
SPECS = (MIXPEEK, HOSTING, DOCS_VARIANT)
# Mixpeek's key is registered as an admin (`--token admin:KEY`): cross-organization cloning
# (source_organization_id, seed 002) is admin only, and the fuzzer sends it
FUZZ_KEY = "sk_selffuzz_admin"
TOKENS = {FUZZ_KEY: "admin"}
SERVER_ARGS = ("--token", f"admin:{FUZZ_KEY}")
AUTH = {
    MIXPEEK: f"Authorization: Bearer {FUZZ_KEY}",
    HOSTING: "X-Api-Token: tok_user",
    DOCS_VARIANT: f"Authorization: Bearer {FUZZ_KEY}",
}
_CASES = re.compile(r"^\s*(\d+) generated(?:, (.*))?$", re.MULTILINE)
_FOUND = re.compile(r"(\d+) found (\d+) unique failures?")


@dataclass(frozen=True)
class Summary:
    """The ``Test cases:`` line of schemathesis's summary: ``N generated, P passed, F failed, ...``."""

    generated: int
    counts: dict[str, int]  # "passed", "failed", "errored", "skipped" ... as printed

    @property
    def failed(self) -> int:
        return self.counts.get("failed", 0) + self.counts.get("errored", 0)


def parse_summary(stdout: str) -> Summary | None:
    """The test-case counts of a schemathesis run, or ``None`` when it printed no summary."""
    matches = list(_CASES.finditer(stdout))
    if not matches:
        return None
    found = matches[-1]
    counts: dict[str, int] = {}
    for part in (found.group(2) or "").split(","):
        unique = _FOUND.match(part.strip())
        if unique:  # "1 found 1 unique failure": cases that failed, and distinct failures
            counts["failed"] = int(unique.group(1))
            counts["unique failures"] = int(unique.group(2))
            continue
        number, _, word = part.strip().partition(" ")
        if number.isdigit():
            counts[word.strip()] = int(number)
    return Summary(generated=int(found.group(1)), counts=counts)


def write_config(directory: Path, parameters: dict[str, str]) -> Path:
    """A ``schemathesis.toml`` whose ``[parameters]`` table pins these values (``"header.X"``,
    ``"path.y"`` …), so generated requests reach data that exists."""
    lines = [
        "[parameters]",
        *(f"{json.dumps(name)} = {json.dumps(value)}" for name, value in parameters.items()),
    ]
    path = directory / "schemathesis.toml"
    path.write_text("\n".join(lines) + "\n")
    return path


_SCENARIOS = re.compile(r"Stateful \(in [^)]*\)\s+Scenarios:\s+(\d+)")
_LINKS = re.compile(r"API Links:\s+(\d+) covered / (\d+) selected")


@dataclass(frozen=True)
class Stateful:
    """What schemathesis's stateful phase reports: scenarios run and API links covered."""

    scenarios: int
    links_followed: int
    links: int

    @property
    def ran(self) -> bool:
        return self.scenarios > 0


def stateful_report(stdout: str) -> Stateful:
    """The stateful phase's figures; zeros when it did not run (no links: "not applicable")."""
    scenarios = _SCENARIOS.search(stdout)
    links = _LINKS.search(stdout)
    return Stateful(
        int(scenarios.group(1)) if scenarios else 0,
        int(links.group(1)) if links else 0,
        int(links.group(2)) if links else 0,
    )


def schemathesis_command(
    spec: Path,
    url: str,
    *,
    max_examples: int,
    seed: int = 1,
    workers: int = 1,
    config: Path | None = None,
) -> list[str]:
    return [
        sys.executable,
        "-m",
        "schemathesis.cli",
        *(["--config-file", str(config)] if config else []),
        "run",
        str(spec),
        "--url",
        url,
        "--checks",
        "all",
        "--phases",
        "examples,coverage,fuzzing,stateful",
        "--max-examples",
        str(max_examples),
        "--seed",
        str(seed),
        "-H",
        AUTH[spec],
        "--workers",
        str(workers),
        "--generation-database",
        "none",
        "--no-color",
    ]


def schemathesis_run(
    spec: Path,
    url: str,
    *,
    max_examples: int,
    seed: int = 1,
    workers: int = 1,
    timeout: float = 600,
    config: Path | None = None,
) -> subprocess.CompletedProcess[str]:
    command = schemathesis_command(
        spec, url, max_examples=max_examples, seed=seed, workers=workers, config=config
    )
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout, cwd=ROOT)
