"""One line per request on stdout, as Prism prints them: for people (text) or machines (JSON)."""

from __future__ import annotations

import sys
from typing import TextIO

import orjson


class RequestLog:
    def __init__(self, fmt: str, stream: TextIO | None = None) -> None:
        self.json = fmt == "json"
        self.stream = stream or sys.stdout

    def line(
        self,
        method: str,
        path: str,
        status: int,
        latency_ms: float,
        reason: str | None,
        operation: str | None,
        by_mock: bool,
    ) -> None:
        if self.json:
            record = {
                "method": method,
                "path": path,
                "status": status,
                "latency_ms": latency_ms,
                "operation": operation,
                "reason": reason,
                "by_mock": by_mock,
            }
            text = orjson.dumps(record).decode()
        else:
            why = f"  {'(mock) ' if by_mock else ''}{reason}" if reason else ""
            text = f"{method} {path} {status} {latency_ms:.1f} ms{why}"
        self.stream.write(text + "\n")
        self.stream.flush()
