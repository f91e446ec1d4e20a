"""Generator nodes for containers and combinators: objects, arrays, unions, oneOf, checks, refs.

Nesting is bounded: past :data:`SOFT_DEPTH` objects keep only required properties, arrays their
``minItems`` and unions their least-nesting branch (null when allowed), so recursive schemas end.
A schema whose required fields recurse forever has no finite value; :data:`HARD_DEPTH` stops it.
"""

from __future__ import annotations

import json
from bisect import bisect
from collections.abc import Callable, Sequence
from itertools import accumulate
from typing import Any

from oascore.fakes.regex import RegexGenerator
from oascore.fakes.scalars import Ctx, Node
from oascore.fakes.text import between, pick

SOFT_DEPTH = 5
HARD_DEPTH = 40
OPTIONAL_RATE = 0.8  # how often an optional property is present
EXAMPLE_RATE = 0.2  # how often a schema's own example/default is used outside static mode
NULL_WEIGHT = 0.15  # the share of null among a nullable value's options
ARRAY_MAX = 3  # arrays get 1..3 items unless minItems asks for more

Check = Callable[[Any], bool]


class TooDeep(RecursionError):
    """A value nested past :data:`HARD_DEPTH` (the schema recurses through required fields)."""


def clone(value: Any) -> Any:
    """A copy of a JSON value that callers may mutate without touching the spec."""
    if isinstance(value, dict):
        return {k: clone(v) for k, v in value.items()}
    if isinstance(value, list):
        return [clone(v) for v in value]
    return value


def _freeze(value: Any) -> str:
    """A key equal for JSON-equal values (1 == 1.0, but True != 1)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return json.dumps(value, sort_keys=True, default=str)


def _enter(ctx: Ctx) -> bool:
    ctx.depth += 1
    if ctx.depth > HARD_DEPTH:
        raise TooDeep(f"values nest deeper than {HARD_DEPTH} levels")
    return ctx.depth > SOFT_DEPTH


class LazyNode(Node):
    """Stands for a node still being built (a recursive schema refers to itself)."""

    __slots__ = ("target",)
    cost = 2

    def __init__(self) -> None:
        self.target: Node | None = None

    def gen(self, ctx: Ctx) -> Any:
        assert self.target is not None, "node used before it was built"
        return self.target.gen(ctx)


class ChoiceNode(Node):
    __slots__ = ("values",)

    def __init__(self, values: Sequence[Any]) -> None:
        self.values = tuple(values)

    def gen(self, ctx: Ctx) -> Any:
        return clone(pick(ctx.rng, self.values))


class ExampleNode(Node):
    """The schema's valid examples/default: always in static mode, now and then otherwise."""

    __slots__ = ("examples", "inner")

    def __init__(self, inner: Node, examples: Sequence[Any]) -> None:
        self.inner, self.examples = inner, tuple(examples)

    @property
    def cost(self) -> int:  # type: ignore[override]
        return self.inner.cost

    def gen(self, ctx: Ctx) -> Any:
        if ctx.prefer_examples:
            return clone(self.examples[0])
        if ctx.rng.random() < EXAMPLE_RATE:
            return clone(pick(ctx.rng, self.examples))
        return self.inner.gen(ctx)


class UnionNode(Node):
    """One of several options (a type array, or anyOf/oneOf branches), null rarely; see AltNode."""

    __slots__ = ("cheapest", "options", "weights")  # weights: cumulative

    def __init__(self, options: Sequence[Node]) -> None:
        self.options = tuple(options)
        nulls = sum(1 for o in self.options if o.cost == 0)
        others = len(self.options) - nulls
        share = NULL_WEIGHT / nulls if nulls and others else 1.0
        self.weights = list(accumulate(share if o.cost == 0 else 1.0 for o in self.options))
        self.cheapest = min(range(len(self.options)), key=lambda i: self.options[i].cost)

    @property
    def cost(self) -> int:  # type: ignore[override]
        return self.options[self.cheapest].cost

    def pick(self, ctx: Ctx) -> int:
        if ctx.depth >= SOFT_DEPTH:
            return self.cheapest
        if len(self.options) == 1:
            return 0
        return bisect(self.weights, ctx.rng.random() * self.weights[-1])

    def gen(self, ctx: Ctx) -> Any:
        return self.options[self.pick(ctx)].gen(ctx)


class OneOfNode(UnionNode):
    """A value from one branch that the other branches reject (``oneOf`` needs exactly one)."""

    __slots__ = ("checks",)

    def __init__(self, options: Sequence[Node], checks: Sequence[Check]) -> None:
        super().__init__(options)
        self.checks = tuple(checks)

    def gen(self, ctx: Ctx) -> Any:
        first = self.pick(ctx)
        value = None
        for attempt in range(3 * len(self.options)):
            index = (first + attempt) % len(self.options)
            value = self.options[index].gen(ctx)
            matched = 0
            for check in self.checks:
                matched += check(value)
                if matched > 1:
                    break
            if matched == 1:
                return value
        return value  # the caller's final validation retries with another seed


class CheckNode(Node):
    """Values of ``inner`` that pass ``check`` (``not``, or constraints allOf could not fold)."""

    __slots__ = ("check", "inner")
    tries = 12

    def __init__(self, inner: Node, check: Check) -> None:
        self.inner, self.check = inner, check

    @property
    def cost(self) -> int:  # type: ignore[override]
        return self.inner.cost

    def gen(self, ctx: Ctx) -> Any:
        value = None
        for _ in range(self.tries):
            value = self.inner.gen(ctx)
            if self.check(value):
                return value
        return value


class ArrayNode(Node):
    __slots__ = ("contains", "high", "items", "low", "prefix", "unique")
    cost = 2

    def __init__(
        self,
        items: Node | None,
        prefix: Sequence[Node],
        low: int,
        high: int,
        unique: bool,
        contains: Node | None,
    ) -> None:
        self.items, self.prefix, self.unique, self.contains = items, tuple(prefix), unique, contains
        self.low, self.high = low, high

    def gen(self, ctx: Ctx) -> Any:
        rng = ctx.rng
        deep = _enter(ctx)
        if ctx.minimal:
            count = max(self.low, min(1, self.high))
        else:
            count = self.low if deep else between(rng, max(self.low, min(1, self.high)), self.high)
        out: list[Any] = []
        seen: set[str] = set()
        if self.contains is not None and count:
            out.append(self.contains.gen(ctx))
            seen.add(_freeze(out[0]))
        for _ in range(8 * count + 8):
            if len(out) >= count:
                break
            index = len(out)
            node = self.prefix[index] if index < len(self.prefix) else self.items
            assert node is not None
            value = node.gen(ctx)
            if self.unique:
                key = _freeze(value)
                if key in seen:
                    continue
                seen.add(key)
            out.append(value)
        ctx.depth -= 1
        return out


class ExtraKeys:
    """Makes keys beyond ``properties``: from propertyNames, patternProperties or plain words."""

    __slots__ = ("additional", "key_node", "patterns")

    def __init__(
        self, key_node: Node | None, patterns: Sequence[tuple[RegexGenerator, Node]], additional: Node | None
    ) -> None:
        self.key_node, self.patterns, self.additional = key_node, tuple(patterns), additional

    def value_node(self, key: str) -> Node | None:
        for regex, node in self.patterns:
            if regex.matches(key):
                return node
        return self.additional  # None: the key is not allowed

    def fill(self, out: dict[str, Any], ctx: Ctx, count: int) -> None:
        for _ in range(8 * count + 4):
            if count <= 0:
                return
            key = self._key(ctx)
            node = self.value_node(key) if isinstance(key, str) and key not in out else None
            if node is not None:
                out[key] = node.gen(ctx)
                count -= 1

    def _key(self, ctx: Ctx) -> Any:
        if self.key_node is not None:
            return self.key_node.gen(ctx)
        if self.patterns and (self.additional is None or ctx.rng.random() < 0.5):
            return pick(ctx.rng, self.patterns)[0].generate(ctx.rng, 1, 40)
        return pick(ctx.rng, ctx.pools.words)


class ObjectNode(Node):
    __slots__ = ("dependent", "extra", "high", "low", "map_like", "props")
    cost = 2

    def __init__(
        self,
        props: Sequence[tuple[str, Node, bool]],
        extra: ExtraKeys | None,
        low: int,
        high: int | None,
        dependent: dict[str, list[str]],
    ) -> None:
        self.props, self.extra, self.dependent = tuple(props), extra, dependent
        self.low, self.high = low, high
        self.map_like = not props and extra is not None  # a dictionary: give it a few entries

    def gen(self, ctx: Ctx) -> Any:
        rng = ctx.rng
        deep = _enter(ctx)
        sparse = deep or ctx.minimal
        chosen = [p for p in self.props if p[2] or (not sparse and rng.random() < OPTIONAL_RATE)]
        if self.dependent:
            names = {p[0] for p in chosen}
            wanted = {d for n in names for d in self.dependent.get(n, ())}
            chosen = [p for p in self.props if p[0] in names or p[0] in wanted]
        if self.high is not None and len(chosen) > self.high:
            optional = [p for p in chosen if not p[2]]
            drop = {id(p) for p in optional[len(optional) - (len(chosen) - self.high) :]}
            chosen = [p for p in chosen if id(p) not in drop]
        if len(chosen) < self.low:
            have = {id(p) for p in chosen}
            chosen += [p for p in self.props if id(p) not in have][: self.low - len(chosen)]
        out = {key: node.gen(ctx) for key, node, _ in chosen}
        if self.extra is not None:
            room = self.high - len(out) if self.high is not None else 1 << 30
            wanted_extra = 0 if sparse or not self.map_like else between(rng, 1, 2)
            self.extra.fill(out, ctx, min(max(wanted_extra, self.low - len(out)), room))
        ctx.depth -= 1
        return out
