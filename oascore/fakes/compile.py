"""Building generator nodes from a spec's schemas, once per (schema, field name).

:class:`Compiler` memoises nodes by the identity of the schema object and the field name (the name
picks the hint), keeping each schema alive so an id is never reused. A schema that refers to itself
gets a :class:`~oascore.fakes.nodes.LazyNode` that is filled in when its build finishes.
Validators (jsonschema-rs, formats checked) are compiled once per schema and used where
construction alone cannot promise validity: ``oneOf``, ``not``, unfoldable ``allOf`` and examples.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Mapping
from typing import Any

import jsonschema_rs

from oascore.discriminator import branches as discriminated
from oascore.discriminator import by_discriminator
from oascore.errors import SpecError
from oascore.fakes.nodes import (
    ARRAY_MAX,
    ArrayNode,
    Check,
    CheckNode,
    ChoiceNode,
    ExampleNode,
    ExtraKeys,
    LazyNode,
    ObjectNode,
    OneOfNode,
    UnionNode,
)
from oascore.fakes.regex import RegexError, RegexGenerator
from oascore.fakes.scalars import (
    BoolNode,
    Node,
    NullNode,
    Unsatisfiable,
    int_node,
    number_node,
    string_node,
)
from oascore.fakes.schema import ANNOTATIONS, CHECK, flatten, is_pure_ref, merge, types_of
from oascore.fakes.text import Hint, hint_for, singular, snake
from oascore.model import Spec

_PLAIN_KEYS = frozenset({"type", "enum", "const"}) | ANNOTATIONS
_PY_TYPES: dict[str, Callable[[Any], bool]] = {
    "null": lambda v: v is None,
    "boolean": lambda v: isinstance(v, bool),
    "integer": lambda v: (
        (isinstance(v, int) and not isinstance(v, bool)) or (isinstance(v, float) and v.is_integer())
    ),
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "string": lambda v: isinstance(v, str),
    "array": lambda v: isinstance(v, list),
    "object": lambda v: isinstance(v, dict),
}


def _python_check(schema: dict[str, Any]) -> Check:
    """``is_valid`` by the pure-Python jsonschema (for what jsonschema-rs cannot compile); a value
    it cannot judge (a ``$ref`` to nowhere, met while validating) counts as invalid."""
    import jsonschema  # only here: importing it costs ~50 ms of every start-up
    from referencing.exceptions import Unresolvable

    validator = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )

    def check(value: Any) -> bool:
        try:
            return bool(validator.is_valid(value))
        except Unresolvable:
            return False

    return check


def _write_only(schema: Any) -> bool:
    return isinstance(schema, dict) and schema.get("writeOnly") is True


def _embedded(s: dict[str, Any]) -> dict[str, Any] | None:
    """A discriminator without oneOf/anyOf (on a base schema the mapped ones extend): ``s`` with its
    property required and one of the mapping's values (what a reader of the discriminator accepts);
    ``None`` when ``s`` has no such discriminator."""
    disc = s.get("discriminator")
    prop = disc.get("propertyName") if isinstance(disc, dict) else None
    mapping = disc.get("mapping") if isinstance(disc, dict) else None
    if not isinstance(prop, str) or not isinstance(mapping, dict) or not mapping:
        return None
    return merge(s, {"required": [prop], "properties": {prop: {"enum": [str(v) for v in mapping]}}})


class Compiler:
    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self._nodes: dict[tuple[int, str | None], tuple[Any, Node]] = {}
        self._checks: dict[int, tuple[Any, Check]] = {}

    def node(self, schema: Any, name: str | None) -> Node:
        """The node for ``schema`` as the value of a field called ``name``; raises Unsatisfiable."""
        key = (id(schema), name)
        hit = self._nodes.get(key)
        if hit is not None:
            return hit[1]
        lazy = LazyNode()
        self._nodes[key] = (schema, lazy)
        try:
            built = self._build(schema, name)
        except Exception:
            del self._nodes[key]
            raise
        lazy.target = built
        self._nodes[key] = (schema, built)
        return built

    def check(self, schema: Any) -> Check:
        """``is_valid`` for ``schema`` (local refs resolve against the spec), compiled once."""
        hit = self._checks.get(id(schema))
        if hit is not None:
            return hit[1]
        doc: Mapping[str, Any] = schema if isinstance(schema, Mapping) else {} if schema else {"not": {}}
        own = json.dumps(doc, default=str)
        rooted = self.spec.self_contained(doc) if '"$ref"' in own else dict(doc)
        # what the schema reaches: its components, or (refs outside them: the whole document was
        # added) only its own text, so that not every schema of such a document pays a deep copy
        reached = own if "paths" in rooted and "paths" not in doc else json.dumps(rooted, default=str)
        readings = [rooted]
        if '"discriminator"' in reached:  # the branch is the one it names
            readings.insert(0, by_discriminator(copy.deepcopy(rooted)))
        fn: Check | None = None
        for reading in readings:  # a discriminator naming a file the document lacks: read plainly
            try:
                fn = jsonschema_rs.Draft202012Validator(reading, validate_formats=True).is_valid
                break
            except (jsonschema_rs.ValidationError, ValueError):  # e.g. a pattern the Rust engine rejects
                continue
        if fn is None:
            fn = _python_check(rooted)
        self._checks[id(schema)] = (schema, fn)
        return fn

    def _build(self, schema: Any, name: str | None) -> Node:
        if isinstance(schema, Mapping) and is_pure_ref(schema):
            node = self.node(self.spec.deref(schema["$ref"]), name)
            return self._with_examples(node, schema, schema)
        flat = flatten(self.spec, schema)
        unfolded = flat.pop(CHECK, None)
        node = self._flat(flat, name)
        if unfolded:
            node = CheckNode(node, self.check({"allOf": unfolded}))
        return self._with_examples(node, schema, flat)

    def _with_examples(self, node: Node, schema: Any, flat: Mapping[str, Any]) -> Node:
        candidates: list[Any] = []
        for source in (schema, flat) if isinstance(schema, Mapping) else ():
            listed = source.get("examples")
            candidates += listed if isinstance(listed, list) else []
            candidates += [source[k] for k in ("example", "default") if k in source]
        if not candidates:
            return node
        valid = self.check(schema)
        examples = [c for i, c in enumerate(candidates) if c not in candidates[:i] and valid(c)]
        return ExampleNode(node, examples) if examples else node

    def _flat(self, s: dict[str, Any], name: str | None) -> Node:
        if "not" in s:
            return self._not(s, name)
        if "oneOf" in s or "anyOf" in s:
            return self._alternatives(s, name)
        embedded = _embedded(s)
        if embedded is not None:
            try:
                return self._typed_or_choice(embedded, name)
            except (Unsatisfiable, RegexError):
                pass  # the schema's own values for the property are not the mapping's
        return self._typed_or_choice(s, name)

    def _typed_or_choice(self, s: dict[str, Any], name: str | None) -> Node:
        if "const" in s or "enum" in s:
            return self._choice(s)
        hint = hint_for(name)
        options: list[Node] = []
        failure: Unsatisfiable | None = None
        for kind in types_of(s):
            try:
                options.append(self._typed(s, kind, name, hint))
            except (Unsatisfiable, RegexError) as exc:
                failure = Unsatisfiable(str(exc))
        if not options:
            raise failure or Unsatisfiable("no type is possible")
        return options[0] if len(options) == 1 else UnionNode(options)

    def _typed(self, s: dict[str, Any], kind: str, name: str | None, hint: Hint | None) -> Node:
        if kind == "null":
            return NullNode()
        if kind == "boolean":
            return BoolNode()
        if kind == "integer":
            return int_node(s, hint.ints if hint else None)
        if kind == "number":
            return number_node(s, hint.numbers if hint else None)
        if kind == "string":
            return string_node(s, hint.text if hint else None, hint.format if hint else None)
        if kind == "array":
            return self._array(s, name)
        if kind == "object":
            return self._object(s)
        raise Unsatisfiable(f"unknown type {kind!r}")

    def _not(self, s: dict[str, Any], name: str | None) -> Node:
        rest = {k: v for k, v in s.items() if k != "not"}
        negated = s["not"]
        flat = flatten(self.spec, negated) if negated is not False else {"type": []}
        if flat and set(flat) - ANNOTATIONS == {"type"}:  # `not: {type: ...}`: leave those types out
            banned = set(types_of(flat))
            rest["type"] = [
                t for t in types_of(rest) if t not in banned and not (t == "integer" and "number" in banned)
            ]
            if not rest["type"]:
                raise Unsatisfiable("`not` excludes every type")
            return self._flat(rest, name)
        check = self.check(negated)
        return CheckNode(self._flat(rest, name), lambda value: not check(value))

    def _alternatives(self, s: dict[str, Any], name: str | None) -> Node:
        found = discriminated(s)
        named = self._discriminated(s, name, *found) if found is not None else None
        if named is not None:
            return named
        one_of = "oneOf" in s
        branches = s["oneOf"] if one_of else s["anyOf"]
        base = {k: v for k, v in s.items() if k not in ("oneOf", "anyOf")}
        constrained = any(k not in ANNOTATIONS for k in base)
        options: list[Node] = []
        for branch in branches:
            try:
                target = merge(base, flatten(self.spec, branch)) if constrained else branch
                options.append(self.node(target, name))
            except Unsatisfiable:
                continue
        if not options:
            raise Unsatisfiable("no anyOf/oneOf branch can be satisfied")
        node: Node
        if one_of and len(branches) > 1 and not self._disjoint(branches):
            node = OneOfNode(options, [self.check(b) for b in branches])
        else:
            node = UnionNode(options)
        if one_of and "anyOf" in s:
            node = CheckNode(node, self.check({"anyOf": s["anyOf"]}))
        return node

    def _discriminated(
        self, s: dict[str, Any], name: str | None, prop: str, key: str, by_value: dict[str, Any]
    ) -> Node | None:
        """A value of one branch, its discriminator property naming it (what a validator that reads
        the discriminator checks; overlapping branches are then no obstacle); ``None`` when no named
        branch can be made (a mapping to files the document lacks): then the branches are read plainly."""
        base = {k: v for k, v in s.items() if k not in (key, "discriminator")}
        options: list[Node] = []
        for value, branch in by_value.items():
            tag = {"type": "object", "required": [prop], "properties": {prop: {"const": value}}}
            try:
                options.append(self.node(merge(merge(base, flatten(self.spec, branch)), tag), name))
            except (Unsatisfiable, SpecError):
                continue  # e.g. a mapping that names a schema the document does not hold
        return UnionNode(options) if options else None

    def _disjoint(self, branches: list[Any]) -> bool:
        """Branches no value can satisfy twice: distinct declared types, or distinct required consts."""
        try:
            flats = [flatten(self.spec, b) for b in branches]
        except Unsatisfiable:
            return False
        if all("type" in f for f in flats):
            kinds = [set(types_of(f)) | ({"integer"} if "number" in types_of(f) else set()) for f in flats]
            if all(not (a & b) for i, a in enumerate(kinds) for b in kinds[i + 1 :]):
                return True
        shared = set.intersection(*(set(f.get("required", ())) for f in flats))
        for prop in sorted(shared):
            values = [self._const_of(f.get("properties", {}).get(prop)) for f in flats]
            if all(v is not None for v in values) and len({json.dumps(v) for v in values}) == len(values):
                return True
        return False

    def _const_of(self, schema: Any) -> Any:
        if not isinstance(schema, Mapping):
            return None
        flat = flatten(self.spec, schema)
        if "const" in flat:
            return [flat["const"]]
        enum = flat.get("enum")
        return [enum[0]] if isinstance(enum, list) and len(enum) == 1 else None

    def _choice(self, s: dict[str, Any]) -> Node:
        values = [s["const"]] if "const" in s else list(s["enum"])
        if set(s) <= _PLAIN_KEYS:
            kinds = types_of(s) if "type" in s else tuple(_PY_TYPES)
            ok = [v for v in values if any(_PY_TYPES[k](v) for k in kinds if k in _PY_TYPES)]
        else:
            valid = self.check(s)
            ok = [v for v in values if valid(v)]
        if not ok:
            raise Unsatisfiable(f"no value of {values!r} satisfies the schema")
        return NullNode() if ok == [None] else ChoiceNode(ok)

    def _array(self, s: dict[str, Any], name: str | None) -> Node:
        item_name = singular(snake(name)) if name else None
        prefix = [self.node(p, item_name) for p in s.get("prefixItems", ())]
        items_schema = s.get("items", True)
        items = None if items_schema is False else self.node(items_schema, item_name)
        contains = s.get("contains")
        low = max(int(s.get("minItems", 0)), 1 if contains is not None else 0)
        high = max(low, ARRAY_MAX)
        if "maxItems" in s:
            high = min(high, int(s["maxItems"]))
        if items is None:
            high = min(high, len(prefix))
        if s.get("uniqueItems") and isinstance(items, ChoiceNode | BoolNode):
            distinct = len(items.values) if isinstance(items, ChoiceNode) else 2
            high = min(high, len(prefix) + distinct)
        if low > high:
            raise Unsatisfiable(f"an array needs {low} items but may hold {high}")
        contains_node = None
        if contains is not None and not prefix:
            contains_node = self.node({"allOf": [items_schema, contains]}, item_name)
        return ArrayNode(items, prefix, low, high, bool(s.get("uniqueItems")), contains_node)

    def _object(self, s: dict[str, Any]) -> Node:
        required = [str(r) for r in s.get("required", ())]
        patterns = [(RegexGenerator(p), sub) for p, sub in (s.get("patternProperties") or {}).items()]
        additional = s.get("additionalProperties", s.get("unevaluatedProperties", True))
        props: list[tuple[str, Node, bool]] = []
        declared = s.get("properties") or {}
        for key in [*declared, *(r for r in required if r not in declared)]:
            if key in declared and key not in required and _write_only(self.spec.resolve(declared[key])):
                continue  # writeOnly: sent in requests, never served (the fakes make responses)
            schemas = [sub for regex, sub in patterns if regex.matches(key)]
            if key in declared:
                schemas.insert(0, declared[key])
            elif not schemas and additional is not False:
                schemas = [additional]
            try:
                if not schemas:
                    raise Unsatisfiable(f"required property {key!r} is not allowed")
                sub = schemas[0] if len(schemas) == 1 else {"allOf": schemas}
                props.append((key, self.node(sub, key), key in required))
            except Unsatisfiable:
                if key in required:
                    raise
        high = s.get("maxProperties")
        if high is not None and len(required) > int(high):
            raise Unsatisfiable(f"{len(required)} required properties but maxProperties {high}")
        extra = None
        if additional is not False or patterns:
            names = s.get("propertyNames")
            key_node = None
            if names is not None:
                key_node = self.node(merge(flatten(self.spec, names), {"type": "string"}), None)
            extra = ExtraKeys(
                key_node,
                [(regex, self.node(sub, None)) for regex, sub in patterns],
                None if additional is False else self.node(additional, None),
            )
        return ObjectNode(
            props,
            extra,
            int(s.get("minProperties", 0)),
            None if high is None else int(high),
            dict(s.get("dependentRequired") or {}),
        )
