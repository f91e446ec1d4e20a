"""The OpenAPI core shared by ``mockserver`` and ``contracts``.

Loading 3.0/3.1 documents (:mod:`oascore.load`), the 3.0 -> 3.1 schema upgrade
(:mod:`oascore.upgrade`), the operation model (:mod:`oascore.model`), schema compilation and
request validation (:mod:`oascore.validation`) and the seeded fake-data generator
(:mod:`oascore.fakes`). It imports neither tool.
"""

from __future__ import annotations

from oascore.errors import SpecError
from oascore.load import load_spec, parse_spec, spec_from_document
from oascore.model import (
    HTTP_METHODS,
    MediaType,
    Operation,
    Parameter,
    RequestBody,
    ResponseSpec,
    Spec,
    json_type,
)

__all__ = [
    "HTTP_METHODS",
    "MediaType",
    "Operation",
    "Parameter",
    "RequestBody",
    "ResponseSpec",
    "Spec",
    "SpecError",
    "json_type",
    "load_spec",
    "parse_spec",
    "spec_from_document",
]
