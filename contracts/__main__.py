"""``python -m contracts``: the same as the ``contracts`` command."""

from __future__ import annotations

import sys

from contracts.cli import main

if __name__ == "__main__":
    sys.exit(main())
