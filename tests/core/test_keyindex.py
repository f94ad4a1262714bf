"""The key index is a multimap: whatever the order of additions and compactions, a key
gives exactly the ids added under it, in ascending order."""

from __future__ import annotations

from unittest import mock

from hypothesis import given, settings
from hypothesis import strategies as st

from whoknows.core import keyindex
from whoknows.core.keyindex import KeyIndex

KEYS = st.sampled_from([f"k{i}" for i in range(12)])
STEP = st.one_of(
    st.tuples(st.just("add"), KEYS, st.integers(1, 40)),
    st.tuples(st.just("extend"), st.lists(st.tuples(KEYS, st.integers(1, 40)), max_size=6)),
    st.tuples(st.just("compact")),
)


@settings(max_examples=150)
@given(steps=st.lists(STEP, max_size=40))
def test_look_ups_match_a_plain_multimap(steps: list[tuple]) -> None:  # type: ignore[type-arg]
    with mock.patch.object(keyindex, "_RECENT", 3):  # runs are slotted into runs often
        _check(steps)


def _check(steps: list[tuple]) -> None:  # type: ignore[type-arg]
    index, model = KeyIndex(), dict[str, set[int]]()
    for step in steps:
        if step[0] == "add":
            index.add(step[1], step[2])
            model.setdefault(step[1], set()).add(step[2])
        elif step[0] == "extend":
            index.extend(step[1])
            for key, pid in step[1]:
                model.setdefault(key, set()).add(pid)
        else:
            index.compact()
        for key in {f"k{i}" for i in range(12)}:
            expected = tuple(sorted(model.get(key, ())))
            assert tuple(index.get(key)) == expected
            assert index.count(key) >= len(expected)
