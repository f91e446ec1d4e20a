"""A world's first start on a store: seed it, resume it, or refuse another seed's world."""

from __future__ import annotations

from collections.abc import Callable

from mockserver.apis.common.worldkit import world_size
from mockserver.runtime import WorldMismatch, WorldOptions
from mockserver.store import Store

Seeder = Callable[[Store, int, int], None]  # (store, seed, world size): writes a fresh world


def open_world(api: str, store: Store, options: WorldOptions, seed: Seeder) -> None:
    """Seed an empty store; resume one that holds a world.

    On a shared database (``--state-url``) the stored world must be the one this process was asked
    for (same seed and world size): replicas of one team must serve one world, so another seed's
    world is refused with :class:`WorldMismatch`, or replaced when ``options.reseed``. A state file
    resumes whatever it holds (one developer's file, documented behaviour).
    """
    size = world_size(options.world_size)
    with store.transaction():
        stored = store.get_meta("seed")
        if stored is None:
            seed(store, options.seed, size)
            return
        stored_size = store.get_meta("world_size")
        if options.state_url is None or (stored, stored_size) == (options.seed, size):
            return
        if not options.reseed:
            raise WorldMismatch(
                f"the --state-url database holds the {api} world of --seed {stored} --world-size "
                f"{stored_size}, not --seed {options.seed} --world-size {size}: start with --seed "
                f"{stored} --world-size {stored_size} to resume it, or add --reseed to replace it "
                f"with a fresh world of --seed {options.seed} (its clones and imports are lost)"
            )
        store.reset()
        seed(store, options.seed, size)
