"""``contracts run`` / ``contracts diff``: parse flags, call the library, report. Nothing else lives here.

Exit codes: 0 nothing drifted and every operation's documented success was reached (or
``--allow-untested``), 1 something drifted or went untested (for ``diff``: something breaking), 2 a
usage or set-up problem: bad flags, an unreadable or empty spec, a server that cannot be reached or
answers every operation 404 (one message on stderr, never a traceback).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from contracts.diff.compare import diff_specs
from contracts.engine import RunOptions, SetupError, run
from contracts.options import PHASES, parse_pairs, parse_phases
from contracts.report import FAMILIES, render_console, summarize, write_json, write_junit
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
    runner.add_argument("--max-examples", type=int, default=25, help="schemathesis examples per operation")
    runner.add_argument("--seed", type=int, default=None, help="seed (default: random, printed)")
    runner.add_argument("--workers", type=int, default=1, help="schemathesis workers")
    runner.add_argument("--junit", default=None, metavar="PATH", help="write JUnit XML (operation x family)")
    runner.add_argument("--json", default=None, metavar="PATH", help="write findings and summary as JSON")
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
    runner.add_argument("--quiet", action="store_true", help="no progress on stderr")
    differ = commands.add_parser("diff", help="compare two specs statically")
    differ.add_argument("old", help="the contract")
    differ.add_argument("new", help="what the server (or its docs) says")
    differ.add_argument("--json", default=None, metavar="PATH", help="write findings and summary as JSON")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        if args.command == "run":
            return _run(args)
        return _diff(args)
    except (UsageError, SetupError, SpecError, OSError) as exc:
        print(exc if isinstance(exc, UsageError) else f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_USAGE


def _run(args: argparse.Namespace) -> int:
    options = RunOptions(
        headers=parse_pairs(args.header, ":", "--header"),
        params=parse_pairs(args.param, "=", "--param"),
        max_examples=args.max_examples,
        seed=args.seed,
        workers=args.workers,
        closed_schemas=args.closed,
        phases=parse_phases(args.phases),
    )
    progress = None if args.quiet else (lambda line: print(line, file=sys.stderr, flush=True))
    result = run(args.spec, args.url, options, progress)
    summary = summarize(
        result.findings,
        operations=result.operations,
        requests=result.requests,
        untested=len(result.untested),
        phases=result.phases,
    )
    if args.json:
        write_json(args.json, result.findings, summary, result.coverage)
    if args.junit:
        write_junit(args.junit, result.findings, operations=list(result.labels), families=FAMILIES)
    print(render_console(result.findings, summary, result.coverage))
    print(f"seed: {result.seed}")
    untested = bool(result.untested) and not args.allow_untested
    return EXIT_DRIFT if result.findings or untested else EXIT_CLEAN


def _diff(args: argparse.Namespace) -> int:
    old = load_spec(args.old)
    findings = diff_specs(old, load_spec(args.new))
    summary = summarize(findings, operations=len(old.operations), requests=0)
    if args.json:
        write_json(args.json, findings, summary)
    print(render_console(findings, summary))
    return EXIT_DRIFT if any(f.severity == "breaking" for f in findings) else EXIT_CLEAN
