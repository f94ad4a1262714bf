"""The people an import compares against, held compactly so half a million fit in tens of MB.

Keys (emails, profiles, blocks …) are kept as 128-bit digests in sorted numpy arrays, with
the keys added since the last compaction in a small dict; a digest collision between two
different keys is about as likely as 10^-33 per look-up, so a hit is taken as a match.
What the engine needs of each person (`identity.Known`) lives in arrays indexed by id.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

import numpy as np

from whoknows.core.identity import Key, Known, blocks

_MASK = (1 << 64) - 1
_RECENT = 100_000  # additions kept in the dict before they are sorted into the arrays
_NO_IDS: tuple[int, ...] = ()

HAS_LINKEDIN = 1
IS_ME = 2


def digest(key: str) -> int:
    """128 bits of KEY: two of Python's keyed SipHash values (fast, and random per process,
    which is all an index that lives in one process needs)."""
    return ((hash(key) & _MASK) << 64) | (hash(key + "\x1f") & _MASK)


class KeyIndex:
    """A multimap from string keys to person ids."""

    def __init__(self) -> None:
        self._hi = np.empty(0, np.uint64)
        self._lo = np.empty(0, np.uint64)
        self._ids = np.empty(0, np.int64)
        self._recent: dict[int, list[int]] = {}
        self._pending = 0
        self._memo: dict[str, Sequence[int]] = {}  # a record looks the same keys up again

    def __len__(self) -> int:
        return len(self._ids) + self._pending

    def add(self, key: str, person_id: int) -> None:
        self._memo.pop(key, None)
        found = self._recent.setdefault(digest(key), [])
        if person_id not in found:
            found.append(person_id)
            self._pending += 1
            if self._pending >= _RECENT:
                self.compact()

    def extend(self, pairs: Iterable[tuple[str, int]]) -> None:
        """Add many at once (loading from a store): sorted in one pass per 200k keys."""
        self._memo.clear()
        chunk: list[tuple[int, int]] = []
        for key, person_id in pairs:
            chunk.append((digest(key), person_id))
            if len(chunk) >= 200_000:
                self._merge(chunk)
                chunk = []
        self._merge(chunk)

    def get(self, key: str) -> Sequence[int]:
        found = self._memo.get(key)
        if found is None:
            if len(self._memo) > 4096:
                self._memo.clear()
            found = self._memo[key] = self._look_up(key)
        return found

    def _look_up(self, key: str) -> Sequence[int]:
        value = digest(key)
        recent = self._recent.get(value)
        hi = np.uint64(value >> 64)  # a numpy scalar: a Python int this big is compared slowly
        start = int(self._hi.searchsorted(hi, "left"))
        if start == len(self._hi) or self._hi[start] != hi:
            return tuple(sorted(recent)) if recent else _NO_IDS
        lo = value & _MASK
        end = int(self._hi.searchsorted(hi, "right"))
        found = {
            int(i)
            for i, low in zip(self._ids[start:end], self._lo[start:end], strict=True)
            if int(low) == lo
        }
        found.update(recent or ())
        return tuple(sorted(found))

    def count(self, key: str) -> int:
        """How many ids KEY has (without listing them)."""
        value = digest(key)
        hi = np.uint64(value >> 64)
        base = int(self._hi.searchsorted(hi, "right")) - int(self._hi.searchsorted(hi, "left"))
        return base + len(self._recent.get(value, ()))

    def compact(self) -> None:
        pairs = [(d, pid) for d, ids in self._recent.items() for pid in ids]
        self._recent = {}
        self._pending = 0
        self._merge(pairs)

    def _merge(self, pairs: list[tuple[int, int]]) -> None:
        if not pairs:
            return
        hi = np.fromiter((d >> 64 for d, _ in pairs), np.uint64, len(pairs))
        lo = np.fromiter((d & _MASK for d, _ in pairs), np.uint64, len(pairs))
        ids = np.fromiter((pid for _, pid in pairs), np.int64, len(pairs))
        # Sorted by the high half only (a look-up compares the low half in its run): the new
        # run is sorted and slotted in, one pass over the arrays, not a sort of all of them
        # (which made a long import's time grow faster than its rows).
        order = np.argsort(hi, kind="stable")
        at = self._hi.searchsorted(hi[order], "right")
        self._hi = np.insert(self._hi, at, hi[order])
        self._lo = np.insert(self._lo, at, lo[order])
        self._ids = np.insert(self._ids, at, ids[order])


def key_of(kind: Key, value: str) -> str:
    return f"{kind.value}\x00{value}"


class PeopleIndex:
    """Everyone an import can match, by key and by block, with the facts the engine needs.

    Implements `identity.People`. Ids index the arrays; ids never seen read as absent.
    """

    def __init__(self) -> None:
        self.keys = KeyIndex()
        self.names: list[str | None] = []
        self.orgs = np.zeros(0, np.int64)  # organization id, 0 for none
        self.flags = bytearray()
        self.uid_scopes: dict[int, frozenset[str]] = {}
        self.org_keys: dict[int, str | None] = {}
        self.own_prefix: str | None = None  # UIDs this database gives its own people
        self.size = 0  # people filed

    # -- building --------------------------------------------------------------------

    def _grow(self, person_id: int) -> None:
        if person_id < len(self.names):
            return
        size = max(person_id + 1, len(self.names) * 2, 1024)
        self.names.extend([None] * (size - len(self.names)))
        self.orgs = np.concatenate([self.orgs, np.zeros(size - len(self.orgs), np.int64)])
        self.flags.extend(bytes(size - len(self.flags)))

    def person(
        self,
        person_id: int,
        name_key: str,
        org_id: int | None,
        *,
        is_me: bool = False,
        linked: bool = False,
    ) -> None:
        """File a person under their name blocks (their keys come with `key`); LINKED: they
        will have a LinkedIn profile (so they are not filed for records with one)."""
        if linked:
            self.mark_linked(person_id)
        for block, pid in self._filed([(person_id, name_key, org_id, is_me)]):
            self.keys.add(block, pid)

    def people(self, rows: Iterable[tuple[int, str, int | None, bool]]) -> None:
        """Bulk `person` for (id, name_key, org_id, is_me) rows (sorted in, not one by one)."""
        self.keys.extend(self._filed(rows))

    def _filed(
        self, rows: Iterable[tuple[int, str, int | None, bool]]
    ) -> Iterator[tuple[str, int]]:
        for person_id, name_key, org_id, is_me in rows:
            self._grow(person_id)
            if self.names[person_id] is None:
                self.size += 1
            self.names[person_id] = name_key
            self.orgs[person_id] = org_id or 0
            if is_me:
                self.flags[person_id] |= IS_ME
            org_key = self.org_keys.get(org_id or 0)
            for block in blocks(name_key, org_key):
                yield block, person_id
            if not self.flags[person_id] & HAS_LINKEDIN:
                for block in blocks(name_key, org_key, unlinked=True):
                    yield block, person_id

    def mark_linked(self, person_id: int) -> None:
        """They have a LinkedIn profile (known before they are filed, from a store)."""
        self._grow(person_id)
        self.flags[person_id] |= HAS_LINKEDIN

    def key(self, kind: Key, value: str, person_id: int, scope: str | None = None) -> None:
        self.keys.add(key_of(kind, value), person_id)
        self._note(kind, person_id, scope)

    def many_keys(self, kind: Key, rows: Iterable[tuple[str, int, str | None]]) -> None:
        def noted() -> Iterator[tuple[str, int]]:
            for value, person_id, scope in rows:
                self._note(kind, person_id, scope)
                yield key_of(kind, value), person_id

        self.keys.extend(noted())

    def _note(self, kind: Key, person_id: int, scope: str | None) -> None:
        self._grow(person_id)
        if kind is Key.LINKEDIN:
            self.flags[person_id] |= HAS_LINKEDIN
        elif kind is Key.UID and scope is not None:
            self.uid_scopes[person_id] = self.uid_scopes.get(person_id, frozenset()) | {scope}

    def organization(self, org_id: int, org_key: str | None) -> None:
        self.org_keys[org_id] = org_key

    def move(self, person_id: int, org_id: int | None) -> None:
        """A person's organization was filled in: file them under its block too."""
        self.orgs[person_id] = org_id or 0
        name = self.names[person_id]
        if name is not None:
            org_key = self.org_keys.get(org_id or 0)
            for block in blocks(name, org_key)[1:]:
                self.keys.add(block, person_id)
            if not self.flags[person_id] & HAS_LINKEDIN:
                for block in blocks(name, org_key, unlinked=True)[1:]:
                    self.keys.add(block, person_id)

    # -- identity.People ---------------------------------------------------------------

    def __contains__(self, person_id: int) -> bool:
        return 0 <= person_id < len(self.names) and self.names[person_id] is not None

    def find(self, kind: Key, value: str) -> Sequence[int]:
        if kind is Key.UID and self.own_prefix and value.startswith(self.own_prefix):
            rest = value[len(self.own_prefix) :]
            return (int(rest),) if rest.isdigit() and int(rest) in self else ()
        return self.keys.get(key_of(kind, value))

    def block(self, block: str) -> Sequence[int]:
        return self.keys.get(block)

    def count(self, block: str) -> int:
        return self.keys.count(block)

    def linked(self, person_ids: Iterable[int]) -> set[int]:
        flags = self.flags
        return {p for p in person_ids if p < len(flags) and flags[p] & HAS_LINKEDIN}

    def known(self, person_ids: Iterable[int]) -> dict[int, Known]:
        found: dict[int, Known] = {}
        for person_id in person_ids:
            if person_id not in self:
                continue
            flags = self.flags[person_id]
            found[person_id] = Known(
                person_id,
                self.names[person_id] or "",
                self.org_keys.get(int(self.orgs[person_id])),
                has_linkedin=bool(flags & HAS_LINKEDIN),
                uid_scopes=self.uid_scopes.get(person_id, frozenset()),
                is_me=bool(flags & IS_ME),
            )
        return found
