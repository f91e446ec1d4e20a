"""One finding per cause (fold.py), the operations a run chooses (selection.py), the
--max-findings cap, and open objects that are never closed (classify/closing.py)."""

from __future__ import annotations

import pytest

from contracts.classify.closing import close_response_schemas
from contracts.findings import Finding
from contracts.fold import fold
from contracts.report import render_console, summarize
from contracts.selection import Selection, SelectionError
from oascore import spec_from_document

LIST, GET, OTHER = "GET /posts", "GET /posts/{id}", "GET /comments"


def _undocumented(op: str, location: str) -> Finding:
    return Finding(op, "field-undocumented", location, "absent", "present", "warning")


def test_random_keys_under_one_location_are_one_finding_with_three_shown() -> None:
    keys = [_undocumented(LIST, f"response.body.detail[].k{n}") for n in range(40)]
    other = _undocumented(LIST, "response.body.extra")
    (folded, kept) = fold([*keys, other], operations=3)
    assert folded.location == "response.body.detail[].*"
    assert folded.actual == "40 undocumented keys: k0, k1, k2, …"
    assert kept == other


def test_a_few_undocumented_keys_stay_named() -> None:
    few = [_undocumented(LIST, f"response.body.k{n}") for n in range(3)]
    assert fold(few, operations=3) == few


def test_one_cause_on_several_operations_is_one_finding_naming_them() -> None:
    renamed = [
        Finding(op, "field-renamed", where, "headline", "title", "breaking")
        for op, where in ((LIST, "response.body[].headline"), (GET, "response.body.headline"))
    ]
    (one,) = fold(renamed, operations=3)
    assert (one.operation, one.location, one.message) == (LIST, "response.body[].headline", f"also on {GET}")


def test_a_cause_on_every_operation_is_server_wide() -> None:
    found = [
        Finding(op, "auth-not-enforced", "request.header.authorization", "401 or 403", "200", "breaking")
        for op in (LIST, GET, OTHER)
    ]
    (one,) = fold(found, operations=3)
    assert "server-wide: every operation" in one.message


def test_different_values_are_different_causes() -> None:
    found = [
        Finding(LIST, "enum-undeclared", "response.body[].status", "a, b", "c", "breaking"),
        Finding(GET, "enum-undeclared", "response.body.status", "a, b", "d", "breaking"),
    ]
    assert fold(found, operations=3) == found


def test_an_unvalidated_slot_is_its_bound_finding_only() -> None:
    bound = Finding(LIST, "bound-looser", "request.query._limit", "max 10", "no max", "warning")
    symptom = Finding(LIST, "validation-missing", "request.query._limit", "refuses x", "accepted", "warning")
    elsewhere = Finding(LIST, "validation-missing", "request.query.q", "refuses x", "accepted", "warning")
    assert fold([bound, symptom, elsewhere], operations=1) == [bound, elsewhere]


def test_max_findings_shows_the_first_and_counts_the_rest() -> None:
    found = [_undocumented(LIST, f"response.body.k{n}") for n in range(5)]
    text = render_console(found, summarize(found, operations=1, requests=9), max_findings=2)
    assert "response.body.k1" in text and "response.body.k2" not in text
    assert "… and 3 more findings not shown (--max-findings 2)" in text
    assert text.splitlines()[-1].startswith("5 findings")


DOC = {
    "openapi": "3.1.0",
    "info": {"title": "t", "version": "1"},
    "paths": {
        "/posts": {
            "get": {
                "operationId": "listPosts",
                "tags": ["posts"],
                "responses": {"200": {"description": "ok"}},
            },
            "post": {
                "operationId": "createPost",
                "tags": ["posts"],
                "responses": {"201": {"description": "ok"}},
            },
        },
        "/admin/users": {
            "delete": {"operationId": "purge", "tags": ["admin"], "responses": {"204": {"description": "ok"}}}
        },
    },
}


@pytest.mark.parametrize(
    ("selection", "chosen"),
    [
        (Selection(), ["GET /posts", "POST /posts", "DELETE /admin/users"]),
        (Selection(read_only=True), ["GET /posts"]),
        (Selection(include=("tag:posts",)), ["GET /posts", "POST /posts"]),
        (Selection(exclude=("path:/admin/*",)), ["GET /posts", "POST /posts"]),
        (Selection(include=("operation:createPost",)), ["POST /posts"]),
        (Selection(include=("method:delete",)), ["DELETE /admin/users"]),
        (Selection(include=("posts",)), ["GET /posts", "POST /posts"]),  # bare: any field (a tag here)
        (Selection(include=("tag:posts",), exclude=("method:POST",)), ["GET /posts"]),
    ],
)
def test_selection_chooses_by_operation_path_method_and_tag(selection: Selection, chosen: list[str]) -> None:
    assert selection.labels(spec_from_document(DOC, "t", keep_raw=True)) == chosen


def test_an_unknown_selection_field_is_an_error() -> None:
    with pytest.raises(SelectionError, match="FIELD:PATTERN"):
        Selection(include=("verb:GET",))


@pytest.mark.parametrize("opened", [True, {"type": "string"}, {}])
def test_objects_the_spec_opens_are_never_closed(opened: object) -> None:
    schema = {"type": "object", "properties": {"a": {"type": "string"}}, "additionalProperties": opened}
    doc = {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/x": {
                "get": {
                    "responses": {
                        "200": {"description": "ok", "content": {"application/json": {"schema": schema}}}
                    }
                }
            }
        },
    }
    closed = close_response_schemas(doc)
    media = closed["paths"]["/x"]["get"]["responses"]["200"]["content"]["application/json"]
    assert media["schema"]["additionalProperties"] == opened
    pattern = {"type": "object", "properties": {"a": {}}, "patternProperties": {"^x-": {}}}
    doc["paths"]["/x"]["get"]["responses"]["200"]["content"]["application/json"]["schema"] = pattern
    assert (
        "additionalProperties"
        not in close_response_schemas(doc)["paths"]["/x"]["get"]["responses"]["200"]["content"][
            "application/json"
        ]["schema"]
    )


def test_merge_folds_one_cause_seen_on_two_shards_again_over_every_operation() -> None:
    from contracts.fold import unfold
    from contracts.report.merge import RunReport, merge
    from contracts.shard import Shard

    def shard(index: int, ops: list[str]) -> RunReport:
        found = fold(
            [
                Finding(op, "method-not-allowed", "response.status", "405 for TRACE", "404", "warning")
                for op in ops
            ],
            operations=len(ops),
        )
        summary = summarize(found, operations=len(ops), requests=1)
        return RunReport(found, summary, 1, Shard(index, 2), ops, ())

    first, second = shard(1, [LIST, GET]), shard(2, [OTHER])
    assert first.findings[0].message == "server-wide: every operation"  # of its own share
    assert [f.operation for f in unfold(first.findings[0], [LIST, GET])] == [LIST, GET]
    merged = merge([first, second])
    (one,) = merged.findings
    assert one.message == "server-wide: every operation" and merged.summary.findings == 1
    assert one.operation == OTHER  # the first operation of the run, in label order
