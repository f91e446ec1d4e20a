"""Progress you can watch: plain lines when stderr is a log, one live line rewritten in place on a
terminal (a real ``contracts run`` subprocess; the terminal is a pseudo-terminal from :mod:`pty`)."""

from __future__ import annotations

import json
import os
import pty
import re
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest
from drift_servers import SPEC, make_app

from contracts.progress import PlainLines, Tick
from mockserver.testing import run_server

ROOT = Path(__file__).resolve().parent.parent
LINE = re.compile(r"\[(\d+)/(\d+)\] (\S+) .* \| (\d+) requests, (\d+) findings \| \d+:\d\d elapsed, ")


@pytest.fixture(scope="module")
def spec_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("spec") / "drift.json"
    path.write_text(json.dumps(SPEC))
    return path


def _command(spec_path: Path, url: str) -> list[str]:
    return [sys.executable, "-m", "contracts", "run", "--spec", str(spec_path), "--url", url]


def _args() -> list[str]:
    return ["--header", "Authorization: Bearer t", "--max-examples", "5", "--seed", "4"]


def test_a_log_gets_plain_progress_lines(spec_path: Path) -> None:
    with run_server(make_app("field-renamed")) as url:
        done = subprocess.run(
            [*_command(spec_path, url), *_args()], capture_output=True, text=True, timeout=300, cwd=ROOT
        )
    assert done.returncode == 1, done.stderr
    lines = [line for line in done.stderr.splitlines() if line.startswith("progress: ")]
    assert lines, done.stderr
    assert "\r" not in done.stderr and "\x1b" not in done.stderr  # nothing meant for a terminal
    matched = [LINE.search(line) for line in lines]
    assert all(matched), lines
    last = matched[-1]
    assert last is not None and last.group(1) == last.group(2)  # the last says all of it is done
    assert int(last.group(4)) > 0 and int(last.group(5)) >= 1  # requests sent, the rename found
    assert "field-renamed" in done.stdout  # the report stays on stdout


def test_a_terminal_gets_one_line_rewritten_in_place(spec_path: Path) -> None:
    with run_server(make_app(None)) as url:
        leader, follower = pty.openpty()
        process = subprocess.Popen(
            [*_command(spec_path, url), *_args()],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=follower,
            cwd=ROOT,
        )
        os.close(follower)
        seen = b""
        deadline = time.monotonic() + 300  # a bound on a hung child, not a timing assertion
        while time.monotonic() < deadline:
            if not select.select([leader], [], [], 1.0)[0]:
                continue
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # EIO: the terminal's other side closed
                break
            if not chunk:
                break
            seen += chunk
        process.wait(300)
        os.close(leader)
        assert process.stdout is not None
        out = process.stdout.read().decode()
        process.stdout.close()
    assert process.returncode == 0, out
    updates = [part for part in seen.decode(errors="replace").split("\r\x1b[K") if LINE.search(part)]
    assert len(updates) >= 3, seen[-2000:]  # the line is redrawn, not appended
    assert not any(update.endswith("\n") for update in updates)  # the live line has no newline of its own
    phases = {m.group(3) for u in updates if (m := LINE.search(u))}
    assert {"probes", "coverage"} <= phases, phases  # it follows the run through its phases
    assert "No drift found" in out


def test_plain_lines_come_at_most_every_few_seconds(tmp_path: Path) -> None:
    log = (tmp_path / "log").open("w+")
    plain = PlainLines(log, every=3600)
    for done in (1, 2, 3, 4):
        plain.watch(Tick("probes", "GET /x", done * 10, 0, done, 4, 0.0))
    log.seek(0)
    lines = log.read().splitlines()
    assert [line.split("]")[0] for line in lines] == ["progress: [1/4", "progress: [4/4"]  # first and last
