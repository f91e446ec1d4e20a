"""Collection-list filters: ``{"AND"|"OR": [condition | group, …]}`` compiled to a predicate.

A condition is ``{"field": "a.b", "operator": op, "value": v}``. A dotted path fans out over
arrays, so ``taxonomy_applications.taxonomy_id`` holds when *any* element matches. Positive
operators (eq, gt, gte, lt, lte, in, contains, starts_with) hold when any value on the path
satisfies them; ne and nin are their negations (no value equals / is in the list), and
``exists`` (value true or false) tests for a non-null value. A field the collection schema
declares but a document leaves out equals ``null`` there. A scalar ``value`` with ``in``/``nin``
is a one-element list. A condition on an empty or unknown ``field`` (one ``known`` rejects)
matches no document, whatever its operator (so ``nin`` and ``ne`` on it match nothing too).
String comparisons are case-insensitive unless ``case_sensitive``. Input the spec does not admit
raises :class:`FilterError` carrying a FastAPI-style ``loc``.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

Predicate = Callable[[Any], bool]
Known = Callable[[str], bool]
OPERATORS = ("eq", "ne", "gt", "gte", "lt", "lte", "in", "nin", "contains", "exists", "starts_with")
_MISSING = object()


class FilterError(Exception):
    def __init__(self, loc: tuple[str | int, ...], msg: str) -> None:
        super().__init__(msg)
        self.loc = loc
        self.msg = msg

    def as_fastapi(self) -> dict[str, Any]:
        return {"loc": list(self.loc), "msg": self.msg, "type": "value_error"}


def _any_field(path: str) -> bool:
    return True


def compile_filters(
    filters: Any,
    case_sensitive: bool,
    loc: tuple[str | int, ...] = ("body", "filters"),
    known: Known = _any_field,
) -> Predicate:
    """A predicate over documents; ``None``/``{}`` matches everything. ``known(path)`` says
    whether a dotted field exists in the documents' schema."""
    if filters is None or filters == {}:
        return lambda doc: True
    if not isinstance(filters, dict):
        raise FilterError(loc, "Filters must be an object with AND/OR lists")
    if "field" in filters or "operator" in filters:
        return _condition(filters, case_sensitive, loc, known)
    unknown = sorted(set(filters) - {"AND", "OR"})
    if unknown:
        raise FilterError((*loc, unknown[0]), f"Unknown filter group '{unknown[0]}'; expected AND or OR")
    parts: list[Predicate] = []
    for group in ("AND", "OR"):
        if group not in filters:
            continue
        items = filters[group]
        if not isinstance(items, list):
            raise FilterError((*loc, group), f"{group} must be a list of conditions")
        preds = [
            compile_filters(item, case_sensitive, (*loc, group, i), known) for i, item in enumerate(items)
        ]
        parts.append(_all(preds) if group == "AND" else _any(preds))
    return _all(parts)


def _all(preds: list[Predicate]) -> Predicate:
    return lambda doc: all(p(doc) for p in preds)


def _any(preds: list[Predicate]) -> Predicate:
    return lambda doc: not preds or any(p(doc) for p in preds)


def _identity(value: Any) -> Any:
    return value


def values_at(doc: Any, path: str) -> list[Any]:
    """Every value at dotted ``path`` (arrays fan out, list leaves are flattened)."""
    current = [doc]
    for part in path.split("."):
        nxt: list[Any] = []
        for value in current:
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, dict) and part in item:
                    nxt.append(item[part])
        current = nxt
    flat: list[Any] = []
    for value in current:
        flat.extend(value if isinstance(value, list) else [value])
    return [v for v in flat if v is not None]


def _nothing(doc: Any) -> bool:
    return False


def _condition(
    cond: dict[str, Any], case_sensitive: bool, loc: tuple[str | int, ...], known: Known
) -> Predicate:
    if not isinstance(cond.get("field"), str):
        raise FilterError((*loc, "field"), "Condition needs a string 'field'")
    if not isinstance(cond.get("operator"), str) or not cond.get("operator"):
        raise FilterError((*loc, "operator"), "Condition needs a non-empty string 'operator'")
    op = cond["operator"].lower()
    if op not in OPERATORS:
        raise FilterError(
            (*loc, "operator"),
            f"Unknown operator '{cond['operator']}'; expected one of {', '.join(OPERATORS)}",
        )
    value = cond.get("value", _MISSING)
    if value is _MISSING and op != "exists":
        raise FilterError((*loc, "value"), "Field required")
    if op in ("in", "nin") and not isinstance(value, list):
        value = [value]
    path = cond["field"]
    if not path or not known(path):
        return _nothing
    fold: Callable[[Any], Any] = _identity if case_sensitive else _fold
    want = fold(value)
    test = _test(op, want, fold)
    if op == "exists":
        present = value is _MISSING or bool(value)
        return lambda doc: bool(values_at(doc, path)) == present
    if op in ("ne", "nin"):
        positive = _test("eq" if op == "ne" else "in", want, fold)
        return lambda doc: not any(positive(v) for v in values_at(doc, path) or [None])
    return lambda doc: any(test(v) for v in values_at(doc, path) or [None])


def _fold(value: Any) -> Any:
    if isinstance(value, str):
        return value.lower()
    if isinstance(value, list):
        return [_fold(v) for v in value]
    return value


def _comparable(a: Any, b: Any) -> bool:
    numbers = (int, float)
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool)
    return (isinstance(a, numbers) and isinstance(b, numbers)) or (isinstance(a, str) and isinstance(b, str))


def _test(op: str, want: Any, fold: Callable[[Any], Any]) -> Callable[[Any], bool]:
    def eq(v: Any) -> bool:
        v = fold(v)
        return bool(v == want and (isinstance(v, bool) == isinstance(want, bool)))

    if op == "eq":
        return eq
    if op == "in":
        return lambda v: any(_test("eq", w, fold)(v) for w in want)
    if op in ("gt", "gte", "lt", "lte"):
        compare: Callable[[Any, Any], Any] = {
            "gt": operator.gt,
            "gte": operator.ge,
            "lt": operator.lt,
            "lte": operator.le,
        }[op]
        return lambda v: v is not None and _comparable(fold(v), want) and bool(compare(fold(v), want))
    if op == "contains":
        return lambda v: (isinstance(fold(v), str) and isinstance(want, str) and want in fold(v)) or eq(v)
    if op == "starts_with":
        return lambda v: isinstance(fold(v), str) and isinstance(want, str) and fold(v).startswith(want)
    return lambda v: False
