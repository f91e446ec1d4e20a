from __future__ import annotations

import pytest

from mockserver.pipeline.routing import RouteCollision, Router
from oascore import parse_spec

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
