"""``contracts run`` as a library: probes + schemathesis phases against a live server, classified.

:func:`run` loads the spec, closes its response schemas (an undocumented response field is drift),
runs the probes (bounds, enums, auth, pagination, filters) and then every schemathesis phase
(examples, coverage, fuzzing, stateful) with every built-in check, and classifies what failed into
one finding per cause. It never reads ``sys.argv`` and never prints: progress goes to a callback.
"""

from __future__ import annotations

import copy
import json
import random
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import yaml

from contracts.classify import Classifier, Observation, dedupe
from contracts.findings import KINDS, Evidence, Finding
from contracts.probes import Exchange, Pins, ProbeContext, Slot, Target, Verdict
from contracts.probes_auth import probe_auth
from contracts.probes_bounds import probe_bounds
from contracts.probes_enums import probe_enums
from contracts.probes_filters import probe_filters
from contracts.probes_pagination import probe_pagination
from mockserver.spec import HTTP_METHODS, Operation, Spec, SpecError, load_spec, parse_spec

Progress = Callable[[str], None]
PROBES: tuple[tuple[str, Callable[[ProbeContext, Operation], list[Finding]]], ...] = (
    ("auth", probe_auth),
    ("bounds", probe_bounds),
    ("enums", probe_enums),
    ("pagination", probe_pagination),
    ("filters", probe_filters),
)
PARAM_LOCATIONS = ("path", "query", "header", "cookie", "body")


class SetupError(Exception):
    """The run cannot start (bad spec, unreachable server, bad option); ``str()`` says why."""


@dataclass(frozen=True, slots=True)
class RunResult:
    findings: list[Finding]
    operations: int
    requests: int
    seed: int = 0
    labels: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class RunOptions:
    headers: Mapping[str, str] = field(default_factory=dict)
    params: Mapping[str, str] = field(default_factory=dict)  # "header.X-Namespace" -> "ns_abc"
    max_examples: int = 25
    seed: int | None = None
    workers: int = 1
    closed_schemas: bool = True
    phases: Sequence[str] = ("examples", "coverage", "fuzzing", "stateful")
    probes: bool = True


def run(
    spec_path: str | Path, url: str, options: RunOptions | None = None, progress: Progress | None = None
) -> RunResult:
    """Hold the server at ``url`` to the spec at ``spec_path``; raises :class:`SetupError`."""
    options = options or RunOptions()
    say = progress or (lambda _: None)
    seed = options.seed if options.seed is not None else random.randrange(2**31)
    spec, raw = _load(spec_path)
    closed_raw = close_response_schemas(raw) if options.closed_schemas else raw
    checked = parse_spec(json.dumps(closed_raw), str(spec_path)) if options.closed_schemas else spec
    pins = parse_pins(options.headers, options.params)
    _reachable(url)
    target = Target(url)
    ctx = ProbeContext(spec=spec, target=target, pins=pins, seed=seed)
    try:
        findings = run_probes(ctx, say) if options.probes else []
        say(f"schemathesis: {', '.join(options.phases)}, max {options.max_examples} examples, seed {seed}")
        observations, sent = run_schemathesis(closed_raw, url, options, seed, pins, say)
        isolate = _isolator(ctx)
        classifier = Classifier(checked, spec, ctx.explanations, isolate, pins)
        findings += classifier.classify(observations)
        findings += _server_errors(ctx)
    except httpx.TransportError as exc:
        raise SetupError(f"lost {url} mid-run: {exc or type(exc).__name__}") from None
    finally:
        target.close()
    result = dedupe(sorted(findings, key=_rank))
    say(f"done: {len(result)} finding(s), {sent + target.requests} requests")
    return RunResult(
        result, len(spec.operations), sent + target.requests, seed, tuple(o.label for o in spec.operations)
    )


def _rank(finding: Finding) -> tuple[int, int]:
    """Probe findings and causes first, so de-duplication keeps them over their symptoms."""
    return (0 if finding.evidence.note == "probe" else 1, KINDS.index(finding.kind))


def _load(path: str | Path) -> tuple[Spec, dict[str, Any]]:
    try:
        spec = load_spec(path)
    except SpecError as exc:
        raise SetupError(str(exc)) from None
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    return spec, raw


def _reachable(url: str) -> None:
    if not url.startswith(("http://", "https://")):
        raise SetupError(f"--url must be an http(s) URL, got {url!r}")
    try:
        httpx.get(url, timeout=5.0)
    except httpx.HTTPError as exc:
        raise SetupError(f"cannot reach {url}: {exc or type(exc).__name__}") from None


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


# --- probes ---------------------------------------------------------------------------------------


def run_probes(ctx: ProbeContext, say: Progress) -> list[Finding]:
    findings: list[Finding] = []
    for op in ctx.spec.operations:
        for family, probe in PROBES:
            found = [_as_probe(f) for f in probe(ctx, op)]
            say(f"probe {family:<10} {op.label}: {len(found)} finding(s)")
            findings += found
    return findings


def _as_probe(finding: Finding) -> Finding:
    evidence = finding.evidence
    return Finding(
        finding.operation,
        finding.kind,
        finding.location,
        finding.expected,
        finding.actual,
        finding.severity,
        Evidence(evidence.curl, evidence.seed, evidence.status, "probe"),
        finding.message,
    )


def _server_errors(ctx: ProbeContext) -> list[Finding]:
    return [
        Finding(
            op.label,
            "server-error",
            "response.status",
            "not 5xx",
            str(ex.status),
            "breaking",
            evidence=ctx.evidence(ex, "probe"),
        )
        for op, ex in ctx.server_errors
    ]


def _isolator(ctx: ProbeContext) -> Callable[[Operation, Slot, Any], tuple[Verdict, Evidence] | None]:
    cache: dict[tuple[str, str, str], Exchange] = {}

    def isolate(op: Operation, slot: Slot, value: Any) -> tuple[Verdict, Evidence] | None:
        base = ctx.baseline(op)
        if base is None:
            return None
        key = (op.label, slot.label, json.dumps(value, sort_keys=True, default=str))
        if key not in cache:
            cache[key] = ctx.send(op, base.request.with_slot(slot, value))
        return cache[key].verdict, ctx.evidence(cache[key], "isolated from a schemathesis case")

    return isolate


# --- closed response schemas ----------------------------------------------------------------------


def close_response_schemas(raw: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``raw`` whose response object schemas refuse undocumented properties.

    Object schemas with ``properties`` and no ``additionalProperties`` get ``additionalProperties:
    false``, except the members of an ``allOf`` (each would refuse the others' properties). Response
    schemas reach components through copies (``#/components/schemas/X__response``), so request
    schemas sharing a component stay open.
    """
    doc = copy.deepcopy(raw)
    closer = _Closer(doc)
    for item in (doc.get("paths") or {}).values():
        for method in HTTP_METHODS:
            operation = item.get(method) if isinstance(item, dict) else None
            for response in ((operation or {}).get("responses") or {}).values():
                for media in _media(closer.response(response)):
                    if isinstance(media.get("schema"), dict):
                        media["schema"] = closer.close(media["schema"], in_all_of=False)
    return doc


class _Closer:
    def __init__(self, doc: dict[str, Any]) -> None:
        self.doc = doc
        self.schemas: dict[str, Any] = doc.setdefault("components", {}).setdefault("schemas", {})

    def response(self, response: Any) -> dict[str, Any]:
        prefix = "#/components/responses/"
        if isinstance(response, dict) and str(response.get("$ref", "")).startswith(prefix):
            target = self.doc["components"]["responses"].get(response["$ref"][len(prefix) :], {})
            return target if isinstance(target, dict) else {}
        return response if isinstance(response, dict) else {}

    def close(self, node: Any, *, in_all_of: bool) -> Any:
        if isinstance(node, list):
            return [self.close(n, in_all_of=in_all_of) for n in node]
        if not isinstance(node, dict):
            return node
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
            return {**node, "$ref": self._closed_ref(ref[len("#/components/schemas/") :], in_all_of)}
        out = {key: self._child(key, value) for key, value in node.items()}
        if (
            not in_all_of
            and isinstance(out.get("properties"), dict)
            and out["properties"]
            and "additionalProperties" not in out
            and "allOf" not in out
        ):
            out["additionalProperties"] = False
        return out

    def _child(self, key: str, value: Any) -> Any:
        if key in ("properties", "patternProperties", "$defs", "definitions"):
            return (
                {k: self.close(v, in_all_of=False) for k, v in value.items()}
                if isinstance(value, dict)
                else value
            )
        if key in ("items", "additionalProperties", "anyOf", "oneOf", "prefixItems", "not"):
            return self.close(value, in_all_of=False)
        if key == "allOf":
            return self.close(value, in_all_of=True)
        return value

    def _closed_ref(self, name: str, in_all_of: bool) -> str:
        suffix = "__response_member" if in_all_of else "__response"
        closed = f"{name}{suffix}"
        if closed not in self.schemas and name in self.schemas:
            self.schemas[closed] = {}
            self.schemas[closed] = self.close(copy.deepcopy(self.schemas[name]), in_all_of=in_all_of)
        return f"#/components/schemas/{closed}" if name in self.schemas else f"#/components/schemas/{name}"


def _media(response: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for media in (response.get("content") or {}).values():
        if isinstance(media, dict):
            yield media


# --- schemathesis ---------------------------------------------------------------------------------


def run_schemathesis(
    raw: dict[str, Any], url: str, options: RunOptions, seed: int, pins: Pins, say: Progress
) -> tuple[list[Observation], int]:
    """Every phase and built-in check; returns the failed checks as observations, and requests sent."""
    import schemathesis
    from schemathesis.engine import events, from_schema

    parameters = {f"{loc}.{name}": value for (loc, name), value in pins.params.items() if loc != "body"}
    config = schemathesis.Config.from_dict(
        {
            "base-url": url,
            "seed": seed,
            "headers": dict(pins.headers),
            "parameters": parameters,
            "workers": max(1, options.workers),
            "continue-on-failure": True,
            "cache": {"enabled": False},
            "checks": {"enabled": True},
            "phases": {
                name: {"enabled": name in options.phases}
                for name in ("examples", "coverage", "fuzzing", "stateful")
            },
            "generation": {"max-examples": options.max_examples, "mode": "all", "database": "none"},
        }
    )
    try:
        schema = schemathesis.openapi.from_dict(copy.deepcopy(raw), config=config)
    except Exception as exc:  # schemathesis' loader errors share no public base class
        raise SetupError(f"schemathesis cannot load the spec: {exc}") from None
    observations: list[Observation] = []
    sent = 0
    for event in from_schema(schema).execute():
        if isinstance(event, events.PhaseStarted) and event.phase.is_enabled:
            say(f"phase {event.phase.name.value}")
        elif isinstance(event, events.ScenarioFinished | events.FuzzScenarioFinished):
            recorder = event.recorder
            sent += len(recorder.interactions)
            found = list(_observations(recorder, seed))
            observations += found
            phase = getattr(event, "phase", "")
            say(
                f"  {getattr(phase, 'value', phase)} {recorder.label}: "
                f"{len(recorder.interactions)} requests, {len(found)} failed check(s)"
            )
        elif isinstance(event, events.NonFatalError):
            say(f"  error in {event.label}: {event.info.title}")
        elif isinstance(event, events.FatalError):
            raise SetupError(f"schemathesis stopped: {event.exception}")
    return observations, sent


def _observations(recorder: Any, seed: int) -> Iterable[Observation]:
    for case_id, checks in recorder.checks.items():
        for check in checks:
            if check.failure_info is None:
                continue
            failure = check.failure_info.failure
            node = recorder.cases.get(failure.case_id or case_id)
            interaction = recorder.interactions.get(failure.case_id or case_id)
            if node is None:
                continue
            yield _observation(
                check.name, failure, node.value, interaction, check.failure_info.code_sample, seed
            )


def _observation(name: str, failure: Any, case: Any, interaction: Any, curl: str, seed: int) -> Observation:
    response = interaction.response if interaction is not None else None
    headers: dict[str, str] = {}
    body: Any = None
    status: int | None = None
    if response is not None:
        status = int(response.status_code)
        headers = {k: v[0] for k, v in response.headers.items() if v}
        try:
            body = json.loads(response.content) if response.content else None
        except ValueError:
            body = None
    ctype = next((v for k, v in headers.items() if k.lower() == "content-type"), None)
    return Observation(
        operation=case.operation.label,
        check=name,
        failure=failure,
        evidence=Evidence(curl=curl, seed=seed, status=status, note=f"schemathesis {name}"),
        status=status,
        content_type=ctype,
        body=body,
        headers=headers,
        request=_sent_values(case),
        negative=_negative_parts(case),
    )


def _sent_values(case: Any) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if isinstance(case.body, dict):
        values.update({f"request.body.{k}": v for k, v in case.body.items()})
    values.update({f"request.query.{k}": v for k, v in (case.query or {}).items()})
    values.update({f"request.header.{k.lower()}": v for k, v in (case.headers or {}).items()})
    return values


def _negative_parts(case: Any) -> tuple[str, ...]:
    from schemathesis import GenerationMode

    meta = case.meta
    if meta is None:
        return ()
    return tuple(
        getattr(location, "value", str(location))
        for location, info in meta.components.items()
        if info.mode == GenerationMode.NEGATIVE
    )
