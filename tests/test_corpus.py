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
import gzip
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from mockserver.catalog import load_catalog
from mockserver.config import Config
from oascore import Operation, load_spec
from tests.mockproc import MockProcess

CORPUS = Path(__file__).resolve().parent / "corpus"
DOCUMENTS = sorted(p.name for p in CORPUS.iterdir() if p.name.endswith((".json", ".yaml", ".json.gz")))
MAX_EXAMPLES = 3
# GitHub's 1,223 operations: a few examples each is still minutes on two shared cores
RUN_TIMEOUT_S = 900


@dataclass(frozen=True)
class Rule:
    """Failures one reason explains, and nothing else: in ``documents``, of ``check``, when the mock
    answered one of ``status``, on the ``operations`` listed (labels, ``GET /x``) or, with ``where``,
    on the operations whose description in the document makes the reason true (checked against the
    document, per operation). A failure of the mock's making on any other operation, check or status
    is not explained."""

    documents: tuple[str, ...]
    check: str
    status: tuple[int, ...]
    reason: str
    operations: tuple[str, ...] = ()
    where: Callable[[Operation], bool] | None = None

    def explains(self, failure: Failure, operation: Operation | None) -> bool:
        return (
            failure.document in self.documents
            and failure.check == self.check
            and failure.status in self.status
            and (not self.operations or failure.operation in self.operations)
            and (self.where is None or (operation is not None and self.where(operation)))
        )


def secured(operation: Operation) -> bool:
    """The operation requires a credential (a security requirement, none of them empty)."""
    return bool(operation.security) and all(operation.security)


def no_401(operation: Operation) -> bool:
    return secured(operation) and operation.response_for(401) is None


def no_refusal_status(operation: Operation) -> bool:
    """The operation documents no status for invalid input: neither 400 nor 422 (nor 4XX, default)."""
    return operation.response_for(400) is None and operation.response_for(422) is None


def no_response(operation: Operation) -> bool:
    return not operation.responses


# Failures that are not the mock's: a real backend would be needed, or the document forces them.
NOT_THE_MOCKS: tuple[Rule, ...] = (
    Rule(
        ("digitalocean.json.gz", "twilio_messaging_v1.json"), "ignored_auth", (200, 201, 202, 204),
        "an invented credential is accepted: only the real backend knows which credentials are valid "
        "(a generic mock accepts any until --token registers some)",
        where=secured,
    ),
    Rule(
        (
            "aws-accessanalyzer.json", "aws-rds.json.gz", "aws-resourcegroupstaggingapi.json",
            "google-cloudresourcemanager-v3.json", "oai-non-oauth-scopes.json", "readme-api-3.1.json",
            "twilio_messaging_v1.json",
        ),
        "status_code_conformance", (401,),
        "a request without a credential (or with an empty one) is refused with 401, and the operation "
        "requires one but documents no 401 (AWS documents its errors as 480-497)",
        where=no_401,
    ),
    Rule(
        (
            "github-api.github.com.json.gz", "oai-callback-example.yaml", "oai-link-example.yaml",
            "oai-uspto.json", "readme-api-3.1.json", "readme-discriminators.json",
            "readme-parameters-style-3.1.json", "readme-request-examples.json",
            "readme-schema-types-3.1.json", "readme-schema-visibility.json",
        ),
        "status_code_conformance", (422,),
        "a refusal of invalid input the operation documents no status for (neither 400 nor 422): any "
        "refusal is undocumented there, and accepting the input would fail negative_data_rejection",
        where=no_refusal_status,
    ),
    Rule(
        ("readme-schema-types-3.1.json", "readme-parameters-style-3.1.json"),
        "status_code_conformance", (200,),
        "the operation documents no response at all (3.1 allows it): the mock answers a valid request "
        "200 without a body, and any status would be undocumented",
        where=no_response,
    ),
    Rule(
        ("readme-parameters-style-3.1.json",), "negative_data_rejection", (200,),
        "schemathesis writes its invalid path values in label/matrix style as text a valid value gives "
        "(every member is a free string: `;array=69216395740777488` is the array of one string, null "
        "members are empty ones `.,`): the wire request is valid",
        operations=(
            "GET /anything/path/label/{primitive}/{array}/{object}",
            "GET /anything/path/matrix/{primitive}/{array}/{object}",
            "POST /anything/path/matrix/{primitive}/{array}/{object}",
        ),
    ),
    Rule(
        ("readme-parameters-style-3.1.json",), "status_code_conformance", (404,),
        "schemathesis writes its invalid exploded label values as nothing, so three path segments "
        "become one (`/anything/path/label/.=null%2Cnull`): that path matches no template, 404",
        operations=("POST /anything/path/label/{primitive}/{array}/{object}",),
    ),
    Rule(
        ("github-api.github.com.json.gz",), "allow_header_conformance", (405,),
        "two templates of the same shape (`…/attestations/{subject_digest}` GET, "
        "`…/attestations/{attestation_id}` DELETE) match one URL: the Allow header of a 405 there "
        "rightly names the other template's GET too",
        operations=(
            "DELETE /orgs/{org}/attestations/{attestation_id}",
            "DELETE /users/{username}/attestations/{attestation_id}",
        ),
    ),
    Rule(
        ("github-api.github.com.json.gz",), "negative_data_rejection", (200,),
        "the body is `text/x-markdown` with schema `string`: any text is a valid string, `{}` and "
        "`null` included, so accepting it is right",
        operations=("POST /markdown/raw",),
    ),
)  # fmt: skip

# The mock's own failures that are not fixed yet (issue 11): each is a defect, listed so that it
# is visible and counted, never silently dropped. Remove a rule when its class is fixed.
KNOWN_DEFECTS: tuple[Rule, ...] = ()


# The largest documents run on an even sample of their paths, so that CI (two cores, 20 minutes
# for everything) can afford them: every k-th path of the sorted list, the same on every run.
# Their whole runs belong in a longer campaign, not in CI. Last done 2026-11-30 on the shared
# machine (nice -n 10): GitHub 2,494 s (899 failing checks), RDS 644 s (572), every one explained
# by a rule above; DigitalOcean 1,452 s (173: one of the mock's making, fixed since; its path re-run
# alone: nothing of the mock's making).
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


def unexplained_in(failures: list[Failure], document: Path) -> list[Failure]:
    """The failures no rule explains (each rule is checked against the operation it names)."""
    operations = {op.label: op for op in load_spec(document).operations}
    return [
        f
        for f in failures
        if not any(rule.explains(f, operations.get(f.operation)) for rule in (*NOT_THE_MOCKS, *KNOWN_DEFECTS))
    ]


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
def test_schemathesis_finds_nothing_of_the_mocks_making(name: str, tmp_path: Path) -> None:
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
    unexplained = unexplained_in(failures, document)
    distinct = {(f.operation, f.check, f.title): f for f in unexplained}
    assert not distinct, f"{len(distinct)} failures of the mock's making:\n" + "\n".join(
        f.line() for f in list(distinct.values())[:40]
    )
