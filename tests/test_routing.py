from __future__ import annotations

import pytest

from mockserver.pipeline.routing import RouteCollision, Router
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


def test_literal_beats_template_and_params_decode() -> None:
    router = _router()
    special = router.match("GET", "/items/special")
    assert special and special.operation and special.operation.path == "/items/special"
    templated = router.match("GET", "/items/a%2Fb/parts/%C3%A9")
    assert templated and templated.path_params == {"item_id": "a/b", "part": "é"}


def test_method_not_allowed_lists_methods() -> None:
    match = _router().match("POST", "/items/1")
    assert match is not None and match.operation is None and match.allowed == ("DELETE", "GET")


def test_unknown_path_and_trailing_slash() -> None:
    router = _router()
    assert router.match("GET", "/nothing") is None
    assert router.match("GET", "/items/special/") is not None


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
    undelete = router.match("POST", "/v3/abc:undelete")
    assert undelete is not None and undelete.operation is not None
    assert undelete.operation.path == "/v3/{name}:undelete" and undelete.path_params == {"name": "abc"}
    plain = router.match("GET", "/v3/abc")
    assert plain is not None and plain.operation is not None and plain.operation.path == "/v3/{name}"


def test_same_shape_templates_keep_their_own_parameter_names() -> None:
    router = Router()
    router.add("gh", [_op("GET", "/a/{subject_digest}"), _op("DELETE", "/a/{attestation_id}")])
    got = router.match("GET", "/a/sha256:1")
    gone = router.match("DELETE", "/a/7")
    assert got is not None and got.path_params == {"subject_digest": "sha256:1"}
    assert gone is not None and gone.path_params == {"attestation_id": "7"}


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
    assert router.match("GET", "/items/7") is first  # remembered
    router.add("w", [_op("GET", "/widgets")])
    found = router.match("GET", "/widgets")
    assert found is not None and found.operation is not None and found.owner == "w"
