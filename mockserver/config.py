"""Server options, resolved once; the protocol layer never sees CLI flags."""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

# 16 MiB: documents allow bodies of thousands of items (GitHub: 5,000 deployments, valid at a few MiB);
# the limit only bounds memory per request (the body timeout handles slow senders)
DEFAULT_MAX_BODY = 16 * 1024 * 1024
MAX_WORLD_SIZE = 5_000_000  # --world-size, and the world_size an import may ask for
DEFAULT_MAX_CLONES = 2_000  # ~40 KiB of memory each
DEFAULT_MAX_IMPORT = 128 * 1024 * 1024  # PUT /_mock/state: an export at the clone bound is ~20 MiB


def bundled_spec_paths() -> list[Path]:
    """The specs shipped inside the package (``spec/*.yaml``), variants excluded, sorted."""
    root = resources.files("mockserver.bundled")
    return sorted(Path(str(item)) for item in root.iterdir() if item.name.endswith(".yaml"))


def bundled_variant(name: str) -> Path:
    return Path(str(resources.files("mockserver.bundled.variants") / name))


@dataclass(slots=True)
class Config:
    specs: list[str] = field(default_factory=list)  # empty: every bundled spec
    host: str = "127.0.0.1"
    port: int = 4010
    seed: int = 0
    cors: bool = True
    strict: bool = False
    max_body: int = DEFAULT_MAX_BODY
    world_size: int | None = None
    anchor: int | None = None  # --anchor: the world's "now" (Unix seconds); None: the clock at start
    state_file: str | None = None
    state_url: str | None = None  # postgresql://…: the state of every replica, in one database
    reseed: bool = False  # replace a state URL's world of another seed instead of refusing
    shared_journal: bool = False  # journal and coverage of every replica in the state URL's database
    tokens: dict[str, str] = field(default_factory=dict)  # token -> role
    admin_token: str | None = None
    clone_seconds: float = 3.0
    max_clones: int = DEFAULT_MAX_CLONES
    max_import: int = DEFAULT_MAX_IMPORT
    max_depth: int = 64  # objects and arrays nested in a JSON body (jsonio.DEFAULT_MAX_DEPTH)
    allowed_hosts: list[str] = field(default_factory=list)  # Host names the control plane answers
    workers: int = 1
    journal_size: int = 1000
    reports: str | None = None  # a directory of contract reports the dashboard lists
    dynamic: bool = False  # -d: generated responses faked from the schema, not the examples
    log_format: str | None = None  # a line per request on stdout: "text", "json"; None: quiet
    # connection limits (mockserver.connection): the request head, slow clients, open connections
    max_header_bytes: int = 32 * 1024
    max_headers: int = 100
    header_timeout: float = 10.0
    body_timeout: float = 30.0
    max_connections: int = 4096
    # proxy and record (mockserver.proxy): a real API in front of the mock, held to the spec
    proxy: str | None = None  # upstream base URL: every API request is forwarded there
    proxy_strict: bool = False  # a response that breaks the spec becomes a 502 saying why
    proxy_fallback: bool = False  # upstream 404/501/5xx or unreachable: the mock answers
    proxy_timeout: float = 30.0
    proxy_ca: str | None = None  # CA bundle for the upstream's TLS (verified by default)
    record: str | None = None  # write every proxied exchange as a fixture into this directory
    redact: list[str] = field(default_factory=list)  # body fields written as [redacted]
    record_max_body: int = 1024 * 1024  # bodies beyond are cut (and never replayed)
    fixtures: str | None = None  # serve the fixtures recorded in this directory

    def spec_paths(self) -> list[str | Path]:
        """What to serve: files or http(s) URLs as given (a URL is no ``Path``), else the bundled specs."""
        return list(self.specs) if self.specs else list(bundled_spec_paths())

    def external_state(self) -> bool:
        """State in a file or a database: a store call may wait (a lock, the network), so it runs
        on a worker thread, never on the event loop."""
        return self.state_file is not None or self.state_url is not None
