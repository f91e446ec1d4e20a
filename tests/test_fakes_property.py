"""The generator's property: every value it makes is valid, by a validator nobody here wrote.

For every schema of a request parameter, request body or response (and every component schema) in
the bundled specs, the corpus and generated specs, and for several seeds and both modes (the mock's
answers; the probes' smallest baseline values with examples first), the value ``oascore.fakes``
makes is valid against the raw document's schema by openapi-schema-validator (OAS 3.0 / 3.1, formats
checked, ``$ref``s resolved by a ``referencing`` Registry: :class:`tests.independent.Independent`,
context-free, with the project's documented reading of ``nullable``). Documents with
more than :data:`SAMPLE` schemas are sampled evenly (every k-th) to keep the test near a minute.

Where no value is made (:class:`FakeDataError`, the generator's documented way of saying so), the
schema must be listed in :data:`NOT_GENERATED` by document and pointer, with the reason.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from oascore import load_spec, spec_from_document
from oascore.fakes import FakeData, FakeDataError
from tests.documents import BUNDLED, CORPUS, at, generated_spec, plain, schema_pointers
from tests.independent import Independent

SAMPLE = 120  # schemas of each large document (more than this): an even sample
RUNS = (  # (seed, probes' mode: examples first, smallest value)
    (0, False),
    (1, False),
    (2, False),
    (3, True),
)
_OVERLAP = (
    "oneOf branches that overlap: a value valid for exactly one exists, but not one the generator makes"
)
NOT_GENERATED: dict[tuple[str, str], str] = {
    (
        "readme-schema-types-3.1.json",
        "/paths/~1anything~1quirks~1polymorphism/patch/requestBody/content/application~1json/schema",
    ): "allOf of a string and an integer: no value is both",
    (
        "readme-schema-types-3.1.json",
        "/paths/~1anything~1quirks~1polymorphism/put/requestBody/content/application~1json/schema",
    ): "allOf of a string and an integer: no value is both",
    (
        "readme-discriminators.json",
        "/paths/~1nested-one-of-object-with-nested-one-of/patch/requestBody/content/application~1json/schema",
    ): _OVERLAP + " (object1 and object2 both accept any object)",
    (
        "readme-discriminators.json",
        "/paths/~1embedded-discriminator/patch/requestBody/content/application~1json/schema",
    ): _OVERLAP + " (Cat and Dog: the discriminator is on their common base Pet, not on the oneOf)",
    (
        "digitalocean.json.gz",
        "/paths/~1v2~1droplets~1actions/post/requestBody/content/application~1json/schema",
    ): _OVERLAP + " (a snapshot action is a droplet action with a name; the discriminator's mapping"
    " names files the document does not hold)",
}


def documents() -> list[Any]:
    params = [pytest.param(path, id=path.name) for path in BUNDLED + CORPUS]
    return params + [pytest.param(("generated", seed), id=f"generated-60-seed{seed}") for seed in (0, 1)]


def _name(doc: Any, pointer: str) -> str | None:
    """A parameter's name (it picks realistic text), for a parameter's schema."""
    parent = at(doc, pointer.rsplit("/", 1)[0])
    return parent.get("name") if isinstance(parent, dict) and isinstance(parent.get("name"), str) else None


@pytest.mark.parametrize("source", documents())
def test_every_generated_value_is_valid_by_an_independent_validator(source: Any, tmp_path: Path) -> None:
    if isinstance(source, tuple):
        path, label = generated_spec(tmp_path, 60, seed=source[1]), f"generated-{source[1]}"
    else:
        path, label = plain(source, tmp_path), source.name
    spec = load_spec(path, keep_raw=True)
    pointers = schema_pointers(spec.doc, None)
    expected = {p: reason for (doc, p), reason in NOT_GENERATED.items() if doc == label}
    if len(pointers) > SAMPLE:  # an even sample, and the listed schemas (each must still fail)
        sampled = pointers[:: -(-len(pointers) // SAMPLE)]
        pointers = sampled + [p for p in expected if p not in sampled]
    oracle, fakes = Independent(spec), FakeData(spec)
    invalid: list[str] = []
    not_generated: dict[str, str] = {}
    judged = 0
    for pointer in pointers:
        schema, name, validator = at(spec.doc, pointer), _name(spec.doc, pointer), oracle.validator(pointer)
        for seed, probing in RUNS:
            try:
                value = fakes.generate(schema, seed, name=name, prefer_examples=probing, minimal=probing)
            except FakeDataError as exc:
                not_generated[pointer] = exc.reason
                break
            try:  # (a discriminator mapping to a file the document lacks: not judged)
                errors = [e for e in validator.iter_errors(value) if "could not be resolved" not in e.message]
            except TypeError:  # the oracle's discriminator code on a value it cannot read
                continue
            judged += 1
            if errors:
                where = "/".join(map(str, errors[0].absolute_path))
                invalid.append(
                    f"{pointer} (seed {seed}{', probing' if probing else ''}) at /{where}: "
                    f"{errors[0].message[:160]}; value {json.dumps(value)[:200]}"
                )
    assert invalid == []
    assert sorted(not_generated) == sorted(expected), json.dumps(not_generated, indent=1)
    assert judged >= len(pointers) - len(expected) or not pointers


def test_the_property_covers_bundled_corpus_and_generated_specs() -> None:
    names = {p.name for p in BUNDLED}
    assert {"mixpeek.yaml", "hosting.yaml", "mixpeek-docs.yaml"} <= names
    assert len(CORPUS) >= 20


def test_minimal_values_hold_the_required_properties_and_the_shortest_nonempty_arrays() -> None:
    doc = {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {},
        "components": {
            "schemas": {
                "Body": {
                    "type": "object",
                    "required": ["id", "tags"],
                    "properties": {
                        "id": {"type": "string", "pattern": "^ns_[a-z0-9]{8}$"},
                        "tags": {"type": "array", "items": {"type": "string"}, "maxItems": 5},
                        "pair": {"type": "array", "items": {"type": "integer"}, "minItems": 2},
                        "note": {"type": "string"},
                    },
                }
            }
        },
    }
    spec = spec_from_document(doc, "minimal")
    schema = spec.doc["components"]["schemas"]["Body"]
    fakes = FakeData(spec)
    for seed in range(10):
        value = fakes.generate(schema, seed, minimal=True)
        assert set(value) == {"id", "tags"} and len(value["tags"]) == 1
    assert any(len(fakes.generate(schema, seed)) > 2 for seed in range(10)), "optional ones otherwise"
