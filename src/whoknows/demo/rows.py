"""The demo network as table rows: names, texts and dates rendered from the arrays, in chunks."""

from __future__ import annotations

import datetime as dt
import itertools
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from whoknows.core import identity
from whoknows.demo import details, generator, history, vocab
from whoknows.demo.generator import Int32s, Ints, Network

Row = tuple[Any, ...]
CHUNK = 200_000


@dataclass(frozen=True)
class TableRows:
    """Rows for one table, produced lazily so a million of them never sit in memory at once."""

    table: str
    columns: tuple[str, ...]
    count: int
    rows: Callable[[], Iterator[Row]]


def _objects(values: Sequence[Any]) -> np.ndarray[Any, np.dtype[np.object_]]:
    """Values to pick with an index array; index -1 picks None (the appended last item)."""
    array = np.empty(len(values) + 1, dtype=object)
    array[: len(values)] = list(values)
    return array


_FOLD = str.maketrans({"ø": "o", "ł": "l", "ı": "i", "æ": "ae", "ß": "ss"})


def _ascii(text: str) -> str:
    """An email-friendly form of a Latin name: José O'Brien → jose, obrien."""
    text = text.casefold().translate(_FOLD)
    folded = unicodedata.normalize("NFKD", text)
    return "".join(c for c in folded if "a" <= c <= "z")


_FIRST = _objects([f for pool in vocab.NAME_POOLS for f in pool.first])
_LAST = _objects([f for pool in vocab.NAME_POOLS for f in pool.last])
_FIRST_ASCII = [
    a for pool in vocab.NAME_POOLS for a in (pool.first_ascii or map(_ascii, pool.first))
]
_LAST_ASCII = [a for pool in vocab.NAME_POOLS for a in (pool.last_ascii or map(_ascii, pool.last))]
_FAMILY_FIRST = np.array([pool.family_first for pool in vocab.NAME_POOLS])
_ROLES = _objects(generator.ROLES)
_INDUSTRIES = _objects([i.name for i in vocab.INDUSTRIES])
_CITIES = _objects([c.name for c in vocab.CITIES])
_OFFERS = _objects(details.OFFERS)
_ASKS = _objects([text for _, text in vocab.ASKS])
_NOTES = _objects(vocab.PERSON_NOTES)
_STAGES = _objects([s.value for s in history.STAGES])
_SOURCES = _objects(generator.SOURCES)
_KINDS = [k.value for k in history.KINDS]


_ORG_COLUMNS = ("id", "owner_id", "name", "name_key", "domain", "industry", "size", "city")
_PERSON_COLUMNS = (
    "id", "owner_id", "name", "name_key", "is_me", "organization_id", "role", "industry", "city",
    "notes", "serves", "asks", "offers", "stage", "trust", "met_where", "met_on", "name_fold",
)  # fmt: skip
_TIE_COLUMNS = (
    "id", "owner_id", "person_a_id", "person_b_id", "strength", "source", "since", "last_seen",
    "note",
)  # fmt: skip
_INTERACTION_COLUMNS = ("id", "owner_id", "kind", "date", "note", "minutes", "event_id")
_MET_HOW = {
    "linkedin": "LinkedIn",
    "email": "Email enquiry",
    "calendar": "Meeting at their office",
    "colleague": "Former colleague",
}


class Renderer:
    """Turns one network's arrays into the rows of every table whoknows stores."""

    def __init__(
        self, net: Network, today: dt.date, owner_id: int, name_key: Callable[[str], str]
    ) -> None:
        self.net, self.owner = net, owner_id
        self._name_key = name_key
        self._keys: dict[str, str] = {}
        self._folds: dict[str, str] = {}
        longest = int(max(net.ties.since_days.max(initial=0), net.history.days.max(initial=0)))
        self._dates = _objects(
            [(today - dt.timedelta(days=d)).isoformat() for d in range(longest + 1)]
        )
        self.org_names, self.org_domains = self._organizations()
        self.event_names = self._event_names()

    def key(self, name: str) -> str:
        """name_key, computed once per distinct name (a million people share far fewer)."""
        found = self._keys.get(name)
        if found is None:
            found = self._keys[name] = self._name_key(name)
        return found

    def fold(self, name: str) -> str:
        """name_fold (the identity engine's form), computed once per distinct name."""
        found = self._folds.get(name)
        if found is None:
            found = self._folds[name] = identity.name_key(name)
        return found

    def dates(self, days: Ints | Int32s) -> list[str | None]:
        picked: list[str | None] = self._dates[np.where(days >= 0, days, -1)].tolist()
        return picked

    def names(self, people: Ints) -> list[str]:
        w = self.net.world
        family = _FAMILY_FIRST[w.name_pool[people]].tolist()
        firsts, lasts = _FIRST[w.first[people]].tolist(), _LAST[w.last[people]].tolist()
        return [
            f"{last}{first}" if fam else f"{first} {last}"
            for first, last, fam in zip(firsts, lasts, family, strict=True)
        ]

    def tables(self) -> list[TableRows]:
        """Every table, parents before children (foreign keys hold at each step)."""
        w, h, t, d = self.net.world, self.net.history, self.net.ties, self.net.details
        emails, phones = self._emails(), self._phones()
        email_columns = ("id", "owner_id", "person_id", "email", "position")
        phone_columns = ("id", "owner_id", "person_id", "phone", "position")
        return [
            TableRows("organizations", _ORG_COLUMNS, len(w.org_size), self._org_rows),
            TableRows("people", _PERSON_COLUMNS, self.net.size.people, self._person_rows),
            TableRows("person_emails", email_columns, len(emails), lambda: iter(emails)),
            TableRows("person_phones", phone_columns, len(phones), lambda: iter(phones)),
            TableRows("person_tags", ("person_id", "tag", "owner_id"), len(d.tag), self._tags),
            TableRows("ties", _TIE_COLUMNS, len(t.a), self._tie_rows),
            TableRows(
                "events",
                ("id", "owner_id", "name", "date", "place", "note"),
                len(h.event_days),
                self._event_rows,
            ),
            TableRows(
                "event_attendees",
                ("event_id", "person_id", "owner_id", "gets_it", "note"),
                len(h.attendee_event),
                self._attendee_rows,
            ),
            TableRows("interactions", _INTERACTION_COLUMNS, len(h.kind), self._interaction_rows),
            TableRows(
                "interaction_people",
                ("interaction_id", "person_id", "owner_id"),
                len(h.participant_person),
                self._participant_rows,
            ),
        ]

    def _organizations(self) -> tuple[list[str], list[str]]:
        w = self.net.world
        bases = vocab.ORG_BASES + vocab.NAME_POOLS[0].last
        names, domains, seen = [vocab.ME.organization], [vocab.ME.domain], {vocab.ME.organization}
        columns = (w.org_industry, w.org_base, w.org_word, w.org_suffix, w.org_city)
        for industry_i, base_i, word_i, suffix_i, city_i in zip(
            *(c[1:].tolist() for c in columns), strict=True
        ):
            industry = vocab.INDUSTRIES[industry_i]
            base, word = bases[base_i], industry.org_words[word_i]
            suffixes = vocab.FIRM_SUFFIXES if industry.firm else vocab.COMPANY_SUFFIXES
            name = f"{base} {word} {suffixes[suffix_i % len(suffixes)]}"
            # Organization names are unique (case-insensitively): tell namesakes apart.
            candidates = itertools.chain(
                [name, f"{name} ({vocab.CITIES[city_i].name})"],
                (f"{name} ({vocab.CITIES[city_i].name} {k})" for k in itertools.count(2)),
            )
            name = next(c for c in candidates if self.key(c) not in seen)
            seen.add(self.key(name))
            names.append(name)
            domains.append(f"{_ascii(base)}-{_ascii(word)}.test")
        return names, domains

    def _org_rows(self) -> Iterator[Row]:
        w = self.net.world
        return zip(
            range(1, len(self.org_names) + 1),
            itertools.repeat(self.owner),
            self.org_names,
            map(self.key, self.org_names),
            self.org_domains,
            _INDUSTRIES[w.org_industry].tolist(),
            w.org_size.tolist(),
            _CITIES[w.org_city].tolist(),
            strict=False,
        )

    def _person_rows(self) -> Iterator[Row]:
        w, h, n = self.net.world, self.net.history, self.net.size.people
        me = vocab.ME
        yield (
            *(1, self.owner, me.name, self.key(me.name), True, 1, me.role, me.industry, me.city),
            *(me.notes, me.serves, me.asks, me.offers, None, None, None, None),
            self.fold(me.name),
        )
        stage, trust, met_on = np.full(n, -1), np.full(n, -1), np.full(n, -1)
        stage[h.contacts], met_on[h.contacts] = h.stage, h.contact_since
        trust[h.contacts] = np.where(h.trust > 0, h.trust, -1)
        met_where, serves = self._met_where(), self._serves()
        d = self.net.details
        for lo in range(1, n, CHUNK):
            people = np.arange(lo, min(lo + CHUNK, n))
            names = self.names(people)
            yield from zip(
                (people + 1).tolist(),
                itertools.repeat(self.owner),
                names,
                map(self.key, names),
                itertools.repeat(False),
                [o + 1 if o >= 0 else None for o in w.organization[people].tolist()],
                _ROLES[w.role[people]].tolist(),
                _INDUSTRIES[w.industry[people]].tolist(),
                _CITIES[w.city[people]].tolist(),
                _NOTES[d.note[people]].tolist(),
                [serves.get(p) for p in people.tolist()],
                _ASKS[d.ask[people]].tolist(),
                _OFFERS[d.offer[people]].tolist(),
                _STAGES[stage[people]].tolist(),
                [t if t > 0 else None for t in trust[people].tolist()],
                [met_where.get(p) for p in people.tolist()],
                self.dates(met_on[people]),
                map(self.fold, names),
                strict=False,
            )

    def _serves(self) -> dict[int, str]:
        """Whom they serve: their clients' trade, in their own words (not a category)."""
        w, d = self.net.world, self.net.details
        found = {}
        for p in np.flatnonzero(d.serves >= 0).tolist():
            phrases = vocab.INDUSTRIES[w.client_industry[p]].as_clients
            text = phrases[p % len(phrases)]
            found[p] = f"{text} in {vocab.CITIES[w.city[p]].name}" if d.serves[p] else text
        return found

    def _met_where(self) -> dict[int, str]:
        h = self.net.history
        found = {}
        for j, p in enumerate(h.contacts.tolist()):
            how = history.MET_HOW[h.met_how[j]].value
            if how == "event":
                found[p] = self.event_names[h.met_event[j]]
            elif how == "told":
                found[p] = f"Introduced by {self.names(h.introducer[j : j + 1])[0]}"
            else:
                found[p] = _MET_HOW[how]
        return found

    def _emails(self) -> list[Row]:
        w, h, d = self.net.world, self.net.history, self.net.details
        rows: list[Row] = [(1, self.owner, 1, vocab.ME.email, 0)]
        taken = {vocab.ME.email}

        def unique(local: str, domain: str) -> str:
            address = next(
                a
                for a in itertools.chain(
                    [f"{local}@{domain}"], (f"{local}{k}@{domain}" for k in itertools.count(2))
                )
                if a not in taken
            )
            taken.add(address)
            return address

        for j, p in enumerate(h.contacts.tolist()):
            first, last = _FIRST_ASCII[w.first[p]], _LAST_ASCII[w.last[p]]
            local = f"{first}.{last}" if first and last else f"contact{p + 1}"
            domains = []
            if d.email[j] in (1, 2):
                domains.append(self.org_domains[w.organization[p]])
            if d.email[j] in (2, 3):
                domains.append(vocab.MAIL_DOMAINS[d.mail_domain[j]])
            for position, domain in enumerate(domains):
                rows.append((len(rows) + 1, self.owner, p + 1, unique(local, domain), position))
        return rows

    def _phones(self) -> list[Row]:
        """E.164 mobile numbers of the contact's country (plausible, not real)."""
        w, h, d = self.net.world, self.net.history, self.net.details
        rows: list[Row] = [(1, self.owner, 1, vocab.ME.phone, 0)]
        taken = {vocab.ME.phone}
        for j, p in enumerate(h.contacts.tolist()):
            if np.isnan(d.phone[j]):
                continue
            city = vocab.CITIES[w.city[p]]
            prefix = city.phone_prefixes[int(d.phone_prefix[j] * len(city.phone_prefixes))]
            low = 2 * 10 ** (city.phone_digits - 1)
            number = f"{prefix}{low + int(d.phone[j] * (10**city.phone_digits - low))}"
            if number not in taken:
                taken.add(number)
                rows.append((len(rows) + 1, self.owner, p + 1, number, 0))
        return rows

    def _tags(self) -> Iterator[Row]:
        d = self.net.details
        tags = _objects(vocab.TAGS)[d.tag].tolist()
        return zip((d.tag_person + 1).tolist(), tags, itertools.repeat(self.owner), strict=False)

    def _tie_rows(self) -> Iterator[Row]:
        t = self.net.ties
        for lo in range(0, len(t.a), CHUNK):
            part = slice(lo, lo + CHUNK)
            yield from zip(
                range(lo + 1, lo + 1 + len(t.a[part])),
                itertools.repeat(self.owner),
                (t.a[part] + 1).tolist(),
                (t.b[part] + 1).tolist(),
                t.strength[part].tolist(),
                _SOURCES[t.source[part]].tolist(),
                self.dates(t.since_days[part]),
                self.dates(t.last_seen_days[part]),
                itertools.repeat(None),
                strict=False,
            )

    def _event_names(self) -> list[str]:
        h, names = self.net.history, []
        for series, city, days in zip(
            h.event_series.tolist(), h.event_city.tolist(), h.event_days.tolist(), strict=True
        ):
            when = dt.date.fromisoformat(self._dates[days])
            name = vocab.EVENT_SERIES[series].format(city=vocab.CITIES[city].name)
            name = f"{name}, {when:%B %Y}"
            names.append(name if name not in names else f"{name} ({when.day})")
        return names

    def _event_rows(self) -> Iterator[Row]:
        h = self.net.history
        for e, name in enumerate(self.event_names):
            place = vocab.VENUES[h.event_venue[e]].format(city=vocab.CITIES[h.event_city[e]].name)
            yield (e + 1, self.owner, name, self._dates[h.event_days[e]], place, None)

    def _attendee_rows(self) -> Iterator[Row]:
        h = self.net.history
        return zip(
            (h.attendee_event + 1).tolist(),
            (h.attendee_person + 1).tolist(),
            itertools.repeat(self.owner),
            h.attendee_gets_it.tolist(),
            itertools.repeat(None),
            strict=False,
        )

    def _interaction_rows(self) -> Iterator[Row]:
        h = self.net.history
        notes = _objects(vocab.INTERACTION_NOTES)[h.note].tolist()
        return zip(
            range(1, len(h.kind) + 1),
            itertools.repeat(self.owner),
            [_KINDS[k] for k in h.kind.tolist()],
            self.dates(h.days),
            notes,
            [m if m > 0 else None for m in h.minutes.tolist()],
            [e + 1 if e >= 0 else None for e in h.event.tolist()],
            strict=False,
        )

    def _participant_rows(self) -> Iterator[Row]:
        h = self.net.history
        return zip(
            (h.participant_interaction + 1).tolist(),
            (h.participant_person + 1).tolist(),
            itertools.repeat(self.owner),
            strict=False,
        )
