"""``contracts run`` / ``merge`` / ``diff``: parse flags, call the library, report. Nothing else lives here.

Exit codes: 0 nothing drifted and every operation's documented success was reached (or
``--allow-untested``), 1 something drifted or went untested (for ``diff``: something breaking), 2 a
usage or set-up problem: bad flags, an unreadable or empty spec, a server that cannot be reached or
answers every operation 404 (one message on stderr, never a traceback).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from contracts.diff.compare import diff_specs
from contracts.engine import Progress, RunOptions, RunResult, SetupError, run
from contracts.options import CHECKS, PHASES, parse_checks, parse_pairs, parse_phases
from contracts.progress import LiveLine, PlainLines, Watch
from contracts.report import FAMILIES, render_console, summarize, write_json, write_junit
from contracts.report.baseline import BaselineError, new_findings, read_baseline, write_baseline
from contracts.report.html import write_html
from contracts.report.merge import MergeError, RunReport, merge, read_report, write_report
from contracts.selection import Selection, SelectionError
from contracts.shard import Shard, ShardError, write_shard_spec
from oascore import SpecError, load_spec

EXIT_CLEAN, EXIT_DRIFT, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        raise UsageError(f"{self.prog}: {message}")


class UsageError(Exception):
    pass


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="contracts", description="Hold a server to its OpenAPI spec and name each drift.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    runner = commands.add_parser("run", help="test a live server against a spec")
    runner.add_argument("--spec", required=True, help="the OpenAPI spec (the contract)")
    runner.add_argument("--url", required=True, help="base URL of the server under test")
    runner.add_argument(
        "--header", action="append", default=[], metavar="'K: V'", help="send on every request"
    )
    runner.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="LOCATION.NAME=VALUE",
        help="pin a parameter in positive cases, e.g. header.X-Namespace=ns_abc",
    )
    runner.add_argument(
        "--phases",
        default=",".join(PHASES),
        metavar="LIST",
        help=f"schemathesis phases to run (default: {','.join(PHASES)}; stateful needs links)",
    )
    runner.add_argument(
        "--checks",
        default="all",
        metavar="LIST",
        help=f"probes and schemathesis checks to run (default: all; one or more of {', '.join(CHECKS)})",
    )
    runner.add_argument(
        "--no-auth-probe",
        dest="auth_probe",
        action="store_false",
        help="no auth-invalid-accepted: neither the auth-invalid probe nor schemathesis' invalid credentials",
    )
    runner.add_argument(
        "--read-only",
        action="store_true",
        help="safe methods only (GET, HEAD, OPTIONS, TRACE), so the run cannot change the server's data",
    )
    for flag, verb in (("--include", "only the operations"), ("--exclude", "not the operations")):
        runner.add_argument(
            flag,
            action="append",
            default=[],
            metavar="FIELD:PATTERN",
            help=f"{verb} matching operation:ID, path:GLOB, method:GET or tag:NAME (repeatable)",
        )
    for flag, when in (("--before", "before the run"), ("--after", "after it, whatever happened")):
        runner.add_argument(
            flag,
            action="append",
            default=[],
            metavar="HOOK",
            help=f"{when}: 'POST http://host/reset' (an HTTP call) or a shell command (repeatable)",
        )
    runner.add_argument(
        "--no-reset",
        dest="reset",
        action="store_false",
        help="do not reset a specmock target's worlds to their seed before the run (POST /_mock/reset)",
    )
    runner.add_argument("--max-examples", type=int, default=25, help="schemathesis examples per operation")
    runner.add_argument(
        "--timeout", type=float, default=10.0, help="seconds a request may take (longer: a finding)"
    )
    runner.add_argument("--seed", type=int, default=None, help="seed (default: random, printed)")
    runner.add_argument("--workers", type=int, default=1, help="schemathesis workers")
    runner.add_argument("--junit", default=None, metavar="PATH", help="write JUnit XML (operation x family)")
    runner.add_argument("--json", default=None, metavar="PATH", help="write findings and summary as JSON")
    runner.add_argument(
        "--html", default=None, metavar="PATH", help="write one self-contained HTML report (no network)"
    )
    runner.add_argument(
        "--no-closed-schemas",
        dest="closed",
        action="store_false",
        help="allow undocumented response fields (closed by default)",
    )
    runner.add_argument(
        "--allow-untested",
        action="store_true",
        help="exit 0 even when an operation's documented success was never reached (and so never checked)",
    )
    runner.add_argument(
        "--shard",
        default=None,
        metavar="I/N",
        help="run shard I of N: a deterministic share of the operations (needs --seed; see merge)",
    )
    runner.add_argument(
        "--max-findings",
        type=int,
        default=None,
        metavar="N",
        help="show at most N findings in the table (the rest counted; JSON and JUnit keep all)",
    )
    runner.add_argument(
        "--baseline", default=None, metavar="FILE", help="report only findings not in FILE (accepted drift)"
    )
    runner.add_argument(
        "--write-baseline", default=None, metavar="FILE", help="record this run's findings as the baseline"
    )
    runner.add_argument("--quiet", action="store_true", help="no progress on stderr")
    differ = commands.add_parser("diff", help="compare two specs statically")
    differ.add_argument("old", help="the contract")
    differ.add_argument("new", help="what the server (or its docs) says")
    differ.add_argument("--json", default=None, metavar="PATH", help="write findings and summary as JSON")
    merger = commands.add_parser("merge", help="fold shard reports (run --shard I/N --json) into one verdict")
    merger.add_argument("reports", nargs="+", metavar="REPORT.json", help="every shard's --json report")
    merger.add_argument("--json", default=None, metavar="PATH", help="write the merged report as JSON")
    merger.add_argument("--junit", default=None, metavar="PATH", help="write JUnit XML (operation x family)")
    merger.add_argument("--html", default=None, metavar="PATH", help="write the merged report as HTML")
    merger.add_argument(
        "--allow-untested", action="store_true", help="exit 0 even when an operation went untested"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        if args.command == "run":
            return _run(args)
        if args.command == "merge":
            return _merge(args)
        return _diff(args)
    except (
        UsageError,
        SetupError,
        SpecError,
        OSError,
        ShardError,
        MergeError,
        SelectionError,
        BaselineError,
    ) as exc:
        print(exc if isinstance(exc, UsageError) else f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_USAGE


def _run(args: argparse.Namespace) -> int:
    if args.max_findings is not None and args.max_findings < 0:
        raise SetupError(f"--max-findings must be 0 or more, got {args.max_findings}")
    options = RunOptions(
        headers=parse_pairs(args.header, ":", "--header"),
        params=parse_pairs(args.param, "=", "--param"),
        max_examples=args.max_examples,
        seed=args.seed,
        workers=args.workers,
        timeout=args.timeout,
        closed_schemas=args.closed,
        phases=parse_phases(args.phases),
        checks=parse_checks(args.checks),
        invalid_credentials=args.auth_probe,
        selection=Selection(tuple(args.include), tuple(args.exclude), args.read_only),
        before=tuple(args.before),
        after=tuple(args.after),
        reset=args.reset,
    )
    shard = Shard.parse(args.shard) if args.shard else None
    if shard is not None and args.seed is None:
        raise UsageError("contracts run: --shard needs --seed (every shard must run with the same seed)")
    # progress on stderr: a live line on a terminal, plain lines in a log (stdout is the report)
    display = None if args.quiet else LiveLine(sys.stderr) if sys.stderr.isatty() else PlainLines(sys.stderr)
    progress, watch = (display.say, display.watch) if display is not None else (None, None)
    try:
        if shard is None:
            result = run(args.spec, args.url, options, progress, watch)
        else:
            result = _run_shard(args.spec, args.url, options, progress, watch, shard)
    finally:
        if display is not None:
            display.close()
    findings, footer = result.findings, f"seed: {result.seed}"
    if args.write_baseline:
        write_baseline(args.write_baseline, findings)
        footer += f"; {len(findings)} finding(s) written to the baseline {args.write_baseline}"
    if args.baseline:
        findings = new_findings(findings, read_baseline(args.baseline))
        footer += f"; {len(result.findings) - len(findings)} known finding(s) accepted by {args.baseline}"
    summary = summarize(
        findings,
        operations=result.operations,
        requests=result.requests,
        untested=len(result.untested),
        unexercised=result.unexercised,
        phases=result.phases,
        stopped=result.stopped,
    )
    report = RunReport(findings, summary, result.seed, shard, list(result.labels), result.coverage)
    return _verdict(report, args, footer)


def _run_shard(
    spec_path: str,
    url: str,
    options: RunOptions,
    progress: Progress | None,
    watch: Watch | None,
    shard: Shard,
) -> RunResult:
    with tempfile.TemporaryDirectory(prefix="contracts-shard-") as tmp:
        path, labels = write_shard_spec(load_spec(spec_path, keep_raw=True), shard, Path(tmp))
        if not labels:  # more shards than operations: this one has nothing to do
            return RunResult([], 0, options.seed or 0)
        return run(path, url, options, progress, watch)


def _merge(args: argparse.Namespace) -> int:
    reports = [read_report(path) for path in args.reports]
    merged = merge(reports)
    shards = ", ".join(str(r.shard) for r in sorted(reports, key=lambda r: r.shard.index if r.shard else 0))
    return _verdict(merged, args, f"merged {len(reports)} report(s) ({shards}), seed: {merged.seed}")


def _verdict(report: RunReport, args: argparse.Namespace, footer: str) -> int:
    """Write the requested reports, print the table: exit 1 on any finding, untested operation or
    operation a probe could not exercise."""
    if args.json:
        write_report(args.json, report)
    if args.junit:
        write_junit(
            args.junit,
            report.findings,
            operations=report.operations,
            families=FAMILIES,
            coverage=report.coverage,
        )
    if getattr(args, "html", None):
        write_html(args.html, report, f"contracts run {getattr(args, 'spec', '')} {getattr(args, 'url', '')}")
    limit = getattr(args, "max_findings", None)
    print(render_console(report.findings, report.summary, report.coverage, limit))
    print(footer)
    untested = bool(report.summary.untested or report.summary.unexercised) and not args.allow_untested
    return EXIT_DRIFT if report.findings or untested or report.summary.stopped else EXIT_CLEAN


def _diff(args: argparse.Namespace) -> int:
    old = load_spec(args.old)
    findings = diff_specs(old, load_spec(args.new))
    summary = summarize(findings, operations=len(old.operations), requests=0)
    if args.json:
        write_json(args.json, findings, summary)
    print(render_console(findings, summary))
    return EXIT_DRIFT if any(f.severity == "breaking" for f in findings) else EXIT_CLEAN
