"""Method + path → operation: the most specific template wins, segment by segment.

Templates live in a tree of path segments. At each segment a literal (``undelete``) beats a
segment mixing text and parameters (``{name}:undelete``), which beats a bare parameter
(``{name}``); the search backtracks, so ``/v3/abc:undelete`` reaches ``/v3/{name}:undelete`` while
``/v3/abc`` reaches ``/v3/{name}``. Templates of the same shape share a node, and each operation
keeps its own parameter names (``{subject_digest}`` GET beside ``{attestation_id}`` DELETE).

A fragment in a template tells apart operations on one wire path (AWS style):
``/#X-Amz-Target=Svc.Op`` (that header or query value), ``/#Action=Describe`` (query key = value),
``/tags/{arn}#tagKeys`` (the query key is present). A request picks the variant whose conditions
it meets (the most conditions first), else the variant without a fragment, else the first
variant that has its method (a fragment that names no key at all, ``/cookies#formExploded``, is
only a label). Matching uses no regular expression except for mixed segments.

A path whose operations have no fragment conditions matches the same way whatever the query and
headers say: its :class:`Match` is kept (at most ``MEMO_SIZE`` paths, then the memo starts over),
so a list asked for again and again is one dictionary lookup.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, unquote

from oascore import Operation

_PARAM = re.compile(r"\{([^{}/]+)\}")
MEMO_SIZE = 4096
MEMO_PATH = 256  # longer paths are matched every time (the memo holds at most ~1 MB of paths)


class RouteCollision(Exception):
    def __init__(self, method: str, path: str, first: str, second: str) -> None:
        super().__init__(f"{method} {path} is served by both {first} and {second}")


@dataclass(slots=True)
class _Variant:
    """The operations of one template (fragment included), by method."""

    template: str
    conditions: tuple[tuple[str, str | None], ...]  # (key, value or None: present)
    operations: dict[str, tuple[Operation, str, tuple[str, ...]]] = field(default_factory=dict)


@dataclass(slots=True)
class _Node:
    literal: dict[str, _Node] = field(default_factory=dict)
    mixed: dict[str, tuple[re.Pattern[str], _Node]] = field(default_factory=dict)
    param: _Node | None = None
    variants: list[_Variant] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Match:
    operation: Operation | None  # None: the path exists but not for this method (405)
    owner: str
    path_params: dict[str, str]
    allowed: tuple[str, ...]


def _conditions(fragment: str) -> tuple[tuple[str, str | None], ...]:
    if not fragment:
        return ()
    out: list[tuple[str, str | None]] = []
    for part in fragment.split("&"):
        key, sep, value = part.partition("=")
        if key:
            out.append((key, unquote(value) if sep else None))
    return tuple(out)


def _segments(path: str) -> list[str]:
    return [s for s in path.split("/") if s != ""]


def _names(path: str) -> tuple[str, ...]:
    return tuple(_PARAM.findall(path.split("#", 1)[0]))


class Router:
    def __init__(self) -> None:
        self._root = _Node()
        self._templates: list[tuple[str, str]] = []  # (template, owner) for owner_by_prefix
        self._memo: dict[tuple[str, str], Match | None] = {}  # (method, path) without conditions

    def add(self, owner: str, operations: Iterable[Operation]) -> None:
        """Register ``owner``'s operations; raises :class:`RouteCollision` when two owners clash."""
        for op in operations:
            path, _, fragment = op.path.partition("#")
            node = self._node_for(path)
            conditions = _conditions(fragment)
            variant = next((v for v in node.variants if v.conditions == conditions), None)
            if variant is None:
                variant = _Variant(op.path, conditions)
                node.variants.append(variant)
                node.variants.sort(key=lambda v: -len(v.conditions))
                self._templates.append((path, owner))
            existing = variant.operations.get(op.method)
            if existing is not None:
                if existing[1] != owner:
                    raise RouteCollision(op.method, op.path, existing[1], owner)
                continue  # one document, two spellings of one template: the first one serves
            variant.operations[op.method] = (op, owner, _names(op.path))
        self._memo.clear()

    def _node_for(self, path: str) -> _Node:
        node = self._root
        for segment in _segments(path):
            if segment.startswith("{") and segment.endswith("}") and segment.count("{") == 1:
                if node.param is None:
                    node.param = _Node()
                node = node.param
            elif "{" in segment:
                shape = _PARAM.sub("{}", segment)
                if shape not in node.mixed:
                    pieces = re.split(r"(\{[^{}/]+\})", segment)
                    regex = "".join("(.+?)" if p.startswith("{") else re.escape(p) for p in pieces if p)
                    node.mixed[shape] = (re.compile(f"^{regex}$"), _Node())
                node = node.mixed[shape][1]
            else:
                node = node.literal.setdefault(segment, _Node())
        return node

    def match(
        self,
        method: str,
        raw_path: str,
        query: Mapping[str, list[str]] | None = None,
        headers: Mapping[str, str] | None = None,
        query_string: str = "",
    ) -> Match | None:
        """The operation for a request; ``query``/``headers`` pick among fragment variants. The
        answer is shared between requests: ``path_params`` is not to be changed."""
        key = (method, raw_path)
        if key in self._memo:
            return self._memo[key]
        found = self._search(self._root, _segments(raw_path), 0, [])
        if found is None:
            self._remember(key, None)
            return None
        node, values = found
        if not any(v.conditions for v in node.variants):
            match = self._match(node, values, method, {}, {})
            self._remember(key, match)
            return match
        if query is None and query_string:
            query = {}
            for name, value in parse_qsl(query_string, keep_blank_values=True):
                query.setdefault(name, []).append(value)
        return self._match(node, values, method, query or {}, headers or {})

    def _remember(self, key: tuple[str, str], match: Match | None) -> None:
        if len(key[1]) > MEMO_PATH:
            return
        if len(self._memo) >= MEMO_SIZE:
            self._memo.clear()
        self._memo[key] = match

    def _match(
        self,
        node: _Node,
        values: list[str],
        method: str,
        query: Mapping[str, list[str]],
        headers: Mapping[str, str],
    ) -> Match:
        variant = self._pick(node.variants, method, query, headers)
        allowed = tuple(sorted({m for v in node.variants for m in v.operations}))
        if variant is None:
            first = node.variants[0]
            owner = next(iter(first.operations.values()))[1]
            return Match(None, owner, self._params(_names(first.template), values), allowed)
        entry = variant.operations.get(method) or variant.operations.get("GET")
        assert entry is not None
        op, owner, names = entry
        return Match(op, owner, self._params(names, values), allowed)

    @staticmethod
    def _params(names: tuple[str, ...], values: list[str]) -> dict[str, str]:
        return {name: unquote(value) for name, value in zip(names, values, strict=False)}

    def _search(
        self, node: _Node, segments: list[str], at: int, values: list[str]
    ) -> tuple[_Node, list[str]] | None:
        if at == len(segments):
            return (node, values) if node.variants else None
        segment = segments[at]
        child = node.literal.get(segment)
        if child is not None:
            found = self._search(child, segments, at + 1, values)
            if found is not None:
                return found
        for pattern, mixed in node.mixed.values():
            hit = pattern.match(segment)
            if hit is not None:
                found = self._search(mixed, segments, at + 1, [*values, *hit.groups()])
                if found is not None:
                    return found
        if node.param is not None:
            return self._search(node.param, segments, at + 1, [*values, segment])
        return None

    @staticmethod
    def _pick(
        variants: list[_Variant], method: str, query: Mapping[str, list[str]], headers: Mapping[str, str]
    ) -> _Variant | None:
        def has(variant: _Variant) -> bool:
            return method in variant.operations or (method == "HEAD" and "GET" in variant.operations)

        def meets(variant: _Variant) -> bool:
            for key, value in variant.conditions:
                given = query.get(key)
                seen = given[-1] if given else headers.get(key.lower())
                if seen is None or (value is not None and seen != value):
                    return False
            return True

        with_method = [v for v in variants if has(v)]
        for variant in with_method:  # most conditions first; a variant without any comes last
            if variant.conditions and meets(variant):
                return variant
        for variant in with_method:
            if not variant.conditions:
                return variant
        return with_method[0] if with_method else None

    def owner_by_prefix(self, path: str) -> str | None:
        """The owner whose templates share the longest literal prefix with ``path``."""
        best: tuple[int, str] | None = None
        for template, owner in self._templates:
            literal = template.split("{", 1)[0]
            common = len(_common_prefix(literal, path))
            if best is None or common > best[0]:
                best = (common, owner)
        return best[1] if best else None


def _common_prefix(a: str, b: str) -> str:
    i = 0
    while i < min(len(a), len(b)) and a[i] == b[i]:
        i += 1
    return a[:i]
