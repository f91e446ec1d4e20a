"""contracts compiles each JSON Schema validator once per schema, not once per response classified.

A run against a server whose every page carries an undocumented field (each body breaks its closed
schema, so each is classified whole): the validators built over the run are counted at their
constructor and must stay within the distinct schemas validated, far below the responses classified.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from drift_servers import SPEC, make_app
from jsonschema import Draft202012Validator

import oascore.drift.response
import oascore.drift.values
from contracts.engine import RunOptions, run
from mockserver.testing import run_server


def test_validators_are_built_once_per_schema(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spec = tmp_path / "drift.json"
    spec.write_text(json.dumps(SPEC))
    built: list[int] = []
    schemas: set[int] = set()
    classified: list[int] = []

    def counted(*args: Any, **kwargs: Any) -> Any:  # the constructor (not a subclass: the validator
        built.append(1)  # evolves itself into instances of its class while it descends)
        return Draft202012Validator(*args, **kwargs)

    real_validator, real_drift = oascore.drift.values.validator, oascore.drift.response.response_drift

    def validator(spec_: Any, schema: Any) -> Any:
        schemas.add(id(schema))
        return real_validator(spec_, schema)

    def response_drift(*args: Any, **kwargs: Any) -> Any:
        classified.append(1)
        return real_drift(*args, **kwargs)

    monkeypatch.setattr(oascore.drift.values, "Draft202012Validator", counted)
    monkeypatch.setattr(oascore.drift.values, "_VALIDATORS", {})
    monkeypatch.setattr(oascore.drift.values, "validator", validator)
    monkeypatch.setattr(oascore.drift.response, "validator", validator)
    monkeypatch.setattr("contracts.classify.classifier.response_drift", response_drift)
    with run_server(make_app("field-undocumented")) as url:
        result = run(spec, url, RunOptions(headers={"Authorization": "Bearer t"}, max_examples=20, seed=7))
    print(f"validators built {len(built)}, schemas {len(schemas)}, responses classified {len(classified)}")
    assert any(f.kind == "field-undocumented" for f in result.findings)
    assert len(classified) >= 10, "many responses were classified"
    assert 0 < len(built) <= len(schemas), (len(built), len(schemas))
    assert len(built) < len(classified), (len(built), len(classified))
