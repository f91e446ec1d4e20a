"""State around a run: --before/--after hooks (commands, HTTP calls), and a specmock target reset to
its seed before the run, so what ran against it before cannot change the findings."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from recording_server import NAMESPACE, SPEC, Seen, make_app
from test_contracts_e2e import HOSTING, _serve

from contracts import cli
from mockserver.testing import run_server

PINS = ["--param", f"header.X-Namespace={NAMESPACE}", "--param", f"path.ns_id={NAMESPACE}"]


@pytest.fixture
def recorded(tmp_path: Path) -> Iterator[tuple[str, str, list[Seen]]]:
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps(SPEC))
    log: list[Seen] = []
    with run_server(make_app(log)) as url:
        yield str(spec), url, log


def _args(spec: str, url: str, *extra: str) -> list[str]:
    return ["run", "--spec", spec, "--url", url, *PINS, "--max-examples", "2", "--seed", "1", *extra]


def test_before_and_after_commands_run_around_the_run(
    recorded: tuple[str, str, list[Seen]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec, url, log = recorded
    trail = tmp_path / "trail"
    code = cli.main(
        _args(
            spec, url, "--before", f"echo before >> {trail}", "--after", f"echo after-{len(log)} >> {trail}"
        )
    )
    assert code == 0, capsys.readouterr().out
    assert trail.read_text().split() == ["before", "after-0"]
    assert "--before: echo before" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("hook", "message"),
    [
        ("exit 3", "--before 'exit 3': exit 3"),
        ("POST {url}/ns/ns_live/things", "answered 404"),  # no X-Namespace: the hook's call is refused
    ],
)
def test_a_failing_before_hook_is_a_setup_error_and_nothing_is_sent(
    recorded: tuple[str, str, list[Seen]], hook: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    spec, url, log = recorded
    assert cli.main(_args(spec, url, "--before", hook.format(url=url))) == 2
    assert message in capsys.readouterr().err
    assert len(log) <= 1  # at most the hook's own call


def test_a_specmock_target_is_reset_to_its_seed_before_the_run(capsys: pytest.CaptureFixture[str]) -> None:
    for url in _serve(HOSTING):
        seeded = httpx.get(f"{url}/_mock/state", timeout=10).json()
        changed = json.loads(json.dumps(seeded))
        name, api = next(iter(changed["apis"].items()))
        key = "migrations"
        del api[key][0]  # what an earlier run might have left behind
        assert httpx.put(f"{url}/_mock/state", json=changed, timeout=10).is_success
        assert httpx.get(f"{url}/_mock/state", timeout=10).json() != seeded
        args = [
            "run",
            "--spec",
            str(HOSTING),
            "--url",
            url,
            "--read-only",
            "--header",
            "X-Api-Token: tok_user",
        ]
        cli.main([*args, "--phases", "examples", "--max-examples", "1", "--seed", "1", "--allow-untested"])
        assert "worlds reset to seed 1 (POST /_mock/reset)" in capsys.readouterr().err
        after = httpx.get(f"{url}/_mock/state", timeout=10).json()["apis"][name][key]
        # the row is back: the world is the seed's again (dates are relative to the reset's clock)
        assert [m["code"] for m in after] == [m["code"] for m in seeded["apis"][name][key]]
