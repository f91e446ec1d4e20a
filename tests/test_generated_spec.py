"""A large generated spec (bench/gen_spec.py, 500 operations) served by the real mock.

Every operation, called as a client would (bearer token, path, query, headers and body drawn by
schemathesis from the document), answers the lowest 2xx the document lists with a body valid
against the documented schema; without a token it answers 401, and with ``Prefer: code=N`` each
documented error, both in the spec's own ``Error`` shape. Expected statuses and shapes are read from
the document as written and judged by the oracle (tests/oracle.py), never by the mock's own code.
No 5xx anywhere. This is the spec the cold-start bench starts, so its compile work is also
covered for correctness here (no timing assertions).
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.core import NOT_SET

from mockserver.app import create_app
from mockserver.config import Config
from mockserver.testing import run_server
from tests.oracle import Document

ROOT = Path(__file__).resolve().parent.parent
OPERATIONS = 500
TOKEN = {"Authorization": "Bearer tok_generated"}


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
def document(spec_path: Path) -> Document:
    """The generated document as written (the oracle's reading, not the mock's)."""
    return Document.at(spec_path)


@pytest.fixture(scope="module")
def client(spec_path: Path) -> Iterator[httpx.Client]:
    with (
        run_server(create_app(Config(specs=[str(spec_path)]))) as url,
        httpx.Client(base_url=url, timeout=30) as c,
    ):
        yield c


@pytest.fixture(scope="module")
def requests(document: Document) -> list[Request]:
    """One valid request per operation, drawn by schemathesis from the document as written (its
    own generator, not the mock's): path, query, headers and body, the same on every run."""
    schema = schemathesis.openapi.from_dict(document.raw)
    operations = [result.ok() for result in schema.get_all_operations()]
    drawn: list[Request] = []

    @settings(
        max_examples=1,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(st.data())
    def draw(data: st.DataObject) -> None:
        drawn.clear()
        for operation in operations:
            case = data.draw(operation.as_strategy(), label=operation.label)
            drawn.append(_request(document, case))

    draw()
    assert len(drawn) == OPERATIONS
    return drawn


@dataclass
class Request:
    method: str
    template: str
    path: str
    query: dict[str, Any]
    headers: dict[str, str]
    body: bytes | None

    @property
    def label(self) -> str:
        return f"{self.method} {self.template}"

    def send(self, client: httpx.Client, headers: dict[str, str]) -> httpx.Response:
        return client.request(
            self.method, self.path, params=self.query, headers={**self.headers, **headers}, content=self.body
        )


def _request(document: Document, case: Any) -> Request:
    method, template = case.method.upper(), case.operation.path
    path = template
    for name, value in (case.path_parameters or {}).items():
        path = path.replace("{" + name + "}", quote(str(value), safe=""))
    # the credentials are the test's to choose (a token, or none for the 401)
    drawn = (case.headers or {}).items()
    headers = {name: str(value) for name, value in drawn if name.lower() != "authorization"}
    body = None
    if case.body is not NOT_SET and case.body is not None:
        problems = document.errors(
            document.request_schema_pointer(template, method), case.body, reading=False
        )
        assert not problems, f"{method} {template}: schemathesis drew an invalid body: {problems[:3]}"
        body = json.dumps(case.body).encode()
        headers["Content-Type"] = "application/json"
    query = dict(case.query or {})
    return Request(method, template, path, query, headers, body)


def test_generator_is_deterministic_and_valid_openapi(spec_path: Path) -> None:
    from openapi_spec_validator import validate

    doc = gen_spec.generate_spec(OPERATIONS)
    assert doc == gen_spec.generate_spec(OPERATIONS)
    validate(doc)
    ops = [m for item in doc["paths"].values() for m in item]
    assert len(ops) == OPERATIONS
    assert {"get", "post", "put", "patch", "delete"} <= set(ops)
    assert len(gen_spec.generate_spec(7)["paths"]) == 3  # list+create, item x4, events: 7 operations


def test_every_operation_answers_its_documented_success(
    document: Document, client: httpx.Client, requests: list[Request]
) -> None:
    """The status a client expects is the document's lowest 2xx, the body what it promises."""
    failures: list[str] = []
    for request in requests:
        response = request.send(client, TOKEN)
        expected = document.success_status(request.template, request.method)
        if response.status_code != expected:
            failures.append(
                f"{request.label}: {response.status_code} (expected {expected}): {response.text[:200]}"
            )
            continue
        if document.schema_pointer(request.template, request.method, expected) is None:
            if response.content:
                failures.append(f"{request.label}: {expected} documents no content, got a body")
            continue
        assert response.headers["content-type"].startswith("application/json"), request.label
        for problem in document.response_errors(request.template, request.method, expected, response.json()):
            failures.append(f"{request.label} {expected}: {problem}")
    assert not failures, f"{len(failures)} problems:\n" + "\n".join(failures[:40])


def test_every_documented_error_in_the_declared_shape(
    document: Document, client: httpx.Client, requests: list[Request]
) -> None:
    failures: list[str] = []
    for request in requests:
        method, template = request.method, request.template
        unauthenticated = request.send(client, {})
        if unauthenticated.status_code != 401:
            failures.append(f"{request.label}: {unauthenticated.status_code} without a token, expected 401")
        else:
            for problem in document.response_errors(template, method, 401, unauthenticated.json()):
                failures.append(f"{request.label} 401: {problem}")
        errors = sorted(int(s) for s in document.statuses(template, method) if s.isdigit() and int(s) >= 400)
        for status in errors:
            response = request.send(client, {**TOKEN, "Prefer": f"code={status}"})
            if response.status_code != status:
                failures.append(f"{request.label}: Prefer code={status} answered {response.status_code}")
                continue
            for problem in document.response_errors(template, method, status, response.json()):
                failures.append(f"{request.label} {status}: {problem}")
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
