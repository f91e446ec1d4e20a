"""The default :class:`~mockserver.store.base.Store`: everything in this process's memory."""

from __future__ import annotations

import builtins
import copy
import threading
from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from typing import Any

import orjson

from mockserver.store.base import Doc, check_export

_Entry = tuple[str | None, bytes]  # (index value, the document as JSON)
_Docs = dict[str, dict[str, _Entry]]  # kind -> key -> entry
_ByIndex = dict[str, dict[str | None, dict[str, None]]]  # kind -> index value -> keys, in order


def _place(docs: _Docs, by_index: _ByIndex, kind: str, key: str, entry: _Entry | None) -> None:
    """Put (or with ``None`` remove) one document, keeping the index in step."""
    table = docs.setdefault(kind, {})
    keys_of = by_index.setdefault(kind, {})
    old = table.get(key)
    if old is not None and (entry is None or old[0] != entry[0]):
        keys = keys_of[old[0]]
        del keys[key]
        if not keys:
            del keys_of[old[0]]
        if entry is None:
            del table[key]
    if entry is not None:
        table[key] = entry
        keys_of.setdefault(entry[0], {})[key] = None


def _load(raw: bytes) -> Doc:
    doc: Doc = orjson.loads(raw)
    return doc


class MemoryStore:
    """A :class:`Store` in this process. Writes inside a failing ``transaction()`` are undone."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        # Documents are kept as JSON bytes, as the SQLite store keeps them: a read is an
        # ``orjson.loads`` (a fresh object, ~6x cheaper than the deepcopy it replaced) and a
        # write that is not JSON fails here as it would there.
        self._docs: _Docs = {}
        # kind -> index value -> keys (in insertion order): ``list(kind, index=…)`` reads one
        # namespace's collections without walking every collection of every clone (it did, and
        # cloning slowed down with each clone made).
        self._by_index: _ByIndex = {}
        self._names: dict[str, dict[str, str]] = {}
        self._sequences: dict[str, int] = {}
        self._meta: dict[str, Any] = {}
        self._generation = 0
        self._doc_writes = 0
        self._undo: list[list[tuple[str, Any]]] = []

    def get(self, kind: str, key: str) -> Doc | None:
        entry = self._docs.get(kind, {}).get(key)
        return _load(entry[1]) if entry else None

    def put(self, kind: str, key: str, doc: Doc, *, index: str | None = None) -> None:
        with self._lock:
            entry = (index, orjson.dumps(doc))
            self._remember("doc", (kind, key, self._docs.get(kind, {}).get(key)))
            self._set(kind, key, entry)

    def delete(self, kind: str, key: str) -> None:
        with self._lock:
            table = self._docs.get(kind, {})
            if key in table:
                self._remember("doc", (kind, key, table[key]))
                self._set(kind, key, None)

    def list(self, kind: str, *, index: str | None = None) -> list[Doc]:
        with self._lock:
            table = self._docs.get(kind, {})
            if index is None:
                rows = [doc for _, doc in table.values()]
            else:
                rows = [table[key][1] for key in self._by_index.get(kind, {}).get(index, {})]
        return [_load(doc) for doc in rows]

    def count(self, kind: str, *, index: str | None = None) -> int:
        if index is None:
            return len(self._docs.get(kind, {}))
        return len(self._by_index.get(kind, {}).get(index, {}))

    def reserve_name(self, scope: str, name: str, key: str) -> bool:
        with self._lock:
            names = self._names.setdefault(scope, {})
            if name in names:
                return False
            self._remember("name", (scope, name))
            names[name] = key
            return True

    def name_owner(self, scope: str, name: str) -> str | None:
        return self._names.get(scope, {}).get(name)

    def next_sequence(self, name: str) -> int:
        with self._lock:
            self._remember("seq", (name, self._sequences.get(name)))
            self._sequences[name] = self._sequences.get(name, 0) + 1
            return self._sequences[name]

    def current_sequence(self, name: str) -> int:
        return self._sequences.get(name, 0)

    def get_meta(self, key: str) -> Any:
        return copy.deepcopy(self._meta.get(key))

    def set_meta(self, key: str, value: Any) -> None:
        with self._lock:
            self._remember("meta", (key, self._meta.get(key, _MISSING)))
            self._meta[key] = copy.deepcopy(value)

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        with self._lock:
            self._undo.append([])
            try:
                yield
            except BaseException:
                self._rollback(self._undo.pop())
                raise
            done = self._undo.pop()
            if self._undo:
                self._undo[-1].extend(done)

    def transaction(self) -> AbstractContextManager[None]:
        return self._transaction()

    def generation(self) -> int:
        return self._generation

    def write_version(self) -> tuple[int, int]:
        return self._generation, self._doc_writes

    def export(self) -> dict[str, Any]:
        with self._lock:
            return {
                "docs": {
                    kind: [[key, idx, _load(doc)] for key, (idx, doc) in table.items()]
                    for kind, table in self._docs.items()
                },  # fresh objects already
                "names": copy.deepcopy(self._names),
                "sequences": dict(self._sequences),
                "meta": copy.deepcopy(self._meta),
            }

    def import_(self, data: Mapping[str, Any]) -> None:
        check_export(data)
        with self._lock:
            docs: _Docs = {}
            by_index: _ByIndex = {}
            for kind, rows in data.get("docs", {}).items():
                for key, idx, doc in rows:
                    _place(docs, by_index, str(kind), key, (idx, orjson.dumps(doc)))
            # built aside and swapped in: readers never see a half-imported store, and a
            # document that is not JSON fails before anything is replaced
            self._docs, self._by_index = docs, by_index
            self._names = {str(s): dict(v) for s, v in data.get("names", {}).items()}
            self._sequences = dict(data.get("sequences", {}))
            self._meta = copy.deepcopy(dict(data.get("meta", {})))
            self._undo = [[] for _ in self._undo]
            self._generation += 1

    def reset(self) -> None:
        self.import_({})

    def close(self) -> None:
        pass

    def _set(self, kind: str, key: str, entry: _Entry | None) -> None:
        self._doc_writes += 1  # undoing a write counts too: the version only has to change
        _place(self._docs, self._by_index, kind, key, entry)

    def _remember(self, what: str, item: Any) -> None:
        if self._undo:
            self._undo[-1].append((what, item))

    def _rollback(self, undo: builtins.list[tuple[str, Any]]) -> None:
        for what, item in reversed(undo):
            if what == "doc":
                kind, key, previous = item
                self._set(kind, key, None)
                if previous is not None:
                    self._set(kind, key, previous)
            elif what == "name":
                scope, name = item
                self._names.get(scope, {}).pop(name, None)
            elif what == "seq":
                name, previous = item
                if previous is None:
                    self._sequences.pop(name, None)
                else:
                    self._sequences[name] = previous
            elif what == "meta":
                key, previous = item
                if previous is _MISSING:
                    self._meta.pop(key, None)
                else:
                    self._meta[key] = previous


_MISSING = object()
