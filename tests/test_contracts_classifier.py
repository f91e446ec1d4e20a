"""The classifier's dispatch and its causes, without a server: each schemathesis failure (by its
class name) becomes the finding named at its cause, or none when another finding holds the cause
(a 5xx, a probe's explanation, a pin, an isolated slot)."""

from __future__ import annotations

import json
from typing import Any

from contracts.classify.classifier import Classifier, dedupe
from contracts.classify.observation import Observation
from contracts.classify.request import isolator
from contracts.findings import Evidence, Finding
from contracts.probes.base import ABSENT, Exchange, Explanation, Pins, ProbeContext, Slot, Verdict, slots
from oascore import Operation, Spec, parse_spec

EVIDENCE = Evidence(curl="curl http://x", seed=1)
ISOLATED = Evidence(curl="curl http://x/isolated", seed=1, note="isolated")
LABEL = "POST /items"

DOC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "t", "version": "1"},
    "paths": {
        "/items": {
            "post": {
                "security": [{"key": []}],
                "parameters": [
                    {
                        "name": "limit",
                        "in": "query",
                        "schema": {"type": "integer", "minimum": 1, "maximum": 50},
                    },
                    {"name": "mode", "in": "query", "schema": {"type": "string", "enum": ["a", "b", "c"]}},
                    {"name": "X-Trace", "in": "header", "schema": {"type": "string"}},
                ],
                "requestBody": {
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["name"],
                                "properties": {
                                    "name": {"type": "string"},
                                    "count": {"type": "integer", "format": "int32"},
                                },
                            }
                        }
                    }
                },
                "responses": {
                    "200": {
                        "description": "ok",
                        "headers": {
                            "X-Rate": {"schema": {"type": "integer"}},
                            "X-Id": {"schema": {"type": "string", "pattern": "^id_"}},
                        },
                        "content": {"application/json": {"schema": {"type": "object"}}},
                    },
                    "422": {"description": "bad"},
                },
            }
        },
        "/open": {"get": {"responses": {"204": {"description": "none"}}}},
    },
    "components": {"securitySchemes": {"key": {"type": "apiKey", "in": "header", "name": "X-Key"}}},
}


def _spec(doc: dict[str, Any] = DOC) -> Spec:
    return parse_spec(json.dumps(doc))


class _Isolate:
    """Answers an isolated slot by a table of (slot label, value) -> verdict; records the calls."""

    def __init__(self, verdicts: dict[tuple[str, Any], Verdict] | None = None, baseline: bool = True) -> None:
        self.verdicts = verdicts or {}
        self.baseline = baseline
        self.calls: list[tuple[str, Any]] = []

    def __call__(self, op: Operation, slot: Slot, value: Any) -> tuple[Verdict, Evidence] | None:
        self.calls.append((slot.label, value))
        if not self.baseline:
            return None
        return self.verdicts.get((slot.label, value), Verdict.INCONCLUSIVE), ISOLATED


def _classifier(
    isolate: _Isolate | None = None,
    explanations: list[Explanation] | None = None,
    pins: Pins | None = None,
) -> Classifier:
    spec = _spec()
    return Classifier(spec, spec, explanations or [], isolate or _Isolate(), pins or Pins())


def _failure(name: str, **attrs: Any) -> Any:
    return type(name, (), attrs)()


def _obs(failure: Any, operation: str = LABEL, **kw: Any) -> Observation:
    return Observation(operation, kw.pop("check", "check"), failure, EVIDENCE, **kw)


def _facts(findings: list[Finding]) -> list[tuple[str, ...]]:
    return [(f.operation, f.kind, f.location, f.expected, f.actual, f.severity) for f in findings]


def _one(failure: Any, classifier: Classifier | None = None, **kw: Any) -> list[tuple[str, ...]]:
    return _facts((classifier or _classifier()).classify([_obs(failure, **kw)]))


# --- dispatch --------------------------------------------------------------------------------------


def test_unknown_operations_and_failures_give_nothing() -> None:
    assert _one(_failure("ServerError"), operation="GET /nowhere") == []
    assert _one(_failure("SomethingNew"), status=200) == []


def test_every_observation_is_classified_in_order() -> None:
    found = _classifier().classify(
        [_obs(_failure("ServerError"), status=500), _obs(_failure("ServerError"), "GET /open", status=503)]
    )
    assert [(f.operation, f.actual) for f in found] == [(LABEL, "500"), ("GET /open", "503")]
    assert all(f.evidence is EVIDENCE for f in found)


def test_a_body_is_classified_once_per_operation_status_and_body() -> None:
    classifier = _classifier()
    failure = _failure("JsonSchemaError")
    first = classifier.classify([_obs(failure, status=200, content_type="application/json", body=[1])])
    assert _facts(first) == [(LABEL, "type-mismatch", "response.body", "object", "array", "breaking")]
    again = _obs(failure, status=200, content_type="application/json", body=[1], check="other")
    assert classifier.classify([again]) == []
    other_body = _obs(failure, status=200, content_type="application/json", body=[2])
    assert len(classifier.classify([other_body])) == 1


def test_a_schema_failure_of_the_headers_check_is_a_header_mismatch() -> None:
    failure = _failure("JsonSchemaError")
    headers = {"x-rate": "many", "X-ID": "nope"}
    found = _one(failure, check="response_headers_conformance", status=200, headers=headers)
    assert found == [(LABEL, "header-mismatch", "response.header.x-rate", "integer", "'many'", "breaking")]
    fine = {"X-Rate": "3", "X-Id": "id_1"}
    assert _one(failure, check="response_headers_conformance", status=200, headers=fine) == []
    wrong_id = {"X-Rate": "3", "X-Id": "nope"}
    found = _one(failure, check="response_headers_conformance", status=200, headers=wrong_id)
    assert found == [(LABEL, "header-mismatch", "response.header.x-id", "string", "'nope'", "breaking")]
    # a status without documented headers, or not documented at all, has nothing to break
    assert _one(failure, check="response_headers_conformance", status=422, headers=headers) == []
    assert _one(failure, check="response_headers_conformance", status=418, headers=headers) == []


# --- response checks -------------------------------------------------------------------------------


def test_an_undocumented_status_names_the_documented_ones_and_a_5xx_is_only_a_server_error() -> None:
    codes = _failure("UndefinedStatusCode", defined_status_codes=["200", "201"])
    assert _one(codes, status=418) == [
        (LABEL, "status-undocumented", "response.status", "200, 201", "418", "warning")
    ]
    assert _one(_failure("UndefinedStatusCode"), status=418) == [
        (LABEL, "status-undocumented", "response.status", "200, 422", "418", "warning")
    ]
    assert _one(codes, status=500) == []
    assert _one(codes, status=499) != []
    for name in ("ServerError", "ContentTypeServerError"):
        assert _one(_failure(name), status=502) == [
            (LABEL, "server-error", "response.status", "not 5xx", "502", "breaking")
        ]


def test_content_type_failures_name_the_documented_types() -> None:
    for name in (
        "UndefinedContentType",
        "MissingContentType",
        "MalformedMediaType",
        "MalformedJson",
        "ContentDeserializationError",
    ):
        assert _one(_failure(name), status=200, content_type="text/html") == [
            (
                LABEL,
                "content-type-mismatch",
                "response.header.content-type",
                "application/json",
                "text/html",
                "breaking",
            )
        ]
    assert _one(_failure("MissingContentType"), operation="GET /open", status=204) == [
        ("GET /open", "content-type-mismatch", "response.header.content-type", "none", "none", "breaking")
    ]


def test_missing_headers_are_one_finding_each() -> None:
    failure = _failure("MissingHeaders", missing_headers=["X-Rate", "X-Id"])
    assert _one(failure, status=200) == [
        (LABEL, "header-mismatch", "response.header.x-rate", "present", "absent", "breaking"),
        (LABEL, "header-mismatch", "response.header.x-id", "present", "absent", "breaking"),
    ]
    assert _one(_failure("MissingHeaders"), status=200) == []


def test_discriminator_allow_method_and_state_failures() -> None:
    assert _one(_failure("DiscriminatorMismatch"), status=200) == [
        (
            LABEL,
            "type-mismatch",
            "response.body",
            "the discriminated schema",
            "a body no mapping matches",
            "breaking",
        )
    ]
    assert _one(_failure("AllowHeaderMismatch", allow_header="GET"), status=405) == [
        (LABEL, "header-mismatch", "response.header.allow", "the documented methods", "GET", "breaking")
    ]
    assert _one(_failure("UnsupportedMethodResponse", method="TRACE"), status=200) == [
        (LABEL, "method-not-allowed", "response.status", "405 for TRACE", "200", "warning")
    ]
    no_allow = _failure("UnsupportedMethodResponse", method="TRACE", failure_reason="missing_allow_header")
    assert _one(no_allow, status=405) == [
        (
            LABEL,
            "allow-header-missing",
            "response.header.allow",
            "Allow on the 405 for TRACE (RFC 9110)",
            "absent",
            "warning",
        )
    ]
    for name in ("UseAfterFree", "EnsureResourceAvailability"):
        state = _failure(name, title="Resource still there", message="deleted, then 200\nmore detail")
        found = _classifier().classify([_obs(state, status=200)])
        assert _facts(found) == [
            (LABEL, "status-undocumented", "response.status", "Resource still there", "200", "warning")
        ]
        assert found[0].message == "deleted, then 200"


# --- request checks --------------------------------------------------------------------------------


def test_auth_not_enforced_is_pinned_on_the_credential_of_the_first_scheme() -> None:
    served = [(LABEL, "auth-not-enforced", "request.header.x-key", "401 or 403", "200", "breaking")]
    assert _one(_failure("IgnoredAuth", scenario="no_auth"), status=200) == served
    assert _one(_failure("IgnoredAuth"), status=200) == served
    invalid = [(LABEL, "auth-invalid-accepted", "request.header.x-key", "401 or 403", "accepted", "warning")]
    accepted = _failure("IgnoredAuth", scenario="invalid_auth", title="API accepts invalid authentication")
    assert _one(accepted, status=None) == invalid  # the answer to st's follow-up is not recorded
    assert _one(_failure("IgnoredAuth", scenario="generated_auth"), status=200) == invalid
    refused_otherwise = _failure("IgnoredAuth", scenario="invalid_auth", title="Unexpected response")
    assert _one(refused_otherwise, status=404) == []
    assert _one(_failure("ObjectLevelAuthorizationViolation"), status=200) == served
    assert _one(_failure("ObjectLevelAuthorizationViolation"), operation="GET /open", status=204) == [
        ("GET /open", "auth-not-enforced", "request.header.authorization", "401 or 403", "204", "breaking")
    ]


def test_a_served_request_without_a_required_header() -> None:
    trace = _failure("MissingHeaderNotRejected", header_name="X-Trace")
    assert _one(trace, status=201) == [
        (LABEL, "validation-missing", "request.header.x-trace", "refused without it", "201", "warning")
    ]
    assert _one(trace, status=400) == [] and _one(trace, status=300) == [] and _one(trace) == []
    assert _one(trace, status=199) == []
    auth = _failure("MissingHeaderNotRejected", header_name="Authorization")
    assert _one(auth, status=200)[0][1:3] == ("auth-not-enforced", "request.header.x-key")


def _explanation(location: str, kind: str, explains: Any = lambda v: True, op: str = LABEL) -> Explanation:
    return Explanation(op, location, kind, explains)


def test_a_refused_valid_request_is_pinned_on_the_slot_refused_alone() -> None:
    positive = _failure("RejectedPositiveData")
    sent = {"request.query.limit": 40, "request.query.mode": "b", "request.body.name": "n"}
    bound = _Isolate({("request.query.limit", 40): Verdict.REFUSED})
    assert _one(positive, _classifier(bound), status=422, request=sent) == [
        (LABEL, "bound-tighter", "request.query.limit", "min 1, max 50", "refuses 40", "breaking")
    ]
    assert bound.calls == [("request.query.limit", 40)]
    enum = _Isolate({("request.query.mode", "b"): Verdict.REFUSED})
    assert _one(positive, _classifier(enum), status=422, request=sent) == [
        (LABEL, "enum-narrowed", "request.query.mode", "a, b, c", "a, c", "breaking")
    ]
    name = _Isolate({("request.body.name", "n"): Verdict.REFUSED})
    assert _one(positive, _classifier(name), status=422, request=sent) == [
        (LABEL, "type-mismatch", "request.body.name", "accepts n", "refused", "breaking")
    ]
    found = _classifier(name).classify([_obs(positive, status=422, request=sent)])
    assert found[0].evidence is ISOLATED


def test_a_refused_valid_request_nothing_isolates_is_one_request_finding() -> None:
    positive = _failure("RejectedPositiveData")
    sent = {"request.query.limit": 40, "request.body.name": "n"}
    whole = [
        (
            LABEL,
            "positive-data-rejected",
            "request",
            "a schema-valid request accepted",
            "refused with 422",
            "warning",
        )
    ]
    isolate = _Isolate()
    assert _one(positive, _classifier(isolate), status=422, request=sent) == whole
    # absent slots are never sent alone
    assert [label for label, _ in isolate.calls] == ["request.query.limit", "request.body.name"]
    assert _one(positive, _classifier(_Isolate(baseline=False)), status=422, request=sent) == whole
    accepted = _Isolate({("request.query.limit", 40): Verdict.ACCEPTED})
    assert _one(positive, _classifier(accepted), status=422, request=sent) == whole
    (found,) = _classifier().classify([_obs(positive, status=422, request=sent)])
    assert found.message == "sent query.limit=40, body.name=n"  # what was refused is shown
    named = {"detail": [{"loc": ["body", "name"], "msg": "name clashes with limit", "type": "value_error"}]}
    assert _one(positive, _classifier(), status=422, request=sent, body=named) == [
        (
            LABEL,
            "positive-data-rejected",
            "request.body.name",
            "accepts n",
            "refused with 422: name clashes with limit",
            "warning",
        )
    ]


def test_a_refused_valid_request_a_probe_explained_or_past_i_json_is_no_finding() -> None:
    positive = _failure("RejectedPositiveData")
    sent = {"request.query.limit": 40}
    refuse = _Isolate({("request.query.limit", 40): Verdict.REFUSED})
    for kind in ("bound-tighter", "enum-narrowed"):
        explained = _classifier(refuse, [_explanation("request.query.limit", kind, lambda v: v > 30)])
        assert _one(positive, explained, status=422, request=sent) == []
    # explanations of another kind, operation, place, or value do not count
    for other in (
        _explanation("request.query.limit", "bound-looser"),
        _explanation("request.query.limit", "bound-tighter", op="GET /open"),
        _explanation("request.query.mode", "bound-tighter"),
        _explanation("request.query.limit", "bound-tighter", lambda v: v > 45),
    ):
        assert _one(positive, _classifier(refuse, [other]), status=422, request=sent) != []
    huge = {"request.body.count": 2**53}
    assert _one(positive, _classifier(refuse), status=422, request=huge) == []
    edge = {"request.body.count": 2**53 - 1, "request.query.limit": 40}
    assert _one(positive, _classifier(refuse), status=422, request=edge) != []
    negative_huge = {"request.body.count": -(2**53), "request.query.limit": 40}
    assert _one(positive, _classifier(refuse), status=422, request=negative_huge) == []
    flag = {"request.body.count": True, "request.query.limit": 40}
    assert _one(positive, _classifier(refuse), status=422, request=flag) != []


def test_an_accepted_invalid_request_is_pinned_on_the_slot_accepted_alone() -> None:
    negative = _failure("AcceptedNegativeData")
    sent = {"request.query.limit": 99, "request.query.mode": "z", "request.body.name": "n"}
    isolate = _Isolate({("request.query.mode", "z"): Verdict.ACCEPTED})
    assert _one(negative, _classifier(isolate), status=200, request=sent, negative=("query",)) == [
        (LABEL, "validation-missing", "request.query.mode", "refuses z", "accepted", "warning")
    ]
    # only the invalid values are sent alone, in order
    assert isolate.calls == [("request.query.limit", 99), ("request.query.mode", "z")]
    # each invalid value refused on its own: nothing to pin
    assert _one(negative, _classifier(_Isolate()), status=200, request=sent) == []


def test_an_accepted_invalid_request_explained_pinned_or_unlocatable() -> None:
    negative = _failure("AcceptedNegativeData")
    sent = {"request.query.limit": 99, "request.body.name": "n"}
    accept = _Isolate({("request.query.limit", 99): Verdict.ACCEPTED})
    for kind in ("bound-looser", "enum-widened"):
        explained = _classifier(accept, [_explanation("request.query.limit", kind)])
        assert _one(negative, explained, status=200, request=sent) == []
    assert _one(negative, _classifier(accept, [_explanation("request.query.limit", "bound-tighter")]),
                status=200, request=sent) != []  # fmt: skip
    # the user pinned every query parameter: the invalid query was replaced by the pins
    pins = Pins(params={("query", "limit"): "5", ("query", "mode"): "a"})
    assert _one(negative, _classifier(accept, pins=pins), status=200, request=sent, negative=("query",)) == []
    partly = Pins(params={("query", "mode"): "a"})
    assert _one(negative, _classifier(accept, pins=partly), status=200, request=sent, negative=("query",))
    # pinned parts must all be pinned, and a part with no parameters is not pinned
    assert _one(
        negative, _classifier(accept, pins=pins), status=200, request=sent, negative=("query", "body")
    )
    # nothing invalid among the slots: the negative part, else the request
    valid = {"request.query.limit": 5, "request.body.name": "n"}
    assert _one(negative, status=200, request=valid, negative=("path", "query")) == [
        (LABEL, "validation-missing", "request.path", "4xx for an invalid request", "200", "warning")
    ]
    assert _one(negative, status=200, request=valid) == [
        (LABEL, "validation-missing", "request", "4xx for an invalid request", "200", "warning")
    ]


def test_invalid_means_against_the_declared_schema_and_the_integer_formats() -> None:
    negative = _failure("AcceptedNegativeData")
    accept = _Isolate(
        {
            ("request.body.count", 2**31): Verdict.ACCEPTED,
            ("request.body.count", -(2**31) - 1): Verdict.ACCEPTED,
            ("request.body.name", ABSENT): Verdict.ACCEPTED,
            ("request.query.limit", "0"): Verdict.ACCEPTED,
        }
    )
    classifier = _classifier(accept)
    for value in (2**31, -(2**31) - 1):
        found = _one(
            negative, classifier, status=200, request={"request.body.name": "n", "request.body.count": value}
        )
        assert [f[2] for f in found] == ["request.body.count"]
    for value in (2**31 - 1, -(2**31)):
        assert (
            _one(
                negative,
                classifier,
                status=200,
                request={"request.body.name": "n", "request.body.count": value},
            )[0][2]
            == "request"
        )
    # a missing required body field is invalid, a missing optional one is not
    assert [f[2] for f in _one(negative, classifier, status=200, request={})] == ["request.body.name"]
    # query values arrive as text and are read as their type first
    found = _one(
        negative, classifier, status=200, request={"request.body.name": "n", "request.query.limit": "0"}
    )
    assert [f[2] for f in found] == ["request.query.limit"]
    fine = {"request.body.name": "n", "request.query.limit": "7"}
    assert [f[2] for f in _one(negative, classifier, status=200, request=fine)] == ["request"]


def test_dedupe_keeps_the_first_per_operation_kind_and_location() -> None:
    a = Finding(LABEL, "server-error", "response.status", "not 5xx", "500", "breaking")
    b = Finding(LABEL, "server-error", "response.status", "not 5xx", "502", "breaking")
    c = Finding("GET /open", "server-error", "response.status", "not 5xx", "502", "breaking")
    assert dedupe([a, b, c, a]) == [a, c]


class _Server:
    """A stand-in for the server under test (contracts.probes.base.Target): refuses a body whose
    `name` is "bad", or everything; counts the requests."""

    base_url = "http://127.0.0.1:9"

    def __init__(self, refuse_all: bool = False) -> None:
        self.refuse_all = refuse_all
        self.sent: list[Any] = []

    def send(self, request: Any) -> Exchange:
        self.sent.append(request)
        bad = self.refuse_all or (isinstance(request.body, dict) and request.body.get("name") == "bad")
        return Exchange(
            request=request, status=422 if bad else 200, body=None, curl=f"curl #{len(self.sent)}"
        )


def test_the_isolator_sends_the_baseline_with_one_slot_changed_once_per_value() -> None:
    spec = _spec()
    op = next(o for o in spec.operations if o.label == LABEL)
    name = next(s for s in slots(spec, op, Pins()) if s.label == "request.body.name")
    server = _Server()
    isolate = isolator(ProbeContext(spec, server, Pins(), seed=7))  # type: ignore[arg-type]
    answer = isolate(op, name, "bad")
    assert answer is not None
    verdict, evidence = answer
    assert verdict is Verdict.REFUSED
    assert (evidence.curl, evidence.seed, evidence.status) == ("curl #2", 7, 422)
    assert evidence.note == "isolated from a schemathesis case"
    assert server.sent[-1].body["name"] == "bad"
    assert isolate(op, name, "bad") == answer and len(server.sent) == 2  # asked once
    accepted = isolate(op, name, "good")
    assert accepted is not None and accepted[0] is Verdict.ACCEPTED and len(server.sent) == 3
    assert isolate(op, name, {"b": 1, "a": 2}) is not None and isolate(op, name, {"a": 2, "b": 1}) is not None
    assert len(server.sent) == 4  # one JSON value, whatever its key order


def test_the_isolator_without_an_accepted_baseline_answers_nothing() -> None:
    spec = _spec()
    op = next(o for o in spec.operations if o.label == LABEL)
    name = next(s for s in slots(spec, op, Pins()) if s.label == "request.body.name")
    server = _Server(refuse_all=True)
    assert isolator(ProbeContext(spec, server, Pins(), seed=1))(op, name, "x") is None  # type: ignore[arg-type]


def test_an_unsupported_method_answer_without_the_method_named() -> None:
    assert _one(_failure("UnsupportedMethodResponse"), status=200) == [
        (LABEL, "method-not-allowed", "response.status", "405 for ?", "200", "warning")
    ]


def test_a_body_in_another_key_order_is_the_same_body_and_findings_carry_their_evidence() -> None:
    classifier = _classifier()
    failure = _failure("JsonSchemaError")
    first = classifier.classify(
        [_obs(failure, status=200, content_type="application/json", body=[{"a": 1, "b": 2}])]
    )
    assert first and all(f.evidence is EVIDENCE for f in first)
    again = _obs(failure, status=200, content_type="application/json", body=[{"b": 2, "a": 1}])
    assert classifier.classify([again]) == []


def test_a_bound_refused_alone_carries_the_isolated_evidence() -> None:
    refuse = _Isolate({("request.query.limit", 40): Verdict.REFUSED})
    found = _classifier(refuse).classify(
        [_obs(_failure("RejectedPositiveData"), status=422, request={"request.query.limit": 40})]
    )
    assert [f.kind for f in found] == ["bound-tighter"] and found[0].evidence is ISOLATED
