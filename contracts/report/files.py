"""Reading back a JSON file ``contracts`` wrote (a ``--json`` report, a baseline): one place that
turns an unreadable or non-JSON file into the caller's own error, worded for the user."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any


def read_json(path: str | os.PathLike[str], error: type[Exception], label: str) -> Any:
    """The JSON value in ``path``; ``error(f"{label}: ...")`` when it cannot be read or parsed."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise error(f"{label}: cannot read: {exc}") from None
    except json.JSONDecodeError as exc:
        raise error(f"{label}: not JSON: {exc}") from None
