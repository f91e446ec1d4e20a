"""``contracts run`` against servers nobody here wrote, started by the tests: json-server with a spec
holding planted discrepancies, and Prism mocking spec/mixpeek.yaml. A missing tool is a failure
(install: .ci/install.d/20-node-servers.sh)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from json_server_api import DB, JSON_SERVER_OWN, PLANTED, SPEC
from node_servers import json_server, prism

from contracts import cli

ROOT = Path(__file__).resolve().parent.parent
MIXPEEK = ROOT / "spec" / "mixpeek.yaml"


def _report(path: Path) -> dict[str, Any]:
    return dict(json.loads(path.read_text()))


def test_json_server_each_planted_discrepancy_is_found_once_and_read_only_changes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db, spec, report = tmp_path / "db.json", tmp_path / "spec.json", tmp_path / "r.json"
    db.write_text(json.dumps(DB, indent=2))
    spec.write_text(json.dumps(SPEC))
    before = db.read_text()
    with json_server(db, tmp_path) as url:
        args = [
            "run",
            "--spec",
            str(spec),
            "--url",
            url,
            "--read-only",
            "--seed",
            "1",
            "--max-examples",
            "10",
        ]
        code = cli.main([*args, "--json", str(report)])
        served = httpx.get(f"{url}/db", timeout=10).json()
    out, _ = capsys.readouterr()
    assert code == 1
    data = _report(report)
    found = [(f["kind"], f["location"], f["expected"]) for f in data["findings"]]
    assert sorted(found) == sorted(PLANTED | JSON_SERVER_OWN), out  # each once, nothing else
    assert db.read_text() == before and served == DB  # --read-only: not one record written
    assert {f["operation"] for f in data["findings"]} <= {"GET /posts", "GET /posts/{id}", "GET /comments"}
    renamed = next(f for f in data["findings"] if f["kind"] == "field-renamed")
    assert renamed["actual"] == "title" and renamed["evidence"]["curl"].startswith("curl -X GET")
    trace = next(f for f in data["findings"] if f["expected"] == "405 for TRACE")
    assert "also on GET" in trace["message"] or "server-wide" in trace["message"]  # folded, not per path
    assert "POST /posts" not in out  # left out by --read-only


def test_prism_on_mixpeek_limit_not_echoed_and_filters_ignored(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = tmp_path / "r.json"
    with prism(MIXPEEK, tmp_path) as url:
        args = ["run", "--spec", str(MIXPEEK), "--url", url, "--header", "Authorization: Bearer sk_test"]
        args += ["--param", "header.x-namespace=ns_abc123def456", "--seed", "1", "--max-examples", "5"]
        code = cli.main([*args, "--json", str(report)])
    out, _ = capsys.readouterr()
    assert code == 1
    findings = _report(report)["findings"]
    found = {(f["operation"], f["kind"], f["location"]) for f in findings}
    migrations = "POST /v1/namespaces/migrations/list"
    assert (migrations, "pagination-violated", "response.body.limit") in found, out  # the static example's
    ignored = [f for f in findings if f["kind"] == "filter-ignored"]
    assert ignored, out
    assert all(f["evidence"]["curl"].startswith("curl -X POST") for f in ignored)
    assert len(found) == len(findings)  # one finding per cause


def test_prism_dies_of_a_malformed_accept_header_and_the_run_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = tmp_path / "r.json"
    with prism(MIXPEEK, tmp_path) as url:
        args = ["run", "--spec", str(MIXPEEK), "--url", url, "--header", "Authorization: Bearer sk_test"]
        args += ["--header", "Accept: ;;;", "--seed", "1", "--max-examples", "5", "--json", str(report)]
        code = cli.main(args)
    out, _ = capsys.readouterr()
    assert code == 1
    assert "Run ended early: the server stopped answering" in out
    (crash,) = [f for f in _report(report)["findings"] if f["kind"] == "connection-dropped"]
    assert "-H 'Accept: ;;;'" in crash["evidence"]["curl"] and crash["evidence"]["seed"] == 1


def test_json_server_shards_merge_one_server_wide_cause_into_one_finding(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db, spec, merged = tmp_path / "db.json", tmp_path / "spec.json", tmp_path / "merged.json"
    db.write_text(json.dumps(DB, indent=2))
    spec.write_text(json.dumps(SPEC))
    shards = [tmp_path / f"shard{i}.json" for i in (1, 2)]
    with json_server(db, tmp_path) as url:
        for i, path in enumerate(shards, 1):
            args = ["run", "--spec", str(spec), "--url", url, "--read-only", "--seed", "1", "--quiet"]
            cli.main([*args, "--max-examples", "10", "--shard", f"{i}/2", "--json", str(path)])
    traces = [f for p in shards for f in _report(p)["findings"] if f["expected"] == "405 for TRACE"]
    assert len(traces) == 2  # each shard saw it on its own share
    assert cli.main(["merge", *map(str, shards), "--json", str(merged)]) == 1
    capsys.readouterr()
    data = _report(merged)
    found = [(f["kind"], f["location"], f["expected"]) for f in data["findings"]]
    assert sorted(found) == sorted(PLANTED | JSON_SERVER_OWN)  # as one unsharded run finds them
    (trace,) = [f for f in data["findings"] if f["expected"] == "405 for TRACE"]
    named = {trace["operation"], *trace["message"].removeprefix("also on ").split(", ")}
    shard_ops = [
        {f["operation"] for f in _report(p)["findings"] if f["expected"] == "405 for TRACE"} for p in shards
    ]
    assert all(named & ops for ops in shard_ops), trace  # one finding naming both shards' operations
    assert data["summary"]["findings"] == len(found)
