"""Realistic values suggested by a field's name: a hint table, not per-API code.

:func:`hint_for` maps a property name (``namespace_id``, ``created_at``, ``file_size``) to a
:class:`Hint`: a text maker, a preferred integer or number range, or an implied string format.
Hints are suggestions; the generator checks every hinted value against the schema and falls back to
its plain generator when the hint does not fit. Text is drawn from :class:`Pools`, word lists taken
once from Faker for the locale and stored, so that making a value costs a few ``random`` calls.
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from random import Random
from typing import TypeVar

from oascore.fakes import words

_ALNUM = string.ascii_lowercase + string.digits
_HEX = "0123456789abcdef"
T = TypeVar("T")


POOL_NAMES = ("first", "last", "words", "companies", "cities", "countries")


class Pools:
    """The word lists of a locale, as stored in :mod:`oascore.fakes.words`.

    The lists were drawn once from a Faker seeded with 0 and are stored, and the stored lists are
    used whatever Faker is installed (or none): the same seed gives the same bytes on every
    install. Another Faker version draws other words (40.54.0 and 40.63.0 differ), so drawing at
    run time would tie the world to the installed Faker. Faker is needed only to regenerate the
    lists (``python -m oascore.fakes.words``). Loading them costs nothing: before they were
    stored, Faker's import took 70-190 ms and drawing 50-100 ms in a server's first response.
    """

    def __init__(self, locale: str = "en_US") -> None:
        lists = words.POOLS.get(locale)
        if lists is None:
            stored = ", ".join(sorted(words.POOLS))
            raise ValueError(
                f"no stored word pools for locale {locale!r} (stored: {stored}); "
                f"add them with: python -m oascore.fakes.words {locale}"
            )
        self.locale = locale
        self.first = lists["first"]
        self.last = lists["last"]
        self.words = lists["words"]
        self.companies = lists["companies"]
        self.cities = lists["cities"]
        self.countries = lists["countries"]

    def sentence(self, rng: Random, low: int = 5, high: int = 11) -> str:
        words = rng.choices(self.words, k=rng.randint(low, high))
        return " ".join(words).capitalize() + "."

    def phrase(self, rng: Random) -> str:
        return self.sentence(rng, 2, 4)[:-1]


@cache
def pools_for(locale: str) -> Pools:
    """The process's one :class:`Pools` for ``locale`` (its lists are immutable, so shared)."""
    return Pools(locale)


TextMaker = Callable[[Random, Pools], str]


@dataclass(frozen=True, slots=True)
class Hint:
    text: TextMaker | None = None
    ints: tuple[int, int] | None = None
    numbers: tuple[float, float] | None = None
    format: str | None = None  # a string format the name implies (``created_at`` -> date-time)


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c for c in folded.lower() if c.isalnum()) or "user"


def pick(rng: Random, items: Sequence[T]) -> T:
    """``rng.choice`` at a third of the cost (one ``random()``, no rejection loop)."""
    return items[int(rng.random() * len(items))]


def between(rng: Random, low: int, high: int) -> int:
    """``rng.randint(low, high)`` without its rejection loop (ranges up to 2**40 stay uniform)."""
    if high - low >= 1 << 40:
        return rng.randint(low, high)
    return low + int(rng.random() * (high - low + 1))


def short_id(rng: Random, length: int = 12) -> str:
    return "".join(rng.choices(_ALNUM, k=length))


def uuid_text(rng: Random) -> str:
    h = "%032x" % (rng.getrandbits(128) & ~(0xF000 << 64) | (0x4000 << 64))  # version 4
    variant = "89ab"[rng.getrandbits(2)]
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{variant}{h[17:20]}-{h[20:]}"


def _prefixed(prefix: str) -> TextMaker:
    return lambda rng, _: prefix + short_id(rng)


def _person(rng: Random, p: Pools) -> str:
    return f"{pick(rng, p.first)} {pick(rng, p.last)}"


def _username(rng: Random, p: Pools) -> str:
    return f"{_ascii(pick(rng, p.first))}.{_ascii(pick(rng, p.last))}{rng.randint(1, 99)}"


def email(rng: Random, p: Pools) -> str:
    domain = pick(rng, ("example.com", "example.org", "acme.io", "mail.example.net"))
    return f"{_ascii(pick(rng, p.first))}.{_ascii(pick(rng, p.last))}@{domain}"


# Neutral words for names and slugs: any API (a bank's, a tracker's, a cloud's) may be served,
# so nothing here should sound like one particular product.
_SLUG_HEADS = (
    "alpha",
    "north",
    "main",
    "primary",
    "team",
    "project",
    "sample",
    "blue",
    "central",
    "shared",
    "core",
    "pilot",
)
_SLUG_TAILS = (
    "group",
    "set",
    "space",
    "unit",
    "hub",
    "board",
    "list",
    "zone",
    "store",
    "pool",
)
_ENVS = ("prod", "staging", "dev", "v2", "2024", "main")


def _slug(rng: Random, _: Pools) -> str:
    return f"{pick(rng, _SLUG_HEADS)}_{pick(rng, _SLUG_TAILS)}_{pick(rng, _ENVS)}"


def _file_name(rng: Random, _: Pools) -> str:
    ext = pick(rng, (".csv", ".json", ".pdf", ".mp4", ".png", ".jpg", ".parquet", ".txt"))
    return f"{pick(rng, _SLUG_HEADS + _SLUG_TAILS)}_{rng.randint(2019, 2025)}{ext}"


def https_url(rng: Random, p: Pools) -> str:
    host = pick(rng, ("api.example.com", "cdn.example.com", "files.example.org", "app.acme.io"))
    return f"https://{host}/{pick(rng, p.words)}/{short_id(rng, 8)}"


def _webhook_url(rng: Random, _: Pools) -> str:
    return f"https://hooks.example.com/webhooks/{short_id(rng, 16)}"


def _image_url(rng: Random, p: Pools) -> str:
    return f"https://cdn.example.com/images/{pick(rng, p.words)}_{short_id(rng, 6)}.jpg"


def _version(rng: Random, _: Pools) -> str:
    if rng.random() < 0.3:
        return f"v{rng.randint(1, 3)}"
    return f"{rng.randint(0, 3)}.{rng.randint(0, 12)}.{rng.randint(0, 9)}"


_CODES = (
    "INVALID_INPUT",
    "NOT_FOUND",
    "RATE_LIMITED",
    "CONFLICT",
    "TIMEOUT",
    "UNAUTHORIZED",
    "QUOTA_EXCEEDED",
    "UNAVAILABLE",
    "FORBIDDEN",
    "INTERNAL",
)
_STATUS_DETAILS = (
    "Processing batch 3 of 10",
    "Waiting for workers",
    "Queued behind 2 jobs",
    "Extracting features",
    "Indexing documents",
    "Finalizing results",
    "Validating configuration",
    "Copying artifacts",
)


def _choice(values: tuple[str, ...]) -> TextMaker:
    return lambda rng, _: pick(rng, values)


def _title(rng: Random, p: Pools) -> str:
    return " ".join(pick(rng, p.words) for _ in range(rng.randint(2, 4))).title()


def _tag(rng: Random, p: Pools) -> str:
    return pick(rng, p.words)


def _secret(rng: Random, _: Pools) -> str:
    return "sk_" + "".join(rng.choices(string.ascii_letters + string.digits, k=32))


def _hex_digest(rng: Random, _: Pools) -> str:
    return "".join(rng.choices(_HEX, k=64))


def _phone(rng: Random, _: Pools) -> str:
    return f"+1-{rng.randint(201, 989)}-555-{rng.randint(100, 199):04d}"


# The id prefix for a resource named at the end of ``<resource>_id``; longest name wins.
ID_PREFIXES = {
    "namespace": "ns_",
    "collection": "col_",
    "bucket": "bkt_",
    "organization": "org_",
    "org": "org_",
    "taxonomy": "tax_",
    "retriever": "ret_",
    "cluster": "iclstr_",
    "feature_extractor": "fe_",
    "extractor": "fe_",
    "migration": "mig_",
    "user": "usr_",
    "document": "doc_",
    "batch": "btch_",
    "object": "obj_",
    "webhook": "wh_",
    "event": "evt_",
}
_UUID_IDS = ("task", "request", "trace", "correlation", "job", "run", "execution", "idempotency")
_PERSON_NAMES = (
    "full",
    "owner",
    "author",
    "contact",
    "customer",
    "user",
    "display",
    "person",
    "created_by",
    "updated_by",
    "assignee",
)

_TEXT_SUFFIXES: tuple[tuple[str, TextMaker], ...] = (
    ("file_name", _file_name),
    ("filename", _file_name),
    ("webhook_url", _webhook_url),
    ("image_url", _image_url),
    ("thumbnail_url", _image_url),
    ("_url", https_url),
    ("_uri", https_url),
    ("email", email),
    ("status_detail", _choice(_STATUS_DETAILS)),
    ("description", lambda r, p: p.sentence(r)),
    ("message", lambda r, p: p.sentence(r)),
    ("_reason", lambda r, p: p.sentence(r)),
    ("error_code", _choice(_CODES)),
    ("_code", lambda r, _: "".join(r.choices(string.ascii_uppercase + string.digits, k=6))),
    ("_token", _secret),
    ("_secret", _secret),
    ("api_key", _secret),
    ("_hash", _hex_digest),
    ("checksum", _hex_digest),
    ("_phone", _phone),
    ("_title", _title),
    ("_slug", _slug),
    ("_version", _version),
)
_TEXT_EXACT: dict[str, TextMaker] = {
    "id": lambda r, _: short_id(r),
    "name": _slug,
    "owner": _person,
    "author": _person,
    "first_name": lambda r, p: pick(r, p.first),
    "last_name": lambda r, p: pick(r, p.last),
    "username": _username,
    "user_name": _username,
    "url": https_url,
    "uri": https_url,
    "link": https_url,
    "href": https_url,
    "endpoint": https_url,
    "callback": https_url,
    "version": _version,
    "code": _choice(_CODES),
    "message": lambda r, p: p.sentence(r),
    "summary": lambda r, p: p.sentence(r),
    "notes": lambda r, p: p.sentence(r),
    "reason": lambda r, p: p.phrase(r),
    "title": _title,
    "label": _tag,
    "tag": _tag,
    "keyword": _tag,
    "category": _tag,
    "slug": lambda r, p: _slug(r, p).replace("_", "-"),
    "company": lambda r, p: pick(r, p.companies),
    "city": lambda r, p: pick(r, p.cities),
    "country": lambda r, p: pick(r, p.countries),
    "phone": _phone,
    "token": _secret,
    "password": _secret,
    "secret": _secret,
    "etag": _hex_digest,
    "hash": _hex_digest,
    "region": _choice(("us-east-1", "us-west-2", "eu-west-1", "ap-southeast-1")),
    "currency": _choice(("USD", "EUR", "GBP", "JPY")),
    "country_code": _choice(("US", "GB", "DE", "FR")),
    "language": _choice(("en", "de", "fr", "es")),
    "locale": _choice(("en-US", "en-GB", "de-DE")),
    "timezone": _choice(("UTC", "America/New_York", "Europe/Berlin", "Asia/Tokyo")),
    "mime_type": _choice(("text/csv", "application/json", "image/png", "video/mp4", "application/pdf")),
    "content_type": _choice(("text/csv", "application/json", "image/png", "video/mp4")),
}
_FORMAT_EXACT = {
    "timestamp": "date-time",
    "ip": "ipv4",
    "ip_address": "ipv4",
    "hostname": "hostname",
    "host": "hostname",
    "domain": "hostname",
}

_INT_EXACT = {
    "limit": (10, 100),
    "page_size": (10, 100),
    "per_page": (10, 100),
    "offset": (0, 200),
    "skip": (0, 200),
    "page": (1, 20),
    "port": (1024, 65535),
    "year": (2015, 2025),
    "age": (18, 80),
    "priority": (1, 10),
    "tier": (0, 4),
    "retries": (0, 5),
    "attempts": (0, 5),
    "width": (64, 4096),
    "height": (64, 4096),
    "dimensions": (128, 3072),
}
_INT_SUFFIXES = (
    ("percent", (0, 100)),
    ("percentage", (0, 100)),
    ("progress", (0, 100)),
    ("_size", (1024, 50_000_000)),
    ("_bytes", (1024, 50_000_000)),
    ("_ms", (1, 5000)),
    ("_seconds", (1, 3600)),
    ("duration", (1, 3600)),
    ("timeout", (1, 300)),
    ("count", (0, 250)),
    ("total", (0, 250)),
    ("_completed", (0, 250)),
    ("_failed", (0, 20)),
    ("_processed", (0, 250)),
)
_NUMBER_SUFFIXES = (
    ("score", (0.0, 1.0)),
    ("confidence", (0.0, 1.0)),
    ("similarity", (0.0, 1.0)),
    ("probability", (0.0, 1.0)),
    ("ratio", (0.0, 1.0)),
    ("weight", (0.0, 1.0)),
    ("price", (1.0, 500.0)),
    ("amount", (1.0, 500.0)),
    ("cost", (0.01, 100.0)),
    ("latitude", (-90.0, 90.0)),
    ("lat", (-90.0, 90.0)),
    ("longitude", (-180.0, 180.0)),
    ("lng", (-180.0, 180.0)),
    ("lon", (-180.0, 180.0)),
)


def snake(name: str) -> str:
    """``namespaceId`` / ``Namespace-ID`` -> ``namespace_id``."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name)
    return re.sub(r"[^a-z0-9]+", "_", spaced.lower()).strip("_")


def singular(name: str) -> str:
    """The name of one item of an array field: ``collection_ids`` -> ``collection_id``."""
    for plural, one in (("ies", "y"), ("sses", "ss"), ("xes", "x"), ("ches", "ch"), ("s", "")):
        if name.endswith(plural) and len(name) > len(plural) + 1 and not name.endswith("ss"):
            return name[: -len(plural)] + one
    return name


@lru_cache(maxsize=4096)
def hint_for(name: str | None) -> Hint | None:
    """The hint for a field called ``name``; ``None`` when the name suggests nothing."""
    if not name:
        return None
    key = snake(name)
    if key in _TEXT_EXACT or key in _INT_EXACT:
        return Hint(text=_TEXT_EXACT.get(key), ints=_INT_EXACT.get(key))
    if key in _FORMAT_EXACT:
        return Hint(format=_FORMAT_EXACT[key])
    if key.endswith("_id") or key.endswith("_ids"):
        return Hint(text=_id_maker(key.rsplit("_id", 1)[0]))
    if key.endswith("_at") or key.endswith("_date") or key.endswith("_time"):
        return Hint(format="date-time")
    if key.endswith("_name") and not key.endswith("file_name"):
        return Hint(text=_person if key[: -len("_name")] in _PERSON_NAMES else _slug)
    numbers = next((r for s, r in _NUMBER_SUFFIXES if key.endswith(s)), None)
    ints = next((r for s, r in _INT_SUFFIXES if key.endswith(s)), None)
    if key.startswith("num_") or key.startswith("n_"):
        ints = ints or (0, 250)
    text = next((maker for s, maker in _TEXT_SUFFIXES if key.endswith(s)), None)
    if numbers is None and ints is not None:
        numbers = (float(ints[0]), float(ints[1]))
    if numbers or ints or text:
        return Hint(text=text, ints=ints, numbers=numbers)
    return None


def _id_maker(resource: str) -> TextMaker:
    if resource.split("_")[-1] in _UUID_IDS:
        return lambda rng, _: uuid_text(rng)
    matches = [r for r in ID_PREFIXES if resource == r or resource.endswith("_" + r)]
    if matches:
        return _prefixed(ID_PREFIXES[max(matches, key=len)])
    return lambda rng, _: short_id(rng)
