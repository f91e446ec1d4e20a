"""State around a run: ``--before``/``--after`` hooks, and a specmock target's own reset.

A hook is an HTTP call (``POST http://host/reset``: ``METHOD URL``) or else a shell command; the run
refuses to start when a ``--before`` hook fails (a non-2xx answer, a non-zero exit). A target that
is specmock (``GET /_mock/state`` answers its world) is reset to its seed before the run, so the same
seed gives the same findings whatever ran against it before.
"""

from __future__ import annotations

import re
import subprocess

import httpx

from contracts.options import Progress, SetupError

_HTTP = re.compile(r"(GET|POST|PUT|PATCH|DELETE)\s+(https?://\S+)", re.IGNORECASE)
TIMEOUT = 60.0


def run_hook(hook: str, flag: str) -> str:
    """Run ``hook``; one line saying what it did, or :class:`SetupError` saying why it failed."""
    call = _HTTP.fullmatch(hook.strip())
    if call is not None:
        try:
            answer = httpx.request(call.group(1).upper(), call.group(2), timeout=TIMEOUT)
        except httpx.HTTPError as exc:
            raise SetupError(f"{flag} {hook!r}: {exc or type(exc).__name__}") from None
        if not answer.is_success:
            raise SetupError(f"{flag} {hook!r}: answered {answer.status_code}")
        return f"{flag}: {hook} -> {answer.status_code}"
    try:
        done = subprocess.run(hook, shell=True, capture_output=True, text=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        raise SetupError(f"{flag} {hook!r}: still running after {TIMEOUT:g}s") from None
    if done.returncode != 0:
        last = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
        raise SetupError(f"{flag} {hook!r}: exit {done.returncode} ({last[0]})")
    return f"{flag}: {hook} -> exit 0"


def reset_specmock(url: str, say: Progress) -> bool:
    """Put a specmock target's worlds back to their seed; False (and nothing sent) for other servers."""
    origin = httpx.URL(url).copy_with(path="/", query=None)
    try:
        state = httpx.get(origin.join("/_mock/state"), timeout=10)
        body = state.json() if state.is_success else None
    except (httpx.HTTPError, ValueError):
        return False
    if not (isinstance(body, dict) and "apis" in body and "seed" in body):
        return False
    answer = httpx.post(origin.join("/_mock/reset"), timeout=30)
    if not answer.is_success:
        raise SetupError(f"specmock at {origin} refused POST /_mock/reset ({answer.status_code})")
    say(f"specmock target: worlds reset to seed {body['seed']} (POST /_mock/reset)")
    return True
