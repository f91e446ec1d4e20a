"""Strings that match a regular expression, drawn from a seeded :class:`random.Random`.

A pattern is parsed once (with the standard library's own regex parser) into a small program of
literals, character sets, repeats, alternations and groups; running the program is a few dict-free
list walks. Lookarounds are not generated (they are skipped and the caller verifies the result), and
characters come from printable ASCII unless a class names others.
"""

from __future__ import annotations

import importlib
import re
import string
from random import Random
from typing import Any

from oascore.fakes.text import between, pick

_parser: Any = importlib.import_module("re._parser")

_PRINTABLE = "".join(chr(c) for c in range(32, 127))
_WORD = string.ascii_letters + string.digits + "_"
_CATEGORIES = {
    "CATEGORY_DIGIT": string.digits,
    "CATEGORY_WORD": _WORD,
    "CATEGORY_SPACE": " ",
    "CATEGORY_NOT_DIGIT": string.ascii_letters,
    "CATEGORY_NOT_WORD": "-.:/ ",
    "CATEGORY_NOT_SPACE": string.ascii_letters + string.digits,
}
_MAX_RANGE = 512  # a class like [\u0000-\uffff] is sampled from its first characters only

# A program is a list of steps; each step is a tuple whose first item says what it is.
Step = tuple[Any, ...]


class RegexError(ValueError):
    """A pattern Python's ``re`` cannot parse."""


class RegexGenerator:
    """Generates strings that ``re.search(pattern, s)`` accepts (best effort, always verified)."""

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        try:
            self.compiled = re.compile(pattern)
            parsed = _parser.parse(pattern)
        except (re.error, OverflowError, RecursionError) as exc:
            raise RegexError(f"cannot parse pattern {pattern!r}: {exc}") from None
        self.program = Seq(_translate(list(parsed)))
        self.anchored_start = bool(parsed) and _is_at(parsed[0], "AT_BEGINNING", "AT_BEGINNING_STRING")
        self.anchored_end = bool(parsed) and _is_at(parsed[-1], "AT_END", "AT_END_STRING")

    def matches(self, value: str) -> bool:
        return self.compiled.search(value) is not None

    def generate(self, rng: Random, min_length: int = 0, max_length: int | None = None) -> str | None:
        """A matching string within the length bounds, or ``None`` after a few tries.

        A target length is drawn first and split across the pattern's pieces, so bounds such as
        ``minLength: 23`` on ``^[a-z]+$`` are met directly rather than by luck.
        """
        program = self.program
        shortest = max(min_length, program.low)
        longest = program.high if program.high is not None else shortest + _SLACK
        if max_length is not None:
            longest = min(longest, max_length)
        longest = min(longest, shortest + _SLACK)
        padded = not (self.anchored_start and self.anchored_end)
        for _ in range(12):
            want = between(rng, shortest, longest) if shortest <= longest else program.low
            groups: dict[int, str] = {}
            out: list[str] = []
            _emit(program, rng, want, groups, out)
            value = "".join(out)
            if len(value) < min_length and padded:
                pad = "".join(rng.choices(string.ascii_lowercase, k=min_length - len(value)))
                value = pad + value if self.anchored_end else value + pad
            too_long = max_length is not None and len(value) > max_length
            if len(value) >= min_length and not too_long and self.matches(value):
                return value
        return None


class Seq:
    """A sequence of steps with its length range and, per step, the range of what follows it."""

    __slots__ = ("high", "low", "rest_high", "rest_low", "steps")

    def __init__(self, steps: list[Step]) -> None:
        self.steps = steps
        self.rest_low: list[int] = [0] * (len(steps) + 1)
        self.rest_high: list[int | None] = [0] * (len(steps) + 1)
        for i in range(len(steps) - 1, -1, -1):
            low, high = _span(steps[i])
            self.rest_low[i] = self.rest_low[i + 1] + low
            after = self.rest_high[i + 1]
            self.rest_high[i] = None if high is None or after is None else after + high
        self.low, self.high = self.rest_low[0], self.rest_high[0]


_SLACK = 10  # how much longer than its shortest match an unconstrained string may get


def _span(step: Step) -> tuple[int, int | None]:
    kind = step[0]
    if kind in ("lit", "set"):
        return (1, 1) if step[1] else (0, 0)
    if kind == "rep":
        lo, hi, sub = step[1], step[2], step[3]
        return lo * sub.low, None if hi is None or sub.high is None else hi * sub.high
    if kind == "alt":
        highs = [b.high for b in step[1]]
        return min(b.low for b in step[1]), None if None in highs else max(h for h in highs if h is not None)
    if kind == "group":
        return step[2].low, step[2].high
    return 0, None  # a backreference: as long as its group


def _share(rng: Random, low: int, high: int | None, want: int, rest_low: int, rest_high: int | None) -> int:
    """How much of ``want`` one piece takes so that the pieces after it can take the rest."""
    a = low if rest_high is None else max(low, want - rest_high)
    b = want - rest_low if high is None else min(high, want - rest_low)
    return between(rng, a, b) if a <= b else a


def _is_at(item: Any, *names: str) -> bool:
    op, arg = item
    return str(op) == "AT" and str(arg) in names


def _translate(items: list[Any]) -> list[Step]:
    program: list[Step] = []
    for op, arg in items:
        kind = str(op)
        if kind == "LITERAL":
            program.append(("lit", chr(arg)))
        elif kind == "NOT_LITERAL":
            program.append(("set", _readable(_PRINTABLE.replace(chr(arg), ""))))
        elif kind == "ANY":
            program.append(("set", _readable(_PRINTABLE)))
        elif kind == "IN":
            program.append(("set", _charset(arg)))
        elif kind in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            lo, hi, sub = arg
            bounded = hi != _parser.MAXREPEAT
            program.append(("rep", lo, hi if bounded else None, Seq(_translate(list(sub)))))
        elif kind == "BRANCH":
            program.append(("alt", [Seq(_translate(list(branch))) for branch in arg[1]]))
        elif kind == "SUBPATTERN":
            program.append(("group", arg[0], Seq(_translate(list(arg[-1])))))
        elif kind == "ATOMIC_GROUP":
            program.append(("group", None, Seq(_translate(list(arg)))))
        elif kind == "GROUPREF":
            program.append(("ref", arg))
        elif kind == "GROUPREF_EXISTS":
            program.append(("group", None, Seq(_translate(list(arg[1])))))
        # AT (anchors, \b) and ASSERT/ASSERT_NOT (lookarounds) produce no characters.
    return program


def _charset(items: list[Any]) -> str:
    chars: list[str] = []
    negate = False
    for op, arg in items:
        kind = str(op)
        if kind == "NEGATE":
            negate = True
        elif kind == "LITERAL":
            chars.append(chr(arg))
        elif kind == "RANGE":
            lo, hi = arg
            chars.extend(chr(c) for c in range(lo, min(hi, lo + _MAX_RANGE) + 1))
        elif kind == "CATEGORY":
            chars.append(_CATEGORIES.get(str(arg), ""))
    joined = "".join(chars)
    if negate:
        excluded = set(joined)
        return _readable("".join(c for c in _PRINTABLE if c not in excluded))
    return "".join(dict.fromkeys(joined))  # de-duplicated, first-seen order: deterministic


def _readable(chars: str) -> str:
    """The letters and digits of a broad class (``.``, ``[^x]``), so matches read like text."""
    alnum = "".join(c for c in chars if c.isascii() and c.isalnum())
    return alnum or chars


def _emit(seq: Seq, rng: Random, want: int, groups: dict[int, str], out: list[str]) -> int:
    """Appends a match of ``seq`` aiming at ``want`` characters; returns how many it wrote."""
    made = 0
    for i, step in enumerate(seq.steps):
        low, high = _span(step)
        share = _share(rng, low, high, want - made, seq.rest_low[i + 1], seq.rest_high[i + 1])
        made += _emit_step(step, rng, share, groups, out)
    return made


def _emit_step(step: Step, rng: Random, want: int, groups: dict[int, str], out: list[str]) -> int:
    kind = step[0]
    if kind == "lit":
        out.append(step[1])
        return 1
    if kind == "set":
        if not step[1]:
            return 0
        out.append(pick(rng, step[1]))
        return 1
    if kind == "rep":
        lo, hi, sub = step[1], step[2], step[3]
        fewest = -(-want // sub.high) if sub.high else lo
        most = want // sub.low if sub.low else max(fewest, lo + min(want, 3))
        fewest, most = max(lo, fewest), most if hi is None else min(hi, most)
        count = between(rng, fewest, most) if fewest <= most else fewest
        made = 0
        for j in range(count):
            left = count - j - 1
            rest_high = None if sub.high is None else left * sub.high
            piece = _share(rng, sub.low, sub.high, want - made, left * sub.low, rest_high)
            made += _emit(sub, rng, piece, groups, out)
        return made
    if kind == "alt":
        fits = [b for b in step[1] if b.low <= want and (b.high is None or want <= b.high)]
        return _emit(pick(rng, fits or step[1]), rng, want, groups, out)
    if kind == "group":
        start = len(out)
        made = _emit(step[2], rng, want, groups, out)
        if step[1] is not None:
            groups[step[1]] = "".join(out[start:])
        return made
    text = groups.get(step[1], "")
    out.append(text)
    return len(text)
