"""The docs-page variant's starting point: mixpeek.yaml without what API 0.82 adds.

``spec/variants/mixpeek-docs.yaml`` is the rendered docs page; ``spec/mixpeek.yaml`` has, beyond
the page, what API 0.82 has (spec/README.md lists it) and our workflow links. The tests that pin
"the variant differs in exactly the three docs changes" (tests/test_specs.py, tests/test_diff.py,
tests/test_contracts_e2e.py) compare the variant with :func:`as_docs_page` of the main document.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

SPEC_DIR = Path(__file__).resolve().parents[1] / "spec"
MIXPEEK = SPEC_DIR / "mixpeek.yaml"
MIGRATIONS = "/v1/namespaces/migrations/list"
CLONE = "/v1/namespaces/{namespace_identifier}/clone"
COLLECTIONS = "/v1/collections/list"


def as_docs_page(main: dict[str, Any]) -> dict[str, Any]:
    """``main`` without what API 0.82 has beyond the docs pages (spec/README.md lists it) and
    without our workflow links: what the docs page variant starts from."""
    doc = copy.deepcopy(main)
    schemas = doc["components"]["schemas"]
    for name in ("MigrationValidationError", "DegradedEntry"):
        del schemas[name]
    for key in ("errors", "warnings"):
        schemas["ValidationResult"]["properties"][key]["items"] = {
            "$ref": "#/components/schemas/ValidationError"
        }
    for name, props in {
        "CloneNamespaceRequest": ("mode", "ttl_seconds"),
        "CloneNamespaceResponse": ("primary_retriever_id",),
        "NamespaceModel": ("expires_at",),
        "ListCollectionsRequest": ("limit", "page_size", "offset", "page", "sorts", "include_system"),
        "ListCollectionsResponse": ("warnings",),
    }.items():
        for prop in props:
            del schemas[name]["properties"][prop]
    collections = doc["paths"][COLLECTIONS]["post"]
    collections["requestBody"]["required"] = True
    collections["parameters"] = [
        p for p in collections["parameters"] if p["name"] not in ("page_size", "page")
    ]
    for param in collections["parameters"]:
        for bound in ("minimum", "maximum"):
            param["schema"].pop(bound, None)
    for path in (MIGRATIONS, CLONE):
        del doc["paths"][path]["post"]["responses"]["200"]["links"]
    return doc


def docs_page_spec(directory: Path) -> Path:
    """:func:`as_docs_page` of spec/mixpeek.yaml written to ``directory`` (for tools that read files)."""
    with MIXPEEK.open() as fh:
        main = yaml.safe_load(fh)
    path = directory / "mixpeek-docs-page.yaml"
    path.write_text(yaml.safe_dump(as_docs_page(main), sort_keys=False))
    return path
