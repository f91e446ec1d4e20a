"""``contracts run`` as a library: probes + schemathesis phases against a live server, classified.

:func:`run` loads the spec, closes its response schemas (an undocumented response field is drift),
runs the probes (bounds, enums, auth, pagination, filters) and then every schemathesis phase
(examples, coverage, fuzzing, stateful) with every built-in check, and classifies what failed into
one finding per cause. It never reads ``sys.argv`` and never prints: progress goes to a callback.
"""

from __future__ import annotations

import copy
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import httpx

from contracts.classify.checks import server_error
from contracts.classify.classifier import Classifier, dedupe
from contracts.classify.closing import close_response_schemas
from contracts.classify.request import isolator
from contracts.coverage import OperationCoverage, operation_coverage
from contracts.crash import ServerGone, crash_finding
from contracts.curl import credential_names
from contracts.findings import KINDS, Finding
from contracts.fold import fold
from contracts.hooks import reset_specmock, run_hook
from contracts.options import Progress, RunOptions, SetupError, parse_pins
from contracts.phases import PhaseOutcome, run_schemathesis
from contracts.probes.auth import probe_auth
from contracts.probes.base import ProbeContext, Target
from contracts.probes.bounds import probe_bounds
from contracts.probes.enums import probe_enums
from contracts.probes.filters import probe_filters
from contracts.probes.pagination import probe_pagination
from contracts.progress import Ticker, Watch
from contracts.selection import Selection
from contracts.shard import restricted_document
from oascore import Operation, Spec, SpecError, load_spec, spec_from_document

__all__ = ["PROBES", "Progress", "RunOptions", "RunResult", "SetupError", "run", "run_probes"]

PROBES: tuple[tuple[str, Callable[[ProbeContext, Operation], list[Finding]]], ...] = (
    ("auth", probe_auth),
    ("bounds", probe_bounds),
    ("enums", probe_enums),
    ("pagination", probe_pagination),
    ("filters", probe_filters),
)


@dataclass(frozen=True, slots=True)
class RunResult:
    """A run's outcome; plain data, so shards can be written as JSON and merged."""

    findings: list[Finding]
    requests: int
    seed: int = 0
    labels: tuple[str, ...] = ()  # the spec's operations, in order
    coverage: tuple[OperationCoverage, ...] = ()  # per operation, in order
    phases: tuple[str, ...] = ()  # the phases that sent requests ("probes", "examples", ...)
    stopped: str = ""  # why the run ended early (the server stopped answering), else ""

    @property
    def operations(self) -> int:
        return len(self.labels)

    @property
    def untested(self) -> list[OperationCoverage]:
        """Operations whose documented success was never reached: nothing checked their success."""
        return [c for c in self.coverage if c.untested]

    @property
    def unexercised(self) -> int:
        """(operation, probe) pairs a probe could not exercise (no accepted baseline request)."""
        return sum(len(c.unexercised) for c in self.coverage)


def run(
    spec_path: str | Path,
    url: str,
    options: RunOptions | None = None,
    progress: Progress | None = None,
    watch: Watch | None = None,
) -> RunResult:
    """Hold the server at ``url`` to the spec at ``spec_path``; raises :class:`SetupError`.

    ``progress`` gets a line per step; ``watch`` a :class:`~contracts.progress.Tick` whenever the
    run moves (phase, operation, requests, findings, share done)."""
    options = options or RunOptions()
    say = progress or (lambda _: None)
    seed = options.seed if options.seed is not None else random.randrange(2**31)
    spec, raw = _select(*_load(spec_path), options.selection)
    # schemathesis gets its own copy (closed or not): the model's document must stay as loaded
    closed_raw = close_response_schemas(raw) if options.closed_schemas else copy.deepcopy(raw)
    checked = spec_from_document(closed_raw, str(spec_path), owned=False) if options.closed_schemas else spec
    pins = parse_pins(options.headers, options.params)
    if not spec.operations:
        raise SetupError(f"{spec_path}: the spec has no operations, so there is nothing to test")
    _reachable(url)
    for hook in options.before:
        say(run_hook(hook, "--before"))
    if options.reset:
        reset_specmock(url, say)
    secrets = credential_names(spec.security_schemes, options.headers)
    target = Target(url, timeout=options.timeout, secrets=secrets)
    probing = frozenset(c for c in options.checks if options.invalid_credentials or c != "auth-invalid")
    ctx = ProbeContext(spec=spec, target=target, pins=pins, seed=seed, checks=probing)
    outcome = PhaseOutcome()
    findings: list[Finding] = []
    ticker = Ticker(_units(spec, options, ctx), watch)
    try:
        _answers_somewhere(ctx, url)
        if options.probes:
            findings += run_probes(ctx, say, ticker)
        say(f"schemathesis: max {options.max_examples} examples per operation, seed {seed}")
        outcome = run_schemathesis(
            closed_raw, url, options, seed, spec, pins, ctx.tally, say, _counting(ticker, target, findings)
        )
        classifier = Classifier(checked, spec, ctx.explanations, isolator(ctx), pins)
        findings += classifier.classify(outcome.observations)
    except ServerGone as exc:
        outcome.stopped = str(exc)
    finally:
        target.close()
        _after(options.after, say)
    findings += [server_error(op, ex.status, ctx.evidence(ex, "probe")) for op, ex in ctx.server_errors]
    findings += [crash_finding(c, seed, options.timeout) for c in ctx.crashes + outcome.crashes]
    if not options.invalid_credentials:  # opted out: schemathesis' invalid-credential results too
        findings = [f for f in findings if f.kind != "auth-invalid-accepted"]
    result = fold(dedupe(sorted(findings, key=_rank)), len(spec.operations))
    requests = outcome.sent + target.requests
    coverage = tuple(
        operation_coverage(
            spec, op, ctx.tally.statuses.get(op.label, {}), pins.params, ctx.unexercised.get(op.label, {})
        )
        for op in spec.operations
    )
    probed = options.probes and target.requests and any(ctx.enabled(family) for family, _ in PROBES)
    phases = (("probes",) if probed else ()) + tuple(outcome.ran)
    ticker.count(requests=requests, findings=len(result))
    ticker.finished(ticker.tick.total)
    say(f"done: {len(result)} finding(s), {requests} requests, phases run: {', '.join(phases)}")
    labels = tuple(o.label for o in spec.operations)
    return RunResult(result, requests, seed, labels, coverage, phases, outcome.stopped)


def _after(hooks: Sequence[str], say: Progress) -> None:
    """``--after`` hooks run whatever happened; a failing one is said, not raised over the findings."""
    for hook in hooks:
        try:
            say(run_hook(hook, "--after"))
        except SetupError as exc:
            say(f"warning: {exc}")


def _answers_somewhere(ctx: ProbeContext, url: str) -> None:
    """A set-up error when no operation's spec-built request is answered but with 404/405.

    That is a wrong base URL (or ids the server does not have), not drift: checking on would only
    report every operation's 404 as a finding.
    """
    if any(ctx.baseline(op) is not None for op in ctx.spec.operations):
        return
    if ctx.tally.only({404, 405}):
        first = ctx.spec.operations[0]
        raise SetupError(
            f"every operation answered 404 at {url} (e.g. {first.method} {url.rstrip('/')}{first.path}): "
            "is the base URL right, and are the ids it needs pinned with --param?"
        )


def _rank(finding: Finding) -> tuple[int, int]:
    """Probe findings and causes first, so de-duplication keeps them over their symptoms."""
    return (0 if finding.evidence.note == "probe" else 1, KINDS.index(finding.kind))


def _load(path: str | Path) -> tuple[Spec, dict[str, Any]]:
    """The spec, read and parsed once: its model, and the document as written for schemathesis."""
    try:
        spec = load_spec(path, keep_raw=True)
    except SpecError as exc:
        raise SetupError(str(exc)) from None
    assert spec.raw is not None  # keep_raw
    return spec, spec.raw


def _select(spec: Spec, raw: dict[str, Any], selection: Selection) -> tuple[Spec, dict[str, Any]]:
    """The spec holding only the operations ``selection`` chooses; a set-up error when none is left."""
    if selection.everything:
        return spec, raw
    labels = selection.labels(spec)
    if not labels:
        raise SetupError(
            f"{spec.source}: no operation left to test after --include/--exclude/--read-only "
            f"(of {len(spec.operations)})"
        )
    chosen = spec_from_document(restricted_document(spec, labels), spec.source, keep_raw=True)
    assert chosen.raw is not None  # keep_raw
    return chosen, chosen.raw


def _reachable(url: str) -> None:
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as exc:
        raise SetupError(f"--url {url!r} is not a valid URL: {exc}") from None
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise SetupError(f"--url must be an http(s) URL, got {url!r}")
    try:
        httpx.get(url, timeout=5.0)
    except httpx.HTTPError as exc:
        raise SetupError(f"cannot reach {url}: {exc or type(exc).__name__}") from None


def _units(spec: Spec, options: RunOptions, ctx: ProbeContext) -> int:
    """Units of work a run plans: each operation through the probes and each per-operation phase,
    and the stateful phase as one."""
    probing = options.probes and any(ctx.enabled(family) for family, _ in PROBES)
    per_operation = [phase for phase in options.phases if phase != "stateful"]
    stateful = 1 if "stateful" in options.phases else 0
    return len(spec.operations) * (len(per_operation) + (1 if probing else 0)) + stateful


def _counting(
    ticker: Ticker, target: Target, findings: list[Finding]
) -> Callable[[str, str, int, int], None]:
    """What the phases report back: a scenario of ``phase`` on ``operation`` started (``sent`` <
    0) or finished, with the requests they sent and checks that failed so far."""

    def seen(phase: str, operation: str, sent: int, failed: int) -> None:
        if sent < 0:
            ticker.at(phase, operation)
            return
        ticker.count(requests=target.requests + sent, findings=len(findings) + failed)
        ticker.finished()

    return seen


def run_probes(ctx: ProbeContext, say: Progress, ticker: Ticker | None = None) -> list[Finding]:
    ticker = ticker or Ticker(0, None)
    findings: list[Finding] = []
    chosen = [
        (family, probe)
        for family, probe in PROBES
        if ctx.enabled(family) or (family == "auth" and ctx.enabled("auth-invalid"))
    ]
    for op in ctx.spec.operations:
        ticker.at("probes", op.label)
        for family, probe in chosen:
            ctx.unmet = None
            found = [_as_probe(f) for f in probe(ctx, op)]
            if ctx.unmet == op.label:
                ctx.not_exercised(op, family)
                say(f"probe {family:<10} {op.label}: not exercised ({ctx.unexercised[op.label][family]})")
            else:
                say(f"probe {family:<10} {op.label}: {len(found)} finding(s)")
            findings += found
            ticker.count(requests=ctx.target.requests, findings=len(findings))
        ticker.finished()
    return findings


def _as_probe(finding: Finding) -> Finding:
    return replace(finding, evidence=replace(finding.evidence, note="probe"))
