"""A json-server 0.17 database and a spec for it that departs from what json-server does in seven
planted ways (:data:`PLANTED`: each (kind, location) must be found once, at its cause)."""

from __future__ import annotations

from typing import Any

DB: dict[str, Any] = {
    "posts": [
        {"id": 1, "title": "Hello", "views": 10, "status": "published", "author": "ann"},
        {"id": 2, "title": "Drafts", "views": 0, "status": "draft", "author": "bob"},
        {"id": 3, "title": "Old news", "views": 99, "status": "archived", "author": "ann"},
    ],
    "comments": [
        {"id": 1, "postId": 1, "body": "first!"},
        {"id": 2, "postId": 1, "body": "nice"},
    ],
}

_ERROR = {"type": "object"}
_POST = {
    "type": "object",
    "required": ["id", "headline", "views", "status", "author"],
    "properties": {
        "id": {"type": "integer"},
        "headline": {"type": "string"},  # planted: json-server's field is "title"
        "views": {"type": "integer", "minimum": 0},
        "status": {"type": "string", "enum": ["draft", "published"]},  # planted: "archived" is served
        "author": {"type": "string"},
        "category": {"type": "string", "enum": ["news", "tech"]},  # planted: a filter json-server ignores
    },
}
_COMMENT = {
    "type": "object",
    "required": ["id", "postId"],
    "properties": {
        "id": {"type": "integer"},
        "postId": {"type": "string"},  # planted: an integer is served; and "body" is not documented
    },
}


def _ok(schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": "ok", "content": {"application/json": {"schema": schema}}}


SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "json-server blog", "version": "1"},
    "paths": {
        "/posts": {
            "get": {
                "operationId": "listPosts",
                "tags": ["posts"],
                "parameters": [
                    # planted: json-server takes any _limit
                    {
                        "name": "_limit",
                        "in": "query",
                        "schema": {"type": "integer", "minimum": 1, "maximum": 10},
                    },
                    {
                        "name": "category",
                        "in": "query",
                        "schema": {"type": "string", "enum": ["news", "tech"]},
                    },
                ],
                "responses": {"200": _ok({"type": "array", "items": {"$ref": "#/components/schemas/Post"}})},
            },
            "post": {
                "operationId": "createPost",
                "tags": ["posts"],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Post"}}},
                },
                "responses": {"201": _ok({"$ref": "#/components/schemas/Post"})},
            },
        },
        "/posts/{id}": {
            "get": {
                "operationId": "getPost",
                "tags": ["posts"],
                "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}],
                # planted: a missing post is a 404 the spec does not document
                "responses": {"200": _ok({"$ref": "#/components/schemas/Post"})},
            }
        },
        "/comments": {
            "get": {
                "operationId": "listComments",
                "tags": ["comments"],
                "responses": {
                    "200": _ok({"type": "array", "items": {"$ref": "#/components/schemas/Comment"}})
                },
            }
        },
    },
    "components": {"schemas": {"Post": _POST, "Comment": _COMMENT}},
}

PLANTED: set[tuple[str, str, str]] = {
    ("field-renamed", "response.body[].headline", "headline"),  # once, though two operations share Post
    ("enum-undeclared", "response.body[].status", "draft, published"),
    ("filter-ignored", "response.body[].category", "category = news"),
    ("bound-looser", "request.query._limit", "max 10, min 1"),
    ("status-undocumented", "response.status", "200"),
    ("type-mismatch", "response.body[].postId", "string"),
    ("field-undocumented", "response.body[].body", "absent"),
}
"""(kind, location, expected) of each planted discrepancy."""

JSON_SERVER_OWN: set[tuple[str, str, str]] = {
    ("enum-widened", "request.query.category", "news, tech"),  # it validates no query parameter
    ("method-not-allowed", "response.status", "405 for TRACE"),  # 404 on every path: one finding
}
"""What json-server itself does beyond the plants, found too (each once)."""
