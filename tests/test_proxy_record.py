"""``--record DIR`` then ``--fixtures DIR``: the same answers, byte for byte, with the upstream gone;
and json-server 0.17.4 (npm), a server nobody here wrote, held to a spec written for it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import httpx

from mockserver.app import MockApp
from mockserver.config import Config
from mockserver.testing import run_server
from tests.conftest import BEARER, DOCS_VARIANT, MIXPEEK
from tests.node_servers import json_server

LIST = "/v1/namespaces/migrations/list"
BODIES = [{"limit": 3}, {"limit": 2, "offset": 4}, {"status": "completed"}]


def test_record_then_replay_offline_answers_byte_for_byte(tmp_path: Path) -> None:
    recorded = tmp_path / "fixtures"
    with run_server(MockApp(Config(specs=[str(DOCS_VARIANT)], seed=9))) as upstream:
        config = Config(
            specs=[str(DOCS_VARIANT)], proxy=upstream, record=str(recorded), redact=["namespace_id"]
        )
        with run_server(MockApp(config)) as proxy:
            live = [httpx.post(proxy + LIST, json=body, headers=BEARER) for body in BODIES]
    files = sorted(recorded.glob("*.json"))
    assert len(files) == 3
    text = "".join(f.read_text() for f in files)
    assert "sk_test" not in text and "authorization" not in text.lower()  # no credential written
    first = json.loads(files[0].read_text())
    assert first["operation"] == "POST " + LIST and first["response"]["status"] == 200
    # upstream stopped: the fixtures answer, the rest falls back to the world
    with run_server(MockApp(Config(specs=[str(DOCS_VARIANT)], fixtures=str(recorded), seed=1))) as offline:
        for body, before in zip(BODIES, live, strict=True):
            again = httpx.post(offline + LIST, json=body, headers=BEARER)
            assert again.headers["x-specmock-served-by"] == "fixture"
            if "namespace_id" not in before.text:
                assert again.content == before.content
            assert again.status_code == before.status_code
        other = httpx.post(offline + LIST, json={"limit": 7}, headers=BEARER)
        assert other.status_code == 200 and other.headers["x-specmock-served-by"] == "mock (no fixture)"


def test_redacted_fields_and_fixtures_the_spec_no_longer_allows(tmp_path: Path) -> None:
    recorded = tmp_path / "fixtures"
    with run_server(MockApp(Config(specs=[str(DOCS_VARIANT)]))) as upstream:
        config = Config(
            specs=[str(DOCS_VARIANT)], proxy=upstream, record=str(recorded), redact=["namespace_id"]
        )
        with run_server(MockApp(config)) as proxy:
            httpx.post(proxy + LIST, json={"limit": 2}, headers=BEARER)
    fixture = json.loads(next(recorded.glob("*.json")).read_text())
    rows = fixture["response"]["body"]["json"]["migrations"]
    assert rows and all(row["namespace_id"] == "[redacted]" for row in rows)
    (recorded / "broken.json").write_text("{not json")
    # mixpeek.yaml calls the list `results`: the recorded `migrations` answers are refused, not served
    app = MockApp(Config(specs=[str(MIXPEEK)], fixtures=str(recorded)))
    rejected = app.front.fixtures.rejected  # type: ignore[union-attr]
    assert any("field-missing at response.body.results" in line for line in rejected)
    assert any(line.startswith("broken.json: not JSON") for line in rejected)
    with run_server(app) as offline:
        answer = httpx.post(offline + LIST, json={"limit": 2}, headers=BEARER)
        assert answer.headers["x-specmock-served-by"] == "mock (no fixture)" and "results" in answer.json()


JSON_SERVER_SPEC = {
    "openapi": "3.1.0",
    "info": {"title": "posts", "version": "1"},
    "paths": {
        "/posts": {
            "get": {
                "responses": {
                    "200": {
                        "description": "posts",
                        "content": {
                            "application/json": {
                                "schema": {"type": "array", "items": {"$ref": "#/components/schemas/Post"}}
                            }
                        },
                    }
                }
            }
        },
        "/posts/{id}": {
            "get": {
                "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}],
                "responses": {
                    "200": {
                        "description": "one",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Post"}}},
                    }
                },
            }
        },
    },
    "components": {
        "schemas": {
            "Post": {
                "type": "object",
                "required": ["id", "title"],
                "properties": {"id": {"type": "integer"}, "title": {"type": "string"}},
            }
        }
    },
}


def test_json_server_held_to_its_spec_then_replayed(tmp_path: Path) -> None:
    db = tmp_path / "db.json"
    db.write_text(json.dumps({"posts": [{"id": 1, "title": "a", "author": "x"}], "comments": []}))
    spec = tmp_path / "posts.json"
    spec.write_text(json.dumps(JSON_SERVER_SPEC))
    recorded = tmp_path / "fixtures"
    with json_server(db, tmp_path) as upstream:
        config = Config(specs=[str(spec)], proxy=upstream, record=str(recorded))
        with run_server(MockApp(config)) as proxy:
            one = httpx.get(proxy + "/posts/1")
            assert one.json() == {"id": 1, "title": "a", "author": "x"}
            assert httpx.get(proxy + "/posts/99").status_code == 404  # json-server's, undocumented here
            assert httpx.get(proxy + "/comments").status_code == 200  # not in the spec: forwarded
            report = httpx.get(proxy + "/_mock/findings").json()
    found = {(f["operation"], f["kind"], f["location"]) for f in report["findings"]}
    assert found == {
        ("GET /posts/{id}", "field-undocumented", "response.body.author"),
        ("GET /posts/{id}", "status-undocumented", "response.status"),
    }
    assert report["undocumented_operations"] == [{"operation": "GET /comments", "count": 1}]
    shutil.copy(db, tmp_path / "after.json")
    # json-server is gone: the recorded 200 replays (the fixture with an undocumented 404 is refused)
    app = MockApp(Config(specs=[str(spec)], fixtures=str(recorded)))
    assert any("status-undocumented" in line for line in app.front.fixtures.rejected)  # type: ignore[union-attr]
    with run_server(app) as offline:
        again = httpx.get(offline + "/posts/1")
        assert again.content == one.content and again.headers["x-specmock-served-by"] == "fixture"
