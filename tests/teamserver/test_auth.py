"""Signing in and out, sessions, CSRF, rate limits, invitations (ASVS V6, V3.5, 8.3.2)."""

from __future__ import annotations

import re
import uuid

import pytest
from argon2 import PasswordHasher
from sqlalchemy import Engine, text
from team_world import PASSWORD, SHIPPED_HASHER, World, bearer

from whoknows.teamserver import accounts, db
from whoknows.teamserver.auth import SESSION_COOKIE

pytestmark = pytest.mark.postgres


@pytest.fixture(autouse=True)
def _no_earlier_attempts(owner_engine: Engine) -> None:
    """Every test signs in from the test client's one address: start each with no count."""
    with owner_engine.begin() as conn:
        conn.execute(text("DELETE FROM rate_window"))


def sign_in(client, email: str, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    return client.post(
        "/login", data={"email": email, "password": password}, follow_redirects=False
    )


def csrf_of(client) -> str:  # type: ignore[no-untyped-def]
    page = client.get("/")
    assert page.status_code == 200
    found = re.search(r'name="csrf-token" content="([^"]+)"', page.text)
    assert found is not None
    return found.group(1)


def test_passwords_are_stored_as_argon2_and_rehashed_when_the_parameters_change(
    world: World, owner_engine: Engine, team_client, monkeypatch: pytest.MonkeyPatch
) -> None:
    alice = world.account()
    stored = _hash_of(owner_engine, alice.id)
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored
    stronger = PasswordHasher(time_cost=2, memory_cost=2048, parallelism=1)
    monkeypatch.setattr(accounts, "HASHER", stronger)
    assert sign_in(team_client, alice.email).status_code == 303
    rehashed = _hash_of(owner_engine, alice.id)
    assert rehashed != stored
    assert "m=2048,t=2" in rehashed
    assert not stronger.check_needs_rehash(rehashed)


def test_the_production_hasher_is_argon2id_at_the_library_defaults() -> None:
    assert SHIPPED_HASHER.hash("x" * 8).startswith("$argon2id$v=19$m=65536,t=3,p=4$")


def _hash_of(engine: Engine, account_id: int) -> str:
    with engine.connect() as conn:
        return str(
            conn.execute(
                text("SELECT password_hash FROM account WHERE id = :i"), {"i": account_id}
            ).scalar_one()
        )


def test_a_wrong_password_or_email_gets_one_answer_and_is_audited(
    world: World, owner_engine: Engine, team_client
) -> None:
    alice = world.account()
    wrong = sign_in(team_client, alice.email, "not the password")
    unknown = sign_in(team_client, "nobody@example.com")
    assert wrong.status_code == unknown.status_code == 401
    assert "the email or the password is wrong" in wrong.text
    assert SESSION_COOKIE not in wrong.cookies
    with owner_engine.connect() as conn:
        details = conn.execute(
            text("SELECT detail::text FROM audit_event WHERE action = 'login.failed'")
        ).scalars()
        logged = " ".join(details)
    assert alice.email in logged
    assert "not the password" not in logged


def test_sign_in_sets_a_session_and_sign_out_everywhere_ends_every_one(
    world: World, team_client, team_app_settings
) -> None:
    from fastapi.testclient import TestClient

    from whoknows.teamserver.app import create_app

    alice = world.account()
    firm = world.space(alice)
    answer = sign_in(team_client, alice.email)
    assert answer.status_code == 303
    cookie = answer.cookies[SESSION_COOKIE]
    assert team_client.get("/api/v1/me").json()["email"] == alice.email
    with TestClient(create_app(team_app_settings)) as laptop:
        assert sign_in(laptop, alice.email).status_code == 303
        assert laptop.get(f"/s/{firm.slug}").status_code == 200
        ended = team_client.post(
            "/api/v1/sign-out-everywhere", headers={"X-CSRF-Token": csrf_of(team_client)}
        )
        assert ended.json() == {"sessions_ended": 2}
        assert laptop.get("/api/v1/me").status_code == 401
    team_client.cookies.set(SESSION_COOKIE, cookie)
    assert team_client.get("/api/v1/me").status_code == 401


def test_sign_out_ends_this_session_only(world: World, team_client) -> None:
    alice = world.account()
    other, _ = world.session(alice)
    assert sign_in(team_client, alice.email).status_code == 303
    out = team_client.post("/logout", data={"csrf_token": csrf_of(team_client)})
    assert out.status_code == 200  # the sign-in page, after the redirect
    assert team_client.get("/api/v1/me").status_code == 401
    team_client.cookies.set(SESSION_COOKIE, other)
    assert team_client.get("/api/v1/me").status_code == 200


def test_a_form_post_without_the_sessions_csrf_token_is_refused(world: World, team_client) -> None:
    alice = world.account()
    firm = world.space(alice)
    assert sign_in(team_client, alice.email).status_code == 303
    for sent in ({}, {"csrf_token": "forged"}):
        refused = team_client.post(f"/s/{firm.slug}/tokens", data={"name": "x", **sent})
        assert refused.status_code == 403
        assert "CSRF" in refused.text
    made = team_client.post(
        f"/s/{firm.slug}/tokens", data={"name": "laptop", "csrf_token": csrf_of(team_client)}
    )
    assert made.status_code == 200
    assert "wkt_" in made.text


def test_a_cross_site_post_is_refused_even_with_the_token(world: World, team_client) -> None:
    alice = world.account()
    assert sign_in(team_client, alice.email).status_code == 303
    token = csrf_of(team_client)
    refused = team_client.post(
        "/logout", data={"csrf_token": token}, headers={"Sec-Fetch-Site": "cross-site"}
    )
    assert refused.status_code == 403
    assert team_client.get("/api/v1/me").status_code == 200


def test_failed_sign_ins_are_limited_per_account(world: World, team_client) -> None:
    alice = world.account()
    most = accounts.LOGIN_FAILURES_PER_ACCOUNT[0]
    for _ in range(most):
        assert sign_in(team_client, alice.email, "wrong password").status_code == 401
    limited = sign_in(team_client, alice.email)  # even the right password, for a while
    assert limited.status_code == 429
    assert "too many failed sign-ins" in limited.text
    bob = world.account()
    assert sign_in(team_client, bob.email).status_code == 303  # another account is not


def test_sign_in_attempts_are_limited_per_address(world: World, team_client) -> None:
    most = accounts.LOGIN_PER_IP[0]
    people = [world.account() for _ in range(3)]
    for n in range(most):
        assert sign_in(team_client, people[n % 3].email, "wrong").status_code == 401
    assert sign_in(team_client, people[0].email).status_code == 429


def test_removal_takes_access_away_at_once(world: World, team_client, app_engine: Engine) -> None:
    owner = world.account()
    firm = world.space(owner)
    bob = world.member(firm)
    cookie, _ = world.session(bob)
    token = world.token(firm, bob)
    assert team_client.get(f"/api/v1/spaces/{firm.slug}", headers=bearer(token)).status_code == 200
    removed = team_client.delete(
        f"/api/v1/spaces/{firm.slug}/members/{bob.id}", headers=bearer(world.token(firm, owner))
    )
    assert removed.status_code == 204
    assert team_client.get(f"/api/v1/spaces/{firm.slug}", headers=bearer(token)).status_code == 401
    team_client.cookies.set(SESSION_COOKIE, cookie)
    assert team_client.get(f"/api/v1/spaces/{firm.slug}").status_code == 404
    assert team_client.get(f"/s/{firm.slug}").status_code == 404
    with db.tenant(app_engine, space_id=firm.id) as conn:
        actions = conn.execute(text("SELECT action FROM audit_event ORDER BY id")).scalars().all()
    assert "member.remove" in actions


def _invite(team_client, world: World, email: str, role: str = "member"):  # type: ignore[no-untyped-def]
    owner = world.account()
    firm = world.space(owner)
    made = team_client.post(
        f"/api/v1/spaces/{firm.slug}/invitations",
        json={"email": email, "role": role},
        headers=bearer(world.token(firm, owner)),
    )
    assert made.status_code == 201
    return firm, made.json()["link"].split("/invite/")[1]


def test_an_invitation_makes_the_account_once_and_signs_it_in(world: World, team_client) -> None:
    firm, link = _invite(team_client, world, "New.Person@Example.com")
    shown = team_client.get(f"/invite/{link}")
    assert shown.status_code == 200
    assert "new.person@example.com" in shown.text
    joined = team_client.post(
        f"/invite/{link}",
        data={"answer": "accept", "password": "a new password", "name": "New Person"},
        follow_redirects=False,
    )
    assert joined.status_code == 303
    assert joined.headers["location"] == f"/s/{firm.slug}"
    me = team_client.get("/api/v1/me").json()
    assert me["email"] == "new.person@example.com"
    assert [(s["slug"], s["role"]) for s in me["spaces"]] == [(firm.slug, "member")]
    team_client.cookies.clear()
    again = team_client.post(
        f"/api/v1/invitations/{link}/accept", json={"password": "another password"}
    )
    assert again.status_code == 404
    assert "used" in again.json()["error"]


def test_an_invitation_to_an_existing_account_needs_its_password(world: World, team_client) -> None:
    bob = world.account()
    firm, link = _invite(team_client, world, bob.email, role="guest")
    wrong = team_client.post(f"/api/v1/invitations/{link}/accept", json={"password": "nope"})
    assert wrong.status_code == 400
    right = team_client.post(f"/api/v1/invitations/{link}/accept", json={"password": PASSWORD})
    assert right.json() == {"space": firm.slug, "role": "guest"}


def test_a_declined_expired_or_forged_invitation_is_not_found(
    world: World, team_client, owner_engine: Engine
) -> None:
    _, declined = _invite(team_client, world, "d@example.com")
    assert team_client.post(f"/api/v1/invitations/{declined}/decline").status_code == 204
    assert team_client.get(f"/api/v1/invitations/{declined}").status_code == 404
    _, expired = _invite(team_client, world, "e@example.com")
    with owner_engine.begin() as conn:
        conn.execute(
            text("UPDATE invitation SET expires_at = now() - interval '1 second' WHERE email = :e"),
            {"e": "e@example.com"},
        )
    gone = team_client.get(f"/api/v1/invitations/{expired}")
    assert gone.status_code == 404
    assert "expired" in gone.json()["error"]
    _, real = _invite(team_client, world, "f@example.com")
    forged = real[:-3] + ("xyz" if not real.endswith("xyz") else "abc")
    assert team_client.get(f"/api/v1/invitations/{forged}").status_code == 404


def test_a_member_cannot_invite_and_an_admin_cannot_make_owners(world: World, team_client) -> None:
    firm = world.space()
    member, admin = world.member(firm, "member"), world.member(firm, "admin")
    by_member = team_client.post(
        f"/api/v1/spaces/{firm.slug}/invitations",
        json={"email": "x@example.com"},
        headers=bearer(world.token(firm, member)),
    )
    assert by_member.status_code == 404
    by_admin = team_client.post(
        f"/api/v1/spaces/{firm.slug}/invitations",
        json={"email": "x@example.com", "role": "owner"},
        headers=bearer(world.token(firm, admin)),
    )
    assert by_admin.status_code == 409


def test_changing_the_password_needs_the_current_one_and_a_session(
    world: World, team_client, owner_engine: Engine
) -> None:
    alice = world.account()
    firm = world.space(alice)
    token = world.token(firm, alice)
    by_token = team_client.post(
        "/api/v1/me/password",
        json={"current": PASSWORD, "new": "stolen token"},
        headers=bearer(token),
    )
    assert by_token.status_code == 404
    assert sign_in(team_client, alice.email).status_code == 303
    csrf = csrf_of(team_client)
    wrong = team_client.post(
        "/account/password", data={"current": "nope", "new": "a new one!", "csrf_token": csrf}
    )
    assert wrong.status_code == 400
    short = team_client.post(
        "/account/password", data={"current": PASSWORD, "new": "short", "csrf_token": csrf}
    )
    assert short.status_code == 400
    assert "too short" in short.text
    done = team_client.post(
        "/account/password", data={"current": PASSWORD, "new": "a new one!", "csrf_token": csrf}
    )
    assert done.status_code == 200
    assert "is changed" in done.text
    team_client.cookies.clear()
    assert sign_in(team_client, alice.email).status_code == 401
    assert sign_in(team_client, alice.email, "a new one!").status_code == 303


def test_an_admin_makes_an_invitation_link_on_the_space_page(world: World, team_client) -> None:
    firm = world.space()
    admin = world.member(firm, "admin")
    cookie, csrf = world.session(admin)
    team_client.cookies.set(SESSION_COOKIE, cookie)
    made = team_client.post(
        f"/s/{firm.slug}/invitations",
        data={"email": "page@example.com", "role": "leader", "csrf_token": csrf},
    )
    assert made.status_code == 200
    link = re.search(r"<code>http://testserver/invite/([^<]+)</code>", made.text)
    assert link is not None
    assert "page@example.com as leader" in made.text
    assert team_client.get(f"/api/v1/invitations/{link.group(1)}").json()["role"] == "leader"
    owner = team_client.post(
        f"/s/{firm.slug}/invitations",
        data={"email": "o@example.com", "role": "owner", "csrf_token": csrf},
    )
    assert owner.status_code == 400
    assert "cannot invite someone as owner" in owner.text


def test_behind_https_the_session_is_a_host_only_secure_cookie(
    world: World, team_app_settings
) -> None:
    import dataclasses
    import warnings

    from whoknows.teamserver.app import create_app

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*httpx2.*")
        from fastapi.testclient import TestClient

    alice = world.account()
    secure = dataclasses.replace(team_app_settings, secure_cookies=True)
    with TestClient(create_app(secure), base_url="https://team.example.com") as client:
        answer = sign_in(client, alice.email)
        cookie = answer.headers["set-cookie"]
        assert cookie.startswith("__Host-wk_team_session=")
        for part in ("Secure", "HttpOnly", "Path=/", "SameSite=lax"):
            assert part in cookie
        assert "Domain" not in cookie
        assert client.get("/api/v1/me").json()["email"] == alice.email
        csrf = csrf_of(client)
        out = client.post("/logout", data={"csrf_token": csrf}, follow_redirects=False)
        assert out.headers["set-cookie"].startswith('__Host-wk_team_session=""')
        assert client.get("/api/v1/me").status_code == 401


def test_the_audit_log_records_sign_ins_and_changes_but_no_secret(
    world: World, team_client, owner_engine: Engine
) -> None:
    from whoknows.teamserver.audit import audit

    alice = world.account()
    firm = world.space(alice)
    token = world.token(firm, alice)
    made = team_client.post(
        f"/api/v1/spaces/{firm.slug}/tokens", json={"name": "cli"}, headers=bearer(token)
    ).json()["token"]
    assert sign_in(team_client, alice.email).status_code == 303
    with owner_engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT action, subject, detail::text FROM audit_event "
                "WHERE account_id = :a OR subject = :s"
            ),
            {"a": alice.id, "s": f"account:{alice.id}"},
        ).all()
    actions = {r.action for r in rows}
    assert {"account.create", "space.create", "token.create", "login"} <= actions
    logged = " ".join(f"{r.subject} {r[2]}" for r in rows)
    for secret in (token, made, PASSWORD, token.rsplit("_", 1)[1]):
        assert secret not in logged
    with pytest.raises(ValueError, match="credential"), db.tenant(world.engine) as conn:
        audit(conn, "oops", "", {"new_password": "x"}, space_id=None)


def test_windows_of_buckets_long_gone_are_dropped_when_a_window_opens(
    owner_engine: Engine,
) -> None:
    """A bucket per address or email would otherwise leave a row behind for good."""
    from whoknows.teamserver import limits

    stale = f"login-ip:stale-{uuid.uuid4().hex[:8]}"
    recent = f"login-ip:recent-{uuid.uuid4().hex[:8]}"
    with owner_engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO rate_window (bucket, window_start, hits) VALUES "
                "(:stale, now() - interval '2 days', 3), (:recent, now() - interval '1 hour', 3)"
            ),
            {"stale": stale, "recent": recent},
        )
    with owner_engine.begin() as conn:
        limits.hit(conn, f"login-ip:new-{uuid.uuid4().hex[:8]}", 10, 60)
    with owner_engine.connect() as conn:
        left = set(
            conn.execute(
                text("SELECT bucket FROM rate_window WHERE bucket IN (:s, :r)"),
                {"s": stale, "r": recent},
            ).scalars()
        )
    assert left == {recent}
