"""JSON in and out: exact integers of any size, strict input, output always valid JSON."""

from __future__ import annotations

import json

import pytest

from mockserver.config import Config
from mockserver.jsonio import DEFAULT_MAX_DEPTH, TooDeep, dump_json, parse_json


@pytest.mark.parametrize(
    "number", [10**39, -(10**39), 2**64, -(2**63) - 1, 2**63 - 1, 9_999_999_999_999_999_999]
)
def test_integers_of_any_size_are_read_and_written_exactly(number: int) -> None:
    raw = b'{"offset": %d, "n": [1, %d]}' % (number, number)
    value = parse_json(raw)
    assert value == {"offset": number, "n": [1, number]} and isinstance(value["offset"], int)
    assert json.loads(dump_json(value)) == value


def test_a_long_digit_run_inside_a_string_is_just_a_string() -> None:
    parsed = parse_json(b'{"id": "1234567890123456789012", "x": 1.5}')
    assert parsed == {"id": "1234567890123456789012", "x": 1.5}


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b'{"name": "ab\\ud800c"}', "surrogate"),
        (b'{"name": "\\uDC00", "big": 123456789012345678901}', "surrogate"),
        (b'{"limit": NaN}', "NaN"),
        (b'{"limit": -Infinity, "big": 123456789012345678901}', "Infinity"),
        (b'{"a": "\xff"}', "UTF-8"),
        (b'{"a": ', "decode error"),
    ],
)
def test_what_is_not_strict_json_is_a_value_error(raw: bytes, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_json(raw)


def test_a_paired_surrogate_escape_is_one_character() -> None:
    assert parse_json(b'{"e": "\\ud83d\\ude00", "n": 12345678901234567890}')["e"] == "\U0001f600"


def test_output_is_valid_json_even_where_orjson_refuses() -> None:
    value = {"big": 10**30, "nan": float("nan"), "inf": [float("inf")], "odd": "a\ud800b", "ok": "é"}
    written = dump_json(value)
    written.decode("utf-8")  # always valid UTF-8
    assert json.loads(written) == {"big": 10**30, "nan": None, "inf": [None], "odd": "a\ud800b", "ok": "é"}
    assert dump_json({"nan": float("nan")}) == b'{"nan":null}'  # orjson's own answer, same shape


def test_nesting_up_to_the_limit_is_read_and_one_level_more_is_too_deep() -> None:
    at_limit = b"[" * DEFAULT_MAX_DEPTH + b"]" * DEFAULT_MAX_DEPTH
    assert parse_json(at_limit) == parse_json(at_limit, max_depth=DEFAULT_MAX_DEPTH)
    over = b'{"a": ' + at_limit + b"}"
    with pytest.raises(TooDeep, match=f"deeper than {DEFAULT_MAX_DEPTH} levels") as raised:
        parse_json(over)
    assert raised.value.limit == DEFAULT_MAX_DEPTH
    assert parse_json(over, max_depth=DEFAULT_MAX_DEPTH + 1)["a"]


@pytest.mark.parametrize("depth", [129, 1025, 100_000])  # past the validator, orjson, the stdlib parser
def test_any_depth_past_the_limit_is_the_same_readable_error(depth: int) -> None:
    with pytest.raises(TooDeep, match="deeper than 64 levels"):
        parse_json(b"[" * depth + b"]" * depth)
    with pytest.raises(TooDeep):
        parse_json(b'{"n": 12345678901234567890, "x": ' + b"[" * depth + b"]" * depth + b"}")


def test_wide_documents_are_not_deep() -> None:
    wide = b"[" + b",".join([b'{"a": [1]}'] * 10_000) + b"]"
    assert len(parse_json(wide)) == 10_000


def test_the_server_default_is_this_module_s() -> None:
    assert Config().max_depth == DEFAULT_MAX_DEPTH
