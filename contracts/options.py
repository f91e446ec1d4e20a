"""What a run is given: :class:`RunOptions`, pinned parameters, and :class:`SetupError` when unusable."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from contracts.probes.base import Pins
from contracts.selection import Selection

Progress = Callable[[str], None]
PARAM_LOCATIONS = ("path", "query", "header", "cookie", "body")
PHASES = ("examples", "coverage", "fuzzing", "stateful")


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
