"""SQLAlchemy 2.0 typed tables. Every row belongs to an owner account (DESIGN.md §5).

Schema changes go through an Alembic migration in ``migrations/versions``; the
tests compare these classes with the migrated database, so the two cannot drift.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
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
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

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
    industry: Mapped[str | None] = mapped_column(Text)
    size: Mapped[int | None] = mapped_column(Integer)
    city: Mapped[str | None] = mapped_column(Text)


class Person(Base):
    __tablename__ = "people"
    __table_args__ = (
        CheckConstraint("trust IS NULL OR (trust BETWEEN 1 AND 5)", name="trust_range"),
        Index(
            "ix_people_one_me",
            "owner_id",
            unique=True,
            sqlite_where=text("is_me"),
            postgresql_where=text("is_me"),
        ),
        Index("ix_people_owner_name_key", "owner_id", "name_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = owner_column()
    name: Mapped[str] = mapped_column(Text)
    name_key: Mapped[str] = mapped_column(Text)
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


class PersonPhone(Base):
    __tablename__ = "person_phones"
    __table_args__ = (UniqueConstraint("owner_id", "phone", name="uq_person_phones_owner_phone"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = owner_column()
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    phone: Mapped[str] = mapped_column(String(32))
    position: Mapped[int] = mapped_column(Integer, default=0)


class PersonTag(Base):
    __tablename__ = "person_tags"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True
    )
    tag: Mapped[str] = mapped_column(String(100), primary_key=True)
    owner_id: Mapped[int] = owner_column()


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
