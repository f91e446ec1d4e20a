"""The collection-list filters (mockserver.apis.mixpeek.filters) on their own: what each operator
holds for, how dotted paths fan out over arrays, nulls and missing fields, case folding, groups,
unknown fields, and the error (message and ``loc``) each malformed filter gets."""

from __future__ import annotations

from typing import Any

import pytest

from mockserver.apis.mixpeek.filters import FilterError, compile_filters, values_at

DOCS: list[dict[str, Any]] = [
    {"id": "a", "name": "Alpha", "n": 1, "on": True, "tags": ["x", "Y"], "apps": [{"t": "t1"}, {"t": "t2"}]},
    {"id": "b", "name": "beta", "n": 2.5, "on": False, "tags": [], "apps": [{"t": "t3"}], "note": None},
    {"id": "c", "name": "Gamma", "n": 3, "on": 1, "tags": ["y"], "apps": [], "note": "hi"},
    {"id": "d", "name": "delta", "n": "4", "apps": None},
]


def _ids(filters: Any, case_sensitive: bool = False, **kw: Any) -> list[str]:
    match = compile_filters(filters, case_sensitive, **kw)
    return [d["id"] for d in DOCS if match(d)]


def _one(field: str, op: str, value: Any = None, case_sensitive: bool = False, **kw: Any) -> list[str]:
    cond: dict[str, Any] = {"field": field, "operator": op}
    if value is not None:
        cond["value"] = value
    return _ids({"AND": [cond]}, case_sensitive, **kw)


def test_no_filters_match_everything() -> None:
    assert _ids(None) == _ids({}) == ["a", "b", "c", "d"]
    assert _ids({"AND": []}) == _ids({"OR": []}) == ["a", "b", "c", "d"]


@pytest.mark.parametrize(
    ("field", "op", "value", "expected"),
    [
        ("name", "eq", "ALPHA", ["a"]),
        ("name", "EQ", "alpha", ["a"]),  # operators are case-insensitive too
        ("n", "eq", 1, ["a"]),
        ("on", "eq", True, ["a"]),  # True is not 1: c's on is 1
        ("on", "eq", 1, ["c"]),
        ("n", "eq", "4", ["d"]),
        ("name", "ne", "alpha", ["b", "c", "d"]),
        ("n", "gt", 2.5, ["c"]),
        ("n", "gte", 2.5, ["b", "c"]),
        ("n", "lt", 2.5, ["a"]),
        ("n", "lte", 2.5, ["a", "b"]),
        ("name", "gt", "C", ["c", "d"]),  # strings compare with strings (folded), never with numbers
        ("on", "gt", False, ["a"]),  # booleans compare with booleans only
        ("on", "lt", 2, ["c"]),  # a and b hold booleans, no number
        ("n", "in", [1, 3], ["a", "c"]),
        ("n", "in", 3, ["c"]),  # a scalar is a one-element list
        ("n", "nin", [1, 3], ["b", "d"]),
        ("n", "nin", 1, ["b", "c", "d"]),
        ("name", "in", ["BETA", "zeta"], ["b"]),
        ("name", "contains", "LT", ["d"]),
        ("name", "contains", "a", ["a", "b", "c", "d"]),
        ("tags", "contains", "y", ["a", "c"]),  # a list leaf: any element
        ("n", "contains", 1, ["a"]),  # not a string: equality
        ("name", "starts_with", "GA", ["c"]),
        ("n", "starts_with", "4", ["d"]),
        ("apps.t", "eq", "t3", ["b"]),  # arrays fan out
        ("apps.t", "in", ["t2", "t9"], ["a"]),
        ("apps.t", "ne", "t1", ["b", "c", "d"]),  # ne: no element equals
        ("apps.t", "nin", ["t1", "t3"], ["c", "d"]),
    ],
)
def test_each_operator(field: str, op: str, value: Any, expected: list[str]) -> None:
    assert _one(field, op, value) == expected


def test_case_sensitive_comparisons_fold_nothing() -> None:
    assert _one("name", "eq", "alpha", case_sensitive=True) == []
    assert _one("name", "eq", "Alpha", case_sensitive=True) == ["a"]
    assert _one("name", "in", ["ALPHA", "beta"], case_sensitive=True) == ["b"]
    assert _one("name", "contains", "amm", case_sensitive=True) == ["c"]
    assert _one("name", "starts_with", "g", case_sensitive=True) == []
    assert _one("name", "gt", "B", case_sensitive=True) == ["b", "c", "d"]  # 'A' < 'B' < 'G' < 'b'
    assert _one("tags", "contains", "Y", case_sensitive=True) == ["a"]


def test_a_missing_or_null_field_is_null() -> None:
    assert _one("note", "eq", "hi") == ["c"]
    assert _one("note", "ne", "hi") == ["a", "b", "d"]  # missing and null differ from "hi"
    assert _one("note", "nin", ["hi"]) == ["a", "b", "d"]
    assert _one("note", "gt", "a") == ["c"]  # null is never greater
    assert _one("note", "lt", "z") == ["c"]
    assert _one("note", "contains", "h") == ["c"]
    assert _one("note", "starts_with", "h") == ["c"]


def test_exists_tests_for_a_non_null_value() -> None:
    assert _one("note", "exists", True) == ["c"]
    assert _ids({"AND": [{"field": "note", "operator": "exists"}]}) == ["c"]  # no value: true
    assert _one("note", "exists", False) == ["a", "b", "d"]
    assert _one("tags", "exists", True) == ["a", "c"]  # an empty list holds nothing
    assert _one("apps.t", "exists", False) == ["c", "d"]


def test_and_needs_all_or_needs_any_and_groups_nest() -> None:
    both = [
        {"field": "n", "operator": "gte", "value": 2},
        {"field": "name", "operator": "contains", "value": "ta"},
    ]
    assert _ids({"AND": both}) == ["b"]
    assert _ids({"OR": both}) == ["b", "c", "d"]
    assert _ids({"AND": [both[0]], "OR": [{"field": "id", "operator": "eq", "value": "a"}]}) == []
    nested = {"OR": [{"AND": both}, {"field": "id", "operator": "eq", "value": "a"}]}
    assert _ids(nested) == ["a", "b"]
    assert _ids({"field": "id", "operator": "eq", "value": "d"}) == ["d"]  # a bare condition


def test_an_empty_or_unknown_field_matches_nothing_whatever_the_operator() -> None:
    def known(path: str) -> bool:
        return path in ("name", "n")

    for op in ("eq", "ne", "nin", "exists"):
        assert _one("", op, "x") == []
        assert _one("other", op, "x", known=known) == []
    assert _one("name", "ne", "alpha", known=known) == ["b", "c", "d"]


def test_values_at_flattens_list_leaves_and_drops_nulls() -> None:
    doc = {"a": [{"b": [1, None]}, {"b": 2}, {"c": 3}, "text"], "n": None}
    assert values_at(doc, "a.b") == [1, 2]
    assert values_at(doc, "n") == values_at(doc, "zzz") == values_at(doc, "a.b.c") == []
    assert values_at([{"x": 1}, {"x": [2, 3]}], "x") == [1, 2, 3]


@pytest.mark.parametrize(
    ("filters", "loc", "msg"),
    [
        ([], ("body", "filters"), "Filters must be an object with AND/OR lists"),
        (
            {"NOT": [], "AND": []},
            ("body", "filters", "NOT"),
            "Unknown filter group 'NOT'; expected AND or OR",
        ),
        ({"AND": {}}, ("body", "filters", "AND"), "AND must be a list of conditions"),
        ({"OR": "x"}, ("body", "filters", "OR"), "OR must be a list of conditions"),
        (
            {"AND": [{"operator": "eq", "value": 1}]},
            ("body", "filters", "AND", 0, "field"),
            "Condition needs a string 'field'",
        ),
        (
            {"AND": [{"field": "n", "value": 1}], "OR": []},
            ("body", "filters", "AND", 0, "operator"),
            "Condition needs a non-empty string 'operator'",
        ),
        (
            {"OR": [{"field": "n", "operator": "eq", "value": 1}, {"field": "n", "operator": ""}]},
            ("body", "filters", "OR", 1, "operator"),
            "Condition needs a non-empty string 'operator'",
        ),
        (
            {"AND": [{"OR": [{"field": "n", "operator": "like", "value": 1}]}]},
            ("body", "filters", "AND", 0, "OR", 0, "operator"),
            "Unknown operator 'like'; expected one of eq, ne, gt, gte, lt, lte, in, nin, contains, exists, "
            "starts_with",
        ),
        (
            {"AND": [{"field": "n", "operator": "nin"}]},
            ("body", "filters", "AND", 0, "value"),
            "Field required",
        ),
        (
            {"field": 3, "operator": "eq", "value": 1},
            ("body", "filters", "field"),
            "Condition needs a string 'field'",
        ),
    ],
)
def test_malformed_filters_name_the_place(filters: Any, loc: tuple[Any, ...], msg: str) -> None:
    with pytest.raises(FilterError) as caught:
        compile_filters(filters, False)
    assert (caught.value.loc, caught.value.msg, str(caught.value)) == (loc, msg, msg)
    assert caught.value.as_fastapi() == {"loc": list(loc), "msg": msg, "type": "value_error"}


def test_errors_are_located_under_the_given_root() -> None:
    with pytest.raises(FilterError) as caught:
        compile_filters({"AND": [{"field": "n"}]}, True, loc=("query", "where"))
    assert caught.value.loc == ("query", "where", "AND", 0, "operator")
