"""The push plan: applied to what the server holds, it gives exactly the projection."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from whoknows.core.sharing import Band, Level, Shared
from whoknows.services.team.push import plan

keys = st.sampled_from([f"{i:064x}" for i in range(12)])
shared = st.builds(
    Shared,
    key=st.just(""),
    band=st.sampled_from(list(Band)),
    role=st.sampled_from([None, "CFO", "CTO"]),
    org=st.sampled_from([None, "Acme"]),
    org_key=st.just(None),
)


def _projection(entries: dict[str, Shared]) -> dict[str, Shared]:
    return {k: Shared(k, s.band, s.role, s.org, s.org_key) for k, s in entries.items()}


@given(
    st.dictionaries(keys, shared, max_size=12),
    st.dictionaries(keys, shared, max_size=12),
    st.booleans(),
)
def test_applying_the_plan_to_the_last_push_gives_the_projection(
    before: dict[str, Shared], now: dict[str, Shared], complete: bool
) -> None:
    held = {k: s.digest() for k, s in _projection(before).items()}
    current = _projection(now)
    chosen = plan(Level.WHO, current, held, complete=complete)
    after = {} if chosen.complete else dict(held)
    for key in chosen.remove:
        del after[key]
    after.update({k: s.digest() for k, s in chosen.upsert.items()})
    assert after == {k: s.digest() for k, s in current.items()}
    if not complete:  # only what changed is sent
        assert all(held.get(k) != s.digest() for k, s in chosen.upsert.items())


def test_level_nothing_sends_nothing_and_is_complete() -> None:
    chosen = plan(
        Level.NOTHING,
        _projection({"a" * 64: Shared("", Band.WEAK, None, None, None)}),
        {},
        complete=False,
    )
    assert (chosen.upsert, chosen.remove, chosen.complete) == ({}, [], True)
