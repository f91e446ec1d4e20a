"""An :class:`Observation`: one failed schemathesis check on one exchange, read off its recorder."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from contracts.findings import Evidence


@dataclass(frozen=True, slots=True)
class Observation:
    """One failed check on one exchange, with what was sent and what came back."""

    operation: str
    check: str
    failure: Any  # a schemathesis Failure
    evidence: Evidence
    status: int | None = None
    content_type: str | None = None
    body: Any = None
    headers: Mapping[str, str] = field(default_factory=dict)
    request: Mapping[str, Any] = field(default_factory=dict)  # slot label -> value sent (ABSENT if left out)
    negative: tuple[str, ...] = ()  # request parts generated to be invalid: body, query, header, path


def observations(recorder: Any, seed: int) -> Iterable[Observation]:
    """The failed checks a schemathesis scenario ``recorder`` holds, one observation each."""
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
