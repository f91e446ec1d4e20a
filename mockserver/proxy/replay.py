"""``--fixtures DIR``: recorded exchanges served again, offline.

A request whose operation, path, query and body match a recorded one (:func:`identity`) gets the
recorded status, headers and body, byte for byte. The rest go to the mock (the world or the
generator). At start-up every fixture is held to the spec being served: one that names an operation
the spec no longer has, whose answer the spec as written no longer allows, that cannot be read, or whose body
was cut, is reported (:attr:`Fixtures.rejected`) and never served.
"""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path

from mockserver.catalog import Catalog
from mockserver.config import Config
from mockserver.control.journal import Journal
from mockserver.proxy.check import SpecCheck
from mockserver.proxy.fixture import Fixture, decode_body, identity
from mockserver.proxy.handoff import ASGIApp, Receive, Scope, Send, hand_to, read_body
from mockserver.proxy.headers import SERVED_BY
from oascore.drift.exchange import Answer

log = logging.getLogger("mockserver.proxy")


class Fixtures:
    """The servable fixtures of a directory, by request identity; what was refused, and why."""

    def __init__(self, directory: str, check: SpecCheck) -> None:
        self.by_key: dict[str, Fixture] = {}
        self.rejected: list[str] = []  # "file: why", one line each
        root = Path(directory)
        if not root.is_dir():
            self.rejected.append(f"{directory}: not a directory")
            return
        for file in sorted(root.glob("*.json")):
            why = self._load(file, check)
            if why is not None:
                self.rejected.append(f"{file.name}: {why}")

    def _load(self, file: Path, check: SpecCheck) -> str | None:
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            return f"unreadable ({exc})"
        except ValueError as exc:
            return f"not JSON ({exc})"
        try:
            fixture = Fixture.from_dict(data, file.name)
        except ValueError as exc:
            return str(exc)
        if fixture.cut:
            return f"not served: {fixture.cut}"
        path, _, query = fixture.target.partition("?")
        located = check.locate(fixture.method, path, query)
        if located.label != fixture.operation:
            return f"{fixture.operation} is no longer an operation of the spec"
        headers = {n.lower(): v for n, v in fixture.headers.items()}
        request = decode_body(fixture.request_body)
        sent = check.sent(located, query, {"content-type": "application/json"}, request)
        answer = Answer(fixture.status, headers, decode_body(fixture.body))
        findings = check.drift(located, sent, answer, closed=False)
        if findings:
            return "no longer matches the spec: " + "; ".join(str(f) for f in findings)
        self.by_key[fixture.key()] = fixture
        return None


class FixtureEndpoint:
    """An ASGI app for the API's paths: a recorded answer when there is one, else the mock's."""

    def __init__(self, config: Config, catalog: Catalog, journal: Journal, fallback: ASGIApp) -> None:
        assert config.fixtures is not None
        self.config = config
        self.journal = journal
        self.fallback = fallback
        self.check = SpecCheck(catalog)
        self.fixtures = Fixtures(config.fixtures, self.check)
        for line in self.fixtures.rejected:
            log.warning("fixtures: %s", line)
        log.info(
            "fixtures: %d served from %s, %d refused",
            len(self.fixtures.by_key),
            config.fixtures,
            len(self.fixtures.rejected),
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        started = time.perf_counter()
        body, _ = await read_body(receive, self.config.max_body)
        method = scope["method"].upper()
        raw_path = scope.get("raw_path")
        path = raw_path.decode("latin-1").split("?", 1)[0] if raw_path else scope.get("path", "/")
        query = scope.get("query_string", b"").decode("latin-1")
        asked = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        located = self.check.locate(method, path, query, asked)
        target = f"{path}?{query}" if query else path
        fixture = self.fixtures.by_key.get(identity(located.label, target, body)) if located.label else None
        if fixture is None:
            await hand_to(self.fallback, scope, body, send, "mock (no fixture)")
            return
        payload = decode_body(fixture.body)
        headers = [(n.lower().encode("latin-1"), v.encode("latin-1")) for n, v in fixture.headers.items()]
        headers += [(b"content-length", str(len(payload)).encode()), (SERVED_BY.encode(), b"fixture")]
        await send({"type": "http.response.start", "status": fixture.status, "headers": headers})
        await send({"type": "http.response.body", "body": b"" if method == "HEAD" else payload})
        self.journal.record(
            time=time.time(),
            method=method,
            path=path,
            query=query,
            operation=located.label,
            status=fixture.status,
            latency_ms=round((time.perf_counter() - started) * 1000, 3),
            session=None,
            headers={k.decode("latin-1"): v.decode("latin-1") for k, v in scope.get("headers", [])},
            served_by=f"fixture {fixture.source}",
        )
