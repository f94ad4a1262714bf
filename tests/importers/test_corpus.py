"""Files from elsewhere: other projects' test suites, real exports, adversarial files.

Every one is imported as a user would (`--skip-bad-rows`, every date): it gives one clear
line (a WhoknowsError) or imports, with its bad records listed. A traceback is a bug.
"""

from __future__ import annotations

import datetime as dt
import traceback
from pathlib import Path

import pytest

from whoknows.config import load_settings
from whoknows.errors import WhoknowsError
from whoknows.services import imports, people
from whoknows.services.store import Store

FIXTURES = Path(__file__).parents[1] / "fixtures"
SUFFIXES = {".ics", ".ifb", ".jcal", ".vcf", ".vcard", ".csv", ".mbox", ".eml", ".zip"}
CORPUS = sorted(
    p
    for root in (FIXTURES / "corpus", FIXTURES / "real-exports", FIXTURES / "handmade")
    for p in root.rglob("*")
    if p.suffix.lower() in SUFFIXES
)


def test_the_corpus_is_there() -> None:
    assert len(CORPUS) > 150


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    folder = tmp_path_factory.mktemp("corpus")
    opened = Store(load_settings(f"sqlite:///{folder / 'corpus.db'}"))
    people.set_me(opened, people.PersonInput(name="Me Myself", emails=["me@example.com"]))
    return opened


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: str(p.relative_to(FIXTURES)))
def test_every_file_imports_or_says_why_in_one_line(store: Store, path: Path) -> None:
    refused = None
    try:
        report = imports.import_file(
            store, path, today=dt.date(2026, 11, 30), since=imports.ALL_TIME, skip_bad_rows=True
        )
    except WhoknowsError as exc:
        refused = exc.message
    except Exception:  # pragma: no cover - what this test is for
        pytest.fail(f"{path.name}: a traceback\n{traceback.format_exc()}")
    if refused is not None:
        assert "\n" not in refused, refused
        return
    assert all(set(e) == {"source", "line", "reason"} for e in report.errors)
