"""The ``mockserver`` command as a real child process, for tests and benches that need one.

:class:`MockProcess` starts ``python -m mockserver ARGS --port 0`` in its own process group, reads
the port from the line ``mockserver listening on http://HOST:PORT`` it prints, and waits until
``GET /_mock/health`` answers (with ``--workers N`` the parent prints before its workers serve).
``kill()`` sends SIGKILL to the whole group (the parent and its uvicorn workers): what ``kill -9``
of the server would do, with nothing left running. Everything the server writes to stdout and
stderr is kept in :attr:`MockProcess.output`.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
LISTENING = re.compile(r"mockserver listening on (http://\S+)")


class MockProcess:
    """One ``mockserver`` process (group). Use as a context manager; it is killed on exit."""

    def __init__(self, *args: str, timeout: float = 60.0, env: dict[str, str] | None = None) -> None:
        self.args = list(args)
        self.timeout = timeout
        self.output: list[str] = []
        self.url = ""
        self.started_in = 0.0  # seconds from spawn to the first healthy answer
        started = time.perf_counter()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "mockserver", *self.args, "--port", "0"],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
            cwd=ROOT,
            env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
            start_new_session=True,  # its own process group: kill() reaches the workers too
        )
        self._found = threading.Event()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        try:
            self._wait_ready()
        except BaseException:
            self.kill()
            raise
        self.started_in = time.perf_counter() - started

    @property
    def pid(self) -> int:
        return self.proc.pid

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.output.append(line.rstrip("\n"))
            found = LISTENING.search(line)
            if found and not self.url:
                self.url = found.group(1)
                self._found.set()
        self._found.set()

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + self.timeout
        if not self._found.wait(self.timeout) or not self.url:
            raise RuntimeError("mockserver did not start:\n" + self.text())
        while True:
            try:
                if httpx.get(self.url + "/_mock/health", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"mockserver at {self.url} never became healthy:\n" + self.text())
            time.sleep(0.05)

    def text(self) -> str:
        return "\n".join(self.output)

    def worker_pids(self) -> list[int]:
        """The PIDs of this server's processes: the parent and (``--workers N``) its children."""
        pids = [self.pid]
        try:
            children = Path(f"/proc/{self.pid}/task/{self.pid}/children").read_text().split()
        except OSError:
            children = []
        return pids + [int(c) for c in children]

    def kill(self) -> None:
        """SIGKILL the whole process group (no shutdown code runs), then reap the parent."""
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(30)
        self._reader.join(5)

    def stop(self) -> None:
        """A graceful stop (SIGTERM to the group), SIGKILL after 15 s."""
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError, subprocess.TimeoutExpired):
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(15)
        self.kill()

    def __enter__(self) -> MockProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.kill()


def rss_kib(pids: Sequence[int]) -> int:
    """Resident memory (VmRSS, KiB) summed over ``pids``; processes that are gone count 0."""
    total = 0
    for pid in pids:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        found = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
        total += int(found.group(1)) if found else 0
    return total
