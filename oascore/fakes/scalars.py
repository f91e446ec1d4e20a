"""Generator nodes for scalar schemas: strings (formats, patterns, name hints), numbers, booleans.

A node is built once per schema (see :mod:`oascore.fakes.compile`) with every bound already
worked out, so :meth:`Node.gen` only draws from the call's :class:`Ctx`. Nodes hold no per-call
state and are safe to share between threads.
"""

from __future__ import annotations

import base64
import math
import time
from fractions import Fraction
from random import Random
from typing import Any

from oascore.fakes.regex import RegexGenerator
from oascore.fakes.text import Pools, TextMaker, between, email, https_url, pick, short_id, uuid_text

# Dates fall in a fixed window (never "now"), so a value is the same in every process and year.
_EPOCH_START = 1672531200  # 2023-01-01T00:00:00Z
_EPOCH_END = 1751241600  # 2025-06-30T00:00:00Z
_INT_FORMATS = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1)}
_DEFAULT_RANGE = (0, 1000)


class Unsatisfiable(ValueError):
    """No value can satisfy the schema (raised while building nodes)."""


class Ctx:
    """One ``generate`` call's state: its random stream, the text pools and the nesting depth.

    ``minimal`` asks for the smallest valid value (objects with their required properties only,
    arrays as short as allowed but not empty): a request a server is most likely to accept.
    """

    __slots__ = ("depth", "minimal", "pools", "prefer_examples", "rng")

    def __init__(self, rng: Random, pools: Pools, prefer_examples: bool, minimal: bool = False) -> None:
        self.rng = rng
        self.pools = pools
        self.prefer_examples = prefer_examples
        self.minimal = minimal
        self.depth = 0


class Node:
    """Makes values for one schema. ``cost`` ranks how far a value nests (null 0, scalar 1, 2+)."""

    __slots__ = ()
    cost = 1

    def gen(self, ctx: Ctx) -> Any:
        raise NotImplementedError


class NullNode(Node):
    __slots__ = ()
    cost = 0

    def gen(self, ctx: Ctx) -> Any:
        return None


class BoolNode(Node):
    __slots__ = ()

    def gen(self, ctx: Ctx) -> Any:
        return ctx.rng.random() < 0.5


class IntNode(Node):
    __slots__ = ("high", "low", "step")

    def __init__(self, low: int, high: int, step: int) -> None:
        self.low, self.high, self.step = low, high, step  # draws step * randint(low, high)

    def gen(self, ctx: Ctx) -> Any:
        return between(ctx.rng, self.low, self.high) * self.step


class NumberNode(Node):
    __slots__ = ("bounds", "high", "low", "multiple")

    def __init__(self, low: float, high: float, bounds: Bounds, multiple: float | None) -> None:
        self.low, self.high, self.bounds, self.multiple = low, high, bounds, multiple

    def gen(self, ctx: Ctx) -> Any:
        rng, low, high = ctx.rng, self.low, self.high
        if self.multiple is not None:
            return self._multiple(rng)
        value = round(rng.uniform(low, high), 2)
        if not self.bounds.contains(value):
            value = rng.uniform(low, high)
        return value if self.bounds.contains(value) else (low + high) / 2

    def _multiple(self, rng: Random) -> Any:
        assert self.multiple is not None
        exact = Fraction(str(self.multiple))
        k_low, k_high = math.ceil(self.low / self.multiple), math.floor(self.high / self.multiple)
        for attempt in range(12):
            k = between(rng, k_low, k_high)
            if attempt >= 6:  # a multiple of the denominator gives a whole number: always exact
                k -= k % exact.denominator
            value = float(exact * k)
            if value.is_integer():
                value = int(value)
            if self.bounds.contains(value) and is_multiple(value, self.multiple):
                return value
        return int(exact * k_low) if (exact * k_low).denominator == 1 else float(exact * k_low)


class StringNode(Node):
    __slots__ = ("format", "hint", "max_length", "min_length", "regex")

    def __init__(
        self,
        min_length: int,
        max_length: int | None,
        fmt: str | None,
        regex: RegexGenerator | None,
        hint: TextMaker | None,
    ) -> None:
        self.min_length, self.max_length = min_length, max_length
        self.format = fmt if fmt in FORMATS else None
        self.regex = regex
        # A schema format beats a name hint: the hint's text would not be checked against it.
        self.hint = hint if self.format is None else None

    def gen(self, ctx: Ctx) -> Any:
        rng, pools = ctx.rng, ctx.pools
        if self.hint is not None:
            value = self.hint(rng, pools)
            if self._fits(value):
                return value
        if self.format is not None:
            value = FORMATS[self.format](rng, pools)
            if self._fits(value):
                return value
        if self.regex is not None:
            found = self.regex.generate(rng, self.min_length, self.max_length)
            if found is not None:
                return found
        return self._plain(rng, pools)

    def _fits(self, value: str) -> bool:
        if len(value) < self.min_length or (self.max_length is not None and len(value) > self.max_length):
            return False
        return self.regex is None or self.regex.matches(value)

    def _plain(self, rng: Random, pools: Pools) -> str:
        words = pools.words
        text = " ".join(pick(rng, words) for _ in range(between(rng, 1, 3)))
        while len(text) < self.min_length:
            text += " " + pick(rng, words)
        if self.max_length is not None and len(text) > self.max_length:
            text = text[: self.max_length]
            if text.endswith(" "):
                text = text[:-1] + "x"
        return text


class Bounds:
    """Numeric bounds from minimum/maximum and their exclusive forms (``None`` is unbounded)."""

    __slots__ = ("high", "high_excl", "low", "low_excl")

    def __init__(self, schema: dict[str, Any]) -> None:
        self.low, self.low_excl = _tighter(schema.get("minimum"), schema.get("exclusiveMinimum"), max)
        self.high, self.high_excl = _tighter(schema.get("maximum"), schema.get("exclusiveMaximum"), min)
        fmt = _INT_FORMATS.get(str(schema.get("format")))
        if fmt is not None:
            self.low = fmt[0] if self.low is None else max(self.low, fmt[0])
            self.high = fmt[1] if self.high is None else min(self.high, fmt[1])

    def contains(self, value: float) -> bool:
        if self.low is not None and (value < self.low or (self.low_excl and value == self.low)):
            return False
        return not (self.high is not None and (value > self.high or (self.high_excl and value == self.high)))

    def int_range(self) -> tuple[int | None, int | None]:
        low = None if self.low is None else math.floor(self.low) + 1 if self.low_excl else math.ceil(self.low)
        high = (
            None
            if self.high is None
            else math.ceil(self.high) - 1
            if self.high_excl
            else math.floor(self.high)
        )
        return low, high


def _tighter(inclusive: Any, exclusive: Any, pick: Any) -> tuple[float | None, bool]:
    options = [
        (v, excl)
        for v, excl in ((inclusive, False), (exclusive, True))
        if isinstance(v, int | float) and not isinstance(v, bool)
    ]
    if not options:
        return None, False
    if len(options) == 2 and options[0][0] == options[1][0]:
        return options[0][0], True
    return pick(options, key=lambda o: o[0])  # type: ignore[no-any-return]


def is_multiple(value: float, multiple: float) -> bool:
    """``value`` is a multiple of ``multiple`` the way jsonschema checks it (floats divide)."""
    if isinstance(multiple, float):
        quotient = value / multiple
        return math.isfinite(quotient) and int(quotient) == quotient
    return value % multiple == 0


def preferred(low: float | None, high: float | None, want: tuple[float, float]) -> tuple[float, float]:
    """The part of the schema's range [low, high] inside ``want``; near a bound when they miss."""
    span = want[1] - want[0]
    a = want[0] if low is None else max(low, want[0])
    b = want[1] if high is None else min(high, want[1])
    if a <= b:
        return a, b
    if low is None:
        assert high is not None
        return high - span, high
    if high is None:
        return low, low + span
    return low, high


def int_node(schema: dict[str, Any], want: tuple[int, int] | None) -> IntNode:
    low, high = Bounds(schema).int_range()
    multiple = schema.get("multipleOf")
    step = 1
    if isinstance(multiple, int | float) and multiple > 0:
        step = int(multiple) if float(multiple).is_integer() else Fraction(str(multiple)).numerator
    for lo, hi in (preferred(low, high, want or _DEFAULT_RANGE), (low, high)):
        k_low = math.ceil(lo / step) if lo is not None else -(10**6)
        k_high = math.floor(hi / step) if hi is not None else 10**6
        if k_low <= k_high:
            return IntNode(k_low, k_high, step)
    raise Unsatisfiable(f"no integer in [{low}, {high}] is a multiple of {step}")


def number_node(schema: dict[str, Any], want: tuple[float, float] | None) -> NumberNode:
    bounds = Bounds(schema)
    if (
        bounds.low is not None
        and bounds.high is not None
        and (
            bounds.low > bounds.high or (bounds.low == bounds.high and (bounds.low_excl or bounds.high_excl))
        )
    ):
        raise Unsatisfiable(f"empty number range {bounds.low}..{bounds.high}")
    want = want or _DEFAULT_RANGE
    low, high = preferred(bounds.low, bounds.high, want)
    if low >= high and not bounds.contains(low):  # the wanted range only touches an exclusive bound
        span = max(want[1] - want[0], 1.0)
        low, high = preferred(bounds.low, bounds.high, (low - span, high + span))
    multiple = schema.get("multipleOf")
    if isinstance(multiple, int | float) and multiple > 0:
        if math.floor(high / multiple) < math.ceil(low / multiple):
            low, high = preferred(bounds.low, bounds.high, (low - multiple, high + multiple))
        if math.floor(high / multiple) < math.ceil(low / multiple):
            raise Unsatisfiable(f"no multiple of {multiple} in [{low}, {high}]")
        return NumberNode(low, high, bounds, multiple)
    return NumberNode(low, high, bounds, None)


def string_node(schema: dict[str, Any], hint: TextMaker | None, hint_format: str | None) -> StringNode:
    pattern = schema.get("pattern")
    regex = RegexGenerator(pattern) if isinstance(pattern, str) else None
    fmt = schema.get("format", hint_format if hint is None else None)
    min_length, max_length = int(schema.get("minLength", 0)), schema.get("maxLength")
    if max_length is not None and int(max_length) < min_length:
        raise Unsatisfiable(f"minLength {min_length} > maxLength {max_length}")
    return StringNode(min_length, None if max_length is None else int(max_length), fmt, regex, hint)


def _stamp(fmt: str) -> TextMaker:
    return lambda rng, _: time.strftime(fmt, time.gmtime(between(rng, _EPOCH_START, _EPOCH_END)))


def _hostname(rng: Random, pools: Pools) -> str:
    return f"{pick(rng, ('api', 'cdn', 'app', 'files', 'search'))}.{pick(rng, pools.words)}.example.com"


FORMATS: dict[str, TextMaker] = {
    "date-time": _stamp("%Y-%m-%dT%H:%M:%SZ"),
    "date": _stamp("%Y-%m-%d"),
    "time": _stamp("%H:%M:%SZ"),
    "uuid": lambda rng, _: uuid_text(rng),
    "email": email,
    "idn-email": email,
    "uri": https_url,
    "url": https_url,
    "iri": https_url,
    "uri-reference": https_url,
    "iri-reference": https_url,
    "uri-template": lambda rng, _: "https://api.example.com/items/{id}",
    "hostname": _hostname,
    "idn-hostname": _hostname,
    "ipv4": lambda rng, _: f"10.{between(rng, 0, 255)}.{between(rng, 0, 255)}.{between(rng, 1, 254)}",
    "ipv6": lambda rng, _: f"2001:db8:{rng.getrandbits(16):x}::{rng.getrandbits(16):x}",
    "byte": lambda rng, _: base64.b64encode(rng.randbytes(between(rng, 6, 24))).decode(),
    "duration": lambda rng, _: f"PT{between(rng, 1, 59)}M",
    "json-pointer": lambda rng, pools: f"/{pick(rng, pools.words)}/{between(rng, 0, 9)}",
    "relative-json-pointer": lambda rng, _: f"{between(rng, 0, 3)}",
    "regex": lambda rng, _: "^[a-z]+$",
    "password": lambda rng, _: short_id(rng, 16),
}
