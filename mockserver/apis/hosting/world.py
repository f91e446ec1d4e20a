"""The seeded hosting-API world: customers and their CSV-driven migrations.

Rows are compact columns (status, customer, preset) with a :class:`FilterIndex`; a row's document
is a pure function of (seed, row, its codes), rendered only when served. Each migration belongs to
one customer, whose code is its ``owner``. Dates are placed around the world's anchor (its "now":
the mock clock when seeded, or ``--anchor``). Status and dates agree, and both execution dates are
always present (the docs example always carries them): validating / to_schedule migrations carry
the dates they would be proposed (ahead), scheduled ones have dates ahead (``is_late`` when the
first date has passed), one whose detail is "first execution" (scheduled, running, failed) never
has a past second date, finished ones have both dates past, and only failures report
``resources_has_errors``.

``query`` searches code, CSV file names, owner and preset (case-insensitive substring). It is
the one filter that cannot be an index: it scans a lazily built, lower-cased text column (about
100 ms for a million rows) and caches the matching rows per query string.
"""

from __future__ import annotations

import random
from array import array
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any

from mockserver.apis.common.rowindex import ANY, FilterIndex, IndexedRows, newest_first, weighted_column
from mockserver.apis.common.worldkit import iso, mix64, rng, stable_int

Doc = dict[str, Any]
DAY = 86_400
CUSTOMERS = ("ACME", "GLOBEX", "INITECH", "UMBRELLA", "HOOLI", "STARK", "WAYNE", "VANDELAY")
PRESETS = ("mailboxes", "dns_zones", "wordpress_sites", "mysql_databases", "ftp_accounts", "email_forwarders")
_PRESET_TITLES = {
    "mailboxes": "Mailboxes",
    "dns_zones": "DNS zones",
    "wordpress_sites": "WordPress sites",
    "mysql_databases": "MySQL databases",
    "ftp_accounts": "FTP accounts",
    "email_forwarders": "Email forwarders",
}
_STATUS_WEIGHTS = {
    "validating": 6,
    "to_schedule": 10,
    "scheduled": 14,
    "running": 8,
    "failed": 9,
    "completed_with_errors": 10,
    "completed": 43,
}
_DETAILS = {
    "validating": "validating csv rows",
    "to_schedule": "waiting for a schedule",
    "scheduled": "first execution",
    "running": "first execution",
    "failed": "first execution failed",
    "completed_with_errors": "second execution",
    "completed": "second execution",
}
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


class SearchCache:
    """Rows whose search text contains a query, built lazily and cached per query."""

    def __init__(self, size: int, text: Callable[[int], str], capacity: int = 64) -> None:
        self._size = size
        self._text = text
        self._texts: list[str] | None = None
        self._hits: OrderedDict[str, array[int]] = OrderedDict()
        self._capacity = capacity

    def rows(self, query: str) -> array[int]:
        needle = query.lower()
        hit = self._hits.get(needle)
        if hit is None:
            if self._texts is None:
                self._texts = [self._text(row) for row in range(self._size)]
            hit = array("i", [row for row, text in enumerate(self._texts) if needle in text])
            self._hits[needle] = hit
            if len(self._hits) > self._capacity:
                self._hits.popitem(last=False)
        self._hits.move_to_end(needle)
        return hit


class HostingRows(IndexedRows):
    """Filterable hosting migrations: columns (status, owner) plus a text search."""

    search: SearchCache

    def select(self, status: str | None, owner: str | None, query: str | None) -> Sequence[int]:
        key = self.codes(status, owner)
        if key is None:
            return ()
        rows = self.index.rows(key)
        if not query:
            return rows
        hits = self.search.rows(query)
        if key == (ANY, ANY):
            return hits
        status_col, owner_col = self._columns()
        return array("i", [r for r in hits if _fits(status_col[r], key[0]) and _fits(owner_col[r], key[1])])

    def _columns(self) -> tuple[Sequence[int], Sequence[int]]:
        raise NotImplementedError


def _fits(code: int, wanted: int) -> bool:
    return wanted == ANY or code == wanted


class SeededHosting(HostingRows):
    def __init__(
        self, seed: int, size: int, anchor: int, statuses: list[str], finish: Callable[[Doc], Doc]
    ) -> None:
        super().__init__()
        self.seed = seed
        self.anchor = anchor
        self.values = [list(statuses), list(CUSTOMERS)]
        self._finish = finish
        r = random.Random(stable_int(seed, "hosting-columns"))
        self._status = weighted_column(r, size, [_STATUS_WEIGHTS.get(s, 5) for s in statuses], seed, "hs")
        self._owner = weighted_column(r, size, [8, 6, 5, 4, 4, 3, 3, 2], seed, "ho")
        self._preset = weighted_column(r, size, [6, 4, 5, 3, 2, 2], seed, "hp")
        self.index = FilterIndex((self._status, self._owner), size)
        self.search = SearchCache(size, self._search_text)
        span = max(180 * DAY, size * 45)
        self._gap = max(2, span // max(1, size))
        self._salt = stable_int(seed, "hosting-jitter")
        self._days: dict[int, tuple[str, str]] = {}

    def _columns(self) -> tuple[Sequence[int], Sequence[int]]:
        return self._status, self._owner

    def created(self, row: int) -> int:
        return self.anchor - (row + 1) * self._gap + mix64(self._salt, row) % (self._gap // 2)

    def code(self, row: int) -> str:
        return f"MIG-{self.seed % 1000:03d}-{row + 1:07d}"

    def _names(self, row: int) -> tuple[str, str, str, str]:
        owner = CUSTOMERS[self._owner[row]]
        preset = PRESETS[self._preset[row]]
        compact, month_year = self._day(self.created(row) // DAY)
        csv = f"{preset}_{owner.lower()}_{compact}_{row % 97:02d}.csv"
        original = f"{_PRESET_TITLES[preset]} export {owner.title()} {month_year}.csv"
        return owner, preset, csv, original

    def _day(self, day: int) -> tuple[str, str]:
        """("20250531", "May 2025") for a day number, cached: neighbouring rows share days."""
        known = self._days.get(day)
        if known is None:
            text = iso(day * DAY)[:10]
            known = (text.replace("-", ""), f"{_MONTHS[int(text[5:7]) - 1]} {text[:4]}")
            self._days[day] = known
        return known

    def _search_text(self, row: int) -> str:
        return "\n".join((self.code(row), *self._names(row))).lower()

    def _render(self, row: int) -> Doc:
        r = rng(self.seed, "hosting", row)
        status = self.values[0][self._status[row]]
        owner, preset, csv, original = self._names(row)
        created = self.created(row)
        doc: Doc = {
            "status": status,
            "status_detail": _DETAILS.get(status, status.replace("_", " ")),
            "code": self.code(row),
            "csv_file_name": csv,
            "original_csv_file_name": original,
            "csv_file_size": r.randint(2_000, 4_000_000),
            "preset": preset,
            "resources": r.randint(1, 2_500),
            "owner": owner,
            "created_at": iso(created),
            "from_date": iso(created - r.randint(1, 30) * DAY),
        }
        doc.update(_lifecycle(status, created, self.anchor, r))
        return self._finish(doc)


def _lifecycle(status: str, created: int, now: int, r: random.Random) -> Doc:
    """Execution dates around ``now``; ``updated_at`` is the last event that has happened."""
    room = max(2, now - created)
    ahead = now + r.randint(1, 14) * DAY
    if status == "scheduled":
        late = r.random() < 0.15
        first = created + int(room * r.uniform(0.3, 0.9)) if late else ahead
        second = max(first, now) + r.randint(1, 7) * DAY
    elif status in ("running", "failed"):  # "first execution": the second is still to come
        first = created + int(room * r.uniform(0.05, 0.5))
        second = now + r.randint(1, 7) * DAY
    elif status in ("completed_with_errors", "completed"):
        first = created + int(room * r.uniform(0.05, 0.5))
        second = first + int((now - first) * r.uniform(0.1, 0.9))
    else:  # validating, to_schedule: the dates the migration would be proposed
        first = ahead
        second = first + r.randint(1, 7) * DAY
    last = created + min(room, {"validating": 600, "to_schedule": 3_600}.get(status, room // 20))
    if status in ("scheduled", "running", "failed", "completed_with_errors", "completed"):
        last = max(last, min(first, now))
    if status in ("completed_with_errors", "completed"):
        last = max(last, second)
    return {
        "first_execution_date": iso(first),
        "second_execution_date": iso(second),
        "updated_at": iso(last),
        "resources_has_errors": status in ("failed", "completed_with_errors"),
        "admin_first_execution_override": r.random() < 0.05,
        "admin_second_execution_override": r.random() < 0.03,
        "can_delete": status in ("validating", "to_schedule", "scheduled", "failed"),
        "execute_now": status == "to_schedule" and r.random() < 0.2,
        "is_late": status == "scheduled" and first < now,
    }


class ExplicitHosting(HostingRows):
    """Imported hosting migrations, newest first (``created_at`` desc, then ``code``)."""

    def __init__(self, docs: list[Doc]) -> None:
        super().__init__()
        self._docs = newest_first(docs, "created_at", "code")
        self.values = [
            sorted({str(d["status"]) for d in self._docs}),
            sorted({str(d.get("owner", "")) for d in self._docs}),
        ]
        codes = [{v: i for i, v in enumerate(values)} for values in self.values]
        self._status = array("i", [codes[0][str(d["status"])] for d in self._docs])
        self._owner = array("i", [codes[1][str(d.get("owner", ""))] for d in self._docs])
        self.index = FilterIndex((self._status, self._owner), len(self._docs))
        self.search = SearchCache(len(self._docs), self._search_text)

    def _columns(self) -> tuple[Sequence[int], Sequence[int]]:
        return self._status, self._owner

    def _search_text(self, row: int) -> str:
        doc = self._docs[row]
        keys = ("code", "csv_file_name", "original_csv_file_name", "owner", "preset")
        return "\n".join(str(doc.get(k) or "") for k in keys).lower()

    def _render(self, row: int) -> Doc:
        return self._docs[row]
