"""The sharing rules: what one contact becomes at each level, and what never leaves."""

from __future__ import annotations

import hashlib
import hmac
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from whoknows.core import sharing
from whoknows.core.sharing import Band, Contact, Excluded, KeyKind, Level, Shared

SALT = "ab" * 32


def contact(**changes: object) -> Contact:
    values: dict[str, object] = {
        "person_id": 7,
        "name": "Jane Doe",
        "role": "VP Sales",
        "organization": "Acme, Inc.",
        "strength": 0.8,
        "emails": ("jane@acme.com",),
    }
    values.update(changes)
    return Contact(**values)  # type: ignore[arg-type]


def test_a_contact_key_is_the_hmac_of_kind_and_normalized_value() -> None:
    expected = hmac.new(SALT.encode(), b"email:jane@acme.com", hashlib.sha256).hexdigest()
    assert sharing.contact_key(SALT, KeyKind.EMAIL, " Jane@Acme.com ") == expected


def test_a_linkedin_key_uses_the_identity_engines_one_form_of_a_profile() -> None:
    one = sharing.contact_key(SALT, KeyKind.LINKEDIN, "http://linkedin.com/in/JaneDoe/?trk=x")
    two = sharing.contact_key(SALT, KeyKind.LINKEDIN, "https://www.linkedin.com/in/janedoe")
    assert one == two


def test_keys_differ_between_spaces_and_kinds() -> None:
    assert sharing.contact_key(SALT, KeyKind.EMAIL, "a@b.c") != sharing.contact_key(
        "cd" * 32, KeyKind.EMAIL, "a@b.c"
    )
    assert sharing.contact_key(SALT, KeyKind.EMAIL, "+4420") != sharing.contact_key(
        SALT, KeyKind.PHONE, "+4420"
    )


def test_the_best_key_is_the_email_then_the_profile_then_the_phone() -> None:
    both = contact(linkedin=("https://www.linkedin.com/in/jane",), phones=("+442079460000",))
    assert sharing.best_key(SALT, both) == sharing.contact_key(SALT, KeyKind.EMAIL, "jane@acme.com")
    no_email = contact(emails=(), linkedin=("https://www.linkedin.com/in/jane",))
    assert sharing.best_key(SALT, no_email) == sharing.contact_key(
        SALT, KeyKind.LINKEDIN, "https://www.linkedin.com/in/jane"
    )
    phone_only = contact(emails=(), phones=("+442079460000",))
    assert sharing.best_key(SALT, phone_only) == sharing.contact_key(
        SALT, KeyKind.PHONE, "+442079460000"
    )
    assert sharing.best_key(SALT, contact(emails=())) is None


@pytest.mark.parametrize(
    ("strength", "band"),
    [
        (0.95, Band.STRONG),
        (0.75, Band.STRONG),
        (0.6, Band.GOOD),
        (0.3, Band.WEAK),
        (0.01, Band.WEAK),
    ],
)
def test_a_band_folds_the_tie_strength_bands_to_three(strength: float, band: Band) -> None:
    assert sharing.band(strength) is band


@given(st.floats(0.0, 1.0), st.floats(0.0, 1.0))
def test_a_stronger_tie_never_has_a_lower_band(a: float, b: float) -> None:
    low, high = sorted((a, b))
    assert sharing.BAND_ORDER[sharing.band(low)] <= sharing.BAND_ORDER[sharing.band(high)]


def test_at_level_who_the_name_is_left_out() -> None:
    shared = sharing.project(contact(), Level.WHO, SALT)
    assert isinstance(shared, Shared)
    assert shared.name is None
    assert shared.payload() == {
        "key": shared.key,
        "role": "VP Sales",
        "org": "Acme, Inc.",
        "org_key": "acme",
        "band": "strong",
    }
    assert "Jane" not in json.dumps(shared.payload())
    assert shared.description() == "a VP Sales at Acme, Inc."


def test_at_level_name_the_name_is_shared_too() -> None:
    shared = sharing.project(contact(), Level.NAME, SALT)
    assert isinstance(shared, Shared)
    assert shared.payload()["name"] == "Jane Doe"
    assert shared.description() == "Jane Doe, VP Sales at Acme, Inc."


def test_at_level_nothing_nothing_is_projected() -> None:
    assert sharing.project(contact(), Level.NOTHING, SALT) is None


@pytest.mark.parametrize(
    ("changes", "why"),
    [
        ({"is_me": True}, Excluded.ME),
        ({"strength": None}, Excluded.NO_TIE),
        ({"private": True}, Excluded.PRIVATE),
        ({"organization": "GLOBEX Corp"}, Excluded.BLOCKED),
        ({"emails": ()}, Excluded.NO_KEY),
    ],
)
def test_who_is_never_shared_at_any_level(changes: dict[str, object], why: Excluded) -> None:
    for level in (Level.WHO, Level.NAME):
        assert sharing.project(contact(**changes), level, SALT, frozenset({"globex"})) is why


def test_a_blocked_organization_is_matched_by_its_matching_form() -> None:
    assert sharing.excluded(contact(organization="Acme Corporation"), frozenset({"acme"})) is (
        Excluded.BLOCKED
    )
    assert sharing.excluded(contact(organization="Acme Labs"), frozenset({"acme"})) is None


@pytest.mark.parametrize(
    ("name", "role", "org", "seen"),
    [
        (None, "VP Sales", "Acme", "a VP Sales at Acme"),
        (None, "Engineer", "Acme", "an Engineer at Acme"),
        (None, None, "Acme", "someone at Acme"),
        (None, "  ", "Acme", "someone at Acme"),
        (None, "VP Sales", None, "a VP Sales"),
        (None, None, None, "someone"),
        ("Jane Doe", None, "Acme", "Jane Doe at Acme"),
        ("Jane Doe", "CFO", None, "Jane Doe, CFO"),
    ],
)
def test_the_redacted_description(
    name: str | None, role: str | None, org: str | None, seen: str
) -> None:
    assert sharing.seen_as(name, role, org) == seen


def test_the_digest_changes_with_what_is_sent_and_only_then() -> None:
    one = sharing.project(contact(), Level.WHO, SALT)
    same = sharing.project(contact(person_id=8, name="Other Name"), Level.WHO, SALT)
    named = sharing.project(contact(), Level.NAME, SALT)
    weaker = sharing.project(contact(strength=0.3), Level.WHO, SALT)
    assert isinstance(one, Shared)
    assert isinstance(same, Shared)
    assert isinstance(named, Shared)
    assert isinstance(weaker, Shared)
    assert one.digest() == same.digest()
    assert len({one.digest(), named.digest(), weaker.digest()}) == 3


texts = st.one_of(st.none(), st.text(max_size=30))


@given(
    name=st.text(min_size=1, max_size=30),
    role=texts,
    org=texts,
    strength=st.one_of(st.none(), st.floats(0.01, 1.0)),
    private=st.booleans(),
    level=st.sampled_from(list(Level)),
)
def test_a_projection_never_carries_what_its_level_forbids(
    name: str,
    role: str | None,
    org: str | None,
    strength: float | None,
    private: bool,
    level: Level,
) -> None:
    c = contact(name=name, role=role, organization=org, strength=strength, private=private)
    shared = sharing.project(c, level, SALT)
    if level is Level.NOTHING:
        assert shared is None
    elif private or strength is None:
        assert isinstance(shared, Excluded)
    else:
        assert isinstance(shared, Shared)
        payload = shared.payload()
        assert set(payload) <= {"key", "name", "role", "org", "org_key", "band"}
        assert ("name" in payload) == (level is Level.NAME and bool(name.strip()))
        assert "jane@acme.com" not in json.dumps(payload)
