"""Damaged files: real exports with bytes cut, inserted, swapped and lines repeated.

The held-out files a user brings are often a real export damaged in some way (a download cut
short, a stray byte, an editor's "fix"). Each importer must read what it can of any such
file, or refuse it in one clear line, quickly; a traceback or a hang is a bug.
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from whoknows.config import load_settings
from whoknows.errors import WhoknowsError
from whoknows.services import imports, people
from whoknows.services.imports.run import records
from whoknows.services.store import Store

FIXTURES = Path(__file__).parents[1] / "fixtures"
SEEDS = {  # one file of each kind, with the features that break parsers
    "vcard": FIXTURES / "real-exports" / "ez-vcard" / "John_Doe_IPHONE.vcf",
    "vcard-2.1": FIXTURES / "real-exports" / "ez-vcard" / "John_Doe_MS_OUTLOOK.vcf",
    "ics": FIXTURES / "real-exports" / "icalendar" / "issue_156_RDATE_with_PERIOD_TZID_khal_2.ics",
    "ics-rules": FIXTURES / "handmade" / "calendar-secondly-rule-without-end.ics",
    "mbox": FIXTURES / "handmade" / "mbox-conversations-lists-bounces-rfc2047.mbox",
    "linkedin": FIXTURES / "handmade" / "linkedin-connections-with-notes-preamble.csv",
    "google": FIXTURES / "handmade" / "google-contacts-current-label-value.csv",
    "outlook": FIXTURES / "handmade" / "outlook-com-contacts.csv",
    "outlook-cp1252": FIXTURES / "handmade" / "outlook-wizard-german-headers-cp1252.csv",
    "google-utf16": FIXTURES / "handmade" / "google-contacts-legacy-type-value-utf16.csv",
    "vcard-qp": FIXTURES / "handmade" / "vcard-quoted-printable-without-charset.vcf",
    "mbox-cr": FIXTURES / "handmade" / "mbox-old-mac-cr-line-endings.mbox",
    "ics-outlook": FIXTURES / "real-exports" / "biweekly" / "outlook-2010.ics",
}
KINDS = {name: name.split("-")[0] for name in SEEDS}
SUFFIX = {"vcard": ".vcf", "ics": ".ics", "mbox": ".mbox"}
TODAY = dt.date(2026, 11, 30)
WHOLE_FILE_SECONDS = 10  # far above what any of these takes; the held-out limit is 20 s

STRANGE = st.sampled_from(
    [b"\x00", b"\xff\xfe", b"\r", b"\n", b"\r\n ", b'"', b",", b":", b";", b"=", b"\\",
     b"\xe2\x80", b"\xc3", b"BEGIN:VCARD\r\n", b"BEGIN:VEVENT\r\n", b"END:VCALENDAR\r\n",
     b"RRULE:FREQ=SECONDLY\r\n", b"DTSTART:99999999T999999\r\n", b"=?utf-8?q?=E2=82?=",
     b"From x Mon Jan  1 00:00:00 2024\n", b"\t", b"9" * 40]
)  # fmt: skip
EDIT = st.one_of(
    st.tuples(st.just("cut"), st.floats(0, 1)),
    st.tuples(st.just("insert"), st.floats(0, 1), st.one_of(STRANGE, st.binary(max_size=8))),
    st.tuples(st.just("drop"), st.floats(0, 1), st.integers(1, 64)),
    st.tuples(st.just("repeat-line"), st.floats(0, 1), st.integers(2, 50)),
)


def damaged(original: bytes, edits: list[tuple]) -> bytes:  # type: ignore[type-arg]
    data = original
    for edit in edits:
        at = int(edit[1] * len(data))
        if edit[0] == "cut":
            data = data[:at]
        elif edit[0] == "insert":
            data = data[:at] + edit[2] + data[at:]
        elif edit[0] == "drop":
            data = data[:at] + data[at + edit[2] :]
        else:
            start = data.rfind(b"\n", 0, at) + 1
            end = data.find(b"\n", at)
            line = data[start : (len(data) if end < 0 else end + 1)]
            # a file with CR line ends is one long "line": a few copies, not thousands
            copies = min(edit[2], max(1, 200_000 // max(1, len(line))))
            data = data[:start] + line * copies + data[start:]
    return data


def _write(tmp_path: Path, seed: str, data: bytes) -> Path:
    path = tmp_path / f"damaged{SUFFIX.get(KINDS[seed], '.csv')}"
    path.write_bytes(data)
    return path


def _read_all(path: Path, kind: str) -> None:
    started = time.monotonic()
    refused = None
    try:
        for _ in records(path, kind, since=imports.ALL_TIME, until=TODAY):
            assert time.monotonic() - started < WHOLE_FILE_SECONDS, "too slow: a hang?"
    except WhoknowsError as exc:
        refused = exc.message
    assert refused is None or "\n" not in refused, refused
    assert time.monotonic() - started < WHOLE_FILE_SECONDS


@pytest.mark.parametrize("seed", sorted(SEEDS))
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(edits=st.lists(EDIT, min_size=1, max_size=4))
def test_a_damaged_export_is_read_or_refused_in_one_line(
    tmp_path: Path,
    seed: str,
    edits: list[tuple],  # type: ignore[type-arg]
) -> None:
    path = _write(tmp_path, seed, damaged(SEEDS[seed].read_bytes(), edits))
    _read_all(path, KINDS[seed])


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    opened = Store(load_settings(f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'fuzz.db'}"))
    people.set_me(opened, people.PersonInput(name="Me Myself", emails=["me@example.com"]))
    return opened


@pytest.mark.parametrize("seed", sorted(SEEDS))
@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(edits=st.lists(EDIT, min_size=1, max_size=3))
def test_a_damaged_export_imports_or_says_why_in_one_line(
    tmp_path: Path,
    store: Store,
    seed: str,
    edits: list[tuple],  # type: ignore[type-arg]
) -> None:
    """The whole import, not only the parser: the field checks and the engine see the damage."""
    path = _write(tmp_path, seed, damaged(SEEDS[seed].read_bytes(), edits))
    try:
        report = imports.import_file(
            store, path, KINDS[seed], today=TODAY, since=imports.ALL_TIME, skip_bad_rows=True
        )
    except WhoknowsError as exc:
        refused = exc.message
        assert "\n" not in refused, refused
        return
    assert all(set(e) == {"source", "line", "reason"} for e in report.errors)


def test_damage_is_damage() -> None:
    original = b"line one\nline two\n"
    assert damaged(original, [("cut", 0.5)]) == original[:9]
    assert damaged(original, [("insert", 0.0, b"\x00")]) == b"\x00" + original
    assert damaged(original, [("drop", 0.0, 5)]) == original[5:]
    assert damaged(original, [("repeat-line", 0.0, 2)]) == b"line one\n" * 2 + original
