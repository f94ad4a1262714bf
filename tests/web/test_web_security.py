"""Web security: loopback by default, access token, CSRF, escaping, headers, error answers."""

from __future__ import annotations

from pathlib import Path

import pytest
from webtools import TODAY, TestClient, csrf, post

from whoknows.config import load_settings
from whoknows.errors import UserError
from whoknows.services import people
from whoknows.services.store import Store
from whoknows.web import security
from whoknows.web.app import create_app

XSS = "<script>alert(1)</script>"


def test_a_form_post_without_the_csrf_token_is_refused_and_writes_nothing(
    empty_client: TestClient, tmp_path: Path
) -> None:
    answer = empty_client.post("/people", data={"name": "Eve"}, follow_redirects=False)
    assert answer.status_code == 403
    assert "CSRF" in answer.text
    forged = empty_client.post(
        "/people", data={"name": "Eve", "csrf_token": "abc.def"}, follow_redirects=False
    )
    assert forged.status_code == 403
    with Store(load_settings(str(tmp_path / "empty.db"))) as store:
        assert people.count_people(store) == 0


def test_a_token_signed_with_another_key_is_refused() -> None:
    mine, theirs = b"k1" * 16, b"k2" * 16
    token = security.new_csrf_token(theirs)
    assert not security.csrf_matches(mine, token, token)
    own = security.new_csrf_token(mine)
    assert security.csrf_matches(mine, own, own)
    assert not security.csrf_matches(mine, own, security.new_csrf_token(mine))


def test_htmx_posts_may_send_the_token_in_a_header(empty_client: TestClient) -> None:
    answer = empty_client.post(
        "/settings/me",
        data={"name": "Sam"},
        headers={"X-CSRF-Token": csrf(empty_client)},
        follow_redirects=False,
    )
    assert answer.status_code == 303


def test_a_name_with_html_in_it_is_shown_as_text_everywhere(empty_client: TestClient) -> None:
    post(empty_client, "/settings/me", {"name": "Me Myself"})
    added = post(empty_client, "/people", {"name": XSS, "notes": XSS, "organization": XSS})
    where = added.headers["location"]
    for url in (where, f"{where}/edit", "/people", f"/people?q={XSS}", "/settings"):
        page = empty_client.get(url).text
        assert XSS not in page, url
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in empty_client.get(where).text
    api = empty_client.get("/api/v1/people").json()
    assert any(p["name"] == XSS for p in api), "the API returns the text as it is, as JSON"


def test_every_answer_carries_the_security_headers(empty_client: TestClient) -> None:
    for url in ("/", "/static/app.css", "/api/v1/people", "/nowhere"):
        headers = empty_client.get(url).headers
        csp = headers["content-security-policy"]
        script = next(p for p in csp.split(";") if p.strip().startswith("script-src"))
        assert script.strip() == "script-src 'self'", "no inline script, no eval"
        assert headers["x-content-type-options"] == "nosniff"
        assert "frame-ancestors 'self'" in csp


def test_no_page_has_inline_script(reader: TestClient) -> None:
    for url in ("/", "/people", "/paths?kind=icp", "/referrals", "/settings", "/reports"):
        page = reader.get(url).text
        for chunk in page.split("<script")[1:]:
            assert chunk.lstrip().startswith("src="), url
        assert " on" + "click=" not in page
        assert "javascript:" not in page


def test_the_server_refuses_to_listen_beyond_loopback_without_a_token(tmp_path: Path) -> None:
    settings = load_settings(str(tmp_path / "x.db"))
    with pytest.raises(UserError, match=r"refusing to serve on 0\.0\.0\.0"):
        create_app(settings, host="0.0.0.0")
    for host in ("127.0.0.1", "localhost", "::1", "127.0.0.2"):
        assert security.is_loopback(host)
    assert not security.is_loopback("192.168.1.10")


def test_with_an_access_token_every_page_needs_it(tmp_path: Path) -> None:
    app = create_app(
        load_settings(str(tmp_path / "x.db")),
        host="0.0.0.0",
        access_token="s3cret-" * 4,
        allowed_hosts=["whoknows.lan"],
        today=TODAY,
    )
    with TestClient(app, base_url="http://whoknows.lan:8000") as client:
        assert client.get("/").status_code == 401
        assert client.get("/api/v1/people").status_code == 401
        assert client.get("/?access_token=wrong").status_code == 401
        assert client.get("/?access_token=" + "s3cret-" * 4).status_code == 200
        assert client.get("/people").status_code == 200, "the cookie remembers the token"
    with TestClient(app, base_url="http://whoknows.lan:8000") as other:
        bearer = {"Authorization": "Bearer " + "s3cret-" * 4}
        assert other.get("/api/v1/people", headers=bearer).status_code == 200
        assert other.get("/static/app.css").status_code == 200


def test_errors_answer_json_to_the_api_and_html_to_pages(reader: TestClient) -> None:
    api = reader.get("/api/v1/people/999999")
    assert api.status_code == 404
    assert api.json()["error"] == "no person with id 999999"
    page = reader.get("/people/999999")
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    wants = reader.get("/people/999999", headers={"Accept": "application/json"})
    assert wants.json()["error"] == "no person with id 999999"
    assert reader.get("/no/such/page").status_code == 404


def test_api_writes_must_be_json(reader: TestClient) -> None:
    answer = reader.post("/api/v1/people", data={"name": "Form Post"})
    assert answer.status_code == 415
