"""What one contact becomes when a member shares their network with a team (pure rules).

A member's own machine applies these before anything leaves it (docs/team-design.md): a
sharing level, the strength of their tie folded to a band, and a key that lets a space merge
one person known by several members without the server ever seeing an email address.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from whoknows.core import identity, tiestrength


class Level(StrEnum):
    """How much of their network a member shares with a space."""

    NOTHING = "nothing"  # nothing leaves; the member's rows on the server are deleted
    WHO = "who"  # key, organization, role and band: "a VP Sales at Acme (strong)"
    NAME = "name"  # and the name: "Jane Doe, VP Sales at Acme (strong)"


DEFAULT_LEVEL = Level.WHO


class Band(StrEnum):
    """How well the member knows a contact, as colleagues see it (three words, no number)."""

    WEAK = "weak"
    GOOD = "good"
    STRONG = "strong"


BAND_ORDER: Mapping[Band, int] = {Band.WEAK: 1, Band.GOOD: 2, Band.STRONG: 3}


class KeyKind(StrEnum):
    """The identifiers a contact's key may be made from, the one a push uses first."""

    EMAIL = "email"  # first: a member's own key is their email, so a colleague joins the two
    LINKEDIN = "linkedin"
    PHONE = "phone"


class Excluded(StrEnum):
    """Why a person of the member's network is not shared (the preview counts each)."""

    ME = "me"
    NO_TIE = "no tie"
    PRIVATE = "private"
    BLOCKED = "blocked"
    NO_KEY = "no key"  # no email, LinkedIn profile or phone: nothing to merge them by


def band(strength: float) -> Band:
    """core.tiestrength's band folded to three: anything under good that is a tie is weak."""
    word = tiestrength.band(strength)
    if word == "strong":
        return Band.STRONG
    if word == "good":
        return Band.GOOD
    return Band.WEAK


def normalized(kind: KeyKind, value: str) -> str:
    """The value as the local store keeps it. Emails and phones are stored normalized already
    (services.validate: lower case, IDNA; E.164), so they are only trimmed and lower-cased
    here; a LinkedIn profile takes core.identity's one form."""
    if kind is KeyKind.LINKEDIN:
        return identity.linkedin_url(value)
    return value.strip().lower() if kind is KeyKind.EMAIL else value.strip()


def contact_key(salt: str, kind: KeyKind, value: str) -> str:
    """HMAC-SHA256(space salt, "kind:normalized value") in hex: one per person per space,
    the same on every member's machine, and no use outside the space."""
    message = f"{kind.value}:{normalized(kind, value)}".encode()
    return hmac.digest(salt.encode(), message, "sha256").hex()


@dataclass(frozen=True)
class Contact:
    """What the member's store says of one person, as the projection reads it."""

    person_id: int
    name: str
    role: str | None
    organization: str | None
    strength: float | None  # of my tie; None: no tie
    emails: tuple[str, ...] = ()
    linkedin: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    is_me: bool = False
    private: bool = False


@dataclass(frozen=True)
class Shared:
    """One contact as it leaves the machine (and as colleagues will see it)."""

    key: str
    band: Band
    role: str | None
    org: str | None
    org_key: str | None
    name: str | None = None  # only at Level.NAME

    def payload(self) -> dict[str, str]:
        """The JSON object a push sends: absent fields are left out, not null."""
        found = {
            "key": self.key,
            "name": self.name,
            "role": self.role,
            "org": self.org,
            "org_key": self.org_key,
            "band": self.band.value,
        }
        return {k: v for k, v in found.items() if v is not None}

    def digest(self) -> str:
        """What was sent, in 16 bytes: the push manifest compares these to send the changes."""
        text = json.dumps(self.payload(), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode()).hexdigest()[:32]

    def description(self) -> str:
        """How a colleague reads it: the name when shared, else the redacted description."""
        return seen_as(self.name, self.role, self.org)


def best_key(salt: str, contact: Contact) -> str | None:
    """The key of the first identifier by KeyKind's order (its first email, profile, phone)."""
    for kind, values in (
        (KeyKind.EMAIL, contact.emails),
        (KeyKind.LINKEDIN, contact.linkedin),
        (KeyKind.PHONE, contact.phones),
    ):
        for value in values:
            if value and value.strip():
                return contact_key(salt, kind, value)
    return None


def excluded(contact: Contact, blocked: frozenset[str] = frozenset()) -> Excluded | None:
    """Why CONTACT stays on the machine whatever the level, or None when it may be shared.

    BLOCKED holds organization keys (core.identity.org_key) the member never shares from."""
    if contact.is_me:
        return Excluded.ME
    if contact.strength is None:
        return Excluded.NO_TIE
    if contact.private:
        return Excluded.PRIVATE
    org = identity.org_key(contact.organization)
    if org is not None and org in blocked:
        return Excluded.BLOCKED
    return None


def project(
    contact: Contact, level: Level, salt: str, blocked: frozenset[str] = frozenset()
) -> Shared | Excluded | None:
    """What CONTACT becomes at LEVEL: what is shared, why it is not, or None at Level.NOTHING."""
    if level is Level.NOTHING:
        return None
    why = excluded(contact, blocked)
    if why is not None:
        return why
    key = best_key(salt, contact)
    if key is None:
        return Excluded.NO_KEY
    assert contact.strength is not None  # excluded() said it is a tie
    org = _clean(contact.organization)
    return Shared(
        key=key,
        band=band(contact.strength),
        role=_clean(contact.role),
        org=org,
        org_key=identity.org_key(org),
        name=_clean(contact.name) if level is Level.NAME else None,
    )


def seen_as(name: str | None, role: str | None, org: str | None) -> str:
    """How a colleague reads a shared contact.

    With the name: "Jane Doe, VP Sales at Acme"; without: "a VP Sales at Acme",
    "someone at Acme", "a VP Sales", or just "someone".
    """
    role, org = _clean(role), _clean(org)
    where = f" at {org}" if org else ""
    if name and name.strip():
        return f"{name.strip()}, {role}{where}" if role else f"{name.strip()}{where}"
    if role:
        return f"{_article(role)} {role}{where}"
    return f"someone{where}"


def _article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


def _clean(value: str | None) -> str | None:
    """One line, trimmed; None when blank (a field that says nothing is not sent)."""
    if value is None:
        return None
    text = " ".join(value.split())
    return text or None
