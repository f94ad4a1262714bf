"""The one cache: answers computed from one state of the data, kept until that state changes.

The store owns one ``Cache``. Each entry has a NAME (what it is: "snapshot", "due", …), a KEY
(the arguments it was computed for) and the data VERSION it was computed from. An entry is
served only for the same version; storing a newer one drops that name's older versions, and
each name keeps at most ``keep`` keys, so memory stays bounded.

Rebuilds are single-flight: while one thread computes (name, key, version), every other thread
asking for the same thing waits for that result instead of computing it again. After a write
under load, one request rebuilds and the others wait for it (no stampede).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any, TypeVar, cast

T = TypeVar("T")

KEEP = 8  # keys kept per name (e.g. a few days, windows or page sizes)


@dataclass
class _Entry:
    version: str
    value: Any
    started: int  # when its build started: a later start read a later version


@dataclass
class CacheStats:
    """What happened to one name: served from the cache, built, or waited for a build."""

    hits: int = 0
    builds: int = 0
    waits: int = 0  # answers that waited for another thread's build


class Cache:
    """Thread-safe, bounded, version-keyed memoisation with single-flight builds."""

    def __init__(self, *, keep: int = KEEP) -> None:
        self._keep = keep
        self._lock = threading.Lock()
        self._entries: dict[str, OrderedDict[Hashable, _Entry]] = {}
        self._flights: dict[tuple[str, Hashable, str], tuple[int, Future[Any]]] = {}
        self._started = 0
        self._stats: dict[str, CacheStats] = {}

    def get(self, name: str, key: Hashable, version: str, build: Callable[[], T]) -> T:
        """The value of NAME for KEY at data VERSION: kept, being built, or built now."""
        flight_key = (name, key, version)
        with self._lock:
            stats = self._stats.setdefault(name, CacheStats())
            found = self._entries.setdefault(name, OrderedDict()).get(key)
            if found is not None and found.version == version:
                self._entries[name].move_to_end(key)
                stats.hits += 1
                return cast(T, found.value)
            flight = self._flights.get(flight_key)
            if flight is None:
                self._started += 1
                started, future = self._started, Future[Any]()
                self._flights[flight_key] = (started, future)
                stats.builds += 1
            else:
                stats.waits += 1
        if flight is not None:
            return cast(T, flight[1].result())
        try:
            value = build()
        except BaseException as exc:
            with self._lock:
                del self._flights[flight_key]
            future.set_exception(exc)
            raise
        with self._lock:
            del self._flights[flight_key]
            self._store(name, key, _Entry(version, value, started))
        future.set_result(value)
        return value

    def _store(self, name: str, key: Hashable, entry: _Entry) -> None:
        entries = self._entries[name]
        others = [k for k, e in entries.items() if e.version != entry.version]
        if any(entries[k].started > entry.started for k in others):
            return  # built from an older state than what is kept already
        # Another version of this name means the data changed: what was built from the old
        # state will not be asked for again.
        for stale in others:
            del entries[stale]
        entries[key] = entry
        entries.move_to_end(key)
        while len(entries) > self._keep:
            entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def stats(self, name: str) -> CacheStats:
        """How NAME was served so far (a copy)."""
        with self._lock:
            found = self._stats.get(name, CacheStats())
            return CacheStats(found.hits, found.builds, found.waits)

    def __len__(self) -> int:
        with self._lock:
            return sum(len(entries) for entries in self._entries.values())
