"""Redaction is limited to credentials: the spec's apiKey names, Authorization and cookies are masked in
every report (JSON, JUnit, HTML) and cURL line; a body field merely named ``key`` is data and shown."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from contracts import cli
from contracts.curl import credential_names, curl_line
from mockserver.testing import run_server

SECRET, OTHER = "s3cret-api-key", "bearer-s3cret"
SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "settings", "version": "1"},
    "security": [{"key": []}],
    "paths": {
        "/settings": {
            "post": {
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["key", "value"],
                                "properties": {
                                    "key": {"type": "string", "enum": ["theme", "lang"]},
                                    "value": {"type": "integer", "minimum": 0, "maximum": 10},
                                },
                            }
                        }
                    },
                },
                "responses": {
                    "200": {
                        "description": "saved",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "properties": {"key": {"type": "string"}, "value": {"type": "integer"}},
                                }
                            }
                        },
                    },
                    "401": {"description": "no key"},
                    "422": {"description": "invalid"},
                },
            }
        }
    },
    "components": {"securitySchemes": {"key": {"type": "apiKey", "in": "header", "name": "X-Api-Key"}}},
}


async def settings(request: Request) -> Response:
    if request.headers.get("x-api-key") != SECRET:
        return JSONResponse({"detail": "no key"}, 401)
    try:
        body = json.loads(await request.body())
    except ValueError:
        return JSONResponse({"detail": "not JSON"}, 422)
    value = body.get("value") if isinstance(body, dict) else None
    valid = isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 100  # looser: 100
    if not valid or body.get("key") not in ("theme", "lang"):
        return JSONResponse({"detail": "invalid"}, 422)
    return JSONResponse({"key": body["key"], "value": value, "extra": True})  # extra: undocumented


@pytest.mark.parametrize("declared", [True, False], ids=["declared-scheme", "gateway-key-only-sent"])
def test_only_credentials_are_masked_in_every_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], declared: bool
) -> None:
    """With the key declared as an apiKey scheme, and with a key the spec does not declare (a
    gateway's) that the user sends with ``--header``: masked either way."""
    document = dict(SPEC)
    if not declared:
        document.pop("security")
        document.pop("components")
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps(document))
    reports = {kind: tmp_path / f"r.{kind}" for kind in ("json", "junit", "html")}
    app = Starlette(routes=[Route("/settings", settings, methods=["POST"])])
    with run_server(app) as url:
        args = ["run", "--spec", str(spec), "--url", url, "--header", f"X-Api-Key: {SECRET}"]
        args += ["--header", f"Authorization: Bearer {OTHER}", "--seed", "2", "--max-examples", "10"]
        for kind, path in reports.items():
            args += [f"--{kind}", str(path)]
        assert cli.main([*args, "--quiet"]) == 1
    out = capsys.readouterr().out
    findings = json.loads(reports["json"].read_text())["findings"]
    by_kind = {f["kind"]: f for f in findings}
    probe, schemathesis = by_kind["bound-looser"], by_kind["field-undocumented"]
    assert probe["evidence"]["note"] == "probe" and schemathesis["evidence"]["note"].startswith(
        "schemathesis"
    )
    for finding in (probe, schemathesis):
        curl = finding["evidence"]["curl"]
        assert "X-Api-Key: [Filtered]" in curl and "Authorization: [Filtered]" in curl, curl
        assert '"key":' in curl and '"key": "[Filtered]"' not in curl and '"key":"[Filtered]"' not in curl, (
            curl
        )
    for path in reports.values():
        text = path.read_text()
        assert SECRET not in text and OTHER not in text
        assert "key&quot;:&quot;[Filtered]" not in text and '"key":"[Filtered]"' not in text
    assert SECRET not in out


def test_a_curl_line_masks_credential_names_and_nothing_else() -> None:
    secrets = credential_names({"q": {"type": "apiKey", "in": "query", "name": "api_key"}})
    line = curl_line(
        "POST",
        "http://h/x?api_key=abc&key=shown",
        headers={"Cookie": "s=1", "X-Token-Hint": "shown-too"},
        body={"key": "k1", "token": "t1"},
        has_body=True,
        secrets=secrets,
    )
    assert "api_key=%5BFiltered%5D" in line or "api_key=[Filtered]" in line
    assert "key=shown" in line and "Cookie: [Filtered]" in line and "X-Token-Hint: shown-too" in line
    assert '"key":"k1"' in line and '"token":"t1"' in line and "abc" not in line


def test_headers_the_user_sends_are_credentials_when_their_names_say_so() -> None:
    names = credential_names({}, ["X-Gateway-Key", "X-Auth-Token", "X-Namespace", "Accept"])
    assert {"x-gateway-key", "x-auth-token", "authorization"} <= names
    assert "x-namespace" not in names and "accept" not in names
