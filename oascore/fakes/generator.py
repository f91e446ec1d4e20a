"""Realistic, deterministic fake data that is valid against a spec's JSON Schemas.

``FakeData(spec).generate(schema, seed, name=...)`` returns a value valid against ``schema`` (its
``$ref``s resolve against the spec), the same value for the same (schema, seed, name) in any
process. The field ``name`` picks realistic text (``namespace_id`` -> ``ns_...``, ``created_at`` -> a
recent timestamp), never at the schema's expense. Each schema is prepared once per instance; a call
walks the prepared nodes with one seeded :class:`random.Random`, then checks the result with a
compiled validator and, in the rare case it fails (``oneOf`` overlap, ``not``), tries derived seeds.

Modules: ``compile`` (schema -> nodes), ``nodes`` / ``scalars`` (the nodes), ``schema``
(``$ref``/``allOf`` folding), ``regex`` (pattern strings), ``text`` (name hints and word pools).
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from random import Random
from typing import Any

from oascore.errors import SpecError
from oascore.fakes.compile import Compiler
from oascore.fakes.nodes import Check, TooDeep
from oascore.fakes.regex import RegexError
from oascore.fakes.scalars import Ctx, Node, Unsatisfiable
from oascore.fakes.text import Pools, pools_for
from oascore.model import Spec

__all__ = ["FakeData", "FakeDataError", "stable_seed"]

_ATTEMPTS = 8
_CACHE_LIMIT = 20_000


class FakeDataError(ValueError):
    """No valid value could be made for a schema; ``str()`` says which and why."""

    def __init__(self, schema: Any, reason: str) -> None:
        self.schema = schema
        self.reason = reason
        label = schema.get("$ref") or schema.get("title") if isinstance(schema, Mapping) else None
        super().__init__(f"cannot generate a value for {label or 'schema'}: {reason}")


def stable_seed(*parts: object) -> int:
    """A 64-bit seed from JSON-like ``parts``, equal in every process (blake2b, not ``hash()``)."""
    data = json.dumps(parts, sort_keys=True, separators=(",", ":"), default=repr).encode()
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "big")


@dataclass(frozen=True, slots=True)
class _Prepared:
    schema: Any  # held so that id(schema) is not reused while cached
    node: Node
    check: Check
    salt: int


class FakeData:
    """Fake values for one spec's schemas. Thread-safe; prepare work is cached per instance.

    The cache is keyed by the schema object's identity, so pass long-lived schemas (those inside
    ``spec.doc``); a fresh dict per call is still correct but pays the preparation every time.
    """

    def __init__(self, spec: Spec, *, locale: str = "en_US") -> None:
        self.spec = spec
        self.locale = locale
        self._pools: Pools | None = None  # built on first use: a server may never need one
        self._compiler = Compiler(spec)
        self._prepared: dict[tuple[int, str | None], _Prepared] = {}
        self._lock = threading.Lock()

    @property
    def pools(self) -> Pools:
        """The locale's word lists (shared by every instance in the process)."""
        if self._pools is None:
            self._pools = pools_for(self.locale)
        return self._pools

    def generate(
        self,
        schema: Mapping[str, Any],
        seed: int,
        *,
        name: str | None = None,
        prefer_examples: bool = False,
        minimal: bool = False,
    ) -> Any:
        """A value valid against `schema` (resolved against the spec).

        The same for the same (schema, seed, name, flags). ``prefer_examples``: the schema's own
        valid example or default where it has one; ``minimal``: required properties only and the
        shortest non-empty arrays (a probe's baseline request). Raises :class:`FakeDataError` when
        the schema admits no value (or none this generator can find).
        """
        prepared = self._prepared.get((id(schema), name)) or self._prepare(schema, name)
        problem = "every attempt produced an invalid value"
        for attempt in range(_ATTEMPTS):
            rng = Random(seed ^ prepared.salt if attempt == 0 else stable_seed(seed, name, attempt))
            try:
                value = prepared.node.gen(Ctx(rng, self.pools, prefer_examples, minimal))
            except TooDeep as exc:
                problem = str(exc)
                continue
            if prepared.check(value):
                return value
        raise FakeDataError(schema, problem)

    def _prepare(self, schema: Mapping[str, Any], name: str | None) -> _Prepared:
        with self._lock:
            if len(self._prepared) > _CACHE_LIMIT:  # callers building fresh schema dicts per call
                self._prepared.clear()
            try:
                node = self._compiler.node(schema, name)
                check = self._compiler.check(schema)
            except (Unsatisfiable, RegexError, SpecError, RecursionError) as exc:
                raise FakeDataError(schema, str(exc)) from None
            prepared = _Prepared(schema, node, check, stable_seed("name", name))
            self._prepared[(id(schema), name)] = prepared
            return prepared
