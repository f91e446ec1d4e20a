from __future__ import annotations

import pytest

from mockserver.pipeline.routing import MEMO_PATH, MEMO_SIZE, RouteCollision, Router
from oascore import Operation, parse_spec

SPEC = """
openapi: 3.1.0
info: {title: T, version: '1'}
paths:
  /items/{item_id}:
    get: {responses: {'200': {description: ok}}}
    delete: {responses: {'204': {description: gone}}}
  /items/special:
    get: {responses: {'200': {description: ok}}}
  /items/{item_id}/parts/{part}:
    get: {responses: {'200': {description: ok}}}
"""


def _router() -> Router:
    router = Router()
    router.add("t", parse_spec(SPEC).operations)
    return router


def _matched(router: Router, method: str, path: str) -> tuple[str, str, dict[str, str]] | None:
    """Which operation (its template and operationId) ``method path`` reached, with its parameters;
    ``None``: no path matched."""
    found = router.match(method, path)
    if found is None:
        return None
    assert found.operation is not None, f"{method} {path}: the path matched, not the method"
    return found.operation.path, found.operation.operation_id, dict(found.path_params)


def test_literal_beats_template_and_params_decode() -> None:
    router = _router()
    assert _matched(router, "GET", "/items/special") == ("/items/special", "get_items_special", {})
    assert _matched(router, "GET", "/items/a%2Fb/parts/%C3%A9") == (
        "/items/{item_id}/parts/{part}",
        "get_items__item_id__parts__part",
        {"item_id": "a/b", "part": "é"},
    )


def test_method_not_allowed_lists_methods() -> None:
    match = _router().match("POST", "/items/1")
    assert match is not None and match.operation is None and match.allowed == ("DELETE", "GET")


def test_unknown_path_and_trailing_slash() -> None:
    router = _router()
    assert router.match("GET", "/nothing") is None
    # a trailing slash reaches the operation the path names without it
    assert _matched(router, "GET", "/items/special/") == ("/items/special", "get_items_special", {})
    assert _matched(router, "GET", "/items/7/") == (
        "/items/{item_id}",
        "get_items__item_id",
        {"item_id": "7"},
    )


def test_two_specs_on_one_route_collide() -> None:
    router = _router()
    other = parse_spec(SPEC.replace("{item_id}", "{id}"), "other")
    with pytest.raises(RouteCollision, match="GET /items/"):
        router.add("other", other.operations)


def _op(method: str, path: str) -> Operation:
    return Operation(method, path, f"{method}{path}", "", (), None, {}, ())


def test_most_specific_segment_wins() -> None:
    router = Router()
    router.add(
        "g", [_op("GET", "/v3/{name}"), _op("POST", "/v3/{name}:undelete"), _op("POST", "/v3/{name}:move")]
    )
    assert _matched(router, "POST", "/v3/abc:undelete") == (
        "/v3/{name}:undelete",
        "POST/v3/{name}:undelete",
        {"name": "abc"},
    )
    assert _matched(router, "POST", "/v3/abc:move") == (
        "/v3/{name}:move",
        "POST/v3/{name}:move",
        {"name": "abc"},
    )
    assert _matched(router, "GET", "/v3/abc") == ("/v3/{name}", "GET/v3/{name}", {"name": "abc"})


def test_same_shape_templates_keep_their_own_parameter_names() -> None:
    router = Router()
    router.add("gh", [_op("GET", "/a/{subject_digest}"), _op("DELETE", "/a/{attestation_id}")])
    got = _matched(router, "GET", "/a/sha256:1")
    gone = _matched(router, "DELETE", "/a/7")
    assert got == ("/a/{subject_digest}", "GET/a/{subject_digest}", {"subject_digest": "sha256:1"})
    assert gone == ("/a/{attestation_id}", "DELETE/a/{attestation_id}", {"attestation_id": "7"})


def test_fragments_pick_by_header_query_value_or_query_key() -> None:
    router = Router()
    router.add(
        "aws",
        [
            _op("POST", "/#X-Amz-Target=Svc.GetResources"),
            _op("POST", "/#X-Amz-Target=Svc.TagResources"),
            _op("GET", "/#Action=Describe"),
            _op("GET", "/#Action=Create"),
            _op("GET", "/tags/{arn}"),
            _op("DELETE", "/tags/{arn}#tagKeys"),
        ],
    )

    def label(method: str, path: str, query: dict[str, list[str]], headers: dict[str, str]) -> str | None:
        found = router.match(method, path, query, headers)
        return found.operation.path if found and found.operation else None

    assert label("POST", "/", {}, {"x-amz-target": "Svc.TagResources"}) == "/#X-Amz-Target=Svc.TagResources"
    assert label("GET", "/", {"Action": ["Create"]}, {}) == "/#Action=Create"
    assert label("DELETE", "/tags/arn1", {"tagKeys": ["a"]}, {}) == "/tags/{arn}#tagKeys"
    assert label("GET", "/tags/arn1", {}, {}) == "/tags/{arn}"
    # asked again with other conditions: a remembered answer never hides a fragment variant
    assert label("POST", "/", {}, {"x-amz-target": "Svc.GetResources"}) == "/#X-Amz-Target=Svc.GetResources"
    assert label("DELETE", "/tags/arn1", {"tagKeys": ["b"]}, {}) == "/tags/{arn}#tagKeys"
    assert label("GET", "/tags/arn1", {}, {}) == "/tags/{arn}"


def test_a_remembered_match_is_forgotten_when_routes_are_added() -> None:
    router = _router()
    assert router.match("GET", "/widgets") is None
    first = router.match("GET", "/items/7")
    assert first is not None and first.operation is not None
    assert first.operation.operation_id == "get_items__item_id"
    assert router.match("GET", "/items/7") is first  # remembered
    router.add("w", [_op("GET", "/widgets")])
    found = router.match("GET", "/widgets")
    assert found is not None and found.owner == "w"
    assert _matched(router, "GET", "/widgets") == ("/widgets", "GET/widgets", {})


def test_matches_name_their_owner_and_allowed_methods_also_on_405() -> None:
    router = _router()
    found = router.match("GET", "/items/7")
    assert found is not None and found.operation is not None
    assert (found.operation.method, found.operation.path) == ("GET", "/items/{item_id}")
    assert (found.owner, found.path_params, found.allowed) == ("t", {"item_id": "7"}, ("DELETE", "GET"))
    refused = router.match("PUT", "/items/7")
    assert refused is not None and refused.operation is None
    assert (refused.owner, refused.path_params) == ("t", {"item_id": "7"})


def test_head_is_served_by_get() -> None:
    found = _router().match("HEAD", "/items/7/parts/p")
    assert found is not None and found.operation is not None
    assert (found.operation.method, found.operation.path) == ("GET", "/items/{item_id}/parts/{part}")


def test_a_prefix_of_a_template_is_no_route() -> None:
    router = _router()
    assert router.match("GET", "/items") is None
    assert router.match("GET", "/items/7/parts") is None


def test_every_mixed_segment_shape_has_its_own_route() -> None:
    router = Router()
    router.add("g", [_op("POST", "/v3/{name}:undelete"), _op("POST", "/v3/{name}:move")])
    moved = router.match("POST", "/v3/abc:move")
    assert moved is not None and moved.operation is not None
    assert moved.operation.path == "/v3/{name}:move" and moved.path_params == {"name": "abc"}
    assert router.match("POST", "/v3/abc:copy") is None


def test_a_collision_names_the_route_and_both_owners() -> None:
    router = _router()
    other = parse_spec(SPEC, "other")
    with pytest.raises(RouteCollision) as caught:
        router.add("other", other.operations)
    assert str(caught.value) == "GET /items/{item_id} is served by both t and other"


def test_one_owner_spelling_a_template_twice_keeps_the_first_and_goes_on() -> None:
    router = Router()
    router.add("t", [_op("GET", "/a/{x}"), _op("GET", "/a/{y}"), _op("GET", "/b/{z}")])
    first = router.match("GET", "/a/1")
    assert first is not None and first.path_params == {"x": "1"}
    after = router.match("GET", "/b/2")
    assert after is not None and after.operation is not None and after.operation.path == "/b/{z}"


def _aws() -> Router:
    router = Router()
    router.add(
        "aws",
        [
            _op("POST", "/#X-Amz-Target=Svc.GetResources"),
            _op("POST", "/#X-Amz-Target=Svc.TagResources"),
            _op("GET", "/#Action=Describe"),
            _op("GET", "/#Action=Describe&Version=2"),
            _op("GET", "/#Sig=abc=="),
            _op("DELETE", "/tags/{arn}"),
            _op("DELETE", "/tags/{arn}#tagKeys"),
        ],
    )
    return router


def _label(router: Router, method: str, path: str, **given: object) -> str | None:
    found = router.match(method, path, **given)  # type: ignore[arg-type]
    return found.operation.path if found and found.operation else None


def test_the_variant_meeting_the_most_conditions_wins() -> None:
    router = _aws()
    both = {"Action": ["Describe"], "Version": ["2"]}
    assert _label(router, "GET", "/", query=both) == "/#Action=Describe&Version=2"
    assert _label(router, "GET", "/", query={"Action": ["Describe"]}) == "/#Action=Describe"
    assert _label(router, "GET", "/", query={"Sig": ["abc=="]}) == "/#Sig=abc=="


def test_a_key_only_condition_needs_the_key_and_else_the_plain_variant_serves() -> None:
    router = _aws()
    assert _label(router, "DELETE", "/tags/a", query={"tagKeys": ["k"]}) == "/tags/{arn}#tagKeys"
    assert _label(router, "DELETE", "/tags/a", query={}) == "/tags/{arn}"
    assert _label(router, "DELETE", "/tags/a", query_string="tagKeys") == "/tags/{arn}#tagKeys"
    assert _label(router, "DELETE", "/tags/a", query_string="other=1") == "/tags/{arn}"


def test_a_raw_query_string_picks_the_variant_when_no_parsed_query_is_given() -> None:
    router = _aws()
    both = "Action=Describe&Version=2"
    assert _label(router, "GET", "/", query_string=both) == "/#Action=Describe&Version=2"
    assert _label(router, "GET", "/", query={"Action": ["Describe"]}, query_string="Version=2") == (
        "/#Action=Describe"
    )


def test_no_variant_met_falls_back_to_the_first_with_the_method() -> None:
    router = _aws()
    first = "/#X-Amz-Target=Svc.GetResources"
    assert _label(router, "POST", "/") == first
    assert _label(router, "POST", "/", headers={"x-amz-target": "Svc.Other"}) == first


def test_an_unknown_path_is_told_to_the_owner_with_the_longest_literal_prefix() -> None:
    router = Router()
    assert router.owner_by_prefix("/v1/anything") is None
    router.add("one", [_op("GET", "/v1/items/{id}"), _op("GET", "/v1/other")])
    router.add("two", [_op("GET", "/v2/things/{id}")])
    assert router.owner_by_prefix("/v2/thin") == "two"
    assert router.owner_by_prefix("/v1/items/7/extra") == "one"
    assert router.owner_by_prefix("/v2/things/{id}") == "two"
    assert router.owner_by_prefix("/zzz") == "one"  # nothing in common: the first template


def test_the_owner_by_prefix_compares_every_character_and_only_the_literal_part() -> None:
    router = Router()
    router.add("one", [_op("GET", "/xbc/{id}")])
    router.add("two", [_op("GET", "/abq/{id}")])
    assert router.owner_by_prefix("/abc/1") == "two"  # "/ab" beats "/", whatever the later letters
    braces = Router()
    braces.add("two", [_op("POST", "/a/{y}/c")])
    braces.add("one", [_op("GET", "/a/{x}/b/{z}")])
    # both literal parts are "/a/": a tie, the first template's owner; the text after "{" is no prefix
    assert braces.owner_by_prefix("/a/{x}/b/1") == "two"
    assert braces.owner_by_prefix("/a/{y}/c") == "two"


def test_paths_up_to_the_memo_length_are_remembered_and_a_full_memo_starts_over() -> None:
    router = _router()
    at_limit = "/items/" + "x" * (MEMO_PATH - len("/items/"))
    assert router.match("GET", at_limit) is router.match("GET", at_limit)
    past_limit = at_limit + "x"
    assert router.match("GET", past_limit) is not router.match("GET", past_limit)
    first = router.match("GET", "/items/0")
    for i in range(1, MEMO_SIZE - 1):
        router.match("GET", f"/items/{i}")
    assert router.match("GET", "/items/0") is first  # the memo holds MEMO_SIZE matches
    router.match("GET", "/items/overflow")
    assert router.match("GET", "/items/0") is not first  # one more: it started over
