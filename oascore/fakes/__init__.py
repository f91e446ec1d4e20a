"""Seeded, schema-driven fake data: one generator for the mock's answers and the contract probes."""

from __future__ import annotations

from oascore.fakes.generator import FakeData, FakeDataError, stable_seed

__all__ = ["FakeData", "FakeDataError", "stable_seed"]
