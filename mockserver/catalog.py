"""Everything compiled at start-up for the specs being served: routes, validators, behaviours."""

from __future__ import annotations

from dataclasses import dataclass, field

from mockserver.apis import PROFILES
from mockserver.config import Config
from mockserver.pipeline.errors import ErrorRenderer
from mockserver.pipeline.responder import Responder
from mockserver.pipeline.routing import RouteCollision, Router
from mockserver.pipeline.security import Security
from mockserver.runtime import ApiBackend, Clock, Handler, WorldMismatch, WorldOptions
from mockserver.store import StoreUnavailable
from mockserver.store.clock import make_clock
from oascore import Operation, Spec, SpecError, load_spec
from oascore.fakes.generator import FakeData
from oascore.validation import RequestValidator, compile_schema


class StartupError(Exception):
    """A problem that stops the server from starting; ``str()`` is the one line to print."""


@dataclass(slots=True)
class CompiledOperation:
    operation: Operation
    security: Security
    validator: RequestValidator
    handler: Handler | None
    response_validators: dict[tuple[str, str], object] = field(default_factory=dict)


@dataclass(slots=True)
class ServedSpec:
    name: str
    spec: Spec
    errors: ErrorRenderer
    responder: Responder
    backend: ApiBackend | None
    operations: dict[str, CompiledOperation]


@dataclass(slots=True)
class Catalog:
    specs: dict[str, ServedSpec]
    router: Router
    clock: Clock

    @property
    def backends(self) -> dict[str, ApiBackend]:
        return {name: s.backend for name, s in self.specs.items() if s.backend is not None}


def load_catalog(config: Config) -> Catalog:
    """Load, compile and wire every spec; raises :class:`StartupError` with a readable message."""
    specs: list[Spec] = []
    for path in config.spec_paths():
        try:
            specs.append(load_spec(path))
        except SpecError as exc:
            raise StartupError(f"cannot load spec {exc}") from None
        except (RecursionError, TypeError, AttributeError, KeyError, ValueError) as exc:
            # a shape no check above foresaw: still one line for a person, never a traceback
            raise StartupError(f"cannot load spec {path}: {type(exc).__name__}: {exc}") from None
    if not specs:
        raise StartupError("no spec to serve")
    try:
        clock = make_clock(config.state_file, config.state_url)
    except StoreUnavailable as exc:
        hint = "; is the server up and the URL right?" if config.state_url else ""
        raise StartupError(f"{exc}{hint}") from None
    router = Router()
    served: dict[str, ServedSpec] = {}
    for spec in specs:
        name = _unique_name(spec, served)
        try:
            router.add(name, spec.operations)
        except RouteCollision as exc:
            raise StartupError(f"paths collide: {exc}") from None
        served[name] = _compile(name, spec, config, clock)
    return Catalog(served, router, clock)


def _unique_name(spec: Spec, served: dict[str, ServedSpec]) -> str:
    base = spec.title or spec.source
    name, n = base, 2
    while name in served:
        name, n = f"{base} ({n})", n + 1
    return name


def _compile(name: str, spec: Spec, config: Config, clock: Clock) -> ServedSpec:
    fakes = FakeData(spec)
    backend: ApiBackend | None = None
    handlers: dict[str, Handler] = {}
    for profile in PROFILES:
        if profile.matches(spec):
            options = WorldOptions(
                seed=config.seed,
                world_size=config.world_size,
                anchor=config.anchor,
                state_file=config.state_file,
                state_url=config.state_url,
                reseed=config.reseed,
                tokens=dict(config.tokens),
                clone_seconds=config.clone_seconds,
                max_clones=config.max_clones,
            )
            try:
                backend = profile.create(spec, options, clock)
            except (WorldMismatch, StoreUnavailable) as exc:
                raise StartupError(str(exc)) from None
            handlers = dict(backend.handlers())
            break
    schemes = spec.security_schemes
    operations: dict[str, CompiledOperation] = {}
    for op in spec.operations:
        compiled = CompiledOperation(
            operation=op,
            security=Security(op, schemes),
            validator=RequestValidator(spec, op),
            handler=handlers.get(op.operation_id),
        )
        if config.strict:
            for status, response in op.responses.items():
                for ctype, media in response.content.items():
                    if media.schema is not None:
                        compiled.response_validators[(status, ctype)] = compile_schema(spec, media.schema)
        operations[op.label] = compiled
    errors = ErrorRenderer(spec, fakes)
    return ServedSpec(
        name=name,
        spec=spec,
        errors=errors,
        responder=Responder(spec, fakes, config.seed, errors),
        backend=backend,
        operations=operations,
    )
