"""The seeds, fact by fact (tests/seed_facts.py): every fact a seed states is in the bundled spec
or its absence is explained; every row names a real function and a real test; spec/README.md's
tables are the generated ones; and the comparison does see a fact that goes missing."""

from __future__ import annotations

import copy
import importlib
import re
from typing import Any

import pytest

from tests import seed_facts
from tests.seed_facts import DOCS, HOSTING, MIXPEEK, README, ROOT, all_rows, markdown


def test_every_seed_fact_is_in_the_spec_or_explained() -> None:
    rows, used = all_rows()
    problems = [f"{r.seed} {r.fact} ({r.where}): {r.problem}" for r in rows if r.problem]
    assert not problems, "\n".join(problems)
    stale = set(seed_facts.EXPLAINED) - used
    assert not stale, f"explanations that explain nothing any more: {stale}"
    counts = {seed: sum(r.seed == seed for r in rows) for seed in seed_facts.SEED_FILES}
    assert counts["000"] >= 150 and counts["001"] >= 140 and counts["002"] >= 45, counts
    assert counts["003"] >= 90 and counts["004"] >= 20, counts


def test_each_row_names_a_real_function_and_a_real_test() -> None:
    rows, _ = all_rows()
    for ref in sorted({r.world for r in rows if r.world}):
        path, name = ref.split(" ")
        module = importlib.import_module(path.removesuffix(".py").replace("/", "."))
        target: Any = module
        for part in name.split("."):
            target = getattr(target, part)  # AttributeError names a row that points nowhere
        assert callable(target), ref
    for ref in sorted({r.test for r in rows if r.test}):
        path, name = ref.split("::")
        assert re.search(rf"^def {name}\(", (ROOT / path).read_text(), re.M), ref


def test_spec_readme_holds_the_generated_tables() -> None:
    assert markdown() in README.read_text(), "run: python3 -m tests.seed_facts --write"


def _prop(doc: dict[str, Any], schema: str, name: str) -> dict[str, Any]:
    prop: dict[str, Any] = doc["components"]["schemas"][schema]["properties"][name]
    return prop


def _problems_with(monkeypatch: pytest.MonkeyPatch, spec: str, change: Any) -> list[str]:
    real = seed_facts.spec_doc
    changed = copy.deepcopy(real(spec))
    change(changed)

    def patched(name: str) -> dict[str, Any]:
        return changed if name == spec else real(name)

    monkeypatch.setattr(seed_facts, "spec_doc", patched)
    rows, _ = all_rows()
    return [f"{r.seed} {r.where}: {r.problem}" for r in rows if r.problem]


@pytest.mark.parametrize(
    ("spec", "change", "seed", "where"),
    [
        (  # 000 renders "1 <= x <= 100"
            DOCS,
            lambda d: _prop(d, "ListMigrationsRequest", "limit").update(maximum=1000),
            "000",
            "ListMigrationsRequest/properties/limit",
        ),
        (  # 001's description, verbatim
            MIXPEEK,
            lambda d: _prop(d, "MigrationConfig", "feature_extractors").update(description="Extractors"),
            "001",
            "MigrationConfig/properties/feature_extractors",
        ),
        (  # 002: "Minimum string length: 1"
            MIXPEEK,
            lambda d: _prop(d, "CloneNamespaceRequest", "namespace_name").pop("minLength"),
            "002",
            "CloneNamespaceRequest/properties/namespace_name",
        ),
        (  # 003's example "source_filters.description": "Filter only video content"
            MIXPEEK,
            lambda d: _prop(d, "SourceFilters", "description").pop("examples"),
            "003",
            "SourceFilters/properties/description",
        ),
        (  # 003's example carries source.collection_ids
            MIXPEEK,
            lambda d: d["components"]["schemas"]["SourceConfig"]["properties"].pop("collection_ids"),
            "003",
            "SourceConfig",
        ),
        (  # 004: per "Format int32Default 25"
            HOSTING,
            lambda d: d["paths"]["/api/migrations"]["get"]["parameters"][3]["schema"].update(default=20),
            "004",
            "parameters/3",
        ),
    ],
    ids=["000-bound", "001-description", "002-min-length", "003-example", "003-field", "004-default"],
)
def test_a_fact_that_goes_missing_is_a_problem(
    monkeypatch: pytest.MonkeyPatch, spec: str, change: Any, seed: str, where: str
) -> None:
    problems = _problems_with(monkeypatch, spec, change)
    assert any(p.startswith(seed) and where in p for p in problems), problems
