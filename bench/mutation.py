"""Mutation testing (mutmut) of the modules a request or a finding goes through: how many changed
programs does the suite notice?

    python3 bench/mutation.py                 # every module below, one after the other
    python3 bench/mutation.py routing filters # some of them
    python3 bench/mutation.py routing --mutants 'mockserver.pipeline.routing.x_segments*'  # some
    python3 bench/mutation.py validation --sample 3   # every 3rd mutant by name: a fixed sample
    python3 bench/mutation.py --report        # the table again from the last runs, nothing re-run
    python3 bench/mutation.py --survivors routing   # each surviving mutant's diff

Not in CI: a full pass takes tens of minutes. Each module runs in a scratch copy of the project
(``bench/.cache/mutation/<module>/``, where mutmut writes its ``mutants/``), with the FOCUSED test
selection below (the in-process unit tests that exercise the module, no server subprocesses), one
worker (``--children``), under ``nice``. The table counts a timeout as a kill (the mutant made the
tests hang) and a mutant no selected test reaches as a survivor; the second score leaves out the
mutants judged equivalent (``EQUIVALENT``, reasons in ``bench/MUTATION.md``); the third leaves the
timeouts out too (undecided: on a loaded machine a sound mutant can run past mutmut's wall clock).

Needs ``pip install -e '.[mutation]'``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "bench" / ".cache" / "mutation"
PACKAGES = ("oascore", "mockserver", "contracts")


@dataclass(frozen=True)
class Target:
    sources: tuple[str, ...]  # files mutated
    tests: tuple[str, ...]  # the focused selection (pytest node ids or files)


TARGETS: dict[str, Target] = {
    "routing": Target(("mockserver/pipeline/routing.py",), ("tests/test_routing.py",)),
    "security": Target(
        ("mockserver/pipeline/security.py",),
        (
            "tests/test_security.py",
            "tests/test_app.py::test_missing_bearer_is_401_in_error_response_shape",
            "tests/test_app.py::test_malformed_bearer_is_401",
            "tests/test_generic.py::test_problem_json_when_the_spec_declares_no_error",
        ),
    ),
    "validation": Target(
        ("oascore/validation.py", "oascore/discriminator.py"),
        ("tests/test_validation.py", "tests/test_param_styles.py", "tests/test_spec_deviations.py"),
    ),
    "coerce": Target(("oascore/coerce.py",), ("tests/test_param_styles.py", "tests/test_validation.py")),
    "classify": Target(
        (
            "contracts/classify/classifier.py",
            "contracts/classify/checks.py",
            "contracts/classify/request.py",
            "contracts/fold.py",
        ),
        (
            "tests/test_contracts_classifier.py",
            "tests/test_contracts_classify.py",
            "tests/test_contracts_fold.py",
        ),
    ),
    "filters": Target(
        ("mockserver/apis/mixpeek/filters.py",),
        (
            "tests/test_world_filters.py",
            # the filter tests through the world (not its clone tests: their readiness is timed)
            *(
                f"tests/test_world_collections.py::{name}"
                for name in (
                    "test_random_filters_sort_search_and_paging",
                    "test_nested_path_matches_any_array_element",
                    "test_case_sensitivity_applies_to_filters_and_search",
                    "test_malformed_filters_are_422_naming_the_place",
                    "test_nested_groups_are_understood",
                    "test_scalar_in_is_a_one_element_list_and_unknown_fields_match_nothing",
                )
            ),
        ),
    ),
}

# Mutants that change no behaviour any caller can see, by mutmut's name; why, in bench/MUTATION.md.
_R = "mockserver.pipeline.routing."
_S = "mockserver.pipeline.security."
_NAMES_TAIL = (
    "changes only names after the path's own (a fragment's); zip() with the path's values drops them"
)
EQUIVALENT: dict[str, str] = {
    _R + "x__names__mutmut_3": _NAMES_TAIL + " (templates hold no whitespace)",
    _R + "x__names__mutmut_6": "split('#') without maxsplit: element [0] is the same",
    _R + "x__names__mutmut_7": _NAMES_TAIL,
    _R + "x__names__mutmut_8": _NAMES_TAIL,
    _R + "x__names__mutmut_9": "maxsplit 2 instead of 1: element [0] is the same",
    _R + "xǁRouterǁ_node_for__mutmut_23": "the mixed-shape key is spelled 'XX{}XX' everywhere: the same dict",
    _R + "xǁRouterǁ_params__mutmut_4": "strict=None is falsy like False",
    _R + "xǁRouterǁ_params__mutmut_7": "strict omitted is False",
    _R + "xǁRouterǁ_params__mutmut_8": "strict=True: a node's names and values always have one length",
    _R + "x__common_prefix__mutmut_2": "starting at 1: every template and request path starts with '/'",
    _R + "xǁRouterǁowner_by_prefix__mutmut_6": "split('{') without maxsplit: element [0] is the same",
    _R + "xǁRouterǁowner_by_prefix__mutmut_9": "maxsplit 2 instead of 1: element [0] is the same",
    _R + "xǁRouterǁmatch__mutmut_1": "default query string 'XXXX': only a condition on a key 'XXXX' sees it",
    "mockserver.apis.mixpeek.filters.x__test__mutmut_76": (
        "the fallback predicate serves ne/nin/exists, whose conditions never call it"
    ),
    _R + "xǁRouterǁmatch__mutmut_26": "a node without conditions never reads the query (None or {})",
    "oascore.validation.xǁRequestValidatorǁdecoded_body__mutmut_12": "bytes.decode() defaults to UTF-8",
    "oascore.validation.xǁRequestValidatorǁdecoded_body__mutmut_15": "'UTF-8' and 'utf-8' are one codec",
    **{
        f"oascore.validation.x__describe__mutmut_{n}": "TYPE_WORDS names every JSON Schema type and a type "
        "error always names one: the fallback is never read"
        for n in (88, 90, 93, 96)
    },
    "contracts.classify.classifier.xǁClassifierǁ_schema__mutmut_35": (
        "a missing status looked up as 1 instead of 0: neither is a documented code"
    ),
    "oascore.validation.x__by_discriminator__mutmut_52": (
        "a mapping to a non-string disables the rewrite whichever key holds the None"
    ),
    _S + "x__check_for__mutmut_5": "a scheme without a type is unknown whatever the default ('' or None)",
    _S + "x__check_for__mutmut_7": "a scheme without a type is unknown whatever the default ('' or omitted)",
    _S + "x__check_for__mutmut_10": "a scheme without a type is unknown whatever the default ('' or 'XXXX')",
    _S + "x__verify__mutmut_29": "no Authorization header: None instead of '', both refused as missing",
    _S + "x__verify__mutmut_83": "split(':') without maxsplit: the user name [0] is the same",
    _S + "x__verify__mutmut_86": "maxsplit 2 instead of 1: the user name [0] is the same",
    _S + "xǁSecurityǁauthenticate__mutmut_48": (
        "no tokens means a requirement without checks: the operation is open and returned earlier"
    ),
    _S + "xǁSecurityǁauthenticate__mutmut_72": (
        "no fields means no requirement was tried: the operation is open and returned earlier"
    ),
    **{
        _S + f"x__check_for__mutmut_{n}": "an http scheme without `scheme` is bearer whatever the default"
        for n in (18, 20, 23)
    },
    **{
        _S + f"x__check_for__mutmut_{n}": "an http/oauth2 check's location is never read (only API keys')"
        for n in (26, 42, 78, 86)
    },
}

KILLED = {1, 3}  # a test failed (3: pytest's internal error, still a failure)
TIMEOUT = {36, -24, 24, 152, 255}
SURVIVED = {0}
NO_TESTS = {5, 33}


def _existing_tests(target: Target) -> list[str]:
    return [t for t in target.tests if (ROOT / t.split("::", 1)[0]).exists()]


def _prepare(name: str, target: Target, fresh: bool) -> Path:
    """A scratch copy of the project for one module, with its [tool.mutmut] configuration."""
    work = CACHE / name
    if fresh and work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True, exist_ok=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".pytest_cache")
    for package in (*PACKAGES, "spec", "tests"):
        shutil.copytree(ROOT / package, work / package, ignore=ignore, dirs_exist_ok=True)
    # mockserver.bundled is spec/ (pyproject's package-dir); laid out as a package so the mutated
    # copy imports it from mutants/ and never from the installed project.
    shutil.copytree(ROOT / "spec", work / "mockserver" / "bundled", ignore=ignore, dirs_exist_ok=True)
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    pyproject = re.sub(r"(?ms)^\[tool\.mutmut\].*?(?=^\[|\Z)", "", pyproject)
    tests = _existing_tests(target)
    config = "\n".join(
        [
            "[tool.mutmut]",
            f"source_paths = {json.dumps(list(PACKAGES))}",
            f"only_mutate = {json.dumps(list(target.sources))}",
            f"pytest_add_cli_args_test_selection = {json.dumps(tests)}",
            'pytest_add_cli_args = ["-p", "no:xdist", "-p", "no:randomly", "--timeout=120"]',
            f"also_copy = {json.dumps(['spec'])}",
            # mutmut's wall-clock limit is (the tests' time + 1 s) x this: 15 (its default) timed out
            # sound mutants on two cores shared at load 25; a real endless loop still ends in minutes
            "timeout_multiplier = 60.0",
            "",
        ]
    )
    (work / "pyproject.toml").write_text(pyproject + "\n" + config, encoding="utf-8")
    return work


def _mutmut(work: Path, children: int, mutants: list[str], check: bool = True) -> None:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    command = ["nice", "-n", "15", sys.executable, "-m", "mutmut", "run", "--max-children", str(children)]
    log = work / "mutmut.log"
    with log.open("a", encoding="utf-8") as out:
        code = subprocess.run([*command, *mutants], cwd=work, env=env, stdout=out, stderr=subprocess.STDOUT)
    if code.returncode != 0 and check:
        tail = log.read_text(encoding="utf-8", errors="replace")[-3000:]
        raise SystemExit(f"{work.name}: mutmut exited {code.returncode}; {log}:\n{tail}")


def _run(
    name: str,
    target: Target,
    children: int,
    mutants: list[str],
    sample: int,
    fresh: bool,
    recheck: bool = False,
) -> float:
    if not _existing_tests(target):
        raise SystemExit(f"{name}: none of its tests exist ({', '.join(target.tests)})")
    work = _prepare(name, target, fresh)
    started = time.monotonic()
    chosen = work / "sample.json"
    if sample > 1:
        if not _all_codes(name):
            # generates the mutants and collects which tests reach which function, then stops
            # (mutmut refuses a filter that matches no mutant)
            _mutmut(work, children, ["no-such-mutant*"], check=False)
            if not _all_codes(name):
                raise SystemExit(f"{name}: mutmut generated no mutants; see {work / 'mutmut.log'}")
        names = sorted(_all_codes(name))[::sample]
        chosen.write_text(json.dumps({"every": sample, "names": names}), encoding="utf-8")
        codes = _all_codes(name)
        again = SURVIVED | NO_TESTS | TIMEOUT if recheck else set()
        mutants = [n for n in names if codes.get(n) is None or codes.get(n) in again]  # --resume: the rest
        if mutants:
            _mutmut(work, children, mutants)
    else:
        chosen.unlink(missing_ok=True)
        _mutmut(work, children, mutants)
    elapsed = time.monotonic() - started
    before = work / "elapsed.txt"
    if not fresh and before.exists():  # resumed: the earlier parts' time too
        elapsed += float(before.read_text(encoding="utf-8"))
    before.write_text(f"{elapsed:.0f}\n", encoding="utf-8")
    return elapsed


def _all_codes(name: str) -> dict[str, int | None]:
    """Exit code (None: not run yet) per mutant, from every .meta file mutmut wrote for the module
    (the files mutated when it ran, even if the module's files have moved since)."""
    out: dict[str, int | None] = {}
    mutants = CACHE / name / "mutants"
    for meta in sorted(mutants.rglob("*.py.meta")) if mutants.exists() else []:
        try:
            out.update(json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"])
        except ValueError:  # being rewritten by a run in progress: read it again
            time.sleep(0.5)
            out.update(json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"])
    return out


def _sampled(name: str) -> int:
    chosen = CACHE / name / "sample.json"
    return int(json.loads(chosen.read_text(encoding="utf-8"))["every"]) if chosen.exists() else 1


def _results(name: str) -> dict[str, int]:
    """Exit code per mutant checked (of the sample, if the run was one), from mutmut's .meta files."""
    codes = _all_codes(name)
    chosen = CACHE / name / "sample.json"
    if chosen.exists():
        codes = {k: codes.get(k) for k in json.loads(chosen.read_text(encoding="utf-8"))["names"]}
    return {k: v for k, v in codes.items() if v is not None}


def _row(name: str) -> list[str] | None:
    codes = _results(name)
    if not codes:
        return None
    total = len(codes)
    killed = sum(1 for c in codes.values() if c in KILLED)
    timeout = sum(1 for c in codes.values() if c in TIMEOUT)
    survived = sum(1 for c in codes.values() if c in SURVIVED)
    no_tests = sum(1 for c in codes.values() if c in NO_TESTS)
    other = total - killed - timeout - survived - no_tests
    equivalent = sum(1 for k, c in codes.items() if k in EQUIVALENT and c not in KILLED | TIMEOUT)
    detected = killed + timeout
    elapsed = CACHE / name / "elapsed.txt"
    seconds = elapsed.read_text(encoding="utf-8").strip() if elapsed.exists() else "?"
    every = _sampled(name)
    return [
        name if every == 1 else f"{name} (1 in {every} of {len(_all_codes(name))})",
        str(total),
        str(killed),
        str(survived),
        str(timeout),
        str(no_tests),
        str(other),
        f"{100 * detected / total:.1f}",
        str(equivalent),
        f"{100 * detected / max(1, total - equivalent):.1f}",
        f"{100 * killed / max(1, total - equivalent - timeout):.1f}",
        seconds,
    ]


def report(names: list[str]) -> None:
    header = ["module", "mutants", "killed", "survived", "timeout", "no tests", "other", "score %",
              "equivalent", "score excl. eq. %", "killed of decided %", "run s"]  # fmt: skip
    rows = [r for r in (_row(n) for n in names) if r is not None]
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join(" --- " for _ in header) + "|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


def survivors(name: str) -> None:
    work = CACHE / name
    for key, code in sorted(_results(name).items()):
        if code in KILLED | TIMEOUT:
            continue
        mark = "equivalent" if key in EQUIVALENT else ("no tests" if code in NO_TESTS else "survived")
        shown = subprocess.run(
            [sys.executable, "-m", "mutmut", "show", key], cwd=work, capture_output=True, text=True
        )
        print(f"## {key} ({mark})")
        print(shown.stdout.strip() or shown.stderr.strip())
        print()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("modules", nargs="*", help=f"some of: {', '.join(TARGETS)} (default: all)")
    parser.add_argument("--children", type=int, default=1, help="mutmut's --max-children (default 1)")
    parser.add_argument("--mutants", nargs="*", default=[], help="only these mutant names/globs (a sample)")
    parser.add_argument(
        "--sample", type=int, default=1, help="every Nth mutant by name only (a fixed sample)"
    )
    parser.add_argument("--resume", action="store_true", help="keep the scratch copy and mutmut's cache")
    parser.add_argument(
        "--recheck",
        action="store_true",
        help="with --resume --sample: survivors and timeouts again (new tests, a new timeout)",
    )
    parser.add_argument("--report", action="store_true", help="print the table of the last runs only")
    parser.add_argument("--survivors", action="store_true", help="print each survivor's diff")
    args = parser.parse_args(argv)
    names = args.modules or list(TARGETS)
    unknown = [n for n in names if n not in TARGETS]
    if unknown:
        parser.error(f"unknown module {unknown[0]!r}; expected one of {', '.join(TARGETS)}")
    if args.survivors:
        for name in names:
            survivors(name)
        return 0
    if not args.report:
        try:
            import mutmut  # noqa: F401
        except ImportError:
            parser.error("mutmut is not installed: pip install -e '.[mutation]'")
        for name in names:
            print(f"{name}: mutating {', '.join(TARGETS[name].sources)} ...", flush=True)
            elapsed = _run(
                name,
                TARGETS[name],
                args.children,
                args.mutants,
                args.sample,
                fresh=not args.resume,
                recheck=args.recheck,
            )
            print(f"{name}: done in {elapsed:.0f} s", flush=True)
    report(names)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
