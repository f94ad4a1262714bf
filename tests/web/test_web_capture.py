"""Capture at an event loses nobody: a refusal keeps what was typed with its reason by the
field, a known name is offered to choose from, and the marks can be changed afterwards."""

from __future__ import annotations

import re

import pytest
from webtools import TestClient, post

from whoknows.config import load_settings
from whoknows.services import events, people
from whoknows.services.people import PersonInput
from whoknows.services.store import Store

HTMX = {"HX-Request": "true"}


def opened(db: str) -> Store:
    return Store(load_settings(db))


@pytest.fixture
def event_url(client: TestClient) -> str:
    made = post(client, "/events", {"name": "Harbour breakfast", "date": "2025-06-02"})
    assert made.status_code == 303
    return str(made.headers["location"])


def capture(client: TestClient, url: str, **fields: str) -> object:
    return post(client, f"{url}/capture", fields, headers=HTMX)


def named(db: str, name: str) -> list[object]:
    with opened(db) as store:
        return [p for p in people.find_people(store, name, limit=50) if p.name == name]


def test_a_refused_email_keeps_everything_typed_and_says_why_by_the_field(
    client: TestClient, demo_db: str, event_url: str
) -> None:
    answer = capture(
        client, event_url, name="Bob Doe", email="bob@x", organization="Doe Ltd", role="CFO"
    )
    assert answer.status_code == 400
    assert answer.headers["HX-Retarget"] == "#capture", "htmx puts it back in place of the form"
    html = answer.text
    assert 'value="Bob Doe"' in html
    assert 'value="bob@x"' in html
    assert 'value="Doe Ltd"' in html
    assert 'value="CFO"' in html
    field = re.search(r'<input name="email"[^>]*>', html)
    assert field
    assert 'aria-invalid="true"' in field.group(0)
    assert 'id="capture-email-error"' in html
    assert "email &#39;bob@x&#39; is not valid" in html
    assert not named(demo_db, "Bob Doe"), "nothing was written"


def test_an_empty_name_is_refused_by_its_field(client: TestClient, event_url: str) -> None:
    answer = capture(client, event_url, name="  ", email="ann@example.com")
    assert answer.status_code == 400
    assert 'id="capture-name-error"' in answer.text
    assert 'value="ann@example.com"' in answer.text


def test_a_name_shared_by_several_people_offers_them_with_organization_and_role(
    client: TestClient, demo_db: str, event_url: str
) -> None:
    with opened(demo_db) as store:
        for org, role in (("Acme", "COO"), ("Birch & Co", "Architect"), (None, None)):
            people.add_person(
                store, PersonInput(name="Jo Quillfeather", organization=org, role=role)
            )
    answer = capture(client, event_url, name="Jo Quillfeather", organization="Cedar")
    assert answer.status_code == 409
    html = answer.text
    assert "3 people you know are called Jo Quillfeather" in html
    choices = re.findall(r'<button type="submit" name="choice" value="(\d+|new)"', html)
    assert len(choices) == 4
    assert choices[-1] == "new"
    assert "COO" in html
    assert "Acme" in html
    assert "Architect" in html
    assert "Birch &amp; Co" in html
    assert 'value="Cedar"' in html, "what was typed stays"
    assert len(named(demo_db, "Jo Quillfeather")) == 3, "nothing was written"
    chosen = choices[0]
    picked = capture(
        client, event_url, name="Jo Quillfeather", organization="Cedar", choice=chosen, gets="1"
    )
    assert picked.status_code == 200
    assert "Jo Quillfeather was already known: marked as met here." in picked.text
    assert 'hx-swap-oob="true"' in picked.text, "the list of people met is redrawn"
    assert len(named(demo_db, "Jo Quillfeather")) == 3
    with opened(demo_db) as store:
        event = events.show_event(store, event_url.rsplit("/", 1)[1])
    assert [(a.person_id, a.gets_it) for a in event.attendees] == [(int(chosen), True)]


def test_someone_new_creates_a_new_person_whoever_else_has_that_name(
    client: TestClient, demo_db: str, event_url: str
) -> None:
    with opened(demo_db) as store:
        people.add_person(store, PersonInput(name="Sam Taylor", organization="Acme"))
    asked = capture(client, event_url, name="Sam Taylor", organization="Zenith Ltd")
    assert asked.status_code == 409, "a known name is never attached by itself"
    assert "you already know someone called Sam Taylor" in asked.text
    made = capture(client, event_url, name="Sam Taylor", organization="Zenith Ltd", choice="new")
    assert made.status_code == 200
    assert "Added Sam Taylor." in made.text
    found = named(demo_db, "Sam Taylor")
    assert len(found) == 2
    assert {p.organization for p in found} == {"Acme", "Zenith Ltd"}  # type: ignore[attr-defined]


def test_a_known_email_is_the_same_person_and_says_so(
    client: TestClient, demo_db: str, event_url: str
) -> None:
    with opened(demo_db) as store:
        people.add_person(store, PersonInput(name="Rosa Quint", emails=["rosa@quint.test"]))
    answer = capture(client, event_url, name="Rosa Q.", email="ROSA@quint.test")
    assert answer.status_code == 200
    assert "Rosa Quint was already known: marked as met here." in answer.text
    assert not named(demo_db, "Rosa Q.")


def test_a_name_with_markup_characters_is_captured_and_shown_as_text(
    client: TestClient, demo_db: str, event_url: str
) -> None:
    answer = capture(client, event_url, name="Ana <b>Lima</b> @home / x")
    assert answer.status_code == 200, answer.text[:400]
    assert "<b>Lima</b>" not in answer.text
    assert "Ana &lt;b&gt;Lima&lt;/b&gt; @home / x" in answer.text
    assert named(demo_db, "Ana <b>Lima</b> @home / x")


def test_without_javascript_a_refusal_is_the_event_page_with_the_form_filled_in(
    client: TestClient, event_url: str
) -> None:
    answer = post(client, f"{event_url}/capture", {"name": "Bob Doe", "email": "bob@x"})
    assert answer.status_code == 400
    assert "<h1><bdi>Harbour breakfast</bdi>" in answer.text
    assert 'value="bob@x"' in answer.text
    done = post(client, f"{event_url}/capture", {"name": "Bob Doe", "email": "bob@doe.test"})
    assert done.status_code == 303


def test_the_gets_give_to_get_mark_can_be_changed_after_the_capture(
    client: TestClient, demo_db: str, event_url: str
) -> None:
    assert capture(client, event_url, name="Lena Brandt").status_code == 200
    event_id = event_url.rsplit("/", 1)[1]
    with opened(demo_db) as store:
        (attendee,) = events.show_event(store, event_id).attendees
    assert not attendee.gets_it
    mark = f"{event_url}/people/{attendee.person_id}/gets"
    on = post(client, mark, {"gets": "1"}, headers=HTMX)
    assert on.status_code == 200
    assert 'aria-pressed="true"' in on.text
    with opened(demo_db) as store:
        assert events.show_event(store, event_id).attendees[0].gets_it
    assert post(client, mark, {"gets": "0"}).status_code == 303
    with opened(demo_db) as store:
        assert not events.show_event(store, event_id).attendees[0].gets_it
    stranger = post(client, f"{event_url}/people/999999/gets", {"gets": "1"})
    assert stranger.status_code == 404
