"""Give to Get in the demo: a ledger over the last two years, introductions, asks and offers."""

from __future__ import annotations

import datetime as dt

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from whoknows.services import ledger
from whoknows.services import suggest as suggest_service
from whoknows.services.store import Store
from whoknows.storage import schema as s

# How much each stage gives me and gets from me over two years (mean counts).
_GIVES = {"advocate": 3.0, "trusted": 1.5, "one-to-one": 0.6, "connected": 0.15}
_GETS = {"advocate": 1.2, "trusted": 0.6, "one-to-one": 0.2, "connected": 0.05}
_KINDS_GIVEN = ("introduction", "information", "recommendation", "help", "referral")
_KINDS_GOT = ("referral", "introduction", "information", "testimonial", "business")
_NOTES = {
    "introduction": "introduced them to someone who can help",
    "information": "sent the article we talked about",
    "recommendation": "recommended them to a client",
    "help": "reviewed their pitch deck",
    "referral": "passed on a lead",
    "testimonial": "wrote a LinkedIn recommendation",
    "business": "hired me for a two-day workshop",
}
# Needs and offers in different words, for the few people who have none yet.
_PAIRS = (
    ("looking for a bookkeeper", "bookkeeping and payroll for small firms"),
    ("needs a fractional CFO for the next year", "part-time finance director services"),
    ("wants help hiring engineers", "technical recruiting for manufacturers"),
    ("looking for a lawyer to check a lease", "commercial property law and leases"),
)
_WHY = (
    "both work with family-owned manufacturers",
    "she needs exactly what he offers",
    "they should compare notes on exporting",
    "he could help with the new website",
    "both are building a referral group",
    "she is hiring and he knows the talent",
)


def _contacts(session: Session, owner: int) -> list[s.Person]:
    return list(
        session.scalars(
            select(s.Person)
            .where(s.Person.owner_id == owner, s.Person.stage.is_not(None), ~s.Person.is_me)
            .order_by(s.Person.id)
        )
    )


def _day(rng: np.random.Generator, today: dt.date, within: int) -> dt.date:
    return today - dt.timedelta(days=int(rng.integers(0, within)))


def add(store: Store, rng: np.random.Generator, today: dt.date) -> dict[str, int]:
    """Ledger entries over two years, introductions in every state, and asks/offers where none."""
    counts = {"exchanges": 0, "introductions": 0, "asks_offers": 0}
    with store.write() as session:
        owner = store.owner_id
        me = session.scalar(select(s.Person).where(s.Person.owner_id == owner, s.Person.is_me))
        if me is None:
            return counts
        contacts = _contacts(session, owner)
        for person in contacts:
            stage = person.stage or ""
            for _ in range(int(rng.poisson(_GIVES.get(stage, 0.0)))):
                kind = str(rng.choice(_KINDS_GIVEN))
                ledger.record(
                    session,
                    store,
                    giver_id=me.id,
                    receiver_id=person.id,
                    kind=kind,
                    on=_day(rng, today, 730),
                    note=_NOTES[kind],
                )
                counts["exchanges"] += 1
            for _ in range(int(rng.poisson(_GETS.get(stage, 0.0)))):
                kind = str(rng.choice(_KINDS_GOT))
                on = _day(rng, today, 730)
                row = ledger.record(
                    session,
                    store,
                    giver_id=person.id,
                    receiver_id=me.id,
                    kind=kind,
                    on=on,
                    note=_NOTES[kind],
                )
                # Most of what I received long ago I have thanked them for; some recent not yet.
                if (today - on).days > 45 or rng.random() < 0.4:
                    row.thanked_on = min(today, on + dt.timedelta(days=int(rng.integers(0, 10))))
                counts["exchanges"] += 1
        close = [p for p in contacts if p.stage in ("advocate", "trusted")]
        counts["asks_offers"] = _asks_and_offers(close, rng)
        counts["introductions"] = _introductions(session, store, me.id, close, rng, today)
    return counts


def _asks_and_offers(close: list[s.Person], rng: np.random.Generator) -> int:
    """Fill in a few asks and offers, in different words, where nothing is known yet."""
    asking = [p for p in close if not p.asks]
    offering = [p for p in close if not p.offers and p not in asking[: len(_PAIRS)]]
    changed = 0
    order = rng.permutation(len(_PAIRS))
    for i, (a, b) in enumerate(zip(asking, offering, strict=False)):
        if i >= len(_PAIRS) or a.id == b.id:
            break
        need, offer = _PAIRS[int(order[i])]
        a.asks, b.offers = need, offer
        changed += 2
    return changed


def _introductions(
    session: Session,
    store: Store,
    me_id: int,
    close: list[s.Person],
    rng: np.random.Generator,
    today: dt.date,
) -> int:
    if len(close) < 4:
        return 0
    # (state, outcome) of each introduction, oldest first
    plan = (
        ("made", "good"),
        ("made", "bad"),
        ("made", "neutral"),
        ("made", None),
        ("declined", None),
        ("accepted", None),
        ("asked", None),
        ("proposed", None),
    )
    picks = rng.permutation(len(close))
    made = 0
    for number, (state, outcome) in enumerate(plan):
        a, b = (
            close[int(picks[(2 * number) % len(picks)])],
            close[int(picks[(2 * number + 1) % len(picks)])],
        )
        if a.id == b.id:
            continue
        proposed = today - dt.timedelta(days=int(300 - number * 35 + rng.integers(0, 10)))
        row = s.Introduction(
            owner_id=store.owner_id,
            introducer_id=me_id,
            a_id=a.id,
            b_id=b.id,
            why=_WHY[number % len(_WHY)],
            state=state,
            proposed_on=proposed,
            asked_on=proposed + dt.timedelta(days=2) if state != "proposed" else None,
            a_accepted=state in ("accepted", "made") or (state == "asked"),
            b_accepted=state in ("accepted", "made"),
        )
        if state == "declined":
            row.declined_on = proposed + dt.timedelta(days=6)
        if state == "made":
            row.made_on = proposed + dt.timedelta(days=9)
        session.add(row)
        session.flush()
        if state == "made":
            for person, other in ((a, b), (b, a)):
                ledger.record(
                    session,
                    store,
                    giver_id=me_id,
                    receiver_id=person.id,
                    kind="introduction",
                    on=row.made_on or today,
                    note=row.why,
                    other_id=other.id,
                    introduction_id=row.id,
                )
        if outcome is not None:
            row.outcome = outcome
            row.outcome_on = (row.made_on or today) + dt.timedelta(days=30)
            if outcome == "bad":
                row.outcome_note = "never replied to the introduction email"
        made += 1
    return made


def tour(store: Store, today: dt.date) -> list[str]:
    """The balance line, its flags in brief, and one introduction I could make."""
    found = ledger.balance(store, today=today)
    kinds: dict[str, int] = {}
    for flag in found.flags:
        kinds[flag.kind] = kinds.get(flag.kind, 0) + 1
    lines = [
        f"Over the last 12 months you gave {found.given} times and received {found.received}"
        + (" (" + ", ".join(f"{k}: {n}" for k, n in kinds.items()) + ")" if kinds else "")
        + ": whoknows balance"
    ]
    suggestions = suggest_service.suggest(store, top=1, today=today)
    if suggestions:
        lines.append(f"Give first: {suggestions[0].explanation}: whoknows suggest")
    return lines
