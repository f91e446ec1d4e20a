"""``--record DIR``: every exchange the proxy relays, written as one fixture file (``fixture.py``)."""

from __future__ import annotations

import itertools
import json
import logging
import re
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from mockserver.proxy.check import decoded
from mockserver.proxy.fixture import Fixture, encode_body, kept_headers, redacted_target
from mockserver.proxy.forward import UpstreamAnswer

log = logging.getLogger("mockserver.proxy")

DEFAULT_MAX_BODY = 1024 * 1024


class Recorder:
    def __init__(self, directory: str, redact: list[str], max_body: int = DEFAULT_MAX_BODY) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.redact = frozenset(name.lower() for name in redact) | frozenset(redact)
        self.max_body = max_body
        self._numbers = itertools.count(1)

    def save(
        self,
        operation: str,
        method: str,
        target: str,
        headers: Iterable[tuple[str, str]],
        request_body: bytes,
        answer: UpstreamAnswer,
        body: bytes,
    ) -> Path | None:
        """Write the exchange; returns the file (``None`` when it could not be written: logged)."""
        kept = [(n, v) for n, v in answer.headers if n != "content-length"]
        encoding = answer.response.headers.get("content-encoding", "")
        plain = decoded(body, encoding)
        if plain is not None and encoding:
            body = plain  # kept readable; replayed without the content coding, same bytes to the client
            kept = [(n, v) for n, v in kept if n != "content-encoding"]
        path, _, query = target.partition("?")
        now = datetime.now(UTC)
        fixture = Fixture(
            operation=operation,
            method=method,
            target=redacted_target(path, query, self.redact),
            request_headers=kept_headers(headers, self.redact),
            request_body=encode_body(request_body, self.redact, self.max_body),
            status=answer.status,
            headers=kept_headers(kept, self.redact),
            body=encode_body(body, self.redact, self.max_body),
            time=now.isoformat().replace("+00:00", "Z"),
        )
        slug = re.sub(r"[^A-Za-z0-9]+", "-", operation).strip("-").lower()[:80]
        name = f"{now:%Y%m%dT%H%M%S}-{next(self._numbers):06d}-{slug}.json"
        try:
            file = self.directory / name
            file.write_text(
                json.dumps(fixture.to_dict(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
            )
        except OSError as exc:
            log.error("proxy: cannot record to %s: %s", self.directory, exc.strerror)
            return None
        return file
