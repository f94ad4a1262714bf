"""The import page: upload a file (preview, then import), the report, the review queue."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from webtools import csrf, post

from whoknows.services import review
from whoknows.services.store import Store

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
LINKEDIN = FIXTURES / "handmade" / "linkedin-connections-bad-date-and-extra-cells.csv"
VCARD = FIXTURES / "real-exports" / "ez-vcard" / "gmail-list.vcf"


def _upload(client: Any, path: Path, **data: str) -> Any:
    with path.open("rb") as handle:
        return client.post(
            "/import",
            data={"csrf_token": csrf(client), **data},
            files={"file": (path.name, handle, "application/octet-stream")},
            follow_redirects=False,
        )


def _people(client: Any) -> int:
    store: Store = client.app.state.store
    from whoknows.services import people

    return len(people.list_people(store, limit=100_000))


def test_the_import_page_offers_an_upload_form_and_is_in_the_nav(client: Any) -> None:
    page = client.get("/import")
    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' in page.text
    assert 'name="csrf_token"' in page.text
    assert 'href="/import"' in client.get("/").text


def test_an_upload_imports_the_file_and_shows_the_report_with_bad_rows(client: Any) -> None:
    before = _people(client)
    page = _upload(client, LINKEDIN)
    assert page.status_code == 200
    assert 'id="report"' in page.text
    assert "Imported linkedin-connections-bad-date-and-extra-cells.csv" in page.text
    assert 'id="report-errors"' in page.text, "the row with stray cells is listed with its line"
    assert "the other day" in page.text, "the bad date is a warning: Dana is kept without it"
    assert _people(client) == before + 2


def test_a_preview_writes_nothing_until_it_is_confirmed(client: Any) -> None:
    before = _people(client)
    page = _upload(client, VCARD, preview="1")
    assert page.status_code == 200
    assert "Preview of gmail-list.vcf" in page.text
    assert _people(client) == before, "a preview writes nothing"
    assert 'form="upload-form" name="confirm" value="1"' in page.text, "Import it sends it again"
    done = _upload(client, VCARD, preview="1", confirm="1")
    assert done.status_code == 200
    assert "Imported gmail-list.vcf" in done.text
    assert _people(client) > before


def test_with_htmx_a_preview_answers_the_report_only(client: Any) -> None:
    with VCARD.open("rb") as handle:
        page = client.post(
            "/import",
            data={"csrf_token": csrf(client), "preview": "1"},
            files={"file": (VCARD.name, handle, "text/vcard")},
            headers={"HX-Request": "true"},
        )
    assert page.status_code == 200
    assert page.text.lstrip().startswith('<section class="card" id="report">')


def test_an_upload_without_the_csrf_token_is_refused(client: Any) -> None:
    with LINKEDIN.open("rb") as handle:
        page = client.post("/import", files={"file": (LINKEDIN.name, handle, "text/csv")})
    assert page.status_code == 403


def test_a_file_whoknows_cannot_read_is_a_clear_error(client: Any, tmp_path: Path) -> None:
    junk = tmp_path / "notes.txt"
    junk.write_text("just some words\n")
    page = _upload(client, junk)
    assert page.status_code == 400
    assert "does not look like a file whoknows imports" in page.text


def test_an_uploaded_name_cannot_escape_the_upload_folder(client: Any) -> None:
    with LINKEDIN.open("rb") as handle:
        page = client.post(
            "/import",
            data={"csrf_token": csrf(client), "preview": "1"},
            files={"file": ("../../evil.csv", handle, "text/csv")},
        )
    assert page.status_code == 200
    assert "Preview of evil.csv" in page.text
    store: Store = client.app.state.store
    assert not (store.settings.data_dir / "evil.csv").exists()


def test_the_review_queue_merges_a_pair_or_keeps_them_apart(client: Any) -> None:
    store: Store = client.app.state.store
    from whoknows.services import people
    from whoknows.services.people import PersonInput

    a = people.add_person(store, PersonInput(name="Marguerite Oduya", organization="Kelp Co"))
    b = people.add_person(store, PersonInput(name="Marguerite Oduya", organization="Kelp Co."))
    c = people.add_person(store, PersonInput(name="Tobias Renk", organization="Renk Tools"))
    d = people.add_person(store, PersonInput(name="Tobias Renk", organization="Renk Tools"))
    page = client.get("/import")
    assert "Marguerite Oduya" in page.text
    assert "Tobias Renk" in page.text
    pairs = {(p.a.id, p.b.id): p.id for p in review.page(store).pairs}
    first, second = pairs[(a.id, b.id)], pairs[(c.id, d.id)]
    merged = post(client, "/import/review", {"pair": str(first), "decision": "merge"})
    assert merged.status_code == 303
    apart = post(client, "/import/review", {"pair": str(second), "decision": "new"})
    assert apart.status_code == 303
    assert review.page(store).pairs == []
    assert "Marguerite Oduya" not in client.get("/import").text.split('id="review"')[1]
    gone = post(client, "/import/review", {"pair": str(first), "decision": "merge"})
    assert gone.status_code == 404
    bad = post(client, "/import/review", {"pair": str(second), "decision": "maybe"})
    assert bad.status_code == 400
