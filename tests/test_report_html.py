"""``contracts run --html PATH``: one self-contained HTML report, escaped, with everything to act on."""

from __future__ import annotations

import json
import re
from pathlib import Path

from drift_servers import SPEC, make_app

from contracts import cli
from contracts.findings import Evidence, Finding
from contracts.report import summarize
from contracts.report.html import render_html
from contracts.report.merge import RunReport
from mockserver.testing import run_server


def test_a_drifting_server_gets_a_report_a_person_can_act_on(tmp_path: Path) -> None:
    spec, html = tmp_path / "drift.json", tmp_path / "report.html"
    spec.write_text(json.dumps(SPEC))
    with run_server(make_app("bound-tighter")) as url:
        args = ["run", "--spec", str(spec), "--url", url, "--header", "Authorization: Bearer t"]
        code = cli.main([*args, "--max-examples", "5", "--seed", "1", "--html", str(html), "--quiet"])
    assert code == 1
    page = html.read_text()
    assert page.startswith("<!doctype html>")
    assert "Summary by cause" in page and "bound-tighter" in page
    assert "Findings by operation and kind" in page and "POST /items/list" in page
    assert "max 1000" in page and "max 100" in page  # expected vs actual
    assert "curl " in page and "seed 1" in page
    assert "Coverage" in page and "documented success reached" in page
    # self-contained: nothing fetched, nothing run
    assert not re.search(r"<(script|link|img|iframe)\b|\bsrc=", page)


def test_what_a_server_sent_is_shown_never_run() -> None:
    hostile = Finding(
        operation="GET /x",
        kind="status-undocumented",
        location="response.status",
        expected="200",
        actual="<script>alert(1)</script>",
        severity="breaking",
        evidence=Evidence(curl="curl 'http://h/x?<b>'", seed=7, status=418),
    )
    report = RunReport([hostile], summarize([hostile], operations=1, requests=1), 7, None, ["GET /x"])
    page = render_html(report)
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "status 418, seed 7" in page
