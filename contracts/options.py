"""What a run is given: :class:`RunOptions`, pinned parameters, and :class:`SetupError` when unusable."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from contracts.probes.base import Pins
from contracts.selection import Selection

Progress = Callable[[str], None]
PARAM_LOCATIONS = ("path", "query", "header", "cookie", "body")
PHASES = ("examples", "coverage", "fuzzing", "stateful")
PROBE_CHECKS = ("auth", "auth-invalid", "bounds", "enums", "pagination", "filters")
"""The project's own probes, by family (``auth-invalid``: a well-formed invalid credential)."""
SCHEMATHESIS_CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
    "positive_data_acceptance",
    "negative_data_rejection",
    "missing_required_header",
    "ignored_auth",
    "unsupported_method",
    "allow_header_conformance",
    "use_after_free",
    "ensure_resource_availability",
    "object_level_authorization",
)
"""schemathesis 4's built-in checks, as ``st run --checks`` names them."""
CHECKS = PROBE_CHECKS + SCHEMATHESIS_CHECKS


class SetupError(Exception):
    """The run cannot start (bad spec, unreachable server, bad option); ``str()`` says why."""


@dataclass(frozen=True, slots=True)
class RunOptions:
    headers: Mapping[str, str] = field(default_factory=dict)
    params: Mapping[str, str] = field(default_factory=dict)  # "header.X-Namespace" -> "ns_abc"
    max_examples: int = 25
    seed: int | None = None
    workers: int = 1
    timeout: float = 10.0  # seconds a request may take before it is a response-timeout finding
    closed_schemas: bool = True
    phases: Sequence[str] = PHASES
    probes: bool = True
    selection: Selection = field(default_factory=Selection)  # --include/--exclude/--read-only
    before: Sequence[str] = ()  # hooks: "POST http://host/reset" or a shell command
    after: Sequence[str] = ()
    reset: bool = True  # a specmock target is reset to its seed before the run
    checks: Sequence[str] = CHECKS  # probe families and schemathesis checks (--checks)
    invalid_credentials: bool = True  # False (--no-auth-probe): no auth-invalid-accepted, from anyone

    def __post_init__(self) -> None:
        if not self.timeout > 0:
            raise SetupError(f"--timeout must be a positive number of seconds, got {self.timeout}")
        if self.max_examples < 1 or self.workers < 1:
            raise SetupError(
                f"max examples and workers must be at least 1, got {self.max_examples} and {self.workers}"
            )


def parse_pairs(values: Iterable[str], sep: str, flag: str) -> dict[str, str]:
    """``'K: V'`` headers (``sep=":"``) or ``LOCATION.NAME=VALUE`` pins (``sep="="``) as a mapping."""
    out: dict[str, str] = {}
    for value in values:
        key, found, rest = value.partition(sep)
        if not found or not key.strip():
            wanted = "'K: V'" if sep == ":" else "LOCATION.NAME=VALUE"
            raise SetupError(f"{flag} {value!r}: expected {wanted}")
        out[key.strip()] = rest.strip()
    return out


def parse_phases(text: str) -> tuple[str, ...]:
    """``--phases examples,coverage`` as a tuple of known schemathesis phases."""
    chosen = tuple(name.strip() for name in text.split(",") if name.strip())
    unknown = [name for name in chosen if name not in PHASES]
    if unknown or not chosen:
        raise SetupError(f"--phases {text!r}: expected a comma-separated list of {', '.join(PHASES)}")
    return chosen


def parse_checks(text: str) -> tuple[str, ...]:
    """``--checks all`` or a comma list of probe families and schemathesis checks; a set-up error
    naming the valid ones otherwise."""
    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in CHECKS and name != "all"]
    if unknown or not names:
        raise SetupError(
            f"--checks {text!r}: unknown check(s) {', '.join(unknown) or '(none given)'}; valid: all, "
            f"{', '.join(CHECKS)}"
        )
    return CHECKS if "all" in names else tuple(name for name in CHECKS if name in names)


def parse_pins(headers: Mapping[str, str], params: Mapping[str, str]) -> Pins:
    pinned: dict[tuple[str, str], str] = {}
    for key, value in params.items():
        location, _, name = key.partition(".")
        if location not in PARAM_LOCATIONS or not name:
            raise SetupError(
                f"--param {key}={value}: expected LOCATION.NAME=VALUE, LOCATION one of "
                f"{', '.join(PARAM_LOCATIONS)}"
            )
        pinned[(location, name.lower() if location == "header" else name)] = value
    return Pins(headers=dict(headers), params=pinned)
