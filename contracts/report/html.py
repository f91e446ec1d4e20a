"""One self-contained HTML report of a run (no network, no script): the summary by cause, the
findings by operation and kind with expected vs actual, cURL and seed, and the coverage table."""

from __future__ import annotations

import os
from collections import Counter, defaultdict
from html import escape
from pathlib import Path
from typing import Any

from contracts.report.merge import RunReport
from contracts.report.summary import family_of

_STYLE = """
body{font:14px/1.45 system-ui,sans-serif;color:#1d2330;margin:0 auto;max-width:1100px;padding:1rem 1.5rem}
h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:2rem}h3{font-size:1rem;margin:1.2rem 0 .3rem}
table{border-collapse:collapse;width:100%;margin:.4rem 0}th,td{text-align:left;padding:.25rem .5rem;
border-bottom:1px solid #dde1e8;vertical-align:top}th{color:#6b7385;font-weight:600}
code,pre{font-family:ui-monospace,monospace}pre{white-space:pre-wrap;word-break:break-all;background:#f3f4f6;
padding:.4rem;margin:.2rem 0}.verdict{padding:.6rem 1rem;border-radius:4px;font-weight:600}
.clean{background:#e3f4e8}.drift{background:#fde8e6}.finding{border:1px solid #dde1e8;border-radius:4px;
padding:.5rem .8rem;margin:.5rem 0}.sev-breaking{border-left:4px solid #b3261e}
.sev-warning{border-left:4px solid #a35b00}
.muted{color:#6b7385}.ok{color:#1f7a3d}.bad{color:#b3261e}.badge{display:inline-block;padding:0 .4rem;
margin:0 .2rem .2rem 0;border:1px solid #dde1e8;border-radius:3px;font-size:.85em}
"""


def _cell(value: Any) -> str:
    return f"<td>{escape(str(value))}</td>"


def _summary(data: dict[str, Any]) -> list[str]:
    summary, run = data["summary"], data.get("run") or {}
    findings = data["findings"]
    clean = not findings and not summary.get("untested") and not summary.get("stopped")
    clean = clean and not summary.get("unexercised")
    verdict = "no drift found" if clean else f"{len(findings)} finding(s)"
    if summary.get("untested"):
        verdict += f", {summary['untested']} operation(s) never reached their documented success"
    if summary.get("unexercised"):
        verdict += f", {summary['unexercised']} probe/operation pair(s) not exercised"
    if summary.get("stopped"):
        verdict += f"; the run stopped early: {summary['stopped']}"
    out = [
        f'<p class="verdict {"clean" if clean else "drift"}">{escape(verdict)}</p>',
        "<table>",
        "<tr><th>operations</th><th>requests</th><th>seed</th><th>shard</th><th>phases</th></tr>",
        "<tr>"
        + _cell(summary["operations"])
        + _cell(summary["requests"])
        + _cell(run.get("seed"))
        + _cell(run.get("shard") or "whole run")
        + _cell(", ".join(summary.get("phases") or []))
        + "</tr></table>",
    ]
    by_kind = Counter(f["kind"] for f in findings)
    if by_kind:
        out += ["<h2>Summary by cause</h2>", "<table><tr><th>kind</th><th>family</th><th>findings</th></tr>"]
        for kind, count in by_kind.most_common():
            out.append(f"<tr><td><code>{escape(kind)}</code></td>{_cell(_family(kind))}{_cell(count)}</tr>")
        out.append("</table>")
    return out


def _family(kind: str) -> str:
    try:
        return family_of(kind)
    except ValueError:
        return "?"


def _findings(findings: list[dict[str, Any]]) -> list[str]:
    if not findings:
        return []
    grouped: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    for finding in findings:
        grouped[finding["operation"]][finding["kind"]].append(finding)
    out = ["<h2>Findings by operation and kind</h2>"]
    for operation in sorted(grouped):
        out.append(f"<h3><code>{escape(operation)}</code></h3>")
        for kind, items in sorted(grouped[operation].items()):
            for f in items:
                evidence = f.get("evidence") or {}
                severity = str(f.get("severity", "")).lower()
                rows = [
                    f'<div class="finding sev-{escape(severity)}">',
                    f'<p><span class="badge">{escape(kind)}</span> at <code>{escape(f["location"])}</code>'
                    f' <span class="muted">{escape(severity)}</span></p>',
                    "<table><tr><th>expected</th><th>actual</th></tr>"
                    f"<tr><td><pre>{escape(str(f['expected']))}</pre></td>"
                    f"<td><pre>{escape(str(f['actual']))}</pre></td></tr></table>",
                ]
                if f.get("message"):
                    rows.append(f"<p>{escape(f['message'])}</p>")
                if evidence.get("note"):
                    rows.append(f'<p class="muted">{escape(str(evidence["note"]))}</p>')
                seen = [f"status {evidence['status']}"] if evidence.get("status") is not None else []
                if evidence.get("seed") is not None:
                    seen.append(f"seed {evidence['seed']}")
                if seen:
                    rows.append(f'<p class="muted">{escape(", ".join(seen))}</p>')
                if evidence.get("curl"):
                    rows.append(f"<p>reproduce:</p><pre>{escape(evidence['curl'])}</pre>")
                rows.append("</div>")
                out += rows
    return out


def _coverage(coverage: list[dict[str, Any]]) -> list[str]:
    if not coverage:
        return []
    out = [
        "<h2>Coverage</h2>",
        "<table><tr><th>operation</th><th>documented</th><th>reached (answers)</th>"
        "<th>documented success reached</th></tr>",
    ]
    for op in coverage:
        badges = (f'<span class="badge">{escape(s)} &times;{n}</span>' for s, n in op["reached"].items())
        reached = " ".join(badges)
        hint = escape(op.get("hint") or "")
        mark = '<span class="ok">yes</span>'
        if not op.get("success_reached"):
            mark = f'<span class="bad">no</span> {hint}'
        out.append(
            f"<tr><td><code>{escape(op['operation'])}</code></td>{_cell(', '.join(op['documented']))}"
            f"<td>{reached or '<span class=muted>none</span>'}</td><td>{mark}</td></tr>"
        )
    out.append("</table>")
    return out + _unexercised(coverage)


def _unexercised(coverage: list[dict[str, Any]]) -> list[str]:
    by_probe: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for op in coverage:
        for probe, reason in (op.get("unexercised") or {}).items():
            by_probe[probe].append((op["operation"], reason))
    out: list[str] = []
    for probe, missed in by_probe.items():
        out += [f"<h2>Operations not exercised by probe {escape(probe)}</h2>", "<ul>"]
        out += [f"<li><code>{escape(label)}</code>: {escape(reason)}</li>" for label, reason in missed]
        out.append("</ul>")
    return out


def render_html(report: RunReport, title: str = "contracts run") -> str:
    data = report.to_dict()
    body = [
        f"<h1>{escape(title)}</h1>",
        *_summary(data),
        *_findings(data["findings"]),
        *_coverage(data["coverage"]),
    ]
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head><body>\n"
        + "\n".join(body)
        + "\n</body></html>\n"
    )


def write_html(path: str | os.PathLike[str], report: RunReport, title: str = "contracts run") -> None:
    Path(path).write_text(render_html(report, title), encoding="utf-8")
