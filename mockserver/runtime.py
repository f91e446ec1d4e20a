"""The contract between the generic core and an API profile.

The core routes, authenticates and validates a request, then hands a :class:`MockRequest` to the
profile's handler for that operation (if the profile declares one). Handlers return a
:class:`MockResponse`; the core serialises it, applies CORS, and journals it. Handlers never see
raw HTTP, and the store never sees HTTP at all.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from oascore import Operation, Spec
from oascore.validation import Violation


@dataclass(frozen=True, slots=True)
class MockRequest:
    """A request that passed routing, security and validation.

    ``query``/``path_params``/``headers`` hold values coerced to their schema types (an integer
    query parameter arrives as ``int``). ``headers`` keys are lower-case. ``body`` is the parsed
    JSON body (``None`` when there was none). ``principal`` is the credential that authenticated
    the request (the bearer token or API key), or ``None`` for operations without security.
    ``preferred_status`` is the status a ``Prefer: code=N`` asks for (``None``: none asked): the
    core keeps the handler's answer when it has that status and generates that status otherwise,
    so a handler that would answer another status must change nothing and may return ``None``.
    """

    operation: Operation
    path_params: Mapping[str, Any]
    query: Mapping[str, Any]
    headers: Mapping[str, str]
    body: Any
    principal: str | None
    seed: int
    preferred_status: int | None = None


@dataclass(slots=True)
class MockResponse:
    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str | None = "application/json"  # None: no body at all (e.g. 204)
    raw: bytes | None = None  # already-serialised body; wins over ``body`` when set


Handler = Callable[[MockRequest], MockResponse | None]  # None: see MockRequest.preferred_status


class WorldMismatch(Exception):
    """The shared state holds another seed's world; ``str()`` says how to resume it or re-seed."""


class Clock(Protocol):
    """The mock's one source of time: wall time plus an offset the control plane can advance."""

    def now(self) -> float: ...

    def advance(self, seconds: float) -> float: ...

    def offset(self) -> float: ...


class ApiBackend(Protocol):
    """A running, stateful API profile: its handlers and its world's lifecycle."""

    name: str
    credential_hint: str  # what a valid credential looks like, told to a client refused with 401

    def handlers(self) -> Mapping[str, Handler]:
        """Handlers keyed by operationId; operations without one get the generic responder."""
        ...

    def reset(self) -> None:
        """Put the world back to what ``seed`` and ``world_size`` generate."""
        ...

    def export_state(self) -> dict[str, Any]:
        """The whole state as JSON-able data; ``import_state(export_state())`` is a no-op."""
        ...

    def check_state(self, data: Mapping[str, Any]) -> None:
        """Raise ``ValueError`` naming the first offending path unless ``import_state`` accepts
        ``data``; changes nothing (an import is checked whole before any API applies its part)."""
        ...

    def import_state(self, data: Mapping[str, Any]) -> None:
        """Replace the whole state; raises ``ValueError`` with a readable message on bad data."""
        ...

    def role_for(self, credential: str) -> str | None:
        """The role of a presented credential (token or API key), or ``None`` to refuse it (401)."""
        ...

    def explain(self, operation: Operation, body: Any, violations: list[Violation]) -> list[Violation]:
        """The violations that refuse a request to ``operation`` (``body``: the parsed body, or
        ``None``), reworded where the world knows why it refuses a value (the rest unchanged)."""
        ...


@dataclass(frozen=True, slots=True)
class WorldOptions:
    seed: int = 0
    world_size: int | None = None  # None: the profile's default, sized for a UI
    state_file: str | None = None  # SQLite path; None keeps state in memory
    state_url: str | None = None  # PostgreSQL URL (wins over state_file)
    reseed: bool = False  # a state URL holding another seed's world: replace it (else refuse)
    tokens: Mapping[str, str] = field(default_factory=dict)  # token -> role (e.g. "admin")
    clone_seconds: float = 3.0  # how long a clone stays "cloning" on the mock's clock
    max_clones: int = 2_000  # clones (and imported clones) the world holds; a clear 4xx beyond
    anchor: int | None = None  # the seeded world's "now" (Unix seconds); None: the clock at seeding


class ApiProfile(Protocol):
    """What is specific to one documented API. The core knows nothing of any profile."""

    name: str

    def matches(self, spec: Spec) -> bool: ...

    def create(self, spec: Spec, options: WorldOptions, clock: Clock) -> ApiBackend: ...
