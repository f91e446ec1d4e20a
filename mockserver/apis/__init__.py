"""API profiles: what is specific to each bundled API (its world, its stateful handlers)."""

from __future__ import annotations

from mockserver.apis.hosting.profile import HostingProfile
from mockserver.apis.mixpeek.profile import MixpeekProfile
from mockserver.runtime import ApiProfile

PROFILES: tuple[ApiProfile, ...] = (MixpeekProfile(), HostingProfile())

__all__ = ["PROFILES", "HostingProfile", "MixpeekProfile"]
