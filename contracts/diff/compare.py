"""``contracts diff OLD NEW``: the runtime drift kinds, found statically between two specs.

``old`` is the contract; ``new`` is what the server (or its docs) actually does. Every finding has
``Evidence(note="static diff")`` and is reported once per cause: a change inside a component
(``#/components/...``) is one cause wherever the component is used, reported at its first request
location if a request reaches it, else at its first response location.

How changes map to kinds (severity in brackets):

Operations (matched on method + path, path-parameter names ignored)
  removed                           field-missing at ``paths``, expected "METHOD /path",
                                    actual "absent" [breaking]
  added                             field-undocumented at ``paths``, expected "absent",
                                    actual "METHOD /path" [warning]

Request side: what a client of the old spec sends (parameters, body, security)
  bound tightened (min up, max down, minLength up, maxItems down ...; absent -> set)
                                    bound-tighter, "max 1000" -> "max 100" [breaking]
  bound loosened                    bound-looser [warning]
  newly required (parameter, property, body), or a new required one
                                    bound-tighter, "optional"/"absent" -> "required" [breaking]
  no longer required                bound-looser, "required" -> "optional" [warning]
  enum values removed (or an enum where there was none)
                                    enum-narrowed, old values -> new values [breaking]
  enum values added only            enum-widened [warning]
  type changed (or null added/removed)
                                    type-mismatch, "integer" -> "string" [breaking]
  parameter or property removed     field-missing, "present" -> "absent" [breaking]
  property removed and one of the same shape added
                                    field-renamed, old name -> new name [breaking]
  security no longer required       auth-not-enforced at the credential's location
                                    (``request.header.authorization`` ...) [breaking]
  security newly required, or only credentials elsewhere accepted (bearer -> API-key header)
                                    bound-tighter at the new credential's location, "none" or
                                    old scheme names -> new scheme names [breaking]
  content type no longer accepted (or body removed)
                                    content-type-mismatch at ``request.header.content-type``
                                    [breaking]

Response side: what a server following the new spec sends
  required property removed         field-missing, "required" -> "absent" [breaking]; an optional
                                    one removed is not reported (it could always be omitted)
  required property made optional   field-missing, "required" -> "optional" [warning]
  removed required property and a new property of the same shape (same type; same item shape
  for arrays, refs resolved, annotations and constraints ignored)
                                    one field-renamed at the old property, old name -> new name
                                    [breaking]
  new property                      field-undocumented, "absent" -> "present" [warning] (not for
                                    free-form objects that declare no properties)
  type changed                      type-mismatch [breaking]
  enum values added (or enum dropped)
                                    enum-undeclared [breaking]; removed values are not reported
  bound loosened                    bound-looser [warning]; tightened is not reported
  documented status codes changed   one status-undocumented at ``response.status``, old codes ->
                                    new codes [warning]
  a content type the old spec lacks content-type-mismatch at ``response.header.content-type``
                                    [breaking]
  documented header removed         header-mismatch at ``response.header.<name>`` [breaking]

Locations: ``request.body.<dotted.path>``, ``request.query.<name>``, ``request.header.<name>``
(lower-case), ``request.path.<name>``, ``response.body.<dotted.path>``, ``response.header.<name>``;
array items are ``[]``, map values ``.*``. Two findings with the same (operation, kind,
location) are one: the first is kept.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from contracts._utils import credential_location
from contracts.diff.schema import Change, Frame, SchemaDiff, Side
from contracts.findings import Evidence, Finding, Severity
from oascore import Operation, Parameter, RequestBody, ResponseSpec, Spec

EVIDENCE = Evidence(note="static diff")


def diff_specs(old: Spec, new: Spec) -> list[Finding]:
    """Drift from ``old`` (the contract) to ``new``, one finding per cause."""
    differ = _SpecDiff(old, new)
    changes: list[tuple[str, Change]] = list(differ.run())
    chosen: dict[tuple[str, ...], Change] = {}
    for _, change in changes:
        current = chosen.get(change.cause)
        if current is None or (current.side == "response" and change.side == "request"):
            chosen[change.cause] = change
    findings: dict[tuple[str, str, str], Finding] = {}
    for label, change in changes:
        if chosen[change.cause] is change:
            finding = Finding(
                label,
                change.kind,
                change.location,
                change.expected,
                change.actual,
                change.severity,
                evidence=EVIDENCE,
            )
            findings.setdefault(finding.key, finding)
    return list(findings.values())


def _template(path: str) -> str:
    return re.sub(r"\{[^}]*\}", "{}", path)


class _SpecDiff:
    def __init__(self, old: Spec, new: Spec) -> None:
        self.old, self.new = old, new
        self.request = SchemaDiff(old, new, "request")
        self.response = SchemaDiff(old, new, "response")

    def run(self) -> Iterator[tuple[str, Change]]:
        new_ops = {(op.method, _template(op.path)): op for op in self.new.operations}
        old_keys = set()
        for op in self.old.operations:
            key = (op.method, _template(op.path))
            old_keys.add(key)
            if key not in new_ops:
                cause = (op.label, "paths")
                yield op.label, _op_change("field-missing", op.label, "absent", "breaking", cause, "request")
                continue
            for change in self.operation(op, new_ops[key]):
                yield op.label, change
        for key, op in new_ops.items():
            if key not in old_keys:
                cause = (op.label, "paths")
                change = _op_change("field-undocumented", "absent", op.label, "warning", cause, "response")
                yield op.label, change

    def operation(self, old: Operation, new: Operation) -> Iterator[Change]:
        scope = Frame(old.label, "")
        yield from self.security(old, new, scope)
        yield from self.parameters(old, new, scope)
        yield from self.request_body(old.body, new.body, scope)
        yield from self.responses(old, new, scope)

    def security(self, old: Operation, new: Operation, scope: Frame) -> Iterator[Change]:
        before, after = _required_schemes(old), _required_schemes(new)
        if before and not after:
            at = credential_location(self.old, before[0])
            yield _change("auth-not-enforced", at, " or ".join(before), "none", "breaking", scope, "request")
        elif after and not before:
            at = credential_location(self.new, after[0])
            yield _change("bound-tighter", at, "none", " or ".join(after), "breaking", scope, "request")
        elif before and after:
            accepted = {credential_location(self.new, name) for name in after}
            if not any(credential_location(self.old, name) in accepted for name in before):
                at = credential_location(self.new, after[0])
                expected, actual = " or ".join(before), " or ".join(after)
                yield _change("bound-tighter", at, expected, actual, "breaking", scope, "request")

    def parameters(self, old: Operation, new: Operation, scope: Frame) -> Iterator[Change]:
        old_refs = _parameter_refs(self.old, old)
        new_params = {_param_key(p): p for p in new.parameters}
        for param in old.parameters:
            at = f"request.{param.location}.{_param_name(param)}"
            frame = Frame(old_refs[_param_key(param)], at) if _param_key(param) in old_refs else scope
            match = new_params.pop(_param_key(param), None)
            if match is None:
                yield _change("field-missing", at, "present", "absent", "breaking", frame, "request")
                continue
            if match.required and not param.required:
                yield _change("bound-tighter", at, "optional", "required", "breaking", frame, "request")
            elif param.required and not match.required:
                yield _change("bound-looser", at, "required", "optional", "warning", frame, "request")
            yield from self.request.compare(param.schema, match.schema, at, frame)
        for param in new_params.values():
            if param.required:
                at = f"request.{param.location}.{_param_name(param)}"
                yield _change("bound-tighter", at, "absent", "required", "breaking", scope, "request")

    def request_body(
        self, old: RequestBody | None, new: RequestBody | None, scope: Frame
    ) -> Iterator[Change]:
        old_types = list(old.content) if old else []
        new_types = list(new.content) if new else []
        if any(t not in new_types for t in old_types):
            yield _change(
                "content-type-mismatch",
                "request.header.content-type",
                ", ".join(old_types),
                ", ".join(new_types) or "none",
                "breaking",
                scope,
                "request",
            )
        if new is not None and new.required and not (old is not None and old.required):
            expected = "optional" if old is not None else "absent"
            yield _change("bound-tighter", "request.body", expected, "required", "breaking", scope, "request")
        elif old is not None and old.required and new is not None and not new.required:
            yield _change("bound-looser", "request.body", "required", "optional", "warning", scope, "request")
        if old is not None and new is not None:
            for before, after in _paired_schemas(old.content, new.content):
                yield from self.request.compare(before, after, "request.body", scope)

    def responses(self, old: Operation, new: Operation, scope: Frame) -> Iterator[Change]:
        if set(old.responses) != set(new.responses):
            yield _change(
                "status-undocumented",
                "response.status",
                ", ".join(sorted(old.responses)),
                ", ".join(sorted(new.responses)),
                "warning",
                scope,
                "response",
            )
        refs = _response_refs(self.old, old)
        for status, before in old.responses.items():
            after = new.responses.get(status)
            if after is not None:
                frame = Frame(refs[status], "response") if status in refs else scope
                yield from self.response_pair(before, after, frame)

    def response_pair(self, old: ResponseSpec, new: ResponseSpec, frame: Frame) -> Iterator[Change]:
        added = [t for t in new.content if t not in old.content]
        if added:
            yield _change(
                "content-type-mismatch",
                "response.header.content-type",
                ", ".join(old.content) or "none",
                ", ".join(new.content),
                "breaking",
                frame,
                "response",
            )
        new_headers = {name.lower(): header for name, header in new.headers.items()}
        for name, header in old.headers.items():
            at = f"response.header.{name.lower()}"
            if name.lower() not in new_headers:
                yield _change("header-mismatch", at, "present", "absent", "breaking", frame, "response")
            else:
                after = new_headers[name.lower()]
                yield from self.response.compare(header.get("schema"), after.get("schema"), at, frame)
        for before, after in _paired_schemas(old.content, new.content):
            yield from self.response.compare(before, after, "response.body", frame)


def _change(
    kind: str, location: str, expected: str, actual: str, severity: Severity, frame: Frame, side: Side
) -> Change:
    return Change(kind, location, expected, actual, severity, frame.cause(location, kind), side)


def _op_change(
    kind: str, expected: str, actual: str, severity: Severity, cause: tuple[str, ...], side: Side
) -> Change:
    return Change(kind, "paths", expected, actual, severity, cause, side)


def _paired_schemas(old: dict[str, Any], new: dict[str, Any]) -> Iterator[tuple[Any, Any]]:
    """Schemas of the content types both declare; a lone type on each side pairs with the other."""
    common = [t for t in old if t in new]
    if not common and len(old) == 1 and len(new) == 1:
        yield next(iter(old.values())).schema, next(iter(new.values())).schema
    for ctype in common:
        if old[ctype].schema is not None and new[ctype].schema is not None:
            yield old[ctype].schema, new[ctype].schema


def _param_key(param: Parameter) -> tuple[str, str]:
    return param.location, _param_name(param)


def _param_name(param: Parameter) -> str:
    return param.name.lower() if param.location == "header" else param.name


def _raw_operation(spec: Spec, op: Operation) -> tuple[dict[str, Any], dict[str, Any]]:
    item = spec.resolve(spec.doc["paths"][op.path])
    return item, item.get(op.method.lower(), {})


def _parameter_refs(spec: Spec, op: Operation) -> dict[tuple[str, str], str]:
    """Parameters defined in ``components``, so a shared one changed is one cause."""
    item, raw_op = _raw_operation(spec, op)
    refs: dict[tuple[str, str], str] = {}
    for raw in [*item.get("parameters", []), *raw_op.get("parameters", [])]:
        if isinstance(raw, dict) and isinstance(raw.get("$ref"), str):
            param = spec.resolve(raw)
            name = str(param.get("name", ""))
            location = str(param.get("in", ""))
            refs[(location, name.lower() if location == "header" else name)] = raw["$ref"]
    return refs


def _response_refs(spec: Spec, op: Operation) -> dict[str, str]:
    _, raw_op = _raw_operation(spec, op)
    return {
        str(code).upper(): raw["$ref"]
        for code, raw in (raw_op.get("responses") or {}).items()
        if isinstance(raw, dict) and isinstance(raw.get("$ref"), str)
    }


def _required_schemes(op: Operation) -> list[str]:
    """Scheme names an operation demands, or ``[]`` when a request may go without credentials."""
    if not op.security or any(not requirement for requirement in op.security):
        return []
    return [name for requirement in op.security for name in requirement]
