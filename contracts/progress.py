"""Progress you can watch: where a run is (phase, operation), what it has done (requests, findings,
share of the work) and how long is left, as a :class:`Tick`.

The engine keeps a :class:`Ticker` and reports to a :data:`Watch` whenever something moves; the CLI
shows the ticks: on a terminal as one line rewritten in place (:class:`LiveLine`, redrawn every half
second so the clock moves during a long phase), in a CI log as plain lines, one per
:data:`PLAIN_EVERY` seconds at most (:class:`PlainLines`).
"""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TextIO

PLAIN_EVERY = 10.0  # seconds between two plain progress lines
REDRAW_EVERY = 0.5  # seconds between two redraws of the live line


@dataclass(frozen=True, slots=True)
class Tick:
    phase: str  # "probes", "examples", "coverage", "fuzzing", "stateful"
    operation: str
    requests: int
    findings: int
    done: int  # units of work finished: one operation through one phase
    total: int  # units of work planned
    started: float  # time.monotonic() at the start of the run

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started

    @property
    def remaining(self) -> float | None:
        """Seconds left at the pace so far; ``None`` before the first unit is done."""
        if not self.done or self.total <= self.done:
            return None if not self.done else 0.0
        return self.elapsed * (self.total - self.done) / self.done

    def line(self) -> str:
        left = "estimating" if self.remaining is None else f"~{_clock(self.remaining)} left"
        where = f"{self.phase} {self.operation}".strip()
        return (
            f"[{self.done}/{self.total}] {where} | {self.requests} requests, {self.findings} findings | "
            f"{_clock(self.elapsed)} elapsed, {left}"
        )


Watch = Callable[[Tick], None]


def _clock(seconds: float) -> str:
    whole = int(seconds)
    return f"{whole // 60}:{whole % 60:02d}"


class Ticker:
    """The engine's side: what moved, passed on to ``watch``."""

    def __init__(self, total: int, watch: Watch | None) -> None:
        self._watch = watch
        self.tick = Tick("", "", 0, 0, 0, max(total, 1), time.monotonic())

    def at(self, phase: str, operation: str) -> None:
        self._moved(phase=phase, operation=operation)

    def count(self, *, requests: int, findings: int) -> None:
        self._moved(requests=requests, findings=findings)

    def finished(self, units: int = 1) -> None:
        self._moved(done=min(self.tick.done + units, self.tick.total))

    def _moved(self, **changes: object) -> None:
        self.tick = replace(self.tick, **changes)  # type: ignore[arg-type]
        if self._watch is not None:
            self._watch(self.tick)


class LiveLine:
    """One line on a terminal, rewritten in place (``\\r``, erase to the end); other output is
    printed above it with :meth:`say`."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._tick: Tick | None = None
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._redraw_until_stopped, daemon=True)
        self._thread.start()

    def watch(self, tick: Tick) -> None:
        with self._lock:
            self._tick = tick
            self._draw()

    def say(self, text: str) -> None:
        with self._lock:
            self._stream.write("\r\x1b[K" + text + "\n")
            self._draw()

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        with self._lock:
            if self._tick is not None:
                self._stream.write("\r\x1b[K")
                self._stream.flush()

    def _redraw_until_stopped(self) -> None:
        while not self._stop.wait(REDRAW_EVERY):
            with self._lock:
                self._draw()

    def _draw(self) -> None:
        if self._tick is None:
            return
        width = shutil.get_terminal_size((100, 20)).columns - 1
        self._stream.write("\r\x1b[K" + self._tick.line()[:width])
        self._stream.flush()


class PlainLines:
    """Progress for logs: a plain line when a unit of work finishes, at most one per ``every`` seconds."""

    def __init__(self, stream: TextIO, every: float = PLAIN_EVERY) -> None:
        self._stream = stream
        self._every = every
        self._last: float | None = None
        self._done = 0

    def watch(self, tick: Tick) -> None:
        now = time.monotonic()
        moved = tick.done != self._done
        self._done = tick.done
        if moved and (self._last is None or now - self._last >= self._every or tick.done == tick.total):
            self._last = now
            self._stream.write(f"progress: {tick.line()}\n")
            self._stream.flush()

    def say(self, text: str) -> None:
        self._stream.write(text + "\n")
        self._stream.flush()

    def close(self) -> None:
        pass
