"""pytest entry: the same contract suites as ``contracts run``, one test per operation x family.

    pytest -p contracts.pytest_plugin --contracts-spec spec/mixpeek.yaml \\
           --contracts-url http://127.0.0.1:4010 \\
           --contracts-header 'Authorization: Bearer t' --contracts-only

Opt-in: ``-p contracts.pytest_plugin`` (or ``pytest_plugins`` in a root conftest). Without
``--contracts-spec`` it adds nothing but its options. The run happens once, when the first contract
test executes; each test then fails with the findings of its operation and family.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from contracts.engine import RunResult
    from contracts.findings import Finding


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("contracts", "specmock contract suites")
    group.addoption(
        "--contracts-spec", default=None, metavar="PATH", help="OpenAPI spec to hold the server to"
    )
    group.addoption("--contracts-url", default=None, metavar="URL", help="base URL of the server under test")
    group.addoption(
        "--contracts-header", action="append", default=[], metavar="'K: V'", help="send on every request"
    )
    group.addoption(
        "--contracts-param",
        action="append",
        default=[],
        metavar="LOCATION.NAME=VALUE",
        help="pin a parameter",
    )
    group.addoption(
        "--contracts-max-examples", type=int, default=25, help="schemathesis examples per operation"
    )
    group.addoption("--contracts-seed", type=int, default=None, help="seed of the run")
    group.addoption("--contracts-only", action="store_true", help="run only the contract tests")


class _Suite:
    """One contract run shared by every contract test of the session."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self._result: RunResult | None = None
        self._error: str | None = None

    def result(self) -> RunResult:
        if self._result is None and self._error is None:
            from contracts.engine import RunOptions, SetupError, run
            from contracts.options import parse_pairs

            option = self.config.getoption
            try:
                options = RunOptions(
                    headers=parse_pairs(option("contracts_header"), ":", "--contracts-header"),
                    params=parse_pairs(option("contracts_param"), "=", "--contracts-param"),
                    max_examples=option("contracts_max_examples"),
                    seed=option("contracts_seed"),
                )
                self._result = run(option("contracts_spec"), option("contracts_url") or "", options)
            except SetupError as exc:
                self._error = str(exc)
        if self._error is not None:
            pytest.fail(f"contracts: {self._error}", pytrace=False)
        assert self._result is not None
        return self._result


class ContractItem(pytest.Item):
    def __init__(self, *, suite: _Suite, operation: str, family: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.suite, self.operation, self.family = suite, operation, family

    def runtest(self) -> None:
        from contracts.report import family_of

        found = [
            f
            for f in self.suite.result().findings
            if f.operation == self.operation and family_of(f.kind) == self.family
        ]
        if found:
            raise ContractDrift(found)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, ContractDrift):
            return "\n".join(f"{f}\n  {f.evidence.curl or ''}" for f in excinfo.value.findings)
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[str, int | None, str]:
        return "contracts", None, f"{self.operation} [{self.family}]"


class ContractDrift(AssertionError):
    def __init__(self, findings: list[Finding]) -> None:
        super().__init__(f"{len(findings)} finding(s)")
        self.findings = findings


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """With ``--contracts-only`` nothing of the project is collected (its test modules are not even
    imported, so one that cannot be imported does not stop the contract run), from any directory."""
    if config.getoption("contracts_only") and config.getoption("contracts_spec"):
        return True
    return None


def pytest_collection_modifyitems(
    session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
) -> None:
    spec_path = config.getoption("contracts_spec")
    if not spec_path:
        return
    from contracts.report import FAMILIES
    from oascore import SpecError, load_spec

    try:
        operations = [op.label for op in load_spec(spec_path).operations]
    except SpecError as exc:
        raise pytest.UsageError(f"--contracts-spec: {exc}") from None
    if not config.getoption("contracts_url"):
        raise pytest.UsageError("--contracts-spec needs --contracts-url")
    suite = _Suite(config)
    contract_items: list[pytest.Item] = [
        ContractItem.from_parent(
            session, name=f"contracts[{label} {family}]", suite=suite, operation=label, family=family
        )
        for label in operations
        for family in FAMILIES
    ]
    if config.getoption("contracts_only"):
        items[:] = contract_items
    else:
        items.extend(contract_items)
