"""``mockserver [SPEC ...]``: parse flags, build a :class:`Config`, run. Nothing else lives here."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from mockserver.apis.common.worldkit import parse_anchor
from mockserver.config import DEFAULT_MAX_BODY, DEFAULT_MAX_CLONES, MAX_WORLD_SIZE, Config
from mockserver.server import run


def _token(value: str) -> tuple[str, str]:
    role, sep, token = value.partition(":")
    if not sep or not role or not token:
        raise argparse.ArgumentTypeError(f"expected ROLE:TOKEN (e.g. admin:tok_admin), got {value!r}")
    return role, token


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mockserver",
        description="Serve OpenAPI 3.0/3.1 specs as a stateful mock. With no SPEC, serves the bundled APIs.",
        add_help=False,  # -h is the host, as in Prism
    )
    parser.add_argument("--help", action="help", help="show this help message and exit")
    parser.add_argument("specs", nargs="*", metavar="SPEC", help="OpenAPI file(s) to serve on one port")
    parser.add_argument("-h", "--host", default="127.0.0.1", help="address to bind (default: loopback only)")
    parser.add_argument(
        "-p", "--port", type=int, default=4010, help="port (default 4010; 0 picks a free one)"
    )
    parser.add_argument(
        "-d",
        "--dynamic",
        action="store_true",
        help="generated responses come from the schema (faked) rather than the spec's examples",
    )
    parser.add_argument(
        "--log-format",
        choices=("text", "json"),
        default="text",
        help="one line per request on stdout: text for people (default), json for machines",
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="no line per request")
    parser.add_argument(
        "--reports", default=None, metavar="DIR", help="contract reports the dashboard lists (/_mock/ui)"
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of the generated world and fake data")
    parser.add_argument(
        "--cors", action=argparse.BooleanOptionalAction, default=True, help="answer CORS (default on)"
    )
    parser.add_argument(
        "--strict", action="store_true", help="validate every response at run time, log violations"
    )
    parser.add_argument(
        "--world-size", type=int, default=None, help="migrations per bundled API (default ~80)"
    )
    parser.add_argument(
        "--anchor",
        default=None,
        metavar="DATETIME",
        help="the seeded world's 'now' (ISO 8601, e.g. 2026-03-01T09:00:00Z): same seed and anchor, "
        "same bytes (default: the clock when the world is seeded, so dates read as current)",
    )
    parser.add_argument(
        "--state-file", default=None, help="keep state in this SQLite file (durable, shared by workers)"
    )
    parser.add_argument(
        "--state-url",
        default=None,
        metavar="postgresql://…",
        help="keep state in this PostgreSQL database, shared by every replica on every machine",
    )
    parser.add_argument(
        "--reseed",
        "--reset-state",
        action="store_true",
        help="with --state-file or --state-url: replace a world of another seed there instead of "
        "refusing to start",
    )
    parser.add_argument(
        "--shared-journal",
        action="store_true",
        help="with --state-url: /_mock/journal and /_mock/coverage show every replica's traffic",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        help="uvicorn worker processes (needs --state-file or --state-url for shared state)",
    )
    parser.add_argument(
        "--token",
        action="append",
        type=_token,
        default=[],
        metavar="ROLE:TOKEN",
        help="give a token a role, e.g. admin:tok_admin (repeatable)",
    )
    parser.add_argument(
        "--admin-token", default=None, help="let non-loopback clients use /_mock/ with X-Admin-Token"
    )
    parser.add_argument(
        "--clone-seconds", type=float, default=3.0, help="how long a clone stays 'cloning' on the mock clock"
    )
    parser.add_argument(
        "--max-clones",
        type=int,
        default=DEFAULT_MAX_CLONES,
        help=f"namespace clones the world holds, imported ones included (default {DEFAULT_MAX_CLONES:,})",
    )
    parser.add_argument(
        "--max-body", type=int, default=DEFAULT_MAX_BODY, help="request body limit in bytes (default 16 MiB)"
    )
    _limit_flags(parser)
    _proxy_flags(parser)
    parser.add_argument(
        "--allowed-host",
        action="append",
        default=[],
        metavar="NAME",
        help="a Host name the control plane answers besides localhost and IP addresses (repeatable)",
    )
    return parser


def _proxy_flags(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("proxy and record (README: Proxy, record, replay)")
    group.add_argument(
        "--proxy", metavar="URL", help="forward every API request to URL; hold traffic to SPEC"
    )
    group.add_argument(
        "--proxy-strict", action="store_true", help="a response breaking the spec becomes a 502"
    )
    group.add_argument(
        "--proxy-fallback",
        action="store_true",
        help="the mock answers what the upstream answers 404/501/5xx or cannot",
    )
    group.add_argument(
        "--proxy-timeout", type=float, default=30.0, help="seconds to wait on the upstream (default 30)"
    )
    group.add_argument(
        "--proxy-ca", metavar="FILE", help="CA bundle to verify the upstream's TLS certificate"
    )
    group.add_argument(
        "--record", metavar="DIR", help="with --proxy: write every exchange as a fixture in DIR"
    )
    group.add_argument(
        "--redact",
        action="append",
        default=[],
        metavar="FIELD",
        help="body field recorded as [redacted] (repeatable)",
    )
    group.add_argument(
        "--record-max-body", type=int, default=1024 * 1024, help="recorded bodies are cut beyond"
    )
    group.add_argument("--fixtures", metavar="DIR", help="answer requests matching a recorded one from DIR")


def _check_proxy(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    if args.proxy is not None and not args.proxy.startswith(("http://", "https://")):
        parser.error(f"--proxy takes an http(s) URL, got {args.proxy!r}")
    if args.proxy is None:
        for flag in ("proxy_strict", "proxy_fallback", "record"):
            if getattr(args, flag):
                parser.error(f"--{flag.replace('_', '-')} goes with --proxy")
    if args.proxy is not None and args.fixtures is not None:
        parser.error("give --proxy or --fixtures, not both")
    if args.proxy_timeout <= 0 or args.record_max_body <= 0:
        parser.error("--proxy-timeout and --record-max-body must be positive")


# (flag, type, help): the connection limits; each default is Config's (mockserver.connection)
MAX_DEPTH = 200
_LIMITS = [
    ("--max-header-bytes", int, "request line + headers, in bytes; 431 above"),
    ("--max-headers", int, "header fields a request may carry; 431 above"),
    ("--header-timeout", float, "seconds for a request's head to arrive; 408 after"),
    ("--body-timeout", float, "seconds for a request's body to arrive once its head has; 408 after"),
    ("--max-connections", int, "open connections; a request on one beyond them gets 503"),
    ("--max-depth", int, "objects and arrays nested in a JSON body; 422 deeper"),
    ("--max-import", int, "bytes of a PUT /_mock/state (its own limit, not --max-body's); 413 above"),
]


def _limit_flags(parser: argparse.ArgumentParser) -> None:
    defaults = Config()
    for flag, kind, text in _LIMITS:
        name = flag.removeprefix("--").replace("-", "_")
        default = getattr(defaults, name)
        parser.add_argument(flag, type=kind, default=default, help=f"{text} (default {default:,})")


def parse_config(argv: Sequence[str] | None = None) -> Config:
    args = build_parser().parse_args(argv)
    if args.workers < 1:
        build_parser().error("--workers must be at least 1")
    if args.world_size is not None and not 1 <= args.world_size <= MAX_WORLD_SIZE:
        build_parser().error(f"--world-size must be between 1 and {MAX_WORLD_SIZE:,}")
    if args.max_clones < 0:
        build_parser().error("--max-clones must be 0 or more")
    if args.state_url is not None:
        if args.state_file is not None:
            build_parser().error("give --state-file or --state-url, not both")
        if not args.state_url.startswith(("postgresql://", "postgres://")):
            build_parser().error(
                "--state-url takes a PostgreSQL URL: postgresql://USER:PASSWORD@HOST:PORT/DB"
            )
    elif args.reseed and args.state_file is None:
        build_parser().error("--reseed (--reset-state) goes with --state-file or --state-url")
    anchor: int | None = None
    if args.anchor is not None:
        try:
            anchor = parse_anchor(args.anchor)
        except ValueError as exc:
            build_parser().error(f"--anchor: {exc}")
    if args.shared_journal and args.state_url is None:
        build_parser().error("--shared-journal goes with --state-url")
    _check_proxy(build_parser(), args)
    if args.max_depth > MAX_DEPTH:  # the validators recurse: ~250 levels is where they give up
        build_parser().error(f"--max-depth must be at most {MAX_DEPTH}")
    limits = {flag.removeprefix("--").replace("-", "_") for flag, _, _ in _LIMITS}
    for name in sorted(limits):
        if getattr(args, name) <= 0:
            build_parser().error(f"--{name.replace('_', '-')} must be positive")
    return Config(
        specs=list(args.specs),
        host=args.host,
        port=args.port,
        seed=args.seed,
        dynamic=args.dynamic,
        log_format=None if args.quiet else args.log_format,
        reports=args.reports,
        cors=args.cors,
        strict=args.strict,
        max_body=args.max_body,
        world_size=args.world_size,
        anchor=anchor,
        state_file=args.state_file,
        state_url=args.state_url,
        reseed=args.reseed,
        shared_journal=args.shared_journal,
        tokens={token: role for role, token in args.token},
        admin_token=args.admin_token,
        clone_seconds=args.clone_seconds,
        max_clones=args.max_clones,
        workers=args.workers,
        proxy=args.proxy,
        proxy_strict=args.proxy_strict,
        proxy_fallback=args.proxy_fallback,
        proxy_timeout=args.proxy_timeout,
        proxy_ca=args.proxy_ca,
        record=args.record,
        redact=list(args.redact),
        record_max_body=args.record_max_body,
        fixtures=args.fixtures,
        allowed_hosts=list(args.allowed_host),
        **{name: getattr(args, name) for name in limits},
    )


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return run(parse_config(argv))
    except KeyboardInterrupt:  # Ctrl-C while starting: stop quietly, as a served Ctrl-C does
        return 0


if __name__ == "__main__":
    sys.exit(main())
