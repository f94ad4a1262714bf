"""The shareable projection of a real local store: who is shared, how, and who never is."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from whoknows.core import sharing
from whoknows.core.sharing import KeyKind, Level
from whoknows.errors import UserError
from whoknows.services import network, people
from whoknows.services.paging import Window
from whoknows.services.people import PersonInput
from whoknows.services.store import Store
from whoknows.services.team import projection, settings
from whoknows.storage import schema as s

TODAY = dt.date(2026, 11, 30)


def _person(store: Store, name: str, **fields: object) -> None:
    people.add_person(store, PersonInput(name=name, **fields))  # type: ignore[arg-type]


def _network(store: Store) -> None:
    """Me, four people I know (one private, one at a blocked firm, one with no key), one I
    know only of (no tie), and one reached by LinkedIn profile alone."""
    people.set_me(store, PersonInput(name="Sam Member", emails=["sam@firm.com"]))
    _person(store, "Jane Doe", emails=["jane@acme.com"], organization="Acme, Inc.", role="VP Sales")
    _person(store, "Priv Ate", emails=["priv@acme.com"], organization="Acme", role="Advisor")
    _person(store, "Glo Bex", emails=["g@globex.com"], organization="Globex Corp", role="CEO")
    _person(store, "No Key", organization="Acme")
    _person(store, "Far Away", emails=["far@initech.com"], organization="Initech")
    _person(store, "Lin Ked", organization="Hooli")
    with store.write() as session:
        lin = session.query(s.Person).filter_by(name="Lin Ked").one()
        session.add(
            s.PersonLink(
                person_id=lin.id, kind="linkedin", url="https://www.linkedin.com/in/linked"
            )
        )
    for day in range(0, 120, 15):
        network.log(store, "coffee", ["Jane Doe"], on=TODAY - dt.timedelta(days=day))
    for name in ("Priv Ate", "Glo Bex", "No Key", "Lin Ked"):
        network.know(store, "Sam Member", name, strength=0.6)
    network.know(store, "Jane Doe", "Far Away", strength=0.9)  # a tie, but not mine
    settings.set_private(store, "Priv Ate")
    settings.set_blocked(store, "GLOBEX")


def test_the_projection_shares_my_ties_and_counts_the_rest(store: Store) -> None:
    _network(store)
    found = projection.project(store, today=TODAY)
    assert found.level is Level.WHO
    assert [item.shared.description() for item in found.items] == [
        "a VP Sales at Acme, Inc.",
        "someone at Hooli",
    ]
    assert found.counts == {
        "shared": 2,
        "private": 1,
        "blocked": 1,
        "no key": 1,
        "no tie": 1,
    }
    jane = found.items[0].shared
    assert jane.band is sharing.Band.GOOD  # eight coffees in four months
    assert jane.org_key == "acme"


def test_at_level_who_no_name_is_in_the_bytes(store: Store) -> None:
    _network(store)
    found = projection.project(store, today=TODAY)
    sent = json.dumps([item.shared.payload() for item in found.items])
    shown = json.dumps([item.as_json() for item in found.items])
    for text in (sent, shown):
        for secret in ("Jane", "Doe", "Lin Ked", "Priv", "Glo", "jane@acme.com", "linkedin"):
            assert secret not in text


def test_at_level_name_names_are_shared_but_private_and_blocked_still_are_not(store: Store) -> None:
    _network(store)
    settings.set_level(store, Level.NAME)
    found = projection.project(store, today=TODAY)
    sent = json.dumps([item.shared.payload() for item in found.items])
    assert "Jane Doe" in sent
    assert "Lin Ked" in sent
    assert "Priv Ate" not in sent
    assert "Glo Bex" not in sent
    assert "@" not in sent


def test_at_level_nothing_nothing_is_shared_and_the_held_back_are_counted(store: Store) -> None:
    _network(store)
    settings.set_level(store, Level.NOTHING)
    found = projection.project(store, today=TODAY)
    assert found.items == []
    assert found.counts["shared"] == 0
    assert found.counts["held back"] == 2


def test_keys_are_the_hmac_of_the_email_or_the_profile_with_the_space_salt(store: Store) -> None:
    _network(store)
    found = projection.project(store, salt="s3cret", today=TODAY)
    keys = {item.shared.key for item in found.items}
    assert keys == {
        sharing.contact_key("s3cret", KeyKind.EMAIL, "jane@acme.com"),
        sharing.contact_key("s3cret", KeyKind.LINKEDIN, "https://www.linkedin.com/in/linked"),
    }


def test_sharing_someone_again_and_lifting_a_block_bring_them_back(store: Store) -> None:
    _network(store)
    settings.set_private(store, "Priv Ate", private=False)
    settings.set_blocked(store, "Globex", block=False)
    found = projection.project(store, today=TODAY)
    assert found.counts["shared"] == 4
    assert found.counts["private"] == found.counts["blocked"] == 0


def test_the_preview_pages(store: Store) -> None:
    _network(store)
    page = projection.project(store, today=TODAY).page(Window(limit=1, offset=1))
    assert [i.shared.description() for i in page] == ["someone at Hooli"]
    assert page.total == 2


def test_a_projection_needs_to_know_who_i_am(store: Store) -> None:
    _person(store, "Jane Doe", emails=["jane@acme.com"])
    with pytest.raises(UserError, match="who you are"):
        projection.project(store, today=TODAY)


def test_i_am_never_private_and_a_bad_level_or_unknown_block_is_refused(store: Store) -> None:
    _network(store)
    with pytest.raises(UserError, match="never shared"):
        settings.set_private(store, "Sam Member")
    with pytest.raises(UserError, match="not one of"):
        settings.parse_level("everything")
    with pytest.raises(UserError, match="not blocked"):
        settings.set_blocked(store, "Initech", block=False)


def test_a_merged_private_person_stays_private(store: Store) -> None:
    from whoknows.services.merge import merge_people

    _network(store)
    _person(store, "Priv Ate Two", emails=["priv2@acme.com"])
    merge_people(store, "Priv Ate Two", "Priv Ate")
    assert [name for _pid, name in settings.sharing(store).private] == ["Priv Ate Two"]


def test_private_flags_blocks_and_level_survive_a_backup_but_the_link_does_not(
    store: Store, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    from whoknows.config import load_settings
    from whoknows.services import backup
    from whoknows.storage import team as rows

    _network(store)
    settings.set_level(store, Level.NAME)
    with store.write() as session:
        rows.save_link(
            session,
            store.owner_id,
            url="http://t",
            space="s",
            space_name="S",
            account="a",
            token="secret-token",
            salt="x",
        )
    backup.backup(store, tmp_path / "b.json")
    assert "secret-token" not in (tmp_path / "b.json").read_text(encoding="utf-8")
    with Store(load_settings(f"sqlite:///{tmp_path / 'restored.db'}")) as restored:
        backup.restore(restored, tmp_path / "b.json")
        assert settings.sharing(restored).as_json() == settings.sharing(store).as_json()
        with restored.read() as session:
            assert rows.link(session, restored.owner_id) is None
