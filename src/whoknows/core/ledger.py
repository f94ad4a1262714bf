"""The Give/Get ledger seen from me: balances, the three flags, give/get scores, services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from whoknows.core.tiestrength import Service


@dataclass(frozen=True)
class Entry:
    """One exchange between me and PERSON; given: I gave it, else they gave it to me.

    thanked matters only for what I received: False while I have not thanked them
    or reported back on it.
    """

    person: int
    given: bool
    kind: str
    date: dt.date
    thanked: bool = True


@dataclass(frozen=True)
class Thresholds:
    """When the balance raises a flag. The defaults are documented in docs/give-to-get.md."""

    # The period a balance covers when no start is given.
    period_days: int = 365
    # *give, give, give*: I gave at least this many times over the period …
    giving_min_given: int = 6
    # … and at least this many times what I received (received 0 counts as 1).
    giving_ratio: float = 3.0
    # *taker*: received from me at least this many times over the period, never gave me
    # anything, and the first of those is at least this many days old ("over months").
    taker_min_received: int = 3
    taker_min_days: int = 60
    # *to thank*: gave me something in the last this many days that I have not thanked.
    thank_within_days: int = 60
    # How many people the *give, give, give* flag suggests asking.
    ask_suggestions: int = 3


DEFAULT_THRESHOLDS = Thresholds()

# Weight of each kind in the give/get score: business and referrals are what an
# advocate gives; information and help are generous but lighter.
KIND_WEIGHT: Mapping[str, float] = {
    "business": 1.0,
    "referral": 1.0,
    "introduction": 0.8,
    "recommendation": 0.6,
    "testimonial": 0.6,
    "information": 0.4,
    "help": 0.4,
}
SCORE_HALF_LIFE = 730.0  # days: what someone gave me two years ago counts half
SCORE_HALF = 1.0  # one referral given recently puts the "gave" part half-way
SCORE_GAVE_SHARE = 0.8  # the rest rewards a two-way exchange


@dataclass(frozen=True)
class PersonBalance:
    person: int
    given: int  # what I gave them
    received: int  # what they gave me
    unthanked: int  # of what they gave me, not thanked yet
    last: dt.date | None


@dataclass(frozen=True)
class Flag:
    """kind: "give, give, give", "taker" or "to thank"; person None means the whole network."""

    kind: str
    person: int | None
    reason: str
    ask: tuple[int, ...] = field(default=())  # whom to ask (give, give, give)


GIVING = "give, give, give"
TAKER = "taker"
TO_THANK = "to thank"


@dataclass(frozen=True)
class Balance:
    since: dt.date
    until: dt.date
    given: int
    received: int
    people: tuple[PersonBalance, ...]  # most active first
    flags: tuple[Flag, ...]


_ARTICLE = {"introduction": "an ", "referral": "a ", "recommendation": "a ", "testimonial": "a "}


def kind_phrase(kind: str) -> str:
    """A kind as it reads after "gave you": "a referral", "an introduction", "help"."""
    return _ARTICLE.get(kind, "") + kind


def _times(n: int) -> str:
    return {1: "once", 2: "twice"}.get(n, f"{n} times")


def per_person(entries: Iterable[Entry]) -> list[PersonBalance]:
    """Given and received per person, the busiest relationships first."""
    rows: dict[int, list[int]] = {}
    last: dict[int, dt.date] = {}
    for e in entries:
        row = rows.setdefault(e.person, [0, 0, 0])
        row[0 if e.given else 1] += 1
        if not e.given and not e.thanked:
            row[2] += 1
        last[e.person] = max(last.get(e.person, e.date), e.date)
    found = [PersonBalance(p, g, r, u, last.get(p)) for p, (g, r, u) in rows.items()]
    found.sort(key=lambda b: (-(b.given + b.received), -(b.last or dt.date.min).toordinal()))
    return found


def balance(
    entries: Sequence[Entry],
    *,
    today: dt.date,
    since: dt.date | None = None,
    names: Mapping[int, str] | None = None,
    wanted: str | None = None,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> Balance:
    """The balance over [since, today] with its flags; ENTRIES may hold my whole history.

    NAMES (person → name) makes the reasons readable; WANTED is what I would like to
    be introduced to (from my brief), quoted by the *give, give, give* flag.
    """
    t = thresholds
    start = since if since is not None else today - dt.timedelta(days=t.period_days)
    names = names or {}
    inside = [e for e in entries if start <= e.date <= today]
    given = sum(1 for e in inside if e.given)
    received = len(inside) - given
    people = per_person(inside)
    flags: list[Flag] = []
    if given >= t.giving_min_given and given >= t.giving_ratio * max(received, 1):
        flags.append(_giving(people, given, received, start, names, wanted, t))
    ever_gave = {e.person for e in entries if not e.given and e.date <= today}
    for row in people:
        name = names.get(row.person, f"#{row.person}")
        if row.person not in ever_gave and row.given >= t.taker_min_received:
            first = min(e.date for e in inside if e.person == row.person and e.given)
            if (today - first).days >= t.taker_min_days:
                flags.append(
                    Flag(
                        TAKER,
                        row.person,
                        f"{name} received {_times(row.given)} from you since {first} "
                        "and has never given anything back",
                    )
                )
    recent = today - dt.timedelta(days=t.thank_within_days)
    unthanked: dict[int, list[Entry]] = {}
    for e in inside:
        if not e.given and not e.thanked and e.date >= recent:
            unthanked.setdefault(e.person, []).append(e)
    for person, gifts in sorted(
        unthanked.items(), key=lambda item: -max(e.date for e in item[1]).toordinal()
    ):
        name = names.get(person, f"#{person}")
        what = ", ".join(
            f"{kind_phrase(e.kind)} on {e.date}" for e in sorted(gifts, key=lambda e: e.date)
        )
        flags.append(Flag(TO_THANK, person, f"{name} gave you {what}: thank them or report back"))
    return Balance(start, today, given, received, tuple(people), tuple(flags))


def _giving(
    people: Sequence[PersonBalance],
    given: int,
    received: int,
    start: dt.date,
    names: Mapping[int, str],
    wanted: str | None,
    t: Thresholds,
) -> Flag:
    # Whom to ask: those I gave the most, beyond what they gave back; they are glad to return it.
    owed = sorted(
        (p for p in people if p.given > p.received),
        key=lambda p: (-(p.given - p.received), -p.given, p.person),
    )[: t.ask_suggestions]
    reason = (
        f"you gave {_times(given)} and received {_times(received) if received else 'nothing'} "
        f"since {start}: receiving is a skill too"
    )
    if owed:
        whom = ", ".join(names.get(p.person, f"#{p.person}") for p in owed)
        what = f"for {wanted.strip()}" if wanted and wanted.strip() else "for an introduction"
        reason += f"; ask {whom} {what}"
    return Flag(GIVING, None, reason, tuple(p.person for p in owed))


def give_get_score(entries: Iterable[Entry], today: dt.date) -> float:
    """How good a giver someone is to me, in [0, 1): mostly what they gave me, recently and of
    what weight; partly how two-way our exchange is. Monotone: one more gift never lowers it."""
    gave = got = 0.0
    for e in entries:
        if e.date > today:
            continue
        worth = KIND_WEIGHT.get(e.kind, 0.5) * 2 ** (-(today - e.date).days / SCORE_HALF_LIFE)
        if e.given:
            got += worth
        else:
            gave += worth
    mutual = min(gave, got)
    # x / (x + h) written as 1 − h / (x + h): the same number, but each step is then monotone
    # in floating point too (a tiny old gift could otherwise lower the score by one ulp).
    return SCORE_GAVE_SHARE * (1 - SCORE_HALF / (gave + SCORE_HALF)) + (1 - SCORE_GAVE_SHARE) * (
        1 - SCORE_HALF / (mutual + SCORE_HALF)
    )


def give_get_scores(entries: Iterable[Entry], today: dt.date) -> dict[int, float]:
    """give_get_score per person."""
    grouped: dict[int, list[Entry]] = {}
    for e in entries:
        grouped.setdefault(e.person, []).append(e)
    return {person: give_get_score(rows, today) for person, rows in grouped.items()}


def services(entries: Iterable[Entry]) -> dict[int, list[Service]]:
    """The exchanges as tie-strength services, per person (reciprocity feeds tie strength)."""
    found: dict[int, list[Service]] = {}
    for e in entries:
        found.setdefault(e.person, []).append(Service(e.date, e.kind, e.given))
    return found
