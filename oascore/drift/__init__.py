"""Drift: where a server and its OpenAPI document disagree, named at its cause as findings.

Shared by ``contracts`` (a run classifies what schemathesis and its probes saw) and the mock's proxy
(each exchange it forwards): closed response schemas (:mod:`~oascore.drift.closing`), response body
drift (:mod:`~oascore.drift.response`), one request and its answer (:mod:`~oascore.drift.exchange`).
"""
