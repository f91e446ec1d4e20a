"""``contracts run --shard I/N`` and ``contracts merge``: shards of one run fold into its verdict."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from mockproc import MockProcess

from contracts import cli
from contracts.shard import Shard, ShardError, restricted_document, shard_document
from oascore import load_spec

ROOT = Path(__file__).resolve().parent.parent
MIXPEEK = ROOT / "spec" / "mixpeek.yaml"
DOCS = ROOT / "spec" / "variants" / "mixpeek-docs.yaml"
HOSTING = ROOT / "spec" / "hosting.yaml"


def test_shards_deal_every_operation_once_whatever_the_order() -> None:
    labels = [f"GET /r{i}" for i in range(10)]
    shares = [Shard(i, 3).takes(labels) for i in (1, 2, 3)]
    assert sorted(label for share in shares for label in share) == sorted(labels)
    assert [len(share) for share in shares] == [4, 3, 3]
    assert Shard(2, 3).takes(list(reversed(labels))) == shares[1]  # the spec's order does not matter
    assert Shard.parse(" 2/3 ") == Shard(2, 3) and str(Shard(2, 3)) == "2/3"
    for bad in ("0/3", "4/3", "1", "a/b", "1/0"):
        with pytest.raises(ShardError, match="--shard"):
            Shard.parse(bad)


def test_a_shard_document_keeps_its_operations_and_everything_they_refer_to() -> None:
    spec = load_spec(MIXPEEK, keep_raw=True)
    assert spec.raw is not None
    every: list[str] = []
    for index in (1, 2, 3):
        document, labels = shard_document(spec, Shard(index, 3))
        assert document["components"] == spec.raw["components"] and len(labels) == 1
        kept = [
            f"{m.upper()} {p}" for p, item in document["paths"].items() for m in item if m != "parameters"
        ]
        assert kept == labels
        every += labels
    assert sorted(every) == sorted(op.label for op in spec.operations)


@pytest.fixture(scope="module")
def docs_mock() -> Iterator[str]:
    with MockProcess(str(DOCS), "--seed", "1") as server:
        yield server.url


def _contracts(url: str, *extra: str) -> int:
    state = httpx.get(f"{url}/_mock/state", timeout=10).json()
    api = next(a for a in state["apis"].values() if a.get("namespaces"))
    namespace = api["namespaces"][0]["namespace_id"]
    httpx.post(f"{url}/_mock/reset", timeout=30).raise_for_status()  # each run starts from the seed
    args = ["run", "--spec", str(MIXPEEK), "--url", url, "--header", "Authorization: Bearer sk_test"]
    args += [
        "--param",
        f"header.X-Namespace={namespace}",
        "--param",
        f"path.namespace_identifier={namespace}",
    ]
    return cli.main([*args, "--max-examples", "10", "--seed", "1", "--quiet", *extra])


def _causes(report: dict[str, Any]) -> list[tuple[str, ...]]:
    keys = ("operation", "kind", "location", "expected", "actual", "severity")
    return sorted(tuple(f[k] for k in keys) for f in report["findings"])


def test_three_shards_merge_to_the_unsharded_runs_findings(
    docs_mock: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    whole = tmp_path / "whole.json"
    assert _contracts(docs_mock, "--json", str(whole)) == 1
    shards = [tmp_path / f"shard{i}.json" for i in (1, 2, 3)]
    for i, path in enumerate(shards, 1):
        _contracts(docs_mock, "--shard", f"{i}/3", "--json", str(path))
        assert json.loads(path.read_text())["run"]["shard"] == f"{i}/3"
    capsys.readouterr()
    merged, junit, html = tmp_path / "merged.json", tmp_path / "merged.xml", tmp_path / "merged.html"
    outputs = ["--json", str(merged), "--junit", str(junit), "--html", str(html)]
    code = cli.main(["merge", *map(str, reversed(shards)), *outputs])
    assert code == 1
    out = capsys.readouterr().out
    assert "merged 3 report(s) (1/3, 2/3, 3/3), seed: 1" in out
    expected, got = json.loads(whole.read_text()), json.loads(merged.read_text())
    assert _causes(got) == _causes(expected) and _causes(got)  # the same findings, and some
    assert got["summary"]["operations"] == expected["summary"]["operations"] == 3  # coverage summed
    assert got["summary"]["findings"] == expected["summary"]["findings"]
    assert got["summary"]["by_kind"] == expected["summary"]["by_kind"]
    assert got["summary"]["untested"] == expected["summary"]["untested"]
    # a shard runs the stateful phase only when the operations a link joins fell in the same shard
    assert set(got["summary"]["phases"]) <= set(expected["summary"]["phases"])
    covered = {c["operation"]: c["success_reached"] for c in got["coverage"]}
    assert covered == {c["operation"]: c["success_reached"] for c in expected["coverage"]}
    for entry in got["coverage"]:  # each operation's statuses: those of the shard that ran it
        shard = next(json.loads(p.read_text()) for p in shards if entry["operation"] in p.read_text())
        assert [entry] == [c for c in shard["coverage"] if c["operation"] == entry["operation"]]
    assert got["summary"]["requests"] == sum(json.loads(p.read_text())["summary"]["requests"] for p in shards)
    assert sorted(got["run"]["operations"]) == sorted(expected["run"]["operations"])
    cases = list(ET.parse(junit).getroot().iter("testcase"))
    assert {c.get("classname") for c in cases} == set(expected["run"]["operations"])
    page = html.read_text()
    assert page.startswith("<!doctype html>") and all(f["location"] in page for f in got["findings"])
    assert cli.main(["merge", str(merged)]) == 1  # a merged report is a report like any other


def _report(path: Path, shard: str | None, seed: int = 1) -> str:
    run = {"seed": seed, "shard": shard, "operations": ["GET /a"]}
    summary = {"operations": 1, "requests": 5, "findings": 0, "by_kind": {}}
    path.write_text(json.dumps({"findings": [], "summary": summary, "run": run}))
    return str(path)


@pytest.mark.parametrize(
    ("shards", "message"),
    [
        ([("1/3", 1), ("2/3", 1)], "shard 3/3 missing"),
        ([("1/2", 1), ("1/2", 1), ("2/2", 1)], "shard 1/2 given twice"),
        ([("1/2", 1), ("2/2", 7)], "different seeds"),
        ([("1/2", 1), ("2/3", 1)], "different shard counts"),
        ([("1/2", 1), (None, 1)], "unsharded report cannot be merged"),
        ([("1/x", 1)], "'run.shard' '1/x': expected I/N"),
    ],
)
def test_merge_refuses_what_is_not_the_shards_of_one_run(
    tmp_path: Path, shards: list[tuple[str | None, int]], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    paths = [_report(tmp_path / f"r{k}.json", shard, seed) for k, (shard, seed) in enumerate(shards)]
    assert cli.main(["merge", *paths]) == 2
    assert message in capsys.readouterr().err


def test_merge_of_clean_shards_exits_0_and_bad_files_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    clean = [_report(tmp_path / f"c{k}.json", f"{k}/2") for k in (1, 2)]
    assert cli.main(["merge", *clean]) == 0
    assert "No drift found (2 operations, 10 requests)" in capsys.readouterr().out
    (tmp_path / "junk.json").write_text("{")
    (tmp_path / "other.json").write_text('{"findings": []}')
    for name, message in (("junk.json", "not JSON"), ("other.json", "not a report"), ("none.json", "cannot")):
        assert cli.main(["merge", str(tmp_path / name)]) == 2
        assert message in capsys.readouterr().err


def test_shard_needs_a_seed(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["run", "--spec", str(HOSTING), "--url", "http://127.0.0.1:9", "--shard", "1/2"]
    assert cli.main(args) == 2
    assert "--shard needs --seed" in capsys.readouterr().err
    assert cli.main([*args[:-1], "5/2", "--seed", "1"]) == 2
    assert "I must be between 1 and N" in capsys.readouterr().err


def test_a_shard_with_no_operations_writes_an_empty_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = tmp_path / "empty.json"
    args = ["run", "--spec", str(MIXPEEK), "--url", "http://127.0.0.1:9", "--seed", "1"]
    assert cli.main([*args, "--shard", "5/5", "--json", str(report)]) == 0  # 3 operations, 5 shards
    data = json.loads(report.read_text())
    assert data["findings"] == [] and data["run"] == {"seed": 1, "shard": "5/5", "operations": []}
    assert "No drift found (0 operations" in capsys.readouterr().out


def test_a_restricted_document_drops_only_the_links_whose_target_is_left_out() -> None:
    """schemathesis refuses a document whose link names an operation it does not hold, so a
    selection or shard keeps the links among its own operations and drops the others."""
    spec = load_spec(ROOT / "spec" / "mixpeek.yaml", keep_raw=True)
    clone = next(op for op in spec.operations if op.path.endswith("/clone"))
    listing = next(op for op in spec.operations if op.path.endswith("/migrations/list"))
    alone = restricted_document(spec, [listing.label])
    assert "links" not in alone["paths"][listing.path]["post"]["responses"]["200"]
    both = restricted_document(spec, [listing.label, clone.label])
    assert set(both["paths"][listing.path]["post"]["responses"]["200"]["links"]) == {"CloneListedNamespace"}
    assert set(both["paths"][clone.path]["post"]["responses"]["200"]["links"]) == {"CloneTheClone"}
    assert spec.raw is not None and "links" in spec.raw["paths"][listing.path]["post"]["responses"]["200"]
