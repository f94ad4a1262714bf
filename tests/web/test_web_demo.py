"""The demo has no duplicates: one event per name and date, one card per introduction or
referral, a ledger without repeated rows (the issue saw all three doubled)."""

from __future__ import annotations

import re
import sqlite3
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from webtools import TestClient


@pytest.fixture(scope="module")
def db(demo_file: Path) -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(demo_file)
    yield connection
    connection.close()


def repeated(db: sqlite3.Connection, query: str) -> list[tuple[object, ...]]:
    rows = db.execute(query).fetchall()
    assert rows, "the demo has some"
    return [row for row, n in Counter(rows).items() if n > 1]


def test_one_event_per_name_and_date(db: sqlite3.Connection) -> None:
    assert not repeated(db, "SELECT name, date FROM events")


def test_one_introduction_per_pair(db: sqlite3.Connection) -> None:
    assert not repeated(db, "SELECT min(a_id, b_id), max(a_id, b_id) FROM introductions")


def test_one_referral_per_lead(db: sqlite3.Connection) -> None:
    assert not repeated(
        db, "SELECT direction, from_id, to_id, about_id, about_org_id, date FROM referrals"
    )


def test_a_ledger_without_repeated_rows(db: sqlite3.Connection) -> None:
    assert not repeated(
        db,
        "SELECT giver_id, receiver_id, other_id, kind, date, note, value_cents, currency,"
        " introduction_id, referral_id FROM exchanges",
    )


@pytest.mark.parametrize(
    ("url", "card"),
    [
        ("/introductions", r'id="intro-tile-(\d+)"'),
        ("/referrals", r'id="referral-(\d+)"'),
        ("/events", r'<a class="who" href="/events/(\d+)"'),
        ("/", r'<a class="who" href="/events/(\d+)"'),
    ],
)
def test_each_card_is_shown_once(reader: TestClient, url: str, card: str) -> None:
    shown = re.findall(card, reader.get(url).text)
    assert shown
    assert len(shown) == len(set(shown)), [i for i, n in Counter(shown).items() if n > 1]
