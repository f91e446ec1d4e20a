"""The schemathesis phases against a live server: every built-in check, failures as observations."""

from __future__ import annotations

import base64
import copy
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from contracts.classify.observation import Observation, observations
from contracts.coverage import Tally
from contracts.crash import Crash, answers, gone
from contracts.curl import credential_names
from contracts.options import PHASES, SCHEMATHESIS_CHECKS, Progress, RunOptions, SetupError
from contracts.probes.base import Pins
from contracts.selection import SAFE_METHODS
from oascore import Spec

Scenarios = Callable[[str, str, int, int], None]

if TYPE_CHECKING:
    import schemathesis


@dataclass(slots=True)
class PhaseOutcome:
    """What the phases saw: failed checks, requests sent, and the phases that sent any."""

    observations: list[Observation] = field(default_factory=list)
    sent: int = 0
    ran: list[str] = field(default_factory=list)
    crashes: list[Crash] = field(default_factory=list)
    stopped: str = ""  # why the run ended early: the server stopped answering


def run_schemathesis(
    raw: dict[str, Any],
    url: str,
    options: RunOptions,
    seed: int,
    spec: Spec,
    pins: Pins,
    tally: Tally,
    say: Progress,
    seen: Scenarios | None = None,
) -> PhaseOutcome:
    """Every phase and built-in check; every answer's status goes to ``tally``; each scenario's start
    and end to ``seen`` (phase, operation, requests sent so far or -1 at a start, failed checks
    counted once per operation and check)."""
    import schemathesis
    from schemathesis.engine import events, from_schema

    try:
        config = _config(url, options, seed, spec, pins)
        schema = schemathesis.openapi.from_dict(copy.deepcopy(raw), config=config)
    except Exception as exc:  # schemathesis' loader errors share no public base class
        raise SetupError(f"schemathesis cannot load the spec: {exc}") from None
    outcome = PhaseOutcome()
    seen = seen or (lambda phase, operation, sent, failed: None)
    for event in from_schema(schema).execute():
        if isinstance(event, events.ScenarioStarted):
            seen(_phase(event), event.label or "", -1, 0)
        elif isinstance(event, events.ScenarioFinished | events.FuzzScenarioFinished):
            _scenario(event, outcome, tally, seed, say)
            causes = {(o.operation, o.check) for o in outcome.observations}  # not every failed case
            seen(_phase(event), event.recorder.label, outcome.sent, len(causes))
        elif isinstance(event, events.NonFatalError):
            crash = _crash(event)
            say(f"  error in {event.label}: {event.info.title}{' (' + crash.detail + ')' if crash else ''}")
            if crash is not None:
                outcome.crashes.append(crash)
                if not answers(url):
                    outcome.stopped = str(gone(url, crash))
                    break
        elif isinstance(event, events.FatalError):
            raise SetupError(f"schemathesis stopped: {event.exception}")
    return outcome


def _crash(event: Any) -> Crash | None:
    """A request that got no HTTP answer, from schemathesis' network-error event."""
    import requests

    error = event.value
    if not event.related_to_operation or not isinstance(error, requests.RequestException):
        return None
    timeout = isinstance(error, requests.Timeout)
    phase = getattr(event.phase, "value", event.phase)
    curl = event.info.code_sample or ""
    return Crash(event.label, timeout, curl, type(error).__name__, f"schemathesis {phase}" if phase else "")


def _phase(event: Any) -> str:
    phase = getattr(event, "phase", "stateful")
    return str(getattr(phase, "value", phase))


def _scenario(event: Any, outcome: PhaseOutcome, tally: Tally, seed: int, say: Progress) -> None:
    recorder = event.recorder
    phase = _phase(event)
    for case_id, interaction in recorder.interactions.items():
        node = recorder.cases.get(case_id)
        if node is None or interaction.response is None:
            continue
        operation = node.value.operation
        if (
            str(interaction.request.method).upper() == operation.method.upper()
        ):  # not st's wrong-method probes
            tally.add(operation.label, int(interaction.response.status_code))
    if recorder.interactions and phase and phase not in outcome.ran:
        outcome.ran.append(phase)
        say(f"phase {phase}")
    outcome.sent += len(recorder.interactions)
    failed = list(observations(recorder, seed))
    outcome.observations += failed
    say(f"  {phase} {recorder.label}: {len(recorder.interactions)} requests, {len(failed)} failed check(s)")


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


def _phases(options: RunOptions) -> dict[str, Any]:
    phases: dict[str, Any] = {name: {"enabled": name in options.phases} for name in PHASES}
    if options.selection.read_only:  # the coverage phase's unexpected methods stay safe ones too
        phases["coverage"]["unexpected-methods"] = sorted(m.lower() for m in SAFE_METHODS - {"HEAD"})
    return phases


def explicit_auth(spec: Spec, headers: Mapping[str, str]) -> dict[str, dict[str, str]]:
    """The user's ``--header`` credentials as schemathesis' per-scheme auth, so its ``ignored_auth``
    check knows them for valid ones and also tries a request without and one with invalid
    credentials (with plain headers it cannot tell a credential from any header)."""
    sent = {name.lower(): value for name, value in headers.items()}
    auth: dict[str, dict[str, str]] = {}
    for name, scheme in spec.security_schemes.items():
        kind = scheme.get("type")
        if kind == "apiKey" and scheme.get("in") == "header" and str(scheme.get("name", "")).lower() in sent:
            auth[name] = {"api_key": sent[str(scheme["name"]).lower()]}
        elif kind == "http" and "authorization" in sent:
            word, _, token = sent["authorization"].partition(" ")
            if word.lower() == "bearer" == str(scheme.get("scheme", "")).lower():
                auth[name] = {"bearer": token}
            elif word.lower() == "basic" == str(scheme.get("scheme", "")).lower():
                user, _, password = _basic(token).partition(":")
                if user and password:
                    auth[name] = {"username": user, "password": password}
    return auth


def _basic(token: str) -> str:
    try:
        return base64.b64decode(token, validate=True).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return ""


def _sanitization(spec: Spec, options: RunOptions) -> dict[str, Any]:
    """schemathesis masks credentials in its reproduction lines, and only those: by default it masks
    any key holding ``key``, ``token``, ``auth`` ... (a body field named ``key`` too)."""
    names = sorted(credential_names(spec.security_schemes, options.headers))
    return {"enabled": True, "keys-to-sanitize": names, "sensitive-markers": ["authorization"]}


def _checks(options: RunOptions) -> dict[str, Any]:
    chosen = [name for name in SCHEMATHESIS_CHECKS if name in options.checks]
    if len(chosen) == len(SCHEMATHESIS_CHECKS):
        return {"enabled": True}
    return {"enabled": False, **{name: {"enabled": True} for name in chosen}}


def _config(url: str, options: RunOptions, seed: int, spec: Spec, pins: Pins) -> schemathesis.Config:
    import schemathesis

    auth = explicit_auth(spec, pins.headers)
    return schemathesis.Config.from_dict(
        {
            **({"auth": {"openapi": auth}} if auth else {}),
            "base-url": url,
            "seed": seed,
            "headers": dict(pins.headers),
            "parameters": pinned_parameters(spec, pins),
            "workers": options.workers,
            "request-timeout": options.timeout,
            "continue-on-failure": True,
            "cache": {"enabled": False},
            "checks": _checks(options),
            "output": {"sanitization": _sanitization(spec, options)},
            "phases": _phases(options),
            "generation": {"max-examples": options.max_examples, "mode": "all", "database": "none"},
        }
    )
