"""Closed response schemas: defined in the OpenAPI core (``oascore.drift.closing``), shared with the
mock's proxy; re-exported so contracts modules keep importing them from here."""

from __future__ import annotations

from oascore.drift.closing import close_response_schemas

__all__ = ["close_response_schemas"]
