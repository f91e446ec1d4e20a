"""The finding kinds and ``Finding``: defined in the OpenAPI core (``oascore.findings``), shared with the
mock's proxy; re-exported here so contracts modules keep importing them from ``contracts.findings``."""

from __future__ import annotations

from oascore.findings import KINDS, Evidence, Finding, Severity

__all__ = ["KINDS", "Evidence", "Finding", "Severity"]
