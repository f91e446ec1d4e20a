"""Behaviours in front of the spec endpoint: ``--proxy`` (forward to a real API, hold the traffic to the
spec, ``--record`` it) and ``--fixtures`` (serve what was recorded)."""
