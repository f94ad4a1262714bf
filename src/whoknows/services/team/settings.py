"""The member's sharing choices: a level, people kept private, organizations blocked.

They live in this database (storage/team.py): they are part of the member's network, backed
up with it, and apply to whichever space it is joined to. The projection reads them before
anything is pushed (core/sharing.py says what each means).
"""

from __future__ import annotations

from dataclasses import dataclass

from whoknows.core.identity import org_key
from whoknows.core.sharing import DEFAULT_LEVEL, Level
from whoknows.errors import Hint, UserError
from whoknows.services import refs, validate
from whoknows.services.store import Store
from whoknows.storage import team as rows


@dataclass(frozen=True)
class Sharing:
    """What this database shares: the level, the private people and blocked organizations."""

    level: Level
    private: list[tuple[int, str]]  # (person id, name)
    blocked: list[str]  # organization names as given

    def as_json(self) -> dict[str, object]:
        return {
            "level": self.level.value,
            "private": [{"id": pid, "name": name} for pid, name in self.private],
            "blocked": self.blocked,
        }


def parse_level(value: str) -> Level:
    try:
        return Level(value.strip().lower())
    except ValueError:
        raise UserError(
            f"sharing level {value!r} is not one of nothing, who, name",
            hint="who shares whom you know and how well; name adds their names",
        ) from None


def level(store: Store) -> Level:
    with store.read() as session:
        return stored_level(rows.level(session, store.owner_id))


def stored_level(value: str | None) -> Level:
    """The level as stored (the default when none is)."""
    try:
        return Level(value) if value else DEFAULT_LEVEL
    except ValueError:
        return DEFAULT_LEVEL  # a value written by a newer version: the safe default


def set_level(store: Store, value: Level) -> Level:
    with store.write() as session:
        rows.set_level(session, store.owner_id, value.value)
    return value


def sharing(store: Store) -> Sharing:
    with store.read() as session:
        return Sharing(
            level=stored_level(rows.level(session, store.owner_id)),
            private=rows.private_people(session, store.owner_id),
            blocked=sorted(rows.blocked(session, store.owner_id).values(), key=str.casefold),
        )


@dataclass(frozen=True)
class Flagged:
    person_id: int
    name: str
    private: bool
    changed: bool


def set_private(store: Store, ref: str, private: bool = True) -> Flagged:
    """Keep a person off every push (or share them again, PRIVATE false)."""
    with store.write() as session:
        person = refs.person(session, store.owner_id, ref)
        if person.is_me:
            raise UserError(
                "you are never shared as a contact", hint="your colleagues see you as a member"
            )
        changed = rows.set_private(session, store.owner_id, person.id, private)
        return Flagged(person.id, person.name, private, changed)


@dataclass(frozen=True)
class Blocked:
    name: str
    blocked: bool
    changed: bool


def set_blocked(store: Store, organization: str, block: bool = True) -> Blocked:
    """Share nobody at ORGANIZATION (matched as the identity engine matches organizations:
    "Acme" blocks "ACME, Inc."), or lift that."""
    name = validate.name(organization, "organization").strip()
    if org_key(name) is None:
        raise UserError(f"organization {name!r} has no letters or digits", hint="give its name")
    with store.write() as session:
        changed = rows.set_blocked(session, store.owner_id, name, block)
        if not block and not changed:
            raise UserError(
                f"organization {name!r} is not blocked",
                hint=Hint(
                    cli="see the list with: whoknows team block --list",
                    web="see the list in Settings, Team",
                ),
            )
    return Blocked(name, block, changed)
