"""The dashboard under ``/_mock/ui``: plain static assets shipped in the package (no build step, no
CDN) that read the control plane's JSON; and the contract reports under ``--reports DIR``."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from mockserver.control.problems import json_response, problem_response

# Same origin only, no inline script: the journal shows what any client sent, so the page never
# lets text it displays run as code.
UI_POLICY = "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'"
# A contract report is one self-contained file with its own inline style and script, nothing else.
REPORT_POLICY = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:"
ENDPOINTS = {
    "GET /_mock/ui": "the dashboard: journal, world, coverage, clock, sessions, reports",
    "GET /_mock/reports": "contract reports (HTML, JSON) found under --reports DIR",
    "GET /_mock/reports/{name}": "one report",
}


def _page() -> bytes:
    return (resources.files("mockserver.control") / "ui" / "index.html").read_bytes()


async def _index(request: Request) -> Response:
    headers = {"Content-Security-Policy": UI_POLICY, "X-Content-Type-Options": "nosniff"}
    return Response(_page(), media_type="text/html; charset=utf-8", headers=headers)


def _reports(directory: Path | None) -> list[Path]:
    if directory is None or not directory.is_dir():
        return []
    found = [p for p in directory.iterdir() if p.is_file() and p.suffix in (".html", ".json", ".xml")]
    return sorted(found, key=lambda p: p.stat().st_mtime, reverse=True)


def dashboard_routes(reports: str | None) -> list[BaseRoute]:
    directory = Path(reports).resolve() if reports else None

    async def listing(request: Request) -> Response:
        items = [
            {"name": p.name, "bytes": p.stat().st_size, "modified": p.stat().st_mtime}
            for p in _reports(directory)
        ]
        return json_response({"directory": str(directory) if directory else None, "reports": items})

    async def one(request: Request) -> Response:
        name = request.path_params["name"]
        found = next((p for p in _reports(directory) if p.name == name), None)  # never a path from the URL
        if found is None:
            return problem_response(404, f"No report {name!r} under --reports")
        headers = {"Content-Security-Policy": REPORT_POLICY, "X-Content-Type-Options": "nosniff"}
        return FileResponse(found, headers=headers)

    return [
        Route("/ui", _index, methods=["GET"]),
        Route("/ui/", _index, methods=["GET"]),
        Mount("/ui/static", app=StaticFiles(packages=[("mockserver.control", "ui")]), name="ui"),
        Route("/reports", listing, methods=["GET"]),
        Route("/reports/{name}", one, methods=["GET"]),
    ]
