"""Method + path → operation. Literal paths win over templated ones, then more literal segments."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import unquote

from oascore import Operation

_PARAM = re.compile(r"\{([^{}/]+)\}")


class RouteCollision(Exception):
    def __init__(self, method: str, path: str, first: str, second: str) -> None:
        super().__init__(f"{method} {path} is served by both {first} and {second}")


@dataclass(slots=True)
class _Route:
    template: str
    pattern: re.Pattern[str] | None
    names: tuple[str, ...]
    operations: dict[str, tuple[Operation, str]] = field(default_factory=dict)  # method -> (op, owner)


@dataclass(frozen=True, slots=True)
class Match:
    operation: Operation | None  # None: the path exists but not for this method (405)
    owner: str
    path_params: dict[str, str]
    allowed: tuple[str, ...]


def _shape(template: str) -> str:
    """The template with parameter names erased: two specs colliding share a shape."""
    return _PARAM.sub("{}", template.rstrip("/") or "/")


class Router:
    def __init__(self) -> None:
        self._literal: dict[str, _Route] = {}
        self._templated: list[_Route] = []
        self._by_shape: dict[str, _Route] = {}

    def add(self, owner: str, operations: Iterable[Operation]) -> None:
        """Register ``owner``'s operations; raises :class:`RouteCollision` when two owners clash."""
        for op in operations:
            shape = _shape(op.path)
            route = self._by_shape.get(shape)
            if route is None:
                route = self._new_route(op.path)
                self._by_shape[shape] = route
            existing = route.operations.get(op.method)
            if existing is not None:
                raise RouteCollision(op.method, op.path, existing[1], owner)
            route.operations[op.method] = (op, owner)
        self._templated.sort(key=lambda r: (-_literal_segments(r.template), r.template))

    def _new_route(self, template: str) -> _Route:
        path = template.rstrip("/") or "/"
        names = tuple(_PARAM.findall(path))
        if not names:
            route = _Route(path, None, ())
            self._literal[path] = route
            return route
        regex = "".join(
            "([^/]+)" if part.startswith("{") else re.escape(part) for part in _split_template(path)
        )
        route = _Route(path, re.compile(f"^{regex}$"), names)
        self._templated.append(route)
        return route

    def match(self, method: str, raw_path: str) -> Match | None:
        path = raw_path.rstrip("/") or "/"
        route = self._literal.get(path)
        params: dict[str, str] = {}
        if route is None:
            for candidate in self._templated:
                assert candidate.pattern is not None
                found = candidate.pattern.match(path)
                if found:
                    route = candidate
                    params = {
                        name: unquote(value)
                        for name, value in zip(candidate.names, found.groups(), strict=True)
                    }
                    break
        if route is None:
            return None
        allowed = tuple(sorted(route.operations))
        entry = route.operations.get(method) or (route.operations.get("GET") if method == "HEAD" else None)
        if entry is None:
            return Match(None, next(iter(route.operations.values()))[1], params, allowed)
        return Match(entry[0], entry[1], params, allowed)

    def owner_by_prefix(self, path: str) -> str | None:
        """The owner whose templates share the longest literal prefix with ``path``."""
        best: tuple[int, str] | None = None
        for route in [*self._literal.values(), *self._templated]:
            literal = route.template.split("{", 1)[0]
            common = len(_common_prefix(literal, path))
            owner = next(iter(route.operations.values()))[1]
            if best is None or common > best[0]:
                best = (common, owner)
        return best[1] if best else None


def _split_template(path: str) -> list[str]:
    parts: list[str] = []
    for piece in re.split(r"(\{[^{}/]+\})", path):
        if piece:
            parts.append(piece)
    return parts


def _literal_segments(template: str) -> int:
    return sum(1 for seg in template.split("/") if seg and "{" not in seg)


def _common_prefix(a: str, b: str) -> str:
    i = 0
    while i < min(len(a), len(b)) and a[i] == b[i]:
        i += 1
    return a[:i]
