"""The one cache: answers computed from one state of the data, kept until that state changes.

The store owns one ``Cache``. Each entry has a NAME (what it is: "snapshot", "due", …), a KEY
(the arguments it was computed for) and the data VERSION it was computed from. An entry is
served only for the same version; storing a newer one drops that name's older versions, and
each name keeps at most ``keep`` keys, so memory stays bounded.

Rebuilds are single-flight: while one thread computes (name, key, version), every other thread
asking for the same thing waits for that result instead of computing it again. After a write
under load, one request rebuilds and the others wait for it (no stampede).

A server can also allow answers a moment stale (``stale_wait``): a rebuild then runs on a
thread of its own, the request that started it waits for it at most that long before it takes
the previous answer (never one older than the previous version), and the requests that come
while it runs take the previous answer at once; the rebuild's answer is kept for the requests
after it. While writes keep coming, such an answer is rebuilt at most once every
``rebuild_every`` seconds, and never sooner than four times its last build took after it: a
busy server rebuilding everything after every write would spend more time on it than it has
(each answer then takes at most a fifth of the time), and each answer is at most that much,
and one rebuild, behind.
A request in the ``fresh()`` context always waits (a page right after the
user's own change shows it), and so does every build: what it reads from the cache (a build of
the advocates reads the snapshot) is of the current data, never a stale answer kept under the
new version. The CLI and the tests never take a stale answer.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from concurrent.futures import Future
from concurrent.futures import TimeoutError as Late
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TypeVar, cast

T = TypeVar("T")

KEEP = 8  # keys kept per name (e.g. a few days, windows or page sizes)
REBUILD_SHARE = 4.0  # a busy server waits this many times a build's time before the next one


@dataclass
class _Entry:
    version: str
    value: Any
    started: int  # when its build started: a later start read a later version
    built_at: float = 0.0  # time.monotonic() when it was kept
    took: float = 0.0  # seconds its build took


@dataclass
class CacheStats:
    """What happened to one name: served from the cache, built, waited for, or served stale."""

    hits: int = 0
    builds: int = 0
    waits: int = 0  # answers that waited for another thread's build
    stale: int = 0  # the previous answer, served while a rebuild was running


_fresh: ContextVar[bool] = ContextVar("whoknows_fresh_reads", default=False)


@contextmanager
def fresh() -> Iterator[None]:
    """Within this block every answer is of the current data (waits for a rebuild)."""
    token = _fresh.set(True)
    try:
        yield
    finally:
        _fresh.reset(token)


class Cache:
    """Thread-safe, bounded, version-keyed memoisation with single-flight builds.

    STALE_WAIT (seconds, None for never): how long a request waits for a rebuild when a
    previous answer exists, before it is served that one. REBUILD_EVERY (seconds): with
    STALE_WAIT, a previous answer younger than this is served without a rebuild.
    """

    def __init__(
        self, *, keep: int = KEEP, stale_wait: float | None = None, rebuild_every: float = 0.0
    ) -> None:
        self._keep = keep
        self.stale_wait = stale_wait
        self.rebuild_every = rebuild_every
        self._lock = threading.Lock()
        self._entries: dict[str, OrderedDict[Hashable, _Entry]] = {}
        self._flights: dict[tuple[str, Hashable, str], tuple[int, Future[Any]]] = {}
        self._started = 0
        self._stats: dict[str, CacheStats] = {}
        self._rebuilds: set[threading.Thread] = set()

    def get(self, name: str, key: Hashable, version: str, build: Callable[[], T]) -> T:
        """The value of NAME for KEY at data VERSION: kept, being built, or built now."""
        flight_key = (name, key, version)
        patience = None if _fresh.get() else self.stale_wait
        with self._lock:
            stats = self._stats.setdefault(name, CacheStats())
            found = self._entries.setdefault(name, OrderedDict()).get(key)
            if found is not None and found.version == version:
                self._entries[name].move_to_end(key)
                stats.hits += 1
                return cast(T, found.value)
            previous = found if patience is not None else None
            if previous is not None and (
                self._rebuilding(name, key)
                or time.monotonic() - previous.built_at < self._settle(previous)
            ):
                # One rebuild of this answer at a time, and it is on its way: only the request
                # that started it waits for it (a moment), the others take the previous answer.
                # Or the previous answer is young: it is rebuilt once the writes have settled.
                stats.stale += 1
                return cast(T, previous.value)
            flight = self._flights.get(flight_key)
            owner = flight is None
            if flight is None:
                self._started += 1
                flight = (self._started, Future[Any]())
                self._flights[flight_key] = flight
                stats.builds += 1
            else:
                stats.waits += 1
        started, future = flight
        if owner:
            if previous is None:  # nothing to serve meanwhile: build here and now
                return cast(T, self._build(name, key, version, started, future, build))
            self._rebuild(name, key, version, started, future, build)
        if previous is None:
            return cast(T, future.result())
        try:
            return cast(T, future.result(timeout=patience))
        except Late:
            with self._lock:
                stats.stale += 1
            return cast(T, previous.value)

    def _build(
        self,
        name: str,
        key: Hashable,
        version: str,
        started: int,
        future: Future[Any],
        build: Callable[[], Any],
    ) -> Any:
        began = time.monotonic()
        try:
            with fresh():
                value = build()
        except BaseException as exc:
            with self._lock:
                del self._flights[(name, key, version)]
            future.set_exception(exc)
            raise
        with self._lock:
            del self._flights[(name, key, version)]
            now = time.monotonic()
            self._store(name, key, _Entry(version, value, started, now, now - began))
        future.set_result(value)
        return value

    def _settle(self, previous: _Entry) -> float:
        """How long after it was built a previous answer is served without a rebuild."""
        if not self.rebuild_every:
            return 0.0
        return max(self.rebuild_every, REBUILD_SHARE * previous.took)

    def _rebuilding(self, name: str, key: Hashable) -> bool:
        return any(n == name and k == key for n, k, _v in self._flights)

    def _rebuild(
        self,
        name: str,
        key: Hashable,
        version: str,
        started: int,
        future: Future[Any],
        build: Callable[[], Any],
    ) -> None:
        """Build on a thread of its own. Not a bounded pool: a build may wait for another one
        (the advocates for the snapshot), which must never queue behind it. There is at most
        one rebuild per name and key at a time, so the threads stay few."""

        def run() -> None:
            try:
                with suppress(BaseException):  # the waiters get it from the future
                    self._build(name, key, version, started, future, build)
            finally:
                with self._lock:
                    self._rebuilds.discard(threading.current_thread())

        thread = threading.Thread(target=run, name=f"whoknows-cache-{name}", daemon=True)
        with self._lock:
            self._rebuilds.add(thread)
        thread.start()

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

    def close(self) -> None:
        """Wait for the rebuilds under way to finish."""
        with self._lock:
            running = list(self._rebuilds)
        for thread in running:
            thread.join()

    def stats(self, name: str) -> CacheStats:
        """How NAME was served so far (a copy)."""
        with self._lock:
            found = self._stats.get(name, CacheStats())
            return CacheStats(found.hits, found.builds, found.waits, found.stale)

    def __len__(self) -> int:
        with self._lock:
            return sum(len(entries) for entries in self._entries.values())
