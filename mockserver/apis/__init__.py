"""API profiles: what is specific to each bundled API (its world, its stateful handlers)."""

from __future__ import annotations

from mockserver.apis.hosting import HostingProfile
from mockserver.apis.mixpeek import MixpeekProfile
from mockserver.runtime import ApiProfile

PROFILES: tuple[ApiProfile, ...] = (MixpeekProfile(), HostingProfile())

__all__ = ["PROFILES", "HostingProfile", "MixpeekProfile"]
