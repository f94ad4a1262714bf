"""Quick capture lines as typed at an event."""

from __future__ import annotations

import pytest

from whoknows.core.capture import CapturedPerson, parse_capture


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "Dana Okafor <dana@acme.test> @Acme / COO",
            CapturedPerson("Dana Okafor", "dana@acme.test", "Acme", "COO"),
        ),
        ("Dana Okafor", CapturedPerson("Dana Okafor")),
        ("Dana Okafor @Acme Holdings", CapturedPerson("Dana Okafor", None, "Acme Holdings")),
        (
            "Dana Okafor / Chief Operating Officer",
            CapturedPerson("Dana Okafor", role="Chief Operating Officer"),
        ),
        ("<dana@acme.test>", CapturedPerson("", "dana@acme.test")),
        ("dana@acme.test", CapturedPerson("", "dana@acme.test")),
        ("Ana María de la Cruz <ana@x.test>", CapturedPerson("Ana María de la Cruz", "ana@x.test")),
        ("AC/DC Fan @Rock / Roadie", CapturedPerson("AC/DC Fan", None, "Rock", "Roadie")),
    ],
)
def test_a_capture_line_splits_into_name_email_org_and_role(
    line: str, expected: CapturedPerson
) -> None:
    assert parse_capture(line) == expected
