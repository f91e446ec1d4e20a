"""Crashes, dropped connections and timeouts: findings too, and the end of a run when the server dies.

A request that gets no HTTP answer (the connection closed or reset, or no response within the
timeout) is a :class:`Crash`; :func:`crash_finding` names it at ``response`` with the cURL line and
seed that reproduce it. After each, :func:`answers` asks whether the server still answers at all;
when it does not, the run ends with :class:`ServerGone`'s verdict instead of piling up errors.
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from contracts.findings import Evidence, Finding

LIVENESS_TIMEOUT = 5.0


@dataclass(frozen=True, slots=True)
class Crash:
    operation: str
    timeout: bool  # no answer in time (else: the connection closed or reset without one)
    curl: str
    detail: str  # the client's error, e.g. "ChunkedEncodingError"
    note: str = ""  # where it happened: "probe", "schemathesis fuzzing"


class ServerGone(Exception):
    """The server stopped answering mid-run; ``str()`` is the verdict."""


def crash_finding(crash: Crash, seed: int, timeout: float) -> Finding:
    kind = "response-timeout" if crash.timeout else "connection-dropped"
    actual = f"no answer in {timeout:g}s" if crash.timeout else f"connection closed ({crash.detail})"
    evidence = Evidence(curl=crash.curl, seed=seed, note=crash.note or None)
    return Finding(crash.operation, kind, "response", "an HTTP response", actual, "breaking", evidence)


def answers(url: str) -> bool:
    """Whether anything still answers HTTP at ``url`` (any status will do)."""
    try:
        httpx.get(url, timeout=LIVENESS_TIMEOUT)
    except httpx.HTTPError:
        return False
    return True


def gone(url: str, crash: Crash) -> ServerGone:
    return ServerGone(
        f"the server stopped answering at {url} after {crash.operation} ({crash.detail}); "
        f"the run ended there. Reproduce: {crash.curl}"
    )
