"""What a run is given: :class:`RunOptions`, pinned parameters, and :class:`SetupError` when unusable."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from contracts.probes import Pins

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
    closed_schemas: bool = True
    phases: Sequence[str] = PHASES
    probes: bool = True


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
