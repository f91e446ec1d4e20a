"""From observations to drift findings, one per cause.

An :class:`Observation` is one failed schemathesis check on one exchange. Each becomes findings of
the kinds in :data:`contracts.findings.KINDS`, named at their cause:

- a response that breaks its (closed) schema is re-validated whole (:mod:`contracts.classify.response`),
  so a missing required field next to an undocumented one of the same shape is one ``field-renamed``;
- a refused spec-valid request or an accepted spec-invalid one is first checked against what the
  probes explained, then isolated to the one slot whose value alone draws the verdict
  (:mod:`contracts.classify.request`);
- a 5xx is a ``server-error``, never also an undocumented status (:mod:`contracts.classify.checks`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field

from contracts.classify.checks import RESPONSE_CHECKS, header_mismatch
from contracts.classify.observation import Observation
from contracts.classify.request import REQUEST_CHECKS, Isolate
from contracts.classify.response import response_drift
from contracts.findings import Finding
from contracts.probes.base import Explanation, Pins
from oascore import Operation, Spec

__all__ = ["Classifier", "dedupe"]


@dataclass(slots=True)
class Classifier:
    spec: Spec  # response schemas closed, if closing is on
    probed: Spec  # the spec as given, for request slots
    explanations: list[Explanation]
    isolate: Isolate
    pinned: Pins
    _seen_bodies: set[tuple[str, int, str]] = field(default_factory=set)

    def classify(self, observations: Iterable[Observation]) -> list[Finding]:
        findings: list[Finding] = []
        for obs in observations:
            op = self._operation(obs.operation)
            if op is not None:
                findings += self._one(op, obs)
        return findings

    def _operation(self, label: str) -> Operation | None:
        return next((op for op in self.spec.operations if op.label == label), None)

    def _one(self, op: Operation, obs: Observation) -> list[Finding]:
        name = type(obs.failure).__name__
        if name == "JsonSchemaError":
            return self._schema(op, obs)
        if name in RESPONSE_CHECKS:
            return RESPONSE_CHECKS[name](op, obs)
        if name in REQUEST_CHECKS:
            return REQUEST_CHECKS[name](self, op, obs)
        return []

    def _schema(self, op: Operation, obs: Observation) -> list[Finding]:
        """A body is classified once per (operation, status, body), however many checks it failed."""
        if obs.check == "response_headers_conformance":
            return header_mismatch(self.spec, op, obs)
        key = (op.label, obs.status or 0, json.dumps(obs.body, sort_keys=True, default=str))
        if key in self._seen_bodies:
            return []
        self._seen_bodies.add(key)
        return response_drift(self.spec, op, obs.status or 0, obs.content_type, obs.body, obs.evidence)


def dedupe(findings: Iterable[Finding]) -> list[Finding]:
    """One finding per (operation, kind, location); the first seen wins."""
    kept: dict[tuple[str, str, str], Finding] = {}
    for finding in findings:
        kept.setdefault(finding.key, finding)
    return list(kept.values())
