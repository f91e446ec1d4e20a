"""Our validators against an independent one, on the same schemas and the same values.

The mock validates with schemas the core rewrote (3.0 -> JSON Schema 2020-12) and compiled with
jsonschema-rs; openapi-schema-validator (python-openapi, nobody here wrote it) reads each
document's own dialect (OAS 3.0 or 3.1, formats included) straight from the document as written.
For every component schema of the bundled specs, the generated 500-operation spec and the
corpus, both must agree on valid values (drawn by our generator) and on invalid ones (those
values broken in typed ways). A disagreement is a bug in the rewrite, the compile or the generator.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest

from oascore import load_spec
from oascore.fakes import FakeData, FakeDataError
from oascore.validation import compile_schema
from tests.documents import BUNDLED, CORPUS, at, generated_spec, plain, schema_pointers
from tests.independent import Independent

SEEDS = range(4)


def broken(value: Any, schema: Any) -> Iterator[tuple[str, Any]]:
    """``value`` broken in typed ways: another JSON type, a property of another type, one dropped."""
    for label, other in (("string", "?"), ("integer", 7), ("array", []), ("object", {}), ("null", None)):
        if type(other) is not type(value):
            yield f"as {label}", other
    if isinstance(value, dict):
        properties = schema.get("properties", {}) if isinstance(schema, dict) else {}
        for key in list(value)[:4]:
            yield f"{key} as array", {**value, key: [[]]}
            declared = properties.get(key) if isinstance(properties, dict) else None
            if not (isinstance(declared, dict) and (declared.get("readOnly") or declared.get("writeOnly"))):
                # a readOnly/writeOnly property is required in one direction only: the oracle's
                # context-free validator requires it in neither, the request validator decides
                yield f"without {key}", {k: v for k, v in value.items() if k != key}
    if isinstance(value, (int, float)) and not isinstance(value, bool) and isinstance(schema, dict):
        for bound in ("maximum", "minimum"):
            if isinstance(schema.get(bound), (int, float)):
                yield f"past {bound}", schema[bound] + (1 if bound == "maximum" else -1)


def test_the_comparison_covers_many_documents() -> None:
    assert len(BUNDLED) >= 3 and len(CORPUS) >= 12, "bundled specs and the corpus are in tests/"


def cases() -> Iterator[Any]:
    for path in BUNDLED + CORPUS:
        yield pytest.param(path, id=path.name)
    yield pytest.param("generated", id="generated-60")


@pytest.mark.parametrize("source", cases())
def test_our_validator_agrees_with_openapi_schema_validator(source: Path | str, tmp_path: Path) -> None:
    path = generated_spec(tmp_path) if source == "generated" else source
    assert isinstance(path, Path)
    limit = 120 if path.suffix == ".gz" else 400  # the big ones: a sample of their schemas
    path = plain(path, tmp_path)
    spec = load_spec(path, keep_raw=True)
    independent = Independent(spec)
    fakes = FakeData(spec)
    pointers = schema_pointers(spec.doc, limit)
    if not pointers:  # some documents describe no schema at all (examples only): nothing to compare
        assert '"schema"' not in json.dumps(spec.raw) and "schemas" not in spec.doc.get("components", {})
        return
    disagreements: list[str] = []
    compared = unresolvable = 0
    for pointer in pointers:
        schema = at(spec.doc, pointer)
        try:
            ours = compile_schema(spec, schema)
        except jsonschema_rs.ValidationError as exc:
            # a reference the document does not hold (DigitalOcean's discriminator mappings name
            # files it never shipped): the mock serves such a schema leniently, with a warning
            assert "not present in a registry" in str(exc), f"{pointer}: {exc}"
            unresolvable += 1
            continue
        values: list[tuple[str, Any]] = []
        for seed in SEEDS:
            try:
                value = fakes.generate(schema, seed)
            except FakeDataError:
                continue
            values.append((f"seed {seed}", value))
            values += [(f"seed {seed}, {how}", bad) for how, bad in broken(value, spec.resolve(schema))]
        for how, value in values:
            compared += 1
            mine, theirs = ours.is_valid(value), independent.valid(pointer, value)
            if theirs is not None and mine != theirs:
                disagreements.append(
                    f"{pointer} ({how}): ours {'accepts' if mine else 'refuses'}, "
                    f"openapi-schema-validator {'accepts' if theirs else 'refuses'} {json.dumps(value)[:160]}"
                )
    assert compared > 2 * (len(pointers) - unresolvable), "values were drawn for the schemas"
    assert disagreements == []
