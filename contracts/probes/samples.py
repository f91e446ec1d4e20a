"""Schemas as probes read them (unwrapped: refs resolved, the nullable wrapper removed) and the
values a baseline request is made of.

:class:`Samples` draws those values from the mock's own generator (:mod:`oascore.fakes`), so both
tools make values the same way: seeded, and valid against ``pattern``, ``multipleOf``, formats,
bounds, enums, ``const`` and compositions alike. A baseline asks for the schema's own example or
default first, then the smallest value (required properties only), then a fuller one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from oascore import Spec
from oascore.fakes import FakeData, FakeDataError

VARIANTS = 2
"""How many different values :meth:`Samples.value` offers for one schema (see ``variant``)."""


class NoValue(Exception):
    """No value satisfies a schema the baseline needs; ``str()`` says which and why."""


class Samples:
    """Values for one spec's request slots, seeded by the run's seed."""

    def __init__(self, spec: Spec, seed: int) -> None:
        self.fakes = FakeData(spec)
        self.seed = seed

    def value(self, schema: Any, name: str | None = None, *, where: str = "", variant: int = 0) -> Any:
        """A value valid against ``schema`` for the field ``name`` (its name picks realistic text).

        ``variant`` 0 is the schema's example or default, else the smallest valid value; 1 is a
        fuller value (optional properties too). Raises :class:`NoValue` naming ``where``.
        """
        if not isinstance(schema, Mapping):
            schema = {} if schema is True or schema is None else {"not": {}}
        try:
            if variant == 0:
                return self.fakes.generate(schema, self.seed, name=name, prefer_examples=True, minimal=True)
            return self.fakes.generate(schema, self.seed + variant, name=name)
        except FakeDataError as exc:
            raise NoValue(f"no value satisfies {where or name or 'the schema'}: {exc.reason}") from None


def unwrap(spec: Spec, schema: Any) -> dict[str, Any]:
    """``schema`` with refs resolved and a nullable wrapper (``anyOf: [X, null]``) removed."""
    node = spec.resolve(schema)
    if not isinstance(node, dict):
        return {}
    for key in ("anyOf", "oneOf"):
        branches = [spec.resolve(b) for b in node.get(key) or []]
        useful = [b for b in branches if not (isinstance(b, dict) and b.get("type") == "null")]
        if key in node and len(useful) == 1:
            outer = {k: v for k, v in node.items() if k != key}
            return {**unwrap(spec, useful[0]), **outer}
    if isinstance(node.get("allOf"), list) and len(node["allOf"]) == 1:
        outer = {k: v for k, v in node.items() if k != "allOf"}
        return {**unwrap(spec, node["allOf"][0]), **outer}
    kind = node.get("type")
    if isinstance(kind, list):
        kinds = [k for k in kind if k != "null"]
        node = {**node, "type": kinds[0] if len(kinds) == 1 else kinds}
    return dict(node)


def enum_values(schema: Mapping[str, Any]) -> list[Any]:
    return [v for v in schema.get("enum") or [] if v is not None]
