"""Cold start on real-world documents (tests/corpus/), the mock side by side with Prism 5.

For each document: spawn the server, poll until it answers HTTP at all (*ready*), then time one
request to the document's first GET operation without required query parameters (path parameters
filled with ``1``: *first request*, which pays for anything compiled on first use), then a second
one to the same URL. Each document is decompressed into a temporary folder when gzipped.

    python bench/bench_corpus_coldstart.py                    # the three large documents, 3 runs each
    python bench/bench_corpus_coldstart.py --quick            # 1 run each
    python bench/bench_corpus_coldstart.py --skip-prism       # the mock only
    python bench/bench_corpus_coldstart.py --doc readme-api   # documents whose name contains this
    python bench/bench_corpus_coldstart.py --json out.json    # also write the figures (bench/run.py)

Targets (issue 11): a ~3 MB / ~288-operation document ready in <= 3 s and its first request in
<= 50 ms; GitHub's full description (13 MB, 1,223 operations) ready in <= 2 s. Prism is installed
with npm into ``~/.cache/specmock/prism`` (bench_http.py's helpers, shared).
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from bench_http import ensure_prism, free_port, prism_cache, serving  # noqa: E402

CORPUS = ROOT / "tests" / "corpus"
DEFAULT_DOCS = ("github-api.github.com", "aws-rds", "digitalocean")
TIMEOUT_S = 120.0
# name fragment -> (ready target s, first-request target ms); None: no target for that figure
TARGETS: dict[str, tuple[float | None, float | None]] = {
    "github-api.github.com": (2.0, None),
    "aws-rds": (3.0, 50.0),
    "digitalocean": (3.0, 50.0),
}
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


@dataclass
class Run:
    ready_s: float
    first_ms: float
    second_ms: float
    status: int


def materialise(name: str, into: Path) -> Path:
    """The corpus document ``name`` as a plain file (gunzipped into ``into`` when stored .gz)."""
    for candidate in sorted(CORPUS.iterdir()):
        if candidate.name.startswith(name + ".") and candidate.name not in ("README.md", "SHA256SUMS"):
            if candidate.suffix == ".gz":
                target = into / candidate.name[: -len(".gz")]
                target.write_bytes(gzip.decompress(candidate.read_bytes()))
                return target
            return candidate
    raise SystemExit(f"bench_corpus_coldstart: no document {name!r} in {CORPUS}")


def first_get(path: Path) -> str:
    """A URL path for the document's first GET without required query/header parameters."""
    text = path.read_text()
    doc: dict[str, Any]
    if text.lstrip().startswith("{"):
        doc = json.loads(text)
    else:
        import yaml

        doc = yaml.safe_load(text)
    for template, item in (doc.get("paths") or {}).items():
        op = item.get("get") if isinstance(item, dict) else None
        if not isinstance(op, dict) or "#" in template:
            continue
        params = [*item.get("parameters", []), *op.get("parameters", [])]
        if any(
            isinstance(p, dict) and p.get("required") and p.get("in") in ("query", "header") for p in params
        ):
            continue
        parts = [("1" if seg.startswith("{") else seg) for seg in template.split("/")]
        return "/".join(parts)
    return "/"


def measure(command: list[str], port: int, url_path: str, workdir: Path, label: str) -> Run:
    base = f"http://127.0.0.1:{port}"
    with serving(label, command, workdir) as server:
        start = time.perf_counter()
        with httpx.Client(timeout=TIMEOUT_S) as client:
            while True:
                if server.process.poll() is not None:
                    raise RuntimeError(f"{label} exited:\n{server.tail()}")
                if time.perf_counter() - start > TIMEOUT_S:
                    raise RuntimeError(f"{label}: not answering within {TIMEOUT_S:.0f} s")
                try:
                    client.get(f"{base}/_specmock_ready_probe")
                    break
                except httpx.TransportError:
                    time.sleep(0.01)
            ready = time.perf_counter() - start
            t0 = time.perf_counter()
            answer = client.get(base + url_path, headers={"Authorization": "Bearer bench"})
            first = (time.perf_counter() - t0) * 1000
            t0 = time.perf_counter()
            client.get(base + url_path, headers={"Authorization": "Bearer bench"})
            second = (time.perf_counter() - t0) * 1000
    return Run(ready, first, second, answer.status_code)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--doc", action="append", help="document name fragment (repeatable)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--skip-prism", action="store_true")
    parser.add_argument("--prism-cache")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    runs = 1 if args.quick else args.runs
    names = args.doc or list(DEFAULT_DOCS)
    prism = None
    if not args.skip_prism:
        prism, note = ensure_prism(prism_cache(args.prism_cache))
        if prism is None:
            print(note)
    figures: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        for fragment in names:
            name = next(
                (
                    c.name.split(".json")[0].split(".yaml")[0]
                    for c in sorted(CORPUS.iterdir())
                    if fragment in c.name and c.suffix in (".json", ".yaml", ".gz")
                ),
                fragment,
            )
            path = materialise(name, workdir)
            url_path = first_get(path)
            size = path.stat().st_size / 1e6
            targets = TARGETS.get(name, (None, None))
            print(f"\n{name} ({size:.1f} MB), first request GET {url_path}")
            commands = {
                "mock": lambda p, path=path: [sys.executable, "-m", "mockserver", str(path), "--port", str(p)]
            }
            if prism is not None:
                commands["prism"] = lambda p, path=path: [
                    str(prism),
                    "mock",
                    str(path),
                    "-p",
                    str(p),
                    "-v",
                    "warn",
                ]
            for server, build in commands.items():
                results: list[Run] = []
                for i in range(runs):
                    port = free_port()
                    try:
                        results.append(measure(build(port), port, url_path, workdir, f"{server}-{name}-{i}"))
                    except RuntimeError as exc:
                        print(f"  {server:6s} failed: {str(exc).splitlines()[0]}")
                        break
                if not results:
                    continue
                ready = statistics.median(r.ready_s for r in results)
                first = statistics.median(r.first_ms for r in results)
                second = statistics.median(r.second_ms for r in results)
                print(
                    f"  {server:6s} ready {ready:6.2f} s (slowest {max(r.ready_s for r in results):.2f})"
                    f"  first request {first:7.1f} ms (status {results[0].status})  second {second:6.1f} ms"
                )
                for figure, value, unit, target in (
                    ("ready", ready, "s", targets[0]),
                    ("first request", first, "ms", targets[1]),
                ):
                    entry: dict[str, Any] = {
                        "name": f"{name}: {server} {figure}",
                        "value": round(value, 3),
                        "unit": unit,
                    }
                    if server == "mock" and target is not None:
                        entry.update(target=f"<= {target}", **{"pass": value <= target})
                    figures.append(entry)
    for entry in figures:
        if "pass" in entry:
            print(
                f"{'PASS' if entry['pass'] else 'FAIL'} {entry['name']} "
                f"{entry['value']} {entry['unit']} ({entry['target']})"
            )
    if args.json:
        args.json.write_text(json.dumps({"figures": figures}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
