"""SQLAlchemy 2.0 typed tables. Every row belongs to an owner account (DESIGN.md §5).

Schema changes go through an Alembic migration in ``migrations/versions``; the
tests compare these classes with the migrated database, so the two cannot drift.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    event,
    func,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from whoknows.core.identity import name_key as name_fold
from whoknows.core.money import from_cents, to_cents

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

DEFAULT_OWNER = 1


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def owner_column() -> Mapped[int]:
    return mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"),
        index=True,
        default=DEFAULT_OWNER,
        server_default=text(str(DEFAULT_OWNER)),
    )


def import_column() -> Mapped[int | None]:
    """Which import wrote the row (imports.id), so `import undo` can take it back; no foreign
    key: the history of imports is never deleted, and big tables need no rebuild to add it."""
    return mapped_column(Integer)


class Account(Base):
    """An owner of data. Single-user mode has one; team mode adds more."""

    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    # Bumped by every write transaction: lets caches (the graph snapshot) know they are stale.
    data_version: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )


class Organization(Base):
    __tablename__ = "organizations"
    __table_args__ = (Index("ix_organizations_owner_name", "owner_id", "name_key", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = owner_column()
    name: Mapped[str] = mapped_column(Text)
    # casefolded name: organizations are matched case-insensitively, stored as typed
    name_key: Mapped[str] = mapped_column(Text)
    domain: Mapped[str | None] = mapped_column(String(253))
    import_id: Mapped[int | None] = import_column()
    industry: Mapped[str | None] = mapped_column(Text)
    size: Mapped[int | None] = mapped_column(Integer)
    city: Mapped[str | None] = mapped_column(Text)


class Person(Base):
    __tablename__ = "people"
    __table_args__ = (
        CheckConstraint("trust IS NULL OR (trust BETWEEN 1 AND 5)", name="trust_range"),
        # One me per owner: a partial unique index, "WHERE is_me = 1" on SQLite (as its queries
        # say it, so that finding me uses it: migration 0006) and "WHERE is_me" on PostgreSQL
        # (migration 0001). The PostgreSQL condition is left to the migrations: declaring it
        # here loads SQLAlchemy's PostgreSQL dialect, and asyncio, into every command.
        Index("ix_people_one_me", "owner_id", unique=True, sqlite_where=text("is_me = 1")),
        Index("ix_people_owner_name_key", "owner_id", "name_key"),
        Index("ix_people_owner_name_fold", "owner_id", "name_fold"),
        Index("ix_people_import_id", "import_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = owner_column()
    name: Mapped[str] = mapped_column(Text)
    name_key: Mapped[str] = mapped_column(Text)
    # the name as the identity engine compares it: no accents, no case (core.identity.fold)
    name_fold: Mapped[str | None] = mapped_column(Text)
    is_me: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="SET NULL"), index=True
    )
    role: Mapped[str | None] = mapped_column(Text)
    industry: Mapped[str | None] = mapped_column(Text)
    city: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)
    serves: Mapped[str | None] = mapped_column(Text)
    asks: Mapped[str | None] = mapped_column(Text)
    offers: Mapped[str | None] = mapped_column(Text)
    stage: Mapped[str | None] = mapped_column(String(20))
    trust: Mapped[int | None] = mapped_column(Integer)
    met_where: Mapped[str | None] = mapped_column(Text)
    met_on: Mapped[dt.date | None] = mapped_column(Date)
    # keep-in-touch: my own cadence for them (days; None = the stage's default), and a snooze
    cadence_days: Mapped[int | None] = mapped_column(Integer)
    snoozed_until: Mapped[dt.date | None] = mapped_column(Date)
    import_id: Mapped[int | None] = import_column()
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )

    organization: Mapped[Organization | None] = relationship(lazy="joined")
    emails: Mapped[list[PersonEmail]] = relationship(
        cascade="all, delete-orphan", order_by="PersonEmail.position", lazy="selectin"
    )
    phones: Mapped[list[PersonPhone]] = relationship(
        cascade="all, delete-orphan", order_by="PersonPhone.position", lazy="selectin"
    )
    tags: Mapped[list[PersonTag]] = relationship(
        cascade="all, delete-orphan", order_by="PersonTag.tag", lazy="selectin"
    )


class PersonEmail(Base):
    __tablename__ = "person_emails"
    __table_args__ = (UniqueConstraint("owner_id", "email", name="uq_person_emails_owner_email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = owner_column()
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(320))
    position: Mapped[int] = mapped_column(Integer, default=0)
    import_id: Mapped[int | None] = import_column()


class PersonPhone(Base):
    __tablename__ = "person_phones"
    # Not unique: colleagues share an office line (the identity engine treats it as weak).
    __table_args__ = (Index("ix_person_phones_owner_phone", "owner_id", "phone"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = owner_column()
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    phone: Mapped[str] = mapped_column(String(32))
    position: Mapped[int] = mapped_column(Integer, default=0)
    import_id: Mapped[int | None] = import_column()


class PersonTag(Base):
    __tablename__ = "person_tags"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True
    )
    tag: Mapped[str] = mapped_column(String(100), primary_key=True)
    owner_id: Mapped[int] = owner_column()
    import_id: Mapped[int | None] = import_column()


class PersonExtra(Base):
    """What a contact file says of a person that has no column: a birthday (ISO, or --MM-DD
    without the year), unknown vCard X- properties; kept so an export gives them back."""

    __tablename__ = "person_extras"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = owner_column()
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(100))
    value: Mapped[str] = mapped_column(Text)
    import_id: Mapped[int | None] = import_column()


class PersonKey(Base):
    """An identifier that finds a person again but is no contact detail: a vCard UID (with
    the address book it came from as its scope) or the fingerprint of a record that had no
    email, profile or UID, so importing that record again finds who it made."""

    __tablename__ = "person_keys"
    __table_args__ = (
        UniqueConstraint("owner_id", "kind", "value", name="uq_person_keys_owner_kind_value"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = owner_column()
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    value: Mapped[str] = mapped_column(Text)
    scope: Mapped[str | None] = mapped_column(Text)
    import_id: Mapped[int | None] = import_column()


class Tie(Base):
    """Undirected: person_a_id < person_b_id always."""

    __tablename__ = "ties"
    __table_args__ = (
        UniqueConstraint("owner_id", "person_a_id", "person_b_id", name="uq_ties_owner_pair"),
        CheckConstraint("person_a_id < person_b_id", name="ordered_pair"),
        CheckConstraint(
            "strength IS NULL OR (strength > 0 AND strength <= 1)", name="strength_range"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = owner_column()
    person_a_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    person_b_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), index=True
    )
    strength: Mapped[float | None] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(20))
    since: Mapped[dt.date | None] = mapped_column(Date)
    last_seen: Mapped[dt.date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    import_id: Mapped[int | None] = import_column()


class Event(Base):
    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = owner_column()
    name: Mapped[str] = mapped_column(Text)
    date: Mapped[dt.date] = mapped_column(Date, index=True)
    place: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)


class EventAttendee(Base):
    """A person I met at an event; gets_it marks those who 'get' Give to Get."""

    __tablename__ = "event_attendees"

    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    owner_id: Mapped[int] = owner_column()
    gets_it: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    note: Mapped[str | None] = mapped_column(Text)


class Interaction(Base):
    __tablename__ = "interactions"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = owner_column()
    kind: Mapped[str] = mapped_column(String(20))
    date: Mapped[dt.date] = mapped_column(Date, index=True)
    note: Mapped[str | None] = mapped_column(Text)
    minutes: Mapped[int | None] = mapped_column(Integer)
    event_id: Mapped[int | None] = mapped_column(
        ForeignKey("events.id", ondelete="SET NULL"), index=True
    )
    import_id: Mapped[int | None] = import_column()


class InteractionPerson(Base):
    __tablename__ = "interaction_people"

    interaction_id: Mapped[int] = mapped_column(
        ForeignKey("interactions.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    owner_id: Mapped[int] = owner_column()


class Setting(Base):
    """Per-owner key/value settings (ideal client profile, brief, cadences… as later issues add)."""

    __tablename__ = "settings"

    owner_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class PersonLink(Base):
    """A profile URL (LinkedIn …) that identifies a person across imports."""

    __tablename__ = "person_links"
    # A LinkedIn profile is one person's; a website may be a whole company's (and is matched
    # by its host, which no index serves).
    __table_args__ = (
        Index(
            "ix_person_links_owner_profile",
            "owner_id",
            "url",
            unique=True,
            # the same condition on PostgreSQL is in migration 0004 (see ix_people_one_me)
            sqlite_where=text("kind = 'linkedin'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = owner_column()
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    url: Mapped[str] = mapped_column(Text)
    import_id: Mapped[int | None] = import_column()


class Cents(TypeDecorator[Decimal]):
    """Money kept exactly on every backend: whole hundredths of the unit in a BIGINT column.

    Python sees a Decimal of two places; SQLite and PostgreSQL store the same integer (SQLite
    kept NUMERIC as an inexact REAL), bounded by core/money.py's one validator.
    """

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> int | None:
        return None if value is None else to_cents(value)

    def process_result_value(self, value: int | None, dialect: Dialect) -> Decimal | None:
        return None if value is None else from_cents(value)


class Introduction(Base):
    """A introduced to B by an introducer (usually me), with double opt-in and an outcome.

    state: proposed → asked → accepted → made, or declined; outcome: good, neutral, bad.
    """

    __tablename__ = "introductions"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = owner_column()
    introducer_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), index=True
    )
    a_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    b_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    why: Mapped[str | None] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(20), default="proposed")
    a_accepted: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    b_accepted: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    proposed_on: Mapped[dt.date] = mapped_column(Date)
    asked_on: Mapped[dt.date | None] = mapped_column(Date)
    made_on: Mapped[dt.date | None] = mapped_column(Date)
    declined_on: Mapped[dt.date | None] = mapped_column(Date)
    outcome: Mapped[str | None] = mapped_column(String(10))
    outcome_note: Mapped[str | None] = mapped_column(Text)
    outcome_on: Mapped[dt.date | None] = mapped_column(Date)
    # when I reported the outcome back to the introducer (introductions made *to* me)
    reported_on: Mapped[dt.date | None] = mapped_column(Date)
    forced: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    warnings: Mapped[str | None] = mapped_column(Text)


class Referral(Base):
    """A lead passed to me (direction 'received') or by me ('given').

    status: received → contacted → meeting → proposal → won / lost.
    """

    __tablename__ = "referrals"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = owner_column()
    direction: Mapped[str] = mapped_column(String(10), default="received")
    from_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    to_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    about_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), index=True
    )
    about_org_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[str] = mapped_column(String(20), default="received")
    value: Mapped[Decimal | None] = mapped_column("value_cents", Cents())
    currency: Mapped[str | None] = mapped_column(String(3))
    note: Mapped[str | None] = mapped_column(Text)
    lost_reason: Mapped[str | None] = mapped_column(Text)
    date: Mapped[dt.date] = mapped_column(Date, index=True)
    closed_on: Mapped[dt.date | None] = mapped_column(Date)
    thanked_on: Mapped[dt.date | None] = mapped_column(Date)
    reported_on: Mapped[dt.date | None] = mapped_column(Date)
    import_id: Mapped[int | None] = import_column()


class ReferralStep(Base):
    """Each status a referral went through, and when (the funnel and its timing)."""

    __tablename__ = "referral_steps"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = owner_column()
    referral_id: Mapped[int] = mapped_column(
        ForeignKey("referrals.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(20))
    date: Mapped[dt.date] = mapped_column(Date)


class Exchange(Base):
    """One entry of the Give/Get ledger: GIVER gave RECEIVER something of KIND.

    kind: introduction, referral, information, recommendation, testimonial, help, business.
    """

    __tablename__ = "exchanges"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = owner_column()
    giver_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    receiver_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), index=True
    )
    # whom an introduction or referral was to or about
    other_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(20))
    date: Mapped[dt.date] = mapped_column(Date, index=True)
    note: Mapped[str | None] = mapped_column(Text)
    value: Mapped[Decimal | None] = mapped_column("value_cents", Cents())
    currency: Mapped[str | None] = mapped_column(String(3))
    introduction_id: Mapped[int | None] = mapped_column(
        ForeignKey("introductions.id", ondelete="SET NULL")
    )
    referral_id: Mapped[int | None] = mapped_column(ForeignKey("referrals.id", ondelete="SET NULL"))
    # for what I received: when I thanked them or reported back (None = still to do)
    thanked_on: Mapped[dt.date | None] = mapped_column(Date)


class Brief(Base):
    """One version of my referral brief; editing it adds a version."""

    __tablename__ = "briefs"
    __table_args__ = (UniqueConstraint("owner_id", "version", name="uq_briefs_owner_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = owner_column()
    version: Mapped[int] = mapped_column(Integer)
    offer: Mapped[str | None] = mapped_column(Text)
    problems: Mapped[str | None] = mapped_column(Text)
    for_whom: Mapped[str | None] = mapped_column(Text)
    results: Mapped[str | None] = mapped_column(Text)
    wanted_intros: Mapped[str | None] = mapped_column(Text)
    created_on: Mapped[dt.date] = mapped_column(Date)


class BriefCopy(Base):
    """Who has which version of my brief."""

    __tablename__ = "brief_copies"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = owner_column()
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    sent_on: Mapped[dt.date] = mapped_column(Date)


class Import(Base):
    """One import of a file: what it was, when, what it did; `import undo` reverses it."""

    __tablename__ = "imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = owner_column()
    kind: Mapped[str] = mapped_column(String(20))
    file_name: Mapped[str] = mapped_column(Text)
    file_hash: Mapped[str | None] = mapped_column(String(64))
    file_size: Mapped[int | None] = mapped_column(BigInteger)
    # running → done, failed (rolled back) or undone; a running one whose process died is
    # rolled back by the next import
    status: Mapped[str] = mapped_column(String(20), default="running")
    started_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    undone_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    counts: Mapped[str | None] = mapped_column(Text)  # the report's counts, as JSON


class ImportChange(Base):
    """A value an import changed in an existing row, so that undo can put it back."""

    __tablename__ = "import_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = owner_column()
    import_id: Mapped[int] = mapped_column(ForeignKey("imports.id", ondelete="CASCADE"), index=True)
    table_name: Mapped[str] = mapped_column(String(40))
    row_id: Mapped[int] = mapped_column(Integer)
    column_name: Mapped[str] = mapped_column(String(40))
    old_value: Mapped[str | None] = mapped_column(Text)  # JSON
    new_value: Mapped[str | None] = mapped_column(Text)  # JSON


class MergeCandidate(Base):
    """Two people who may be one, as the identity engine found them, with its reason.

    status: open (to review) or distinct (the user said they are two people: never asked
    again). A merge removes one of the two, and the pair with it.
    """

    __tablename__ = "merge_candidates"
    __table_args__ = (
        UniqueConstraint("owner_id", "a_id", "b_id", name="uq_merge_candidates_owner_pair"),
        CheckConstraint("a_id < b_id", name="ordered_pair"),
        Index("ix_merge_candidates_owner_status_score", "owner_id", "status", "score"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = owner_column()
    a_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    b_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    score: Mapped[float] = mapped_column(Float)
    rule: Mapped[str] = mapped_column(String(30))
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="open")
    import_id: Mapped[int | None] = import_column()
    created_on: Mapped[dt.date] = mapped_column(Date)


@event.listens_for(Person, "before_insert")
@event.listens_for(Person, "before_update")
def _fold_name(_mapper: object, _connection: object, person: Person) -> None:
    """Every person written through the ORM keeps name_fold in step with name (bulk writers,
    the import and the demo, set it themselves)."""
    person.name_fold = name_fold(person.name)


class GraphChange(Base):
    """What changed in the rows the graph snapshot is built from, one row per changed row.

    Written only by database triggers (migration 0006) on updates and deletes of people,
    ties, organizations and tags; inserts are found by id instead (cheap for bulk loads).
    ``seq`` is the data version of the writing transaction. Bookkeeping, not user data:
    backups leave it out.
    """

    __tablename__ = "graph_changes"
    __table_args__ = (
        Index("ix_graph_changes_owner_seq", "owner_id", "seq"),
        {"info": {"backup": False}},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"),
        default=DEFAULT_OWNER,
        server_default=text(str(DEFAULT_OWNER)),
    )
    seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(10))  # person, tie or org
    row_id: Mapped[int] = mapped_column(Integer)  # the changed row's id
    a: Mapped[int | None] = mapped_column(Integer)  # a tie's two people
    b: Mapped[int | None] = mapped_column(Integer)


class TeamPrivate(Base):
    """A person the owner never shares with a team, whatever the sharing level.

    No unique person: merging two people moves their rows to the one kept (services/merge.py
    moves every reference to a person), and a person flagged twice is still just private."""

    __tablename__ = "team_private"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = owner_column()
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)


class TeamBlocked(Base):
    """An organization the owner shares nobody from, by its matching form (core.identity.org_key),
    so "Acme" blocks "ACME, Inc." too; the name as typed is kept to show."""

    __tablename__ = "team_blocked"

    owner_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    org_key: Mapped[str] = mapped_column(Text, primary_key=True)
    name: Mapped[str] = mapped_column(Text)


class TeamLink(Base):
    """The team server this database shares with (`whoknows team join`): its address, the
    space, the member's token and the space's key salt, and the server's version of what the
    last push left there. Not backed up: a token does not belong in a backup file, and a
    restored database joins again."""

    __tablename__ = "team_link"
    __table_args__ = ({"info": {"backup": False}},)

    owner_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    url: Mapped[str] = mapped_column(Text)
    space: Mapped[str] = mapped_column(Text)  # the space's slug
    space_name: Mapped[str] = mapped_column(Text)
    account: Mapped[str] = mapped_column(Text)  # the member's account email on the server
    token: Mapped[str] = mapped_column(Text)
    salt: Mapped[str] = mapped_column(Text)
    version: Mapped[int | None] = mapped_column(BigInteger)  # after the last push
    pushed_level: Mapped[str | None] = mapped_column(String(10))
    joined_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )


class TeamManifest(Base):
    """What the last push sent, per contact key: a digest of it (core.sharing.Shared.digest),
    so the next push sends only what changed and removes what is gone. Belongs to the link:
    not backed up either (with no manifest, a push sends everything)."""

    __tablename__ = "team_manifest"
    __table_args__ = ({"info": {"backup": False}},)

    owner_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    digest: Mapped[str] = mapped_column(String(64))
