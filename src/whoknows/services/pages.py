"""Page-level reads: everything one page shows, in one consistent read (``Store.one_read``).

The web renders these results as they are; what a page shows is decided here, once.
`person_page` is one person's page; `dashboard` the first page (who is due, the balance, top
advocates, the referral pipeline, recent events); `referral_board` and `introduction_board` the
two boards, a page of tiles per column.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import TypeVar

from whoknows.core import models
from whoknows.core.acquaintance import STATUSES
from whoknows.errors import UserError
from whoknows.services import (
    detail,
    events,
    introductions,
    ledger,
    paging,
    people,
    plan,
    reach,
    suggest,
)
from whoknows.services import referrals as referral_list
from whoknows.services.store import Store, per_version
from whoknows.storage import referrals as referral_rows

T = TypeVar("T")
EVERYONE = 100_000  # the whole advocate ranking (kept in the cache; shared with its page)
MAX_TIES = 60  # ties a person's page shows
BOARD_PAGE = 20  # tiles a board's column shows at once; its pager shows the others


@dataclass(frozen=True)
class PersonPage:
    """One person's page: who they are, our ledger, introductions, referrals, as an advocate."""

    detail: detail.PersonDetail
    balance: ledger.BalanceView | None  # None for me, or while who I am is not set
    introductions: list[introductions.IntroView]
    referrals: list[referral_list.ReferralView]
    advocate: reach.AdvocateView | None  # their entry in my advocate ranking, if any
    cadence: int | None  # their stage's days between touches

    @property
    def person(self) -> models.Person:
        return self.detail.person


@dataclass(frozen=True)
class PipelineStep:
    """One status of the referral pipeline: how many referrals are at it, and (won) worth."""

    status: str
    count: int
    won: dict[str, Decimal]  # per currency, the won ones only


@dataclass(frozen=True)
class Dashboard:
    """The first page. Each section that cannot be shown yet says why (its *_error)."""

    week: plan.Page | None
    due_error: str | None
    balance: ledger.BalanceView | None
    balance_error: str | None
    advocates: list[reach.AdvocateView]
    advocates_error: str | None
    pipeline: list[PipelineStep]
    events: list[models.Event]
    people_count: int


def attempt(make: Callable[[], T]) -> tuple[T | None, str | None]:
    """A section's data, or why it cannot be shown yet (e.g. "who you are is not set")."""
    try:
        return make(), None
    except UserError as exc:
        return None, str(exc)


def advocate_of(
    store: Store, person_id: int, *, today: dt.date | None = None
) -> reach.AdvocateView | None:
    """PERSON_ID's entry in my advocate ranking (None: not ranked, or no ranking yet).

    The core ranks everyone at once (one vector pass), so the whole ranking is what is kept:
    once per state of the data and day, shared with the advocates page, with an index by id
    kept beside it. A person's page then finds its entry without ranking or scanning.
    """

    def index() -> dict[int, reach.AdvocateView]:
        _, ranked = reach.advocates(store, top=EVERYONE, today=today)
        return {a.person.id: a for a in ranked}

    try:
        found = store.cache.get("advocate-index", today, store.data_version(), index)
    except UserError:
        return None
    return found.get(person_id)


def person_page(store: Store, ref: str, *, today: dt.date | None = None) -> PersonPage:
    """Everything REF's page shows, read in one transaction."""
    with store.one_read():
        found = detail.person_detail(store, ref, max_ties=MAX_TIES)
        person = found.person
        balance = None
        if not person.is_me:
            balance, _ = attempt(lambda: ledger.balance(store, str(person.id), today=today))
        return PersonPage(
            detail=found,
            balance=balance,
            introductions=introductions.list_introductions(store, person=person.id),
            referrals=referral_list.list_referrals(store, person=person.id),
            advocate=None if person.is_me else advocate_of(store, person.id, today=today),
            cadence=plan.rules(store.settings).for_stage(person.stage or models.Stage.MET),
        )


@per_version()
def pipeline(store: Store) -> list[PipelineStep]:
    """Every status of the pipeline, with how many referrals are at it and what the won ones
    are worth per currency: counted and summed by the database (one GROUP BY)."""
    with store.read() as session:
        counts, won = referral_rows.pipeline(session, store.owner_id)
    return [PipelineStep(s, counts.get(s, 0), won if s == "won" else {}) for s in STATUSES]


def dashboard(store: Store, *, today: dt.date | None = None) -> Dashboard:
    """Everything the first page shows, read in one transaction."""
    with store.one_read():
        week, due_error = attempt(lambda: plan.page(store, today=today))
        balance, balance_error = attempt(lambda: ledger.balance(store, today=today))
        top, top_error = attempt(lambda: reach.advocates(store, top=5, today=today)[1])
        return Dashboard(
            week=week,
            due_error=due_error,
            balance=balance,
            balance_error=balance_error,
            advocates=top or [],
            advocates_error=top_error,
            pipeline=pipeline(store),
            events=events.events_page(store, paging.Window(5)).items,
            people_count=people.count_people(store),
        )


Column = tuple[str, paging.Page[T]]


def _columns(
    names: tuple[str, ...],
    page_of: Callable[[paging.Window, str], paging.Page[T]],
    shown: str | None,
    offset: int,
) -> list[Column[T]]:
    """Each column of a board as a page of its own (its first tiles and how many in all); the
    column SHOWN starts at OFFSET."""
    return [
        (name, page_of(paging.Window(BOARD_PAGE, offset if name == shown else 0), name))
        for name in names
    ]


def referral_board(
    store: Store, *, shown: str | None = None, offset: int = 0
) -> list[Column[referral_list.ReferralView]]:
    """The referrals board: a page of each status's referrals, read in one transaction."""
    with store.one_read():
        return _columns(
            STATUSES,
            lambda window, status: referral_list.referrals_page(store, window, status=status),
            shown,
            offset,
        )


@dataclass(frozen=True)
class IntroductionBoard:
    """The introductions board: a page of each state's introductions, and ideas to give."""

    columns: list[Column[introductions.IntroView]]
    ideas: list[suggest.SuggestionView]  # none while who I am is not set


def introduction_board(
    store: Store, *, shown: str | None = None, offset: int = 0, today: dt.date | None = None
) -> IntroductionBoard:
    """The introductions board, read in one transaction."""
    with store.one_read():
        ideas, _ = attempt(lambda: suggest.suggest(store, top=5, today=today))
        columns = _columns(
            introductions.STATES,
            lambda window, state: introductions.introductions_page(store, window, state=state),
            shown,
            offset,
        )
    return IntroductionBoard(columns=columns, ideas=ideas or [])
