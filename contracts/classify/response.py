"""Response bodies that break their (closed) schema, as findings: defined in the OpenAPI core
(``oascore.drift.response``), shared with the mock's proxy; re-exported so contracts modules keep
importing them from here."""

from __future__ import annotations

from oascore.drift.response import response_drift

__all__ = ["response_drift"]
