"""The identity engine's rules, each with its reason (pure: no database)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from hypothesis import given
from hypothesis import strategies as st

from whoknows.core import identity
from whoknows.core.identity import Identity, Key, Known, Verdict
from whoknows.core.keyindex import PeopleIndex


def index(*people: tuple[int, Identity]) -> PeopleIndex:
    """An index of stored people, as an import builds it."""
    found = PeopleIndex()
    for org_id, org in enumerate({p.organization for _, p in people if p.organization}, 1):
        found.organization(org_id, identity.org_key(org))
    orgs = {k: v for v, k in found.org_keys.items()}
    for pid, person in people:
        found.person(pid, person.name_key, orgs.get(person.org_key))
        for kind in Key:
            for value in person.keys(kind):
                found.key(kind, value, pid, "book" if kind is Key.UID else None)
    return found


LI = "https://www.linkedin.com/in/"


def test_two_different_linkedin_profiles_are_two_people_whatever_their_names() -> None:
    stored = index((1, Identity("John Smith", linkedin=(LI + "jsmith1",), organization="Acme")))
    found = identity.resolve(
        Identity("John Smith", linkedin=(LI + "jsmith2",), organization="Acme Inc."), stored
    )
    assert found.person_id is None
    assert found.review == ()


def test_a_shared_email_is_the_same_person_and_says_so() -> None:
    stored = index((7, Identity("Dana Okafor", emails=("dana@acme.example",))))
    found = identity.resolve(Identity("D. Okafor", emails=("dana@acme.example",)), stored)
    assert (found.person_id, found.reason) == (7, "they share the email dana@acme.example")


def test_a_shared_email_with_different_profiles_is_only_a_pair_to_review() -> None:
    stored = index((7, Identity("Dana", emails=("info@acme.example",), linkedin=(LI + "a",))))
    found = identity.resolve(
        Identity("Kim", emails=("info@acme.example",), linkedin=(LI + "b",)), stored
    )
    assert found.person_id is None
    (match,) = found.review
    assert (match.person_id, match.rule) == (7, "conflict")
    assert match.reason.endswith("but their LinkedIn profiles differ")


def test_a_shared_phone_or_website_alone_never_merges() -> None:
    stored = index(
        (1, Identity("Front Desk", phones=("+442079460958",))),
        (2, Identity("Ann Lee", websites=("acme.example",))),
    )
    by_phone = identity.resolve(Identity("Bo Chen", phones=("+442079460958",)), stored)
    by_site = identity.resolve(Identity("Cy Dunn", websites=("acme.example",)), stored)
    assert by_phone.person_id is None
    assert by_site.person_id is None
    assert [(m.person_id, m.rule) for m in by_phone.review] == [(1, "shared-phone")]
    assert [(m.person_id, m.rule) for m in by_site.review] == [(2, "shared-website")]
    assert "switchboards" in by_phone.review[0].reason


def test_a_shared_name_alone_never_merges_and_a_common_one_is_not_even_queued() -> None:
    stored = index(*[(i, Identity("Maria Garcia", organization=f"Org {i}")) for i in range(1, 6)])
    found = identity.resolve(Identity("María García"), stored)
    assert (found.person_id, found.review) == (None, ())


def test_a_rare_name_is_a_pair_to_review() -> None:
    stored = index((3, Identity("Wojciech Iksiński", organization="Polmex")))
    found = identity.resolve(Identity("Wojciech Iksinski"), stored)
    assert found.person_id is None
    assert [(m.person_id, m.rule, m.verdict) for m in found.review] == [
        (3, "rare-name", Verdict.REVIEW)
    ]


def test_the_same_name_at_the_same_organization_is_the_one_auto_may_merge() -> None:
    stored = index((4, Identity("Dana Whitfield", organization="Northwind Traders Ltd")))
    found = identity.resolve(Identity("dana  whitfield", organization="Northwind Traders"), stored)
    assert found.likely is not None
    assert (found.likely.person_id, found.likely.reason) == (4, "same name and organization")


def test_two_namesakes_at_one_organization_leave_nothing_for_auto() -> None:
    stored = index(
        (4, Identity("Dana Whitfield", organization="Northwind")),
        (5, Identity("Dana Whitfield", organization="Northwind")),
    )
    found = identity.resolve(Identity("Dana Whitfield", organization="Northwind"), stored)
    assert found.likely is None
    assert {m.person_id for m in found.review} == {4, 5}


def test_a_similar_name_at_the_same_organization_is_a_pair_to_review() -> None:
    stored = index((8, Identity("Jonathan Smith", organization="Acme")))
    found = identity.resolve(Identity("Jonathon Smith", organization="Acme"), stored)
    assert [(m.person_id, m.rule) for m in found.review] == [(8, "similar-name-org")]


def test_a_record_bridging_two_people_goes_to_the_profile_and_queues_the_other() -> None:
    stored = index(
        (1, Identity("Dana", emails=("dana@x.example",))),
        (2, Identity("Dana W", linkedin=(LI + "dana",))),
    )
    found = identity.resolve(
        Identity("Dana W", emails=("dana@x.example",), linkedin=(LI + "dana",)), stored
    )
    assert found.person_id == 2
    assert [(m.person_id, m.rule) for m in found.review] == [(1, "bridge")]


def test_two_cards_of_one_address_book_are_not_merged_by_an_email() -> None:
    stored = PeopleIndex()
    stored.person(1, "ann lee", None)
    stored.key(Key.EMAIL, "ann@x.example", 1)
    stored.key(Key.UID, "uid-1", 1, "book")
    found = identity.resolve(
        Identity("Ann Lee", emails=("ann@x.example",), uids=(("book", "uid-2"),)), stored
    )
    assert found.person_id is None
    assert found.review[0].reason.endswith("they are two cards in one address book")


def test_me_is_never_offered_as_someone_to_merge() -> None:
    stored = PeopleIndex()
    stored.person(1, "sam rivera", None, is_me=True)
    assert identity.resolve(Identity("Sam Rivera"), stored).review == ()


def test_profile_urls_in_any_form_are_one_profile() -> None:
    forms = [
        "https://www.linkedin.com/in/jane-doe-123/",
        "http://uk.linkedin.com/in/Jane-Doe-123?trk=profile",
        "linkedin.com/in/jane%2Ddoe%2D123",
        "https://WWW.LINKEDIN.COM/in/jane-doe-123#top",
    ]
    assert {identity.linkedin_url(f) for f in forms} == {LI + "jane-doe-123"}


def test_names_and_organizations_fold_accents_case_and_legal_forms() -> None:
    assert identity.name_key("José  O'Brien") == identity.name_key("jose obrien") == "jose obrien"
    assert identity.name_key("Łukasz Żółć") == "lukasz zolc"
    assert identity.org_key("Acme, Inc.") == identity.org_key("ACME") == "acme"
    assert identity.website("HTTPS://www.Acme.example/?a=1") == "acme.example"


class _Nobody:
    def find(self, kind: Key, value: str) -> Sequence[int]:
        return ()

    def block(self, block: str) -> Sequence[int]:
        return ()

    def known(self, person_ids: Iterable[int]) -> dict[int, Known]:
        return {}

    def linked(self, person_ids: Iterable[int]) -> set[int]:
        return set()

    def count(self, block: str) -> int:
        return 0


names = st.text(alphabet="abcdeé ABC-'", min_size=1, max_size=20)


@given(names, names, st.text(max_size=10))
def test_without_a_shared_strong_identifier_nothing_is_ever_the_same_person(
    a: str, b: str, org: str
) -> None:
    stored = index((1, Identity(a, organization=org or None, phones=("+15550100",))))
    found = identity.resolve(Identity(b, organization=org or None, phones=("+15550100",)), stored)
    assert found.person_id is None
    assert identity.resolve(Identity(b), _Nobody()).person_id is None
