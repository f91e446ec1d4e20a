"""Real-world documents (tests/corpus/): the mock starts on each, and plain schemathesis finds nothing
that is the mock's making.

Per document: ``mockserver DOC`` as a real process, then ``st run DOC --checks all --phases
examples,coverage,fuzzing`` (a few examples per operation, fixed seed) against it, with an NDJSON
report. Every failing check of every case is read from that report (not from the summary:
schemathesis prints one failure per operation+check, which can hide a second cause), and each must
be explained by a rule in :data:`NOT_THE_MOCKS` (a real backend is needed, or the document forces
it) or :data:`KNOWN_DEFECTS` (the mock's own, not fixed yet: listed, never silent). Anything else
fails the test with a reproduction.
"""

from __future__ import annotations

import base64
import fnmatch
import gzip
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from mockserver.catalog import load_catalog
from mockserver.config import Config
from oascore import load_spec
from tests.mockproc import MockProcess

CORPUS = Path(__file__).resolve().parent / "corpus"
DOCUMENTS = sorted(p.name for p in CORPUS.iterdir() if p.name.endswith((".json", ".yaml", ".json.gz")))
MAX_EXAMPLES = 3
# GitHub's 1,223 operations: a few examples each is still minutes on two shared cores
RUN_TIMEOUT_S = 900


@dataclass(frozen=True)
class Rule:
    """Failures a reason explains: document, operation label (``GET /x``) and check, as globs;
    ``status``: only when the mock answered one of these statuses (empty: any)."""

    document: str
    operation: str
    check: str
    reason: str
    status: tuple[int, ...] = ()

    def explains(self, failure: Failure) -> bool:
        return (
            fnmatch.fnmatchcase(failure.document, self.document)
            and fnmatch.fnmatchcase(failure.operation, self.operation)
            and fnmatch.fnmatchcase(failure.check, self.check)
            and (not self.status or failure.status in self.status)
        )


# Failures that are not the mock's: a real backend would be needed, or the document forces them.
NOT_THE_MOCKS: tuple[Rule, ...] = (
    Rule(
        "*", "*", "ignored_auth",
        "an invented credential is accepted: only the real backend knows which credentials are valid "
        "(a generic mock accepts any until --token registers some)",
    ),
    Rule(
        "*", "*", "status_code_conformance",
        "a refusal of invalid input (or of a missing credential) the document documents no status "
        "for: any refusal is undocumented there, and accepting the input would fail "
        "negative_data_rejection instead",
        status=(400, 401, 403, 404, 405, 406, 413, 415, 422),
    ),
)  # fmt: skip

NOT_THE_MOCKS += (
    Rule(
        "readme-parameters-style-3.1.json", "GET /cookies#*", "*",
        "three operations share one wire request (GET /cookies); their fragments are labels that "
        "name no key a request could carry, so a request reaches one of them only",
    ),
)  # fmt: skip

NOT_THE_MOCKS += tuple(
    Rule(
        document, "*", "status_code_conformance",
        "the operation documents no response at all (3.1 allows it): the mock answers a valid request "
        "200 without a body, and any status would be undocumented",
        status=(200,),
    )
    for document in ("readme-schema-types-3.1.json", "readme-parameters-style-3.1.json")
)  # fmt: skip

NOT_THE_MOCKS += (
    Rule(
        "readme-parameters-style-3.1.json", "* /anything/path/*", "negative_data_rejection",
        "schemathesis writes its invalid path values (null members) in label/matrix style as the very "
        "text a valid value gives (empty members: `.,`, `;array=,`): the wire request is valid",
    ),
)  # fmt: skip

# The mock's own failures that are not fixed yet (issue 11): each is a defect, listed so that it
# is visible and counted, never silently dropped. Remove a rule when its class is fixed.
KNOWN_DEFECTS: tuple[Rule, ...] = ()

# Documents not yet seen at zero after issue 11's fixes (their runs take long on a shared
# two-core machine): they still run, and a failure there is reported as an expected failure with
# this reason, not hidden. Remove an entry once its run is clean.
UNVERIFIED: dict[str, str] = {
    "github-api.github.com.json.gz": (
        "not yet seen at zero after the fixes (a run takes ~30 min on the shared machine); the last "
        "run (before the error-item fix) left: 422 bodies whose errors[] items lacked `code`, two "
        "generated users with an unknown discriminator value, a body over the 1 MiB --max-body refused "
        "(5,000 deployments), and two document-forced ones (Allow of a same-shape template; any text "
        "is a valid text/x-markdown body)"
    ),
}


# The largest documents run on an even sample of their paths, so that CI (two cores, 20 minutes
# for everything) can afford them: every k-th path of the sorted list, the same on every run.
# Their whole runs (RDS: 720 s, GitHub: ~30 min here) belong in a longer campaign, not in CI.
SAMPLED_PATHS: dict[str, int] = {
    "github-api.github.com.json.gz": 40,
    "aws-rds.json.gz": 40,
    "digitalocean.json.gz": 40,
}


def path_sample(document: Path, name: str) -> list[str]:
    """``--include-path`` arguments for an even sample of ``document``'s paths (none: every path)."""
    wanted = SAMPLED_PATHS.get(name)
    if wanted is None:
        return []
    paths = sorted(load_spec(document).doc["paths"])
    step = max(1, len(paths) // wanted)
    return [arg for path in paths[::step][:wanted] for arg in ("--include-path", path)]


@dataclass(frozen=True)
class Failure:
    document: str
    operation: str
    check: str
    title: str
    status: int | None
    curl: str

    def line(self) -> str:
        where = f"{self.document}: {self.operation} [{self.check}]"
        return f"{where} {self.title} (status {self.status})\n  {self.curl}"


def _text(content: Any) -> str | None:
    if content is None:
        return None
    if isinstance(content, dict) and "$base64" in content:
        return base64.b64decode(content["$base64"]).decode("utf-8", errors="replace")
    return content if isinstance(content, str) else json.dumps(content)


_NOISE = ("user-agent", "accept-encoding", "connection", "content-length", "x-schemathesis-testcaseid")


def _curl(request: dict[str, Any]) -> str:
    parts = ["curl", "-X", str(request.get("method"))]
    for name, values in (request.get("headers") or {}).items():
        if name.lower() in (
            "user-agent",
            "accept-encoding",
            "connection",
            "content-length",
            "x-schemathesis-testcaseid",
        ):
            continue
        for value in values if isinstance(values, list) else [values]:
            parts += ["-H", repr(f"{name}: {value}")]
    body = _text(request.get("body"))
    if body is not None:
        parts += ["--data-binary", repr(body[:2000])]
    parts.append(repr(request.get("uri")))
    return " ".join(parts)


def failures_in(report: Path, document: str) -> list[Failure]:
    """Every failed check of every case in a schemathesis NDJSON report."""
    found: list[Failure] = []
    for line in report.read_text().splitlines():
        try:
            event = json.loads(line)
        except ValueError:
            continue
        scenario = event.get("ScenarioFinished") if isinstance(event, dict) else None
        if not scenario:
            continue
        recorder = scenario.get("recorder") or {}
        for case_id, checks in (recorder.get("checks") or {}).items():
            for check in checks:
                if check.get("status") != "failure":
                    continue
                info = (check.get("failure_info") or {}).get("failure") or {}
                interaction = (recorder.get("interactions") or {}).get(case_id) or {}
                response = interaction.get("response") or {}
                found.append(
                    Failure(
                        document=document,
                        operation=str(recorder.get("label")),
                        check=str(check.get("name")),
                        title=str(info.get("title")),
                        status=response.get("status_code"),
                        curl=_curl(interaction.get("request") or {}),
                    )
                )
    return found


def _materialise(name: str, into: Path) -> Path:
    source = CORPUS / name
    if name.endswith(".gz"):
        target = into / name[: -len(".gz")]
        target.write_bytes(gzip.decompress(source.read_bytes()))
        return target
    target = into / name
    shutil.copyfile(source, target)
    return target


def _st() -> list[str]:
    found = shutil.which(
        "st", path=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    )
    assert found, "schemathesis' `st` command is missing (pip install -e '.[test]')"
    return [found]


@pytest.mark.parametrize("name", DOCUMENTS)
def test_every_document_loads(name: str, tmp_path: Path) -> None:
    """Start-up alone (in process): every document is servable, each deviation one warning line."""
    catalog = load_catalog(Config(specs=[str(_materialise(name, tmp_path))]))
    (served,) = catalog.specs.values()
    assert all(line.startswith("#/") for line in served.spec.warnings)
    assert len(served.operations) == len(served.spec.operations)


@pytest.mark.slow
@pytest.mark.timeout(RUN_TIMEOUT_S + 120)
@pytest.mark.parametrize("name", DOCUMENTS)
def test_schemathesis_finds_nothing_of_the_mocks_making(
    name: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    if name in UNVERIFIED:
        request.node.add_marker(pytest.mark.xfail(reason=UNVERIFIED[name], strict=False))
    document = _materialise(name, tmp_path)
    with MockProcess(str(document), timeout=120) as mock:
        reports = tmp_path / "reports"
        done = subprocess.run(
            [
                *_st(), "run", str(document), "--url", mock.url,
                "--checks", "all", "--phases", "examples,coverage,fuzzing",
                "--max-examples", str(MAX_EXAMPLES), "--seed", "1", "--no-color",
                "--generation-database", "none", "--report", "ndjson", "--report-dir", str(reports),
                *path_sample(document, name),
            ],
            capture_output=True, text=True, timeout=RUN_TIMEOUT_S, cwd=tmp_path,
        )  # fmt: skip
        log = mock.text()
    ndjson = sorted(reports.glob("*.ndjson"))
    assert ndjson, f"no report (st exit {done.returncode}):\n{done.stdout[-3000:]}\n{done.stderr[-2000:]}"
    assert "Traceback" not in log, log[-3000:]
    failures = failures_in(ndjson[0], name)
    unexplained = [
        f for f in failures if not any(rule.explains(f) for rule in (*NOT_THE_MOCKS, *KNOWN_DEFECTS))
    ]
    distinct = {(f.operation, f.check, f.title): f for f in unexplained}
    assert not distinct, f"{len(distinct)} failures of the mock's making:\n" + "\n".join(
        f.line() for f in list(distinct.values())[:40]
    )
