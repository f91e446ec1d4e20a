"""A status asked for with ``Prefer: code=N`` that the world would not give.

The rule every stateful handler follows (``MockRequest.preferred_status``): when the world's
answer has the status asked for, that answer is returned, with whatever it changed; otherwise the
world changes nothing (as Prism, which has no world at all) and the answer is *rendered* for the
status asked for, from the request: its ids, names and paging, with timestamps and statuses that
agree. A status a profile has no rendering for is left to the generic responder (``None``).
"""

from __future__ import annotations

from collections.abc import Callable

from mockserver.runtime import MockRequest, MockResponse

Rendering = Callable[[int], MockResponse | None]


def honoured(request: MockRequest, answer: MockResponse | None, render: Rendering) -> MockResponse | None:
    """``answer`` (the world's, ``None`` when it was not computed because the request asked for
    another status) when no status was asked for or it has that status; else ``render(status)``."""
    wanted = request.preferred_status
    if wanted is None or (answer is not None and answer.status == wanted):
        return answer
    return render(wanted)
