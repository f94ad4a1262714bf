"""The one cache: kept per data version, bounded, and one build at a time for the same answer."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from whoknows.services import events, followups, people, reach, snapshot, suggest
from whoknows.services.cache import Cache
from whoknows.services.people import PersonInput
from whoknows.services.store import Store

TODAY = dt.date(2026, 3, 10)


def _together(count: int, call: Callable[[], Any]) -> list[Any]:
    """CALL run COUNT times at once from as many threads."""
    start = threading.Barrier(count)

    def run() -> Any:
        start.wait()
        return call()

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(lambda _: run(), range(count)))


def test_concurrent_askers_wait_for_one_build() -> None:
    cache = Cache()
    built: list[int] = []

    def build() -> str:
        built.append(1)
        time.sleep(0.2)
        return "answer"

    found = _together(8, lambda: cache.get("due", "today", "v1", build))
    assert found == ["answer"] * 8
    assert len(built) == 1
    stats = cache.stats("due")
    assert (stats.builds, stats.hits + stats.waits) == (1, 7)


def test_an_answer_is_kept_for_its_version_only() -> None:
    cache = Cache()
    assert cache.get("due", "k", "v1", lambda: 1) == 1
    assert cache.get("due", "k", "v1", lambda: 2) == 1
    assert cache.get("due", "k", "v2", lambda: 3) == 3
    assert cache.get("due", "k", "v2", lambda: 4) == 3


def test_a_new_version_drops_the_old_answers_of_that_name_only() -> None:
    cache = Cache()
    cache.get("due", "a", "v1", lambda: 1)
    cache.get("due", "b", "v1", lambda: 1)
    cache.get("charts", "digest", "any", lambda: 1)
    assert len(cache) == 3
    cache.get("due", "a", "v2", lambda: 2)
    assert len(cache) == 2
    assert cache.get("charts", "digest", "any", lambda: 9) == 1


def test_each_name_keeps_a_bounded_number_of_keys() -> None:
    cache = Cache(keep=3)
    for key in range(10):
        cache.get("due", key, "v1", lambda k=key: k)  # type: ignore[misc]
    assert len(cache) == 3
    assert cache.get("due", 9, "v1", lambda: -1) == 9
    assert cache.get("due", 0, "v1", lambda: -1) == -1


def test_a_failed_build_reaches_every_waiter_and_is_not_kept() -> None:
    cache = Cache()
    calls: list[int] = []

    def failing() -> str:
        calls.append(1)
        time.sleep(0.2)
        raise ValueError("no")

    def ask() -> str:
        try:
            return cache.get("due", "k", "v1", failing)
        except ValueError as exc:
            return str(exc)

    assert _together(4, ask) == ["no"] * 4
    assert len(calls) == 1
    assert cache.get("due", "k", "v1", lambda: "later") == "later"


def test_a_slow_build_of_an_older_version_never_replaces_a_newer_answer() -> None:
    cache = Cache()
    release = threading.Event()

    def slow_old() -> str:
        release.wait(5)
        return "old"

    with ThreadPoolExecutor(1) as pool:
        old = pool.submit(cache.get, "due", "k", "v1", slow_old)
        time.sleep(0.05)
        assert cache.get("due", "k", "v2", lambda: "new") == "new"
        release.set()
        assert old.result() == "old"
    assert cache.get("due", "k", "v2", lambda: "rebuilt") == "new"


def _network(store: Store) -> None:
    people.set_me(store, PersonInput(name="Sam Jones", emails=["sam@jones.test"]))
    events.add_event(store, "Leeds Breakfast", TODAY - dt.timedelta(days=3))
    events.met(store, "Leeds Breakfast", ["Ada Brown <ada@brown.test>", "Ben Li <ben@li.test>"])


def test_requests_after_a_write_build_the_snapshot_and_due_list_once(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The web stampede: every request in flight after a write rebuilt everything itself."""
    _network(store)
    followups.due(store, today=TODAY)
    builds: list[int] = []
    real = snapshot._current  # makes each new snapshot, updated or built in full

    def slow_build(*args: Any, **kwargs: Any) -> snapshot.Snapshot:
        builds.append(1)
        time.sleep(0.3)
        return real(*args, **kwargs)

    monkeypatch.setattr(snapshot, "_current", slow_build)
    followups.done(store, "Ada Brown", on=TODAY)  # a write: every cached answer is stale
    answers = _together(6, lambda: followups.due(store, today=TODAY))
    assert len(builds) == 1
    assert all(a == answers[0] for a in answers)
    assert "Ada Brown" not in {item.name for item in answers[0]}
    assert store.cache.stats("due").builds == 2  # before the write, and once after it


def test_advocates_and_suggestions_are_served_from_the_cache_until_a_write(store: Store) -> None:
    _network(store)
    first = reach.advocates(store, top=5, today=TODAY)
    assert reach.advocates(store, top=5, today=TODAY) == first
    suggest.suggest(store, today=TODAY)
    suggest.suggest(store, today=TODAY)
    assert store.cache.stats("advocates").builds == 1
    assert store.cache.stats("suggest").builds == 1
    people.edit_person(store, "Ada Brown", PersonInput(asks="a bookkeeper"))
    reach.advocates(store, top=5, today=TODAY)
    assert store.cache.stats("advocates").builds == 2


def test_a_server_serves_the_previous_answer_while_one_rebuild_runs() -> None:
    cache = Cache(stale_wait=0.05)
    cache.get("due", "k", "v1", lambda: "old")
    release = threading.Event()
    built: list[int] = []

    def slow_new() -> str:
        built.append(1)
        release.wait(5)
        return "new"

    answers = _together(6, lambda: cache.get("due", "k", "v2", slow_new))
    assert answers == ["old"] * 6, "nobody waited for the rebuild"
    assert len(built) == 1
    release.set()
    deadline = time.monotonic() + 5
    while cache.get("due", "k", "v2", slow_new) != "new":
        assert time.monotonic() < deadline
        time.sleep(0.01)
    assert cache.stats("due").stale >= 6
    cache.close()


def test_fresh_reads_wait_for_the_rebuild_even_on_a_server() -> None:
    from whoknows.services.cache import fresh

    cache = Cache(stale_wait=0.01)
    cache.get("due", "k", "v1", lambda: "old")

    def slow_new() -> str:
        time.sleep(0.1)
        return "new"

    with fresh():
        assert cache.get("due", "k", "v2", slow_new) == "new"
    cache.close()


def _eventually(check: Callable[[], bool]) -> None:
    deadline = time.monotonic() + 5
    while not check():
        assert time.monotonic() < deadline
        time.sleep(0.01)


def test_a_rebuild_reads_the_current_data_never_a_stale_answer() -> None:
    """A rebuild of the advocates on a server reads the snapshot: the new one, not the
    previous one served meanwhile, which would be kept under the new version until the
    next write."""
    cache = Cache(stale_wait=0.01)
    cache.get("snapshot", "k", "v1", lambda: "S1")
    cache.get("advocates", "k", "v1", lambda: "A(S1)")
    release = threading.Event()

    def snapshot() -> str:
        release.wait(5)
        return "S2"

    def advocates() -> str:
        return "A(" + cache.get("snapshot", "k", "v2", snapshot) + ")"

    assert cache.get("snapshot", "k", "v2", snapshot) == "S1"  # its rebuild is under way
    assert cache.get("advocates", "k", "v2", advocates) == "A(S1)"
    release.set()
    _eventually(lambda: cache.get("advocates", "k", "v2", advocates) == "A(S2)")
    cache.close()


def test_rebuilds_waiting_for_another_rebuild_never_block_it() -> None:
    """Every answer after a write rebuilds at once, and each waits for the snapshot's rebuild,
    which started last: it still runs."""
    cache = Cache(stale_wait=0.01)
    names = [f"answer-{i}" for i in range(6)]
    cache.get("snapshot", "k", "v1", lambda: "S1")
    for name in names:
        cache.get(name, "k", "v1", lambda: "old")
    started = threading.Barrier(len(names) + 1, timeout=5)

    def over_snapshot() -> str:
        started.wait()  # every one of them is running before the snapshot's rebuild starts
        return cache.get("snapshot", "k", "v2", lambda: "S2")

    for name in names:
        assert cache.get(name, "k", "v2", over_snapshot) == "old"
    started.wait()
    assert cache.get("snapshot", "k", "v2", lambda: "S2") in ("S1", "S2")
    for name in names:
        _eventually(lambda name=name: cache.get(name, "k", "v2", over_snapshot) == "S2")
    cache.close()


def test_while_a_rebuild_runs_the_others_take_the_previous_answer_at_once() -> None:
    """Only the request that started a rebuild waits for it: under load after every write,
    each request waited for each answer being rebuilt, one after the other."""
    cache = Cache(stale_wait=5)
    cache.get("due", "k", "v1", lambda: "old")
    release = threading.Event()

    def slow_new() -> str:
        release.wait(5)
        return "new"

    with ThreadPoolExecutor(1) as pool:
        first = pool.submit(cache.get, "due", "k", "v2", slow_new)
        _eventually(lambda: cache.stats("due").builds == 2)
        began = time.monotonic()
        assert cache.get("due", "k", "v2", slow_new) == "old"
        assert time.monotonic() - began < 1
        release.set()
        assert first.result() == "new"
    assert cache.get("due", "k", "v2", slow_new) == "new"
    cache.close()


def test_while_writes_keep_coming_a_young_answer_is_served_without_a_rebuild() -> None:
    """A busy server rebuilt every ranking after every write: more work than it had time for."""
    cache = Cache(stale_wait=0.01, rebuild_every=60)
    cache.get("due", "k", "v1", lambda: "old")
    built: list[int] = []

    def new() -> str:
        built.append(1)
        return "new"

    assert cache.get("due", "k", "v2", new) == "old"
    assert cache.get("due", "k", "v3", new) == "old"
    assert built == []
    from whoknows.services.cache import fresh

    with fresh():  # a browser's own change: shown at once
        assert cache.get("due", "k", "v3", new) == "new"
    cache.rebuild_every = 0
    cache.get("due", "k", "v4", new)
    _eventually(lambda: cache.get("due", "k", "v4", new) == "new")
    assert len(built) == 2
    cache.close()


def test_an_answer_slow_to_build_is_rebuilt_less_often() -> None:
    """Under load a build takes longer, and the next waits longer: rebuilds keep at most a
    fifth of the time of a busy server, however slow they become."""
    cache = Cache(stale_wait=0.01, rebuild_every=0.05)

    def slow() -> str:
        time.sleep(0.1)
        return "old"

    cache.get("due", "k", "v1", slow)  # took 0.1 s: not rebuilt for 0.4 s
    assert cache.get("due", "k", "v2", lambda: "new") == "old"
    time.sleep(0.1)  # older than rebuild_every, younger than four builds
    assert cache.get("due", "k", "v2", lambda: "new") == "old"
    time.sleep(0.35)
    cache.get("due", "k", "v2", lambda: "new")
    _eventually(lambda: cache.get("due", "k", "v2", lambda: "new") == "new")
    cache.close()
