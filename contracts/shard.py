"""``contracts run --shard I/N``: a deterministic share of a spec's operations, as a spec of its own.

The operations are sorted by label (``METHOD /path``) and dealt round robin: shard ``I`` of ``N``
takes the operations at sorted positions ``I-1``, ``I-1+N``, …. The share depends only on the
spec and ``N`` (not on the runner, the seed or the spec's order), every operation is in exactly one
shard, and shards differ in size by at most one. The shard's spec is the document as written with
the other operations removed (components and everything else kept), so the run itself is the
ordinary ``contracts run``; ``contracts merge`` folds the shards' reports back into one verdict.
A path item that is a ``$ref`` is kept whole when any of its operations is in the shard.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from oascore import HTTP_METHODS, Spec

_SHARD = re.compile(r"(\d+)/(\d+)")


class ShardError(ValueError):
    """A ``--shard`` value that is not ``I/N`` with ``1 <= I <= N``."""


@dataclass(frozen=True, slots=True)
class Shard:
    index: int  # 1-based
    count: int

    @classmethod
    def parse(cls, text: str) -> Shard:
        found = _SHARD.fullmatch(text.strip())
        if not found:
            raise ShardError(f"--shard {text!r}: expected I/N, e.g. 2/3")
        index, count = int(found.group(1)), int(found.group(2))
        if not 1 <= index <= count:
            raise ShardError(f"--shard {text!r}: I must be between 1 and N")
        return cls(index, count)

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"

    def takes(self, labels: list[str]) -> list[str]:
        """This shard's labels among ``labels``, in sorted order."""
        return [label for k, label in enumerate(sorted(labels)) if k % self.count == self.index - 1]


def shard_document(spec: Spec, shard: Shard) -> tuple[dict[str, Any], list[str]]:
    """The document as written (``spec.raw``) holding only ``shard``'s operations, and their labels."""
    labels = shard.takes([op.label for op in spec.operations])
    return restricted_document(spec, labels), labels


def restricted_document(spec: Spec, labels: list[str]) -> dict[str, Any]:
    """The document as written (``spec.raw``) holding only the operations ``labels`` name."""
    assert spec.raw is not None, "load the spec with keep_raw=True"
    keep = {tuple(label.split(" ", 1)) for label in labels}
    paths: dict[str, Any] = {}
    for path, item in (spec.raw.get("paths") or {}).items():
        if not isinstance(item, dict):
            continue
        if "$ref" in item:
            if any(p == path for _, p in keep):
                paths[path] = item
            continue
        kept = {k: v for k, v in item.items() if k not in HTTP_METHODS or (k.upper(), path) in keep}
        if any(k in HTTP_METHODS for k in kept):
            paths[path] = kept
    return {**spec.raw, "paths": _without_dangling_links(paths, spec.raw)}


def _without_dangling_links(paths: dict[str, Any], raw: dict[str, Any]) -> dict[str, Any]:
    """``paths`` with every response link to an operation left out dropped: schemathesis' stateful
    phase refuses the whole document over one link whose target is gone ("Invalid OpenAPI Links
    Definition"), so a selection or a shard would lose its workflows, or fail."""
    ids: set[str] = set()
    refs: set[str] = set()
    for path, item in paths.items():
        for method, operation in item.items():
            if method in HTTP_METHODS and isinstance(operation, dict):
                if isinstance(operation.get("operationId"), str):
                    ids.add(operation["operationId"])
                refs.add("#/paths/" + path.replace("~", "~0").replace("/", "~1") + "/" + method)
    named = ((raw.get("components") or {}).get("links") or {}) if isinstance(raw, dict) else {}

    def alive(link: Any) -> bool:
        if isinstance(link, dict) and isinstance(link.get("$ref"), str):
            link = named.get(link["$ref"].rsplit("/", 1)[-1], link)
        if not isinstance(link, dict):
            return True
        if "operationId" in link:
            return link["operationId"] in ids
        if isinstance(link.get("operationRef"), str) and link["operationRef"].startswith("#/paths/"):
            return link["operationRef"] in refs
        return True  # a link to another document: not ours to judge

    pruned: dict[str, Any] = {}
    for path, item in paths.items():
        pruned[path] = dict(item)
        for method, operation in item.items():
            if method not in HTTP_METHODS or not isinstance(operation, dict):
                continue
            responses = operation.get("responses")
            if not isinstance(responses, dict):
                continue
            changed: dict[str, Any] = {}
            for status, response in responses.items():
                links = response.get("links") if isinstance(response, dict) else None
                if isinstance(links, dict) and not all(alive(link) for link in links.values()):
                    kept = {name: link for name, link in links.items() if alive(link)}
                    changed[status] = (
                        {**response, "links": kept}
                        if kept
                        else {k: v for k, v in response.items() if k != "links"}
                    )
            if changed:
                pruned[path][method] = {**operation, "responses": {**responses, **changed}}
    return pruned


def write_shard_spec(spec: Spec, shard: Shard, directory: Path) -> tuple[Path, list[str]]:
    """Write the shard's document as JSON in ``directory``; its path and its operations' labels."""
    document, labels = shard_document(spec, shard)
    path = directory / f"shard-{shard.index}-of-{shard.count}.json"
    path.write_text(json.dumps(document, default=str), encoding="utf-8")  # YAML dates: strings
    return path, labels
