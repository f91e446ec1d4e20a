"""Findings written out: console text, a JSON document, JUnit XML (one module each)."""

from __future__ import annotations

from contracts.report.console import render_console
from contracts.report.json import to_json, write_json
from contracts.report.junit import write_junit
from contracts.report.summary import FAMILIES, Summary, family_of, summarize

__all__ = [
    "FAMILIES",
    "Summary",
    "family_of",
    "render_console",
    "summarize",
    "to_json",
    "write_json",
    "write_junit",
]
