"""The schemathesis phases against a live server: every built-in check, failures as observations."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from contracts.classify.observation import Observation, observations
from contracts.options import PHASES, Progress, RunOptions, SetupError
from contracts.probes.base import Pins
from oascore import Spec

if TYPE_CHECKING:
    import schemathesis


def run_schemathesis(
    raw: dict[str, Any], url: str, options: RunOptions, seed: int, spec: Spec, pins: Pins, say: Progress
) -> tuple[list[Observation], int]:
    """Every phase and built-in check; returns the failed checks as observations, and requests sent."""
    import schemathesis
    from schemathesis.engine import events, from_schema

    try:
        schema = schemathesis.openapi.from_dict(
            copy.deepcopy(raw), config=_config(url, options, seed, spec, pins)
        )
    except Exception as exc:  # schemathesis' loader errors share no public base class
        raise SetupError(f"schemathesis cannot load the spec: {exc}") from None
    found: list[Observation] = []
    sent = 0
    for event in from_schema(schema).execute():
        if isinstance(event, events.PhaseStarted) and event.phase.is_enabled:
            say(f"phase {event.phase.name.value}")
        elif isinstance(event, events.ScenarioFinished | events.FuzzScenarioFinished):
            recorder = event.recorder
            sent += len(recorder.interactions)
            failed = list(observations(recorder, seed))
            found += failed
            phase = getattr(event, "phase", "")
            say(
                f"  {getattr(phase, 'value', phase)} {recorder.label}: "
                f"{len(recorder.interactions)} requests, {len(failed)} failed check(s)"
            )
        elif isinstance(event, events.NonFatalError):
            say(f"  error in {event.label}: {event.info.title}")
        elif isinstance(event, events.FatalError):
            raise SetupError(f"schemathesis stopped: {event.exception}")
    return found, sent


def pinned_parameters(spec: Spec, pins: Pins) -> dict[str, str]:
    """``--param`` pins as schemathesis' ``[parameters]``, under each spelling the spec uses.

    schemathesis looks parameters up by their exact name; a header pin (stored lower-cased, since
    header names are case-insensitive) is written once per spelling the spec declares, so it
    reaches every operation whichever way the user or the spec capitalised it.
    """
    out: dict[str, str] = {}
    for (location, name), value in pins.params.items():
        out[f"{location}.{name}"] = value
        if location == "header":
            for op in spec.operations:
                for param in op.parameters:
                    if param.location == "header" and param.name.lower() == name:
                        out[f"header.{param.name}"] = value
    return out


def _config(url: str, options: RunOptions, seed: int, spec: Spec, pins: Pins) -> schemathesis.Config:
    import schemathesis

    parameters = pinned_parameters(spec, pins)
    return schemathesis.Config.from_dict(
        {
            "base-url": url,
            "seed": seed,
            "headers": dict(pins.headers),
            "parameters": parameters,
            "workers": options.workers,
            "continue-on-failure": True,
            "cache": {"enabled": False},
            "checks": {"enabled": True},
            "phases": {name: {"enabled": name in options.phases} for name in PHASES},
            "generation": {"max-examples": options.max_examples, "mode": "all", "database": "none"},
        }
    )
