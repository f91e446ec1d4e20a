"""The one root error of the OpenAPI core."""

from __future__ import annotations


class SpecError(Exception):
    """A spec that cannot be loaded; ``str()`` is a one-line message for a person."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason
