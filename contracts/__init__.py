"""Contract suites that hold a running server to its OpenAPI spec and name each drift's cause."""

from contracts.findings import KINDS, Evidence, Finding

__all__ = ["KINDS", "Evidence", "Finding"]
