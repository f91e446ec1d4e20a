"""A large generated spec (bench/gen_spec.py, 500 operations) served by the real mock.

Every operation, called as a client would (bearer token, valid path parameters and bodies),
answers its documented success status with a body valid against the documented schema; without a
token it answers 401, and with ``Prefer: code=N`` each documented error, both in the spec's own
``Error`` shape. No 5xx anywhere. This is the spec the cold-start bench starts, so its compile work
is also covered for correctness here (no timing assertions).
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import pytest

from mockserver.app import create_app
from mockserver.config import Config
from mockserver.pipeline.responder import default_status
from mockserver.testing import run_server
from oascore import Operation, Spec, load_spec
from oascore.fakes.generator import FakeData, stable_seed

ROOT = Path(__file__).resolve().parent.parent
OPERATIONS = 500
TOKEN = {"Authorization": "Bearer tok_generated"}
FORMATS = jsonschema.Draft202012Validator.FORMAT_CHECKER


def _gen_spec_module() -> Any:
    loader = importlib.util.spec_from_file_location("gen_spec", ROOT / "bench" / "gen_spec.py")
    assert loader is not None and loader.loader is not None
    module = importlib.util.module_from_spec(loader)
    loader.loader.exec_module(module)
    return module


gen_spec = _gen_spec_module()


@pytest.fixture(scope="module")
def spec_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("generated") / "api.yaml"
    gen_spec.dump(gen_spec.generate_spec(OPERATIONS), path)
    return path


@pytest.fixture(scope="module")
def spec(spec_path: Path) -> Spec:
    return load_spec(spec_path)


@pytest.fixture(scope="module")
def client(spec_path: Path) -> Iterator[httpx.Client]:
    with (
        run_server(create_app(Config(specs=[str(spec_path)]))) as url,
        httpx.Client(base_url=url, timeout=30) as c,
    ):
        yield c


def _problems(spec: Spec, schema: dict[str, Any] | None, body: Any) -> list[str]:
    if schema is None:
        return []
    checker = jsonschema.Draft202012Validator(spec.rooted(schema), format_checker=FORMATS)
    return [
        f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}" for e in checker.iter_errors(body)
    ]


def _schema_for(op: Operation, status: int) -> dict[str, Any] | None:
    response = op.response_for(status)
    assert response is not None, f"{op.label}: {status} is not documented"
    media = response.content.get("application/json")
    return None if media is None else media.schema


def _request(spec: Spec, fakes: FakeData, op: Operation) -> dict[str, Any]:
    """A valid request for ``op``: uuid path parameters, a page size, a generated JSON body."""
    path = op.path
    for param in op.parameters:
        if param.location == "path":
            path = path.replace("{" + param.name + "}", "0b4f7d3e-8a51-4c2e-9f61-2d7c5a9e0b13")
    kwargs: dict[str, Any] = {"method": op.method, "url": path}
    if any(p.name == "limit" and p.location == "query" for p in op.parameters):
        kwargs["params"] = {"limit": 20}
    if op.body is not None:
        schema = op.body.content["application/json"].schema
        assert schema is not None
        body = fakes.generate(schema, stable_seed("request", op.operation_id))
        assert not _problems(spec, schema, body), f"{op.label}: the test made an invalid body"
        kwargs["content"] = json.dumps(body)
        kwargs["headers"] = {"Content-Type": "application/json"}
    return kwargs


def test_generator_is_deterministic_and_valid_openapi(spec_path: Path) -> None:
    from openapi_spec_validator import validate

    doc = gen_spec.generate_spec(OPERATIONS)
    assert doc == gen_spec.generate_spec(OPERATIONS)
    validate(doc)
    ops = [m for item in doc["paths"].values() for m in item]
    assert len(ops) == OPERATIONS
    assert {"get", "post", "put", "patch", "delete"} <= set(ops)
    assert len(gen_spec.generate_spec(7)["paths"]) == 3  # list+create, item x4, events: 7 operations


def test_every_operation_answers_its_documented_success(spec: Spec, client: httpx.Client) -> None:
    assert len(spec.operations) == OPERATIONS
    fakes = FakeData(spec)
    failures: list[str] = []
    for op in spec.operations:
        request = _request(spec, fakes, op)
        response = client.request(**{**request, "headers": {**request.get("headers", {}), **TOKEN}})
        expected = default_status(op)
        if response.status_code != expected:
            failures.append(
                f"{op.label}: {response.status_code} (expected {expected}): {response.text[:200]}"
            )
            continue
        if expected == 204:
            if response.content:
                failures.append(f"{op.label}: 204 with a body")
            continue
        assert response.headers["content-type"].startswith("application/json"), op.label
        for problem in _problems(spec, _schema_for(op, expected), response.json()):
            failures.append(f"{op.label} {expected}: {problem}")
    assert not failures, f"{len(failures)} problems:\n" + "\n".join(failures[:40])


def test_every_documented_error_in_the_declared_shape(spec: Spec, client: httpx.Client) -> None:
    fakes = FakeData(spec)
    failures: list[str] = []
    for op in spec.operations:
        request = _request(spec, fakes, op)
        unauthenticated = client.request(**request)
        if unauthenticated.status_code != 401:
            failures.append(f"{op.label}: {unauthenticated.status_code} without a token, expected 401")
        else:
            for problem in _problems(spec, _schema_for(op, 401), unauthenticated.json()):
                failures.append(f"{op.label} 401: {problem}")
        for status in (s for s in op.documented_statuses() if s >= 400):
            headers = {**request.get("headers", {}), **TOKEN, "Prefer": f"code={status}"}
            response = client.request(**{**request, "headers": headers})
            if response.status_code != status:
                failures.append(f"{op.label}: Prefer code={status} answered {response.status_code}")
                continue
            for problem in _problems(spec, _schema_for(op, status), response.json()):
                failures.append(f"{op.label} {status}: {problem}")
    assert not failures, f"{len(failures)} problems:\n" + "\n".join(failures[:40])


def test_word_pools_are_the_stored_ones_whatever_faker_is_installed() -> None:
    """Same seed, same bytes on every install: the word pools are always the lists stored in
    oascore.fakes.words (drawn once from Faker ``FAKER_VERSION``), never a fresh draw from the
    installed Faker, whose other versions draw other words."""
    from oascore.fakes import words
    from oascore.fakes.text import POOL_NAMES, Pools

    stored = words.POOLS["en_US"]
    pools = Pools("en_US")
    assert {name: getattr(pools, name) for name in POOL_NAMES} == stored
    for name, values in stored.items():
        assert len(values) > 50 and len(set(values)) == len(values), name
    # the module is exactly what its generator writes for these lists (nobody edited it by hand)
    source = Path(words.__file__).read_text(encoding="utf-8")
    assert words.render(words.FAKER_VERSION, words.POOLS) == source
    with pytest.raises(ValueError, match=r"python -m oascore.fakes.words xx_XX"):
        Pools("xx_XX")


def test_serving_fake_data_never_imports_faker() -> None:
    code = (
        "import sys\n"
        "from oascore import load_spec\n"
        "from oascore.fakes.generator import FakeData\n"
        "fakes = FakeData(load_spec('spec/mixpeek.yaml'))\n"
        "names = ('first_name', 'description', 'company', 'city', 'country')\n"
        "schema = {'type': 'object', 'properties': {n: {'type': 'string'} for n in names}}\n"
        "print(fakes.generate(schema, 7))\n"
        "assert 'faker' not in sys.modules, 'faker imported'\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
