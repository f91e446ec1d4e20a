"""bench/: wrk output parsing, figures and PASS/FAIL, the run.py summary, and the ceiling app.

The wrk texts are real output captured from runs on loopback (mock, mock without credentials,
Prism dynamic with a 1 s timeout). No timing is asserted.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import bench_http  # noqa: E402
import run as bench_run  # noqa: E402
from bench_http import BY_NAME, UNIQUE, Row, WrkParseError, figures, parse_wrk  # noqa: E402
from ceiling_app import Canned, build_app  # noqa: E402

from mockserver.testing import run_server  # noqa: E402

WRK_MOCK = """\
Running 3s test @ http://127.0.0.1:4873/v1/namespaces/migrations/list
  1 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.49ms  537.69us   7.82ms   88.89%
    Req/Sec    10.92k     0.97k   12.13k    66.67%
  Latency Distribution
     50%    1.37ms
     75%    1.49ms
     90%    1.87ms
     99%    4.01ms
  32623 requests in 3.00s, 3.44GB read
Requests/sec:  10858.68
Transfer/sec:      1.15GB
"""

WRK_NON_2XX = """\
Running 2s test @ http://127.0.0.1:4873/v1/namespaces/migrations/list
  1 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   848.68us  308.64us   7.31ms   93.67%
    Req/Sec    19.26k     1.25k   21.05k    66.67%
  Latency Distribution
     50%  790.00us
     75%    0.87ms
     90%    0.99ms
     99%    1.91ms
  40236 requests in 2.10s, 10.36MB read
  Non-2xx or 3xx responses: 40236
Requests/sec:  19161.33
Transfer/sec:      4.93MB
"""

WRK_PRISM_TIMEOUTS = """\
Running 3s test @ http://127.0.0.1:4874/v1/namespaces/migrations/list
  1 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   192.36ms  112.22ms 933.74ms   93.13%
    Req/Sec    49.36     31.79   131.00     71.43%
  Latency Distribution
     50%  173.16ms
     75%  218.53ms
     90%  262.62ms
     99%  763.11ms
  141 requests in 3.07s, 1.38MB read
  Socket errors: connect 0, read 0, write 0, timeout 11
Requests/sec:     45.97
Transfer/sec:    460.25KB
"""


def test_parse_wrk_figures() -> None:
    res = parse_wrk(WRK_MOCK)
    assert res.requests == 32623
    assert res.duration_s == pytest.approx(3.0)
    assert res.rps == pytest.approx(10858.68)
    assert (res.p50_ms, res.p75_ms, res.p90_ms, res.p99_ms) == pytest.approx((1.37, 1.49, 1.87, 4.01))
    assert res.bytes_read == pytest.approx(3.44 * 1024**3)
    assert res.errors == 0


def test_parse_wrk_units_and_errors() -> None:
    bad = parse_wrk(WRK_NON_2XX)
    assert bad.p50_ms == pytest.approx(0.79)  # "790.00us"
    assert bad.non_2xx == 40236
    assert bad.errors == 40236
    prism = parse_wrk(WRK_PRISM_TIMEOUTS)
    assert prism.socket_errors == {"timeout": 11}
    assert prism.p99_ms == pytest.approx(763.11)
    assert prism.rps == pytest.approx(45.97)


def test_parse_wrk_refuses_other_text() -> None:
    with pytest.raises(WrkParseError):
        parse_wrk("unable to connect to 127.0.0.1:1 Connection refused\n")
    without_latency = "\n".join(x for x in WRK_MOCK.splitlines() if "%" not in x or "Stdev" in x)
    with pytest.raises(WrkParseError):
        parse_wrk(without_latency)


def _rows(static_rps: float) -> list[Row]:
    mock = parse_wrk(WRK_MOCK)
    ceiling = replace(parse_wrk(WRK_NON_2XX), non_2xx=0)
    static = replace(mock, rps=static_rps, p99_ms=120.0)
    return [
        Row("mock", "migrations-list", mock),
        Row("ceiling", "migrations-list", ceiling),
        Row("prism-static", "migrations-list", static),
        Row("prism-dynamic", "migrations-list", parse_wrk(WRK_PRISM_TIMEOUTS)),
    ]


def _by_name(figs: list[dict[str, object]]) -> dict[str, dict[str, object]]:
    return {str(f["name"]): f for f in figs}


def test_ratios_and_targets() -> None:
    figs = _by_name(figures(_rows(static_rps=2000.0), connections=16))
    assert figs["migrations-list: mock req/s"]["value"] == pytest.approx(10858.68)
    assert figs["migrations-list: prism-dynamic p99"]["value"] == pytest.approx(763.11)
    static = figs["migrations-list: mock / prism-static req/s"]
    assert static["value"] == pytest.approx(10858.68 / 2000.0)
    assert (static["target"], static["pass"]) == ("≥ 5x", True)
    ceiling = figs["migrations-list: mock / ceiling req/s"]
    assert ceiling["value"] == pytest.approx(10858.68 / 19161.33)
    assert (ceiling["target"], ceiling["pass"]) == ("≥ 0.4x", True)
    p99 = figs["migrations-list: mock p99 at 16 connections"]
    assert (p99["value"], p99["target"], p99["pass"]) == (pytest.approx(4.01), "≤ 5 ms", True)
    # Prism dynamic had socket timeouts: the ratio is shown, but neither PASS nor FAIL
    dynamic = figs["migrations-list: mock / prism-dynamic req/s"]
    assert dynamic["value"] == pytest.approx(10858.68 / 45.97)
    assert dynamic["pass"] is None
    assert "timeout" in str(dynamic["note"])
    assert bench_http.verdict(dynamic) == "ERROR"


def test_cpu_per_request_gives_each_ratio_a_second_way() -> None:
    rows = _rows(static_rps=2000.0)
    rows[0].cpu_ms, rows[1].cpu_ms = 0.15, 0.075  # mock, ceiling: server CPU ms per request
    figs = _by_name(figures(rows, connections=16))
    assert figs["migrations-list: mock CPU per request"]["value"] == pytest.approx(0.15)
    by_cpu = figs["migrations-list: mock / ceiling by CPU per request"]
    assert (by_cpu["value"], by_cpu["target"], by_cpu["pass"]) == (pytest.approx(0.5), "≥ 0.4x", True)
    assert "migrations-list: mock / prism-static by CPU per request" not in figs  # Prism's CPU unknown
    table = bench_http.render_tables(rows, list(figs.values()))
    assert "0.150 ms" in table and "mock / ceiling by CPU per request" in table


def test_a_ratio_under_target_fails() -> None:
    figs = _by_name(figures(_rows(static_rps=2500.0), connections=16))
    static = figs["migrations-list: mock / prism-static req/s"]
    assert static["pass"] is False
    assert bench_http.verdict(static) == "FAIL"


def test_non_2xx_mock_is_never_a_pass() -> None:
    rows = _rows(static_rps=100.0)
    rows[0] = Row("mock", "migrations-list", parse_wrk(WRK_NON_2XX))
    figs = _by_name(figures(rows, connections=16))
    assert {bench_http.verdict(f) for f in figs.values() if f["target"]} == {"ERROR"}
    table = bench_http.render_tables(rows, list(figs.values()))
    assert "40236 non-2xx" in table


def test_endpoints_without_targets_get_ratios_only() -> None:
    rows = [replace(r, endpoint="hosting-list") for r in _rows(static_rps=2000.0)]
    figs = figures(rows, connections=16)
    ratios = [f for f in figs if f["unit"] == "x"]
    assert len(ratios) == 3
    assert all(f["target"] is None and f["pass"] is None for f in ratios)


def test_a_preflight_error_row() -> None:
    rows = [Row("mock", "migrations-list", parse_wrk(WRK_MOCK)), Row("prism-static", "migrations-list")]
    rows[1].error = "preflight answered 401"
    fig = _by_name(figures(rows, 16))["migrations-list: mock / prism-static req/s"]
    assert fig["value"] is None
    assert bench_http.verdict(fig) == "ERROR"
    assert "preflight answered 401" in str(fig["note"])


def test_lua_scripts() -> None:
    fixed = bench_http.lua_script(BY_NAME["migrations-list"], "abc")
    assert 'wrk.method = "POST"' in fixed
    assert 'wrk.body = "{\\034limit\\034:20}"' in fixed
    assert "function request" not in fixed
    clone = BY_NAME["clone"].fill({"namespace_id": "ns_x", "namespace_name": "n"})
    assert clone.unique and clone.path == "/v1/namespaces/ns_x/clone"
    script = bench_http.lua_script(clone, "abc")
    assert "function setup(thread)" in script
    assert '"bench_abc_"' in script
    assert UNIQUE not in script
    assert bench_http.lua_string('a"b\\c\né') == '"a\\034b\\092c\\010\\195\\169"'


def test_run_reads_other_benches_json() -> None:
    ours = {"figures": [{"name": "x", "value": 1.5, "unit": "x", "target": "≤ 1.3x", "pass": False}]}
    assert [bench_run.verdict(f) for f in bench_run.figures_from(ours)] == ["FAIL"]
    flat = {"clones": 200, "lost": 0, "ok": True, "examples": [{"a": 1}], "phases": {"import_s": 0.4}}
    figs = {f["name"]: f for f in bench_run.figures_from(flat)}
    assert set(figs) == {"clones", "lost", "ok", "phases.import_s"}
    assert bench_run.verdict(figs["ok"]) == "PASS"
    assert bench_run.verdict(figs["clones"]) == ""


def test_run_markdown_summary(tmp_path: Path) -> None:
    rows = _rows(static_rps=2500.0)
    http = {
        "meta": {"wrk_command": "wrk -t1 -c16 -d10s --latency", "prism": "5.14.2", "wrk": "wrk 4.1.0"},
        "rows": [{**r.__dict__, "result": r.result.__dict__ if r.result else None, "problem": r.problem()}
                 for r in rows],
        "figures": figures(rows, 16),
        "notes": ["Prism 5.14.2 with -v warn"],
    }  # fmt: skip
    outcomes = [
        bench_run.Outcome(bench_run.BENCHES[0], "ok", bench_run.figures_from(http), http),
        bench_run.Outcome(bench_run.BENCHES[1], "skipped: missing"),
    ]
    info = {"cores": "2", "cpu": "test"}
    text = bench_run.render_markdown(outcomes, info, "python bench/run.py", bench_run.dt.datetime(2026, 1, 2))
    assert "| migrations-list | prism-dynamic | 46 | 173.16 ms | 763.11 ms | — | errors: 11 timeout |" in text
    assert "| http | migrations-list: mock / prism-static req/s | 4.34x | ≥ 5x | FAIL |" in text
    assert "| coldstart | Cold start to first 200 | — | | | skipped: missing |" in text
    assert "| http | migrations-list: mock req/s |" not in text  # raw figures live in the side-by-side table
    readme = tmp_path / "README.md"
    readme.write_text(f"# x\n## Benchmarks\n{bench_run.BEGIN}\nold\n{bench_run.END}\nafter\n")
    assert bench_run.update_readme(text, readme)
    updated = readme.read_text()
    assert "\nold\n" not in updated and text in updated and updated.endswith(f"{bench_run.END}\nafter\n")


def test_ceiling_serves_the_canned_bytes() -> None:
    body = b'{"results":[1,2,3],"total":3}'
    canned = [
        Canned(
            "POST",
            "/v1/namespaces/{namespace_identifier}/clone",
            201,
            (
                ("content-type", "application/json"),
                ("content-length", str(len(body))),
                ("x-request-id", "req_1"),
                ("date", "Mon, 01 Jan 2024 00:00:00 GMT"),
                ("server", "uvicorn"),
            ),
            body,
        ),
        Canned(
            "GET", "/api/migrations", 200, (("content-type", "text/plain; charset=utf-8"),), b"caf\xc3\xa9"
        ),
    ]
    canned = [Canned.from_json(c.to_json()) for c in canned]  # the file format round-trips
    with run_server(build_app(canned)) as url:
        clone = httpx.post(f"{url}/v1/namespaces/ns_any/clone", content=b'{"namespace_name":"a"}')
        assert clone.status_code == 201
        assert clone.content == body
        assert clone.headers["content-type"] == "application/json"
        assert clone.headers["x-request-id"] == "req_1"
        assert clone.headers.get_list("content-length") == [str(len(body))]
        assert len(clone.headers.get_list("date")) == 1  # uvicorn's own, not the captured one
        assert clone.headers["date"] != "Mon, 01 Jan 2024 00:00:00 GMT"
        assert clone.headers.get_list("server") == ["uvicorn"]
        listing = httpx.get(f"{url}/api/migrations?per=20")
        assert (listing.status_code, listing.content) == (200, b"caf\xc3\xa9")
        assert listing.headers["content-length"] == "5"
        assert httpx.get(f"{url}/v1/namespaces/ns_any/clone").status_code == 405


def test_run_reads_coldstart_scenarios() -> None:
    data = {
        "scenarios": {
            "bundled": {"target_s": 1.0, "runs_s": [0.8, 0.9], "median_s": 0.85, "max_s": 0.9, "pass": True},
            "generated-500": {"target_s": 2.0, "runs_s": [2.5], "median_s": 2.5, "max_s": 2.5, "pass": False},
        },
        "breakdown": {"bundled": {"import_s": 0.3}},
        "pass": False,
    }
    figs = {f["name"]: f for f in bench_run.figures_from(data)}
    assert list(figs) == [
        "bundled: median",
        "bundled: slowest run",
        "generated-500: median",
        "generated-500: slowest run",
    ]
    assert (figs["bundled: slowest run"]["target"], bench_run.verdict(figs["bundled: slowest run"])) == (
        "≤ 1 s",
        "PASS",
    )
    assert bench_run.verdict(figs["generated-500: slowest run"]) == "FAIL"
    assert bench_run.verdict(figs["generated-500: median"]) == ""


def test_other_load_is_noted_not_judged() -> None:
    rows = _rows(static_rps=2000.0)
    rows[0].other_cores, rows[2].other_cores, rows[1].other_cores = 1.09, 0.1, 0.3
    figs = _by_name(figures(rows, connections=16))
    static = figs["migrations-list: mock / prism-static req/s"]
    assert (static["pass"], static["note"]) == (True, "other load (cores): mock 1.09")
    ceiling = figs["migrations-list: mock / ceiling req/s"]
    assert ceiling["note"] == "other load (cores): mock 1.09, ceiling 0.30"
    assert rows[2].busy_note() == ""
    assert rows[0].busy_note() == "other load 1.09 cores"
