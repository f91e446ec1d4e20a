"""The behaviour the configuration puts in front of the spec endpoint, if any."""

from __future__ import annotations

from mockserver.catalog import Catalog
from mockserver.config import Config
from mockserver.control.journal import Journal
from mockserver.proxy.endpoint import ProxyEndpoint
from mockserver.proxy.handoff import ASGIApp
from mockserver.proxy.replay import FixtureEndpoint


def front_behaviour(config: Config, catalog: Catalog, journal: Journal, endpoint: ASGIApp) -> ASGIApp | None:
    """``--proxy``: :class:`ProxyEndpoint`; ``--fixtures``: :class:`FixtureEndpoint`; else ``None``.
    ``endpoint`` is the mock's own answer, which both fall back to."""
    if config.proxy is not None:
        return ProxyEndpoint(config, catalog, journal, endpoint)
    if config.fixtures is not None:
        return FixtureEndpoint(config, catalog, journal, endpoint)
    return None
