"""Reading an OpenAPI 3.0/3.1 document (YAML or JSON) once and indexing its operations.

Start-up cost (measured with ``bench/bench_coldstart.py``'s breakdown and pyinstrument, 2 CPUs):

- YAML is parsed with libyaml's ``CSafeLoader`` when PyYAML has it: the same constructor and
  resolver as ``SafeLoader`` (the same values), with the scanner and parser in C. Loading the
  bundled specs took 92 ms and a generated 500-operation spec (750 kB) 1.6 s; now 13 ms and
  0.35 s (what is left is PyYAML building Python nodes and objects).
- JSON text is read by orjson (GitHub's 13 MB description: 0.1 s, where PyYAML took 20 s);
  YAML timestamps stay the text written (JSON has no date type).
- A 3.0 document is upgraded in place: it was freshly parsed, so a ``deepcopy`` protects nothing.
  Only a caller that asks for the document as written (``keep_raw=True``: ``contracts`` hands it
  to schemathesis) pays for one copy, instead of reading and parsing the file a second time.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import orjson
import yaml

from oascore import refs
from oascore.errors import SpecError
from oascore.model import (
    HTTP_METHODS,
    MediaType,
    Operation,
    Parameter,
    RequestBody,
    ResponseSpec,
    Spec,
)
from oascore.upgrade import has_30_idioms, tolerate_31, upgrade_30


def _keep_text(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> str:
    return str(loader.construct_scalar(node))


class _TextDatesLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """A safe loader that keeps YAML timestamps (``version: 2024-10-01``) as the text written:
    JSON (and so OpenAPI) has no date type, and a ``datetime.date`` breaks every JSON consumer."""


class _PyTextDatesLoader(yaml.SafeLoader):
    """:class:`_TextDatesLoader` for the pure-Python parser."""


for _loader in (_TextDatesLoader, _PyTextDatesLoader):
    _loader.add_constructor("tag:yaml.org,2002:timestamp", _keep_text)

_YAML_LOADER: type[yaml.SafeLoader] = _TextDatesLoader


def load_spec(path: str | Path, *, keep_raw: bool = False) -> Spec:
    """Read, parse, normalise and index the spec at ``path`` (once); raises :class:`SpecError`.

    ``path`` is a file or an http(s) URL. External ``$ref``s (other files, URLs) are bundled in
    (:mod:`oascore.refs`), so what follows sees one self-contained document. With ``keep_raw``
    the result's :attr:`Spec.raw` is the document as written (bundled) even for 3.0 (one copy
    taken before the upgrade); without it, :attr:`Spec.raw` of a 3.0 document is ``None``.
    """
    source = str(path)
    try:
        text = refs.read_location(refs.base_of(source))
    except OSError as exc:
        reason = getattr(exc, "strerror", None) or exc
        raise SpecError(source, f"cannot read {_what(source)} ({reason})") from None
    except UnicodeDecodeError:
        raise SpecError(source, f"{_what(source)} is not UTF-8 text") from None
    except ValueError as exc:
        raise SpecError(source, f"cannot read {_what(source)} ({exc})") from None
    return parse_spec(text, source, keep_raw=keep_raw, base=refs.base_of(source))


def _what(source: str) -> str:
    return "URL" if refs.is_url(source) else "file"


def _load_yaml(text: str) -> Any:
    try:
        return yaml.load(text, Loader=_YAML_LOADER)  # a safe loader: CSafeLoader or SafeLoader
    except yaml.YAMLError:
        if _YAML_LOADER.__mro__[1] is yaml.SafeLoader:
            raise
    # libyaml places some errors elsewhere (an unclosed '[' at the end, not where it opened):
    # the pure-Python parser has the last word on a document libyaml refuses, as it always had.
    return yaml.load(text, Loader=_PyTextDatesLoader)


def parse_spec(text: str, source: str = "<spec>", *, keep_raw: bool = False, base: str | None = None) -> Spec:
    """:func:`load_spec` for a document already read (YAML or JSON text); external ``$ref``s
    resolve against ``base`` (a URL), and are refused without one."""
    doc = _parse(text, source)
    if isinstance(doc, dict) and refs.has_external_refs(text):  # a cheap hint: the walk decides
        refs.bundle(doc, base or "", _parse, source=source)
    return spec_from_document(doc, source, keep_raw=keep_raw, owned=True)


def _parse(text: str, source: str) -> Any:
    if text.lstrip()[:1] in ("{", "["):
        # JSON text: orjson reads GitHub's 13 MB description in 0.1 s, where PyYAML (even with
        # libyaml, its constructor is Python) took 20 s. YAML reads what orjson refuses.
        try:
            return orjson.loads(text)
        except orjson.JSONDecodeError:
            pass
    try:
        return _load_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise SpecError(source, f"not valid YAML or JSON{where}") from None


def spec_from_document(
    doc: Any, source: str = "<spec>", *, keep_raw: bool = False, owned: bool = False
) -> Spec:
    """Index an already parsed document. ``owned``: nothing else holds ``doc``, so a 3.0 document
    may be upgraded in place (otherwise it is copied first and the caller's stays untouched)."""
    if not isinstance(doc, dict):
        raise SpecError(source, "not an OpenAPI document (expected a mapping at the top)")
    raw_version = str(doc.get("openapi", ""))
    raw: dict[str, Any] | None = doc
    warnings: list[str] = []
    if raw_version.startswith("3.0"):
        version = "3.0"
        raw = copy.deepcopy(doc) if keep_raw and owned else (doc if keep_raw else None)
        doc = upgrade_30(doc if owned else copy.deepcopy(doc))
    elif raw_version.startswith("3.1"):
        version = "3.1"
        if has_30_idioms(doc):
            doc = doc if owned and not keep_raw else copy.deepcopy(doc)  # raw: the one as written
            warnings = tolerate_31(doc)
    elif "swagger" in doc:
        raise SpecError(source, "Swagger 2.0 is not supported; convert it to OpenAPI 3")
    else:
        raise SpecError(source, "missing or unsupported 'openapi' version (need 3.0.x or 3.1.x)")
    if "paths" not in doc and version == "3.1" and ("webhooks" in doc or "components" in doc):
        # 3.1 needs one of paths, webhooks, components: a document of webhooks alone is valid
        doc = {**doc, "paths": {}}  # a shallow copy: the document as written stays untouched
        warnings.append("#/paths: none in this document (webhooks or components only): nothing to serve")
    if not isinstance(doc.get("paths"), dict):
        raise SpecError(source, "has no 'paths' object" if "paths" not in doc else "#/paths is not a mapping")
    spec = Spec(source=source, doc=doc, version=version, raw=raw, warnings=warnings)
    spec.operations = list(_index_operations(spec))
    return spec


def _index_operations(spec: Spec) -> Iterator[Operation]:
    global_security = spec.doc.get("security", [])
    for path, raw_item in spec.doc["paths"].items():
        item = spec.resolve(raw_item)
        if not isinstance(item, dict):
            raise SpecError(spec.source, f"path item {path!r} is not a mapping")
        shared = [spec.resolve(p) for p in item.get("parameters", [])]
        for method in HTTP_METHODS:
            raw_op = item.get(method)
            if not isinstance(raw_op, dict):
                continue
            own = [spec.resolve(p) for p in raw_op.get("parameters", [])]
            params = _merge_parameters(spec, shared, own, f"{method.upper()} {path}")
            yield Operation(
                method=method.upper(),
                path=path,
                operation_id=str(raw_op.get("operationId") or _synthetic_id(method, path)),
                summary=str(raw_op.get("summary", "")),
                parameters=params,
                body=_request_body(spec, raw_op.get("requestBody")),
                responses=_responses(spec, raw_op.get("responses", {})),
                security=tuple(
                    {name: tuple(scopes) for name, scopes in req.items()}
                    for req in raw_op.get("security", global_security)
                ),
                spec_title=spec.title,
            )


def _synthetic_id(method: str, path: str) -> str:
    cleaned = "".join(c if c.isalnum() else "_" for c in path).strip("_")
    return f"{method}_{cleaned}"


def _merge_parameters(spec: Spec, shared: list[Any], own: list[Any], where: str) -> tuple[Parameter, ...]:
    merged: dict[tuple[str, str], Parameter] = {}
    for raw in [*shared, *own]:
        if not isinstance(raw, dict) or "name" not in raw or "in" not in raw:
            raise SpecError(spec.source, f"{where}: a parameter lacks 'name' or 'in'")
        schema = raw.get("schema")
        if schema is None and isinstance(raw.get("content"), dict) and raw["content"]:
            schema = next(iter(raw["content"].values())).get("schema")
        location = str(raw["in"])
        name = str(raw["name"])
        merged[(location, name.lower() if location == "header" else name)] = Parameter(
            name=name,
            location=location,
            required=bool(raw.get("required", location == "path")),
            schema=schema if isinstance(schema, dict) else {},
            style=raw.get("style"),
            explode=raw.get("explode"),
        )
    return tuple(merged.values())


def _media(spec: Spec, content: Any) -> dict[str, MediaType]:
    media: dict[str, MediaType] = {}
    for ctype, raw in (content or {}).items():
        raw = raw or {}
        examples: dict[str, Any] = {}
        for name, ex in (raw.get("examples") or {}).items():
            resolved = spec.resolve(ex)
            if isinstance(resolved, dict) and "value" in resolved:
                examples[str(name)] = resolved["value"]
        if "example" in raw:
            examples.setdefault("default", raw["example"])
        schema = raw.get("schema")
        media[str(ctype).lower()] = MediaType(
            schema=schema if isinstance(schema, dict) else None, examples=examples
        )
    return media


def _request_body(spec: Spec, raw: Any) -> RequestBody | None:
    if raw is None:
        return None
    body = spec.resolve(raw)
    return RequestBody(required=bool(body.get("required", False)), content=_media(spec, body.get("content")))


def _responses(spec: Spec, raw: Mapping[str, Any]) -> dict[str, ResponseSpec]:
    out: dict[str, ResponseSpec] = {}
    for code, raw_response in raw.items():
        response = spec.resolve(raw_response) or {}
        status = "default" if str(code).lower() == "default" else str(code).upper()
        out[status] = ResponseSpec(
            status=status,
            description=str(response.get("description", "")),
            content=_media(spec, response.get("content")),
            headers={name: spec.resolve(h) for name, h in (response.get("headers") or {}).items()},
        )
    return out
