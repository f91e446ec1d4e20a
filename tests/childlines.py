"""Lines a child process prints, read with a bounded wait: a child that goes silent fails the
test after ``timeout`` seconds instead of blocking it on a pipe read forever."""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from typing import IO


def read_lines(stream: IO[str], until: Callable[[str], bool], *, timeout: float) -> list[str]:
    """The lines of ``stream`` up to and including the first for which ``until`` holds, or all of
    them if the stream ends first; ``TimeoutError`` if neither happens within ``timeout`` seconds.
    A daemon thread keeps draining the stream afterwards (the child never blocks on a full pipe)."""
    lines: queue.Queue[str | None] = queue.Queue()

    def pump() -> None:
        for line in stream:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    deadline = time.monotonic() + timeout
    seen: list[str] = []
    while True:
        left = deadline - time.monotonic()
        try:
            line = lines.get(timeout=max(left, 0.001))
        except queue.Empty:
            raise TimeoutError(f"no matching line in {timeout} s; got: {''.join(seen)[-2000:]}") from None
        if line is None:
            return seen
        seen.append(line)
        if until(line):
            return seen
