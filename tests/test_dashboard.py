"""The dashboard at /_mock/ui: its assets and data in process, then in a real browser (Debian's
chromium driven by Playwright): a request appears in the journal with why it was refused, a clone
turns ready after a clock advance."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright
from starlette.testclient import TestClient

from mockserver.app import create_app
from mockserver.config import Config
from mockserver.control.journal import KEPT_BODY_BYTES
from mockserver.testing import run_server
from tests.conftest import BEARER

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LIST = "/v1/namespaces/migrations/list"


def _local(config: Config | None = None) -> TestClient:
    # base_url: the control plane answers loopback Host names only (control/crosssite.py)
    return TestClient(
        create_app(config or Config()), base_url="http://127.0.0.1", client=("127.0.0.1", 50000)
    )


def test_the_page_and_its_assets_ship_in_the_package_same_origin_only() -> None:
    client = _local()
    page = client.get("/_mock/ui")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert (
        "access-control-allow-origin" not in client.get("/_mock/ui", headers={"Origin": "http://x"}).headers
    )
    for asset in ("dashboard.js", "dashboard.css"):
        assert client.get(f"/_mock/ui/static/{asset}").status_code == 200
    assert "GET /_mock/ui" in client.get("/_mock").json()["endpoints"]
    assert client.get("/").json()["dashboard"] == "/_mock/ui"
    remote = TestClient(create_app(Config()), base_url="http://127.0.0.1", client=("10.0.0.9", 50000))
    assert remote.get("/_mock/ui").status_code == 403


def test_journal_entries_say_why_and_keep_bodies_redacted() -> None:
    client = _local()
    refused = client.post(LIST, headers=BEARER, json={"limit": 100000, "password": "hunter2"})
    assert refused.status_code == 422
    entry = client.get("/_mock/journal", params={"limit": 1}).json()["entries"][0]
    assert "limit" in entry["reason"]
    detail = client.get(f"/_mock/journal/{entry['id']}").json()
    assert detail["headers"]["authorization"] == "[redacted]"
    assert '"password": "[redacted]"' in detail["bodies"]["request"]
    assert "hunter2" not in detail["bodies"]["request"]
    assert "limit" in detail["bodies"]["response"]
    assert client.get("/_mock/journal/999999").status_code == 404


def test_a_body_larger_than_the_journal_keeps_is_a_note_of_its_size() -> None:
    """The journal's memory is bounded whatever --max-body allows: a body over what it keeps (and
    over what it would show) is replaced by a note of its size; a small one is kept whole."""
    client = _local()
    big = {"limit": 10, "padding": "x" * (KEPT_BODY_BYTES + 1)}
    answer = client.post(LIST, headers=BEARER, json=big)
    entry = client.get("/_mock/journal", params={"limit": 1}).json()["entries"][0]
    shown = client.get(f"/_mock/journal/{entry['id']}").json()["bodies"]
    assert shown["request"].startswith("[a body of ") and "not kept" in shown["request"]
    assert "x" * 100 not in shown["request"]
    assert len(answer.content) < KEPT_BODY_BYTES and shown["response"].lstrip().startswith("{")


def test_reports_under_the_reports_directory_are_listed_and_served(tmp_path: Path) -> None:
    (tmp_path / "run.html").write_text("<!doctype html><title>r</title>")
    (tmp_path / "notes.txt").write_text("not a report")
    client = _local(Config(reports=str(tmp_path)))
    listed = client.get("/_mock/reports").json()
    assert [r["name"] for r in listed["reports"]] == ["run.html"]
    served = client.get("/_mock/reports/run.html")
    assert served.status_code == 200 and "<title>r</title>" in served.text
    assert client.get("/_mock/reports/notes.txt").status_code == 404
    assert client.get("/_mock/reports/..%2Fsecret.html").status_code == 404


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert Path(CHROMIUM).exists(), "chromium missing: run .ci/install.d/40-chromium.sh"
    with sync_playwright() as pw:
        launched = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture()
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    yield context.new_page()
    context.close()


def test_the_dashboard_in_a_browser(page: Page, tmp_path: Path) -> None:
    with run_server(create_app(Config(seed=0, clone_seconds=3))) as url:
        page.goto(f"{url}/_mock/ui")
        expect(page.locator("#specs")).to_contain_text("Mixpeek API")

        # a request through the mock appears in the journal, with why it was refused
        httpx.post(url + LIST, headers=BEARER, json={"limit": 3})
        httpx.post(url + LIST, headers={"Authorization": "Bearer foo"}, json={})
        httpx.post(url + LIST, headers=BEARER, json={"limit": 100000})
        expect(page.locator("#journal tbody tr", has_text="401").first).to_contain_text("sk_")
        row = page.locator("#journal tbody tr", has_text=LIST).first
        expect(row).to_contain_text("422")
        expect(row).to_contain_text("limit")
        row.click()
        expect(page.locator("#entry")).to_contain_text("[redacted]")
        expect(page.locator("#entry #response-body")).to_contain_text("limit")
        page.screenshot(path=str(tmp_path / "journal.png"))

        # clone a namespace from the world view; it turns ready once the mock's clock moves on
        page.get_by_role("button", name="World").click()
        source = page.locator("#world tbody tr[data-namespace]").first
        expect(source.get_by_role("button", name="Clone")).to_be_visible()
        page.once("dialog", lambda dialog: dialog.accept("browser_copy"))
        source.get_by_role("button", name="Clone").click()
        clone = page.locator("#world tbody tr", has_text="browser_copy")
        expect(clone).to_contain_text("cloning")
        expect(clone).to_contain_text("ready in")
        page.fill("#advance-seconds", "5")
        page.get_by_role("button", name="Advance clock").click()
        expect(clone).to_contain_text("ready")
        expect(clone).not_to_contain_text("cloning")
        page.screenshot(path=str(tmp_path / "world.png"))

        # the clone request went through the mock too: the journal shows it
        page.get_by_role("button", name="Journal").click()
        expect(page.locator("#journal tbody tr", has_text="/clone").first).to_contain_text("200")
        page.get_by_role("button", name="Coverage").click()
        expect(page.locator("#coverage tbody")).to_contain_text("422 \u00d71")
    assert (tmp_path / "journal.png").stat().st_size > 10_000  # docs/dashboard.png is one of these


def test_a_path_no_route_pattern_matches_is_still_the_apis() -> None:
    """Starlette's patterns stop at a newline: such a path must reach the API, not the control plane."""
    response = _local().post("/v1/namespaces/A%0A/clone", headers=BEARER, json={"namespace_name": "x"})
    assert response.status_code == 404 and response.json()["error"]["type"] == "NotFoundError"
