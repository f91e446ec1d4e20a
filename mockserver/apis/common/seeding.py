"""A world's first start on a store: seed it, resume it, or refuse another seed's world."""

from __future__ import annotations

from collections.abc import Callable

from mockserver.apis.common.worldkit import world_size
from mockserver.runtime import WorldMismatch, WorldOptions
from mockserver.store import Store

Seeder = Callable[[Store, int, int, int], None]  # (store, seed, world size, anchor): a fresh world


def anchor_for(options: WorldOptions, now: float) -> int:
    """A fresh world's "now": ``--anchor`` when given, else the mock clock's time (whole seconds)."""
    return int(now) if options.anchor is None else options.anchor


def open_world(api: str, store: Store, options: WorldOptions, seed: Seeder, now: float) -> None:
    """Seed an empty store; resume one that holds a world.

    A fresh world is anchored at ``now`` (the mock clock) or ``--anchor``; the anchor is stored, so
    a resumed world keeps its dates. On a shared database (``--state-url``) the stored world must be
    the one this process was asked for (same seed and world size): replicas of one team must serve
    one world, so another seed's world is refused with :class:`WorldMismatch`, or replaced when
    ``options.reseed``. A state file is held to the seed too (a ``--seed`` that silently did nothing
    would surprise), and to the world size when one is given.
    """
    size = world_size(options.world_size)
    with store.transaction():
        stored = store.get_meta("seed")
        if stored is None:
            seed(store, options.seed, size, anchor_for(options, now))
            return
        stored_size = store.get_meta("world_size")
        sized = options.state_url is not None or options.world_size is not None
        if stored == options.seed and (not sized or stored_size == size):
            return
        if not options.reseed:
            where = (
                "the --state-url database" if options.state_url else f"the state file {options.state_file}"
            )
            raise WorldMismatch(
                f"{where} holds the {api} world of --seed {stored} --world-size "
                f"{stored_size}, not --seed {options.seed} --world-size {size}: start with --seed "
                f"{stored} --world-size {stored_size} to resume it, or add --reseed (--reset-state) to "
                f"replace it with a fresh world of --seed {options.seed} (its clones and imports are lost)"
            )
        store.reset()
        seed(store, options.seed, size, anchor_for(options, now))
