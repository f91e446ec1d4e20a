"""The independent validator of generated values: the suite's oracle (:class:`tests.oracle.Document`:
openapi-schema-validator on the document as written, in its own dialect, formats checked, its
``$ref``s resolved by a ``referencing`` Registry holding the whole document).

Context-free (no read/write direction: a generated value may be an answer or a request), and with
the project's deliberate reading of ``nullable`` applied to its input (:func:`nullable_as_meant`).
Used where our generator's values and our validators are compared to it (the differential and
property tests); :mod:`tests.oracle` judges the mock's answers.
"""

from __future__ import annotations

import copy
from typing import Any

from oascore import Spec
from tests.oracle import Document


class Independent:
    """openapi-schema-validator on the document as written (:class:`tests.oracle.Document`, the
    suite's one oracle), with no read/write direction and ``nullable`` read as meant."""

    def __init__(self, spec: Spec) -> None:
        assert spec.raw is not None
        doc = nullable_as_meant(copy.deepcopy(spec.raw), typed=spec.version == "3.1")
        self.document = Document(doc)

    def validator(self, pointer: str) -> Any:
        """The validator (formats checked) of the schema at ``pointer`` in the document."""
        return self.document.validator(pointer, reading=None)

    def valid(self, pointer: str, value: Any) -> bool | None:
        """Whether the value is valid; ``None`` where the oracle cannot judge it: its discriminator
        code raises on a list where it expects a string, or a ``discriminator.mapping`` names a
        file the document does not hold (DigitalOcean's): such values are not compared."""
        try:
            error = next(self.validator(pointer).iter_errors(value), None)
        except TypeError:
            return None
        unresolvable = error is not None and "could not be resolved" in error.message
        if unresolvable and error.validator in ("anyOf", "oneOf"):
            return None
        return error is None


def nullable_as_meant(node: Any, *, typed: bool) -> Any:
    """The deliberate differences, applied to the oracle's input (both issue 11's):

    - ``nullable: true`` beside a composition with no ``type`` admits ``null`` (3.0.3 gives it no
      effect without a type; schemathesis reads it as "or null", and GitHub's description relies
      on it);
    - with ``typed`` (a 3.1 document that still writes 3.0's keyword), ``nullable: true`` beside a
      ``type`` admits ``null`` too (its own examples use it; JSON Schema 2020-12 ignores it).
    """
    if isinstance(node, list):
        for item in node:
            nullable_as_meant(item, typed=typed)
    elif isinstance(node, dict):
        for value in node.values():
            nullable_as_meant(value, typed=typed)
        if node.get("nullable") is True:
            kind = node.get("type")
            if typed and isinstance(kind, str):
                node["type"] = [kind, "null"]
            elif typed and isinstance(kind, list) and "null" not in kind:
                node["type"] = [*kind, "null"]
            elif kind is None and "$ref" not in node and any(k in node for k in ("oneOf", "anyOf", "allOf")):
                inner = {k: node.pop(k) for k in list(node) if k not in ("description", "title", "default")}
                node["anyOf"] = [inner, {"enum": [None]}]  # 3.0 (draft 4) has no type "null"
    return node
