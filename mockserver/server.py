"""Lifecycle: load the catalog (fail fast with one line), print what is served, run uvicorn."""

from __future__ import annotations

import functools
import logging
import resource
import socket
import sys
from pathlib import Path
from typing import Any

import uvicorn

from mockserver.app import MockApp, app_from_config
from mockserver.catalog import StartupError, load_catalog
from mockserver.config import Config
from mockserver.connection import ConnectionLimits, LimitedHttpProtocol

EXIT_STARTUP = 2


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(2048)  # from here on connections wait in the backlog: "listening" is never a lie
    sock.set_inheritable(True)
    return sock


def uvicorn_config(app: Any, config: Config, **options: Any) -> uvicorn.Config:
    """uvicorn's config for ``app`` with the mock's connection limits (``mockserver.connection``)."""
    limits = ConnectionLimits(
        max_header_bytes=config.max_header_bytes,
        max_headers=config.max_headers,
        header_timeout=config.header_timeout,
        body_timeout=config.body_timeout,
        max_connections=config.max_connections,
    )
    return uvicorn.Config(
        app,
        http=functools.partial(LimitedHttpProtocol, limits=limits),  # type: ignore[arg-type]
        log_level="warning",
        access_log=False,
        **options,
    )


def _allow_open_files(connections: int) -> None:
    """Raise this process's open-file limit towards ``connections`` (and some spare) when the hard
    limit allows: the connection cap, not the file limit, should be what refuses clients."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = connections + 256
    if soft != resource.RLIM_INFINITY and soft < wanted:
        ceiling = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, ceiling), hard))


def _state(config: Config, resumed: bool) -> str:
    if config.state_url:
        return "in the --state-url database (shared by every replica)"
    if config.state_file:
        return f"file {config.state_file} ({'resumed' if resumed else 'created'})"
    return "in memory (gone when the server stops; --state-file keeps it)"


def run(config: Config) -> int:
    """Serve until interrupted; returns the process exit code (2 for start-up problems)."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    resumed = bool(config.state_file) and Path(config.state_file or "").is_file()
    try:
        catalog = load_catalog(config)
    except StartupError as exc:
        print(f"mockserver: {exc}", file=sys.stderr)
        return EXIT_STARTUP
    for served in catalog.specs.values():
        for line in served.spec.warnings:
            print(f"mockserver: warning: {served.spec.source}: {line}", file=sys.stderr)
    if config.workers > 1 and config.state_file is None and config.state_url is None:
        print(
            "mockserver: note: without --state-file or --state-url each worker keeps its own state",
            file=sys.stderr,
        )
    try:
        sock = _bind(config.host, config.port)
    except OSError as exc:
        print(f"mockserver: cannot listen on {config.host}:{config.port}: {exc.strerror}", file=sys.stderr)
        return EXIT_STARTUP
    port = sock.getsockname()[1]
    _allow_open_files(config.max_connections)
    shown = f"[{config.host}]" if ":" in config.host else config.host
    print(f"mockserver listening on http://{shown}:{port}", flush=True)
    for served in catalog.specs.values():
        stateful = "stateful" if served.backend is not None else "generic"
        print(f"  {served.name} ({served.spec.source}, {stateful})")
        for label in served.operations:
            print(f"    {label}")
    if config.proxy:
        print(f"  proxy: API requests go to {config.proxy}; drift at /_mock/findings", flush=True)
    if config.fixtures:
        print(f"  fixtures: recorded answers from {config.fixtures} first", flush=True)
    print(f"  seed {config.seed}; state {_state(config, resumed)}")
    print("  control plane: /_mock/ (GET /_mock lists it)")
    print(f"  dashboard: http://{shown}:{port}/_mock/ui", flush=True)
    if config.workers > 1:
        # Each worker builds and settles its own app from the config, which travels inside the
        # pickled uvicorn config through multiprocessing's pipe to the spawned worker: never through
        # the environment, where the tokens and the --state-url password would show in
        # /proc/PID/environ (and be inherited by anything a worker runs).
        factory = functools.partial(app_from_config, config)
        uv = uvicorn_config(factory, config, factory=True, workers=config.workers)
    else:
        uv = uvicorn_config(MockApp(config, catalog, settle_on_startup=True), config)
    if config.workers > 1:
        from uvicorn.supervisors import Multiprocess

        Multiprocess(uv, sockets=[sock]).run()
    else:
        uvicorn.Server(uv).run(sockets=[sock])
    return 0
