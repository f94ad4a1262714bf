"""The route × caller × space matrix (ASVS 8.2.1, 8.2.2, 8.4.1), generated from the app's routes.

Every route of the app must have an entry in POLICY, or test_every_route_has_a_policy fails:
a new route is covered the day it is added. Each route is then called by everyone: anonymous,
each role of the space, a former member, a server admin who is no member, and a member of
another space. Who may not see a space or an object gets 404, never 403; who may, gets the
route's answer; and nothing of the space changes at the hands of someone who may not.
"""

from __future__ import annotations

import datetime as dt
import uuid
import warnings
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import pytest
from fastapi.routing import APIRoute
from sqlalchemy import Connection, Engine, insert, text
from team_world import PASSWORD, World, bearer

from whoknows.teamserver import accounts, chapter_visitors, chapters, db, schema, spaces
from whoknows.teamserver.app import TeamSettings, create_app
from whoknows.teamserver.auth import SESSION_COOKIE

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message=".*httpx2.*")
    from fastapi.testclient import TestClient

pytestmark = pytest.mark.postgres

PUBLIC, SIGNED_IN, SERVER_ADMIN, LINK = "public", "signed-in", "server-admin", "link"
KEY = "ab" * 32


@dataclass(frozen=True)
class Need:
    """Who may call a route: PUBLIC, SIGNED_IN, SERVER_ADMIN, LINK (an invitation's link is
    the key), or the least role in the route's space. BODY: a valid JSON or form body."""

    who: str
    body: dict[str, object] = field(default_factory=dict)
    form: bool = False
    answers: frozenset[int] = frozenset()  # what an allowed caller gets, when not a success
    query: str = ""
    kind: str = "firm"  # of space A: chapter routes live in a group


POLICY: dict[tuple[str, str], Need] = {
    ("GET", "/api/v1/me"): Need(SIGNED_IN),
    ("GET", "/api/v1/spaces"): Need(SIGNED_IN),
    # A wrong current password: the route answers 400 to whoever may call it.
    ("POST", "/api/v1/me/password"): Need(
        SIGNED_IN, {"current": "wrong", "new": "a new password"}, answers=frozenset({400})
    ),
    ("GET", "/account/password"): Need(SIGNED_IN),
    ("POST", "/account/password"): Need(
        SIGNED_IN, {"current": "wrong", "new": "a new password"}, True, frozenset({400})
    ),
    ("POST", "/api/v1/spaces"): Need(SERVER_ADMIN, {"name": "x", "kind": "group"}),
    ("GET", "/api/v1/spaces/{slug}"): Need("guest"),
    ("GET", "/api/v1/spaces/{slug}/members"): Need("member"),
    ("POST", "/api/v1/spaces/{slug}/members/{account_id}/role"): Need("admin", {"role": "member"}),
    ("DELETE", "/api/v1/spaces/{slug}/members/{account_id}"): Need("admin"),
    ("POST", "/api/v1/spaces/{slug}/leave"): Need("guest"),
    ("GET", "/api/v1/spaces/{slug}/invitations"): Need("admin"),
    ("POST", "/api/v1/spaces/{slug}/invitations"): Need("admin", {"email": "n@example.com"}),
    ("GET", "/api/v1/invitations/{token}"): Need(LINK),
    # Signed in as someone else than the invited email: 409, sign out first.
    ("POST", "/api/v1/invitations/{token}/accept"): Need(
        LINK, {"password": "a password!"}, answers=frozenset({200, 409})
    ),
    ("POST", "/api/v1/invitations/{token}/decline"): Need(LINK),
    ("GET", "/api/v1/spaces/{slug}/tokens"): Need("guest"),
    ("POST", "/api/v1/spaces/{slug}/tokens"): Need("guest", {"name": "t"}),
    ("DELETE", "/api/v1/spaces/{slug}/tokens/{token_id}"): Need("guest"),
    ("GET", "/api/v1/spaces/{slug}/audit"): Need("admin"),
    ("POST", "/api/v1/sign-out"): Need(SIGNED_IN),
    ("POST", "/api/v1/sign-out-everywhere"): Need(SIGNED_IN),
    # The member's push (routes/push.py).
    ("GET", "/api/v1/spaces/{slug}/sharing"): Need("guest"),
    ("POST", "/api/v1/spaces/{slug}/push"): Need("member", {"level": "who", "complete": True}),
    # The firm-wide questions (routes/reach.py). "{colleague}" and "{key}": the second owner,
    # who shares one contact of that key.
    ("GET", "/api/v1/spaces/{slug}/who-knows"): Need("member", query="org=Acme"),
    ("GET", "/api/v1/spaces/{slug}/path"): Need("member", query="to=org:Acme"),
    ("GET", "/api/v1/spaces/{slug}/intros"): Need("member"),
    ("POST", "/api/v1/spaces/{slug}/intros"): Need(
        "member", {"colleague": "{colleague}", "about": "{key}", "why": "a project"}
    ),
    ("POST", "/api/v1/spaces/{slug}/intros/{intro_id}/accept"): Need("member"),
    ("POST", "/api/v1/spaces/{slug}/intros/{intro_id}/decline"): Need("member"),
    ("POST", "/api/v1/spaces/{slug}/intros/{intro_id}/withdraw"): Need("member"),
    ("GET", "/s/{slug}/who-knows"): Need("member", query="org=Acme"),
    ("GET", "/s/{slug}/path"): Need("member", query="to=org:Acme"),
    ("GET", "/s/{slug}/intros"): Need("member"),
    ("POST", "/s/{slug}/intros/{intro_id}/{decision}"): Need("member", form=True),
    # A chapter (routes/chapter.py), space A a group. "{slip_id}": a slip the caller both gave
    # and received in the open week; "{week_id}": a closed week with its report. A second
    # close by a leader above finds every begun week closed: 409.
    ("GET", "/api/v1/spaces/{slug}/chapter/weeks"): Need("member", kind="group"),
    ("POST", "/api/v1/spaces/{slug}/chapter/weeks/close"): Need(
        "leader", answers=frozenset({200, 409}), kind="group"
    ),
    ("GET", "/api/v1/spaces/{slug}/chapter/weeks/{week_id}/report"): Need("member", kind="group"),
    ("GET", "/api/v1/spaces/{slug}/chapter/weeks/{week_id}/report.csv"): Need(
        "member", kind="group"
    ),
    ("POST", "/api/v1/spaces/{slug}/chapter/attendance"): Need(
        "leader", {"member": "{colleague}", "status": "present"}, kind="group"
    ),
    ("GET", "/api/v1/spaces/{slug}/chapter/slips"): Need("member", kind="group"),
    ("POST", "/api/v1/spaces/{slug}/chapter/slips"): Need(
        "member",
        {"client_id": "m1", "to": "{colleague}", "about": "Dana <d@acme.test> @Acme", "hot": 3},
        kind="group",
    ),
    ("POST", "/api/v1/spaces/{slug}/chapter/slips/{slip_id}/edit"): Need(
        "member", {"note": "edited"}, kind="group"
    ),
    ("POST", "/api/v1/spaces/{slug}/chapter/slips/{slip_id}/withdraw"): Need(
        "member", kind="group"
    ),
    ("POST", "/api/v1/spaces/{slug}/chapter/slips/{slip_id}/status"): Need(
        "member", {"status": "accepted"}, kind="group"
    ),
    ("GET", "/api/v1/spaces/{slug}/chapter/thanks"): Need("member", kind="group"),
    ("POST", "/api/v1/spaces/{slug}/chapter/thanks"): Need(
        "member", {"client_id": "t1", "to": "{colleague}", "amount": "EUR 100"}, kind="group"
    ),
    ("GET", "/api/v1/spaces/{slug}/chapter/lights"): Need("member", kind="group"),
    ("POST", "/api/v1/spaces/{slug}/chapter/lights/rules/{part}"): Need(
        "leader", {"amber": 4, "green": 8}, kind="group"
    ),
    ("GET", "/s/{slug}/chapter"): Need("member", kind="group"),
    ("GET", "/s/{slug}/chapter/weeks/{week_id}"): Need("member", kind="group"),
    ("GET", "/api/v1/spaces/{slug}/chapter/one-to-ones"): Need("member", kind="group"),
    ("POST", "/api/v1/spaces/{slug}/chapter/one-to-ones"): Need(
        "member", {"client_id": "o1", "to": "{colleague}", "met_on": "2026-01-05"}, kind="group"
    ),
    # "{meeting_id}": a 1-to-1 the caller logged with themselves (so they may confirm it).
    ("POST", "/api/v1/spaces/{slug}/chapter/one-to-ones/{meeting_id}/confirm"): Need(
        "member", kind="group"
    ),
    ("GET", "/api/v1/spaces/{slug}/chapter/leaderboard"): Need("member", kind="group"),
    ("POST", "/api/v1/spaces/{slug}/chapter/leaderboard"): Need(
        "member", {"join": True}, kind="group"
    ),
    # A member's dashboard and the 1-to-1 network (routes/chapter_member.py).
    ("GET", "/api/v1/spaces/{slug}/chapter/me"): Need("member", kind="group"),
    ("GET", "/api/v1/spaces/{slug}/chapter/one-to-ones/network"): Need("member", kind="group"),
    ("GET", "/api/v1/spaces/{slug}/chapter/power-team"): Need("member", kind="group"),
    ("GET", "/s/{slug}/chapter/me"): Need("member", kind="group"),
    ("GET", "/s/{slug}/chapter/one-to-ones"): Need("member", kind="group"),
    # The meeting on a phone (routes/chapter_meeting.py): forms, redirected back when done.
    # A second leader's close finds the week closed by the first: the same redirect, or 409
    # when both closed at once.
    ("GET", "/s/{slug}/chapter/meeting"): Need("member", kind="group"),
    ("POST", "/s/{slug}/chapter/meeting/attendance"): Need(
        "leader", {"member": "{colleague}", "status": "present"}, True, kind="group"
    ),
    ("POST", "/s/{slug}/chapter/meeting/slips"): Need(
        "member",
        {"client_id": "p1", "to": "{colleague}", "about": "Dana <d@acme.test> @Acme", "hot": 3},
        True,
        kind="group",
    ),
    ("POST", "/s/{slug}/chapter/meeting/close"): Need(
        "leader",
        {"week": "{monday}", "confirm": "yes"},
        True,
        frozenset({303, 409}),
        kind="group",
    ),
    # A chapter's visitors (routes/chapter_visitors.py): leaders record, list and move them;
    # a member lists the ones they host. "{visitor_id}": a visitor of A, recorded by its
    # co-owner.
    ("GET", "/api/v1/spaces/{slug}/chapter/visitors"): Need("leader", kind="group"),
    ("GET", "/api/v1/spaces/{slug}/chapter/visitors/mine"): Need("member", kind="group"),
    ("POST", "/api/v1/spaces/{slug}/chapter/visitors"): Need(
        "leader", {"client_id": "v1", "capture": "Sam Lee <sam@lee.test>"}, kind="group"
    ),
    ("POST", "/api/v1/spaces/{slug}/chapter/visitors/{visitor_id}/move"): Need(
        "leader", {"status": "invited"}, kind="group"
    ),
    ("POST", "/s/{slug}/chapter/meeting/visitors"): Need(
        "leader", {"client_id": "mv1", "capture": "Sam Lee <sam@lee.test>"}, True, kind="group"
    ),
    ("GET", "/login"): Need(PUBLIC),
    ("POST", "/login"): Need(
        PUBLIC, {"email": "n@example.com", "password": "wrong"}, True, frozenset({401})
    ),
    ("POST", "/logout"): Need(SIGNED_IN, form=True),
    ("POST", "/logout-everywhere"): Need(SIGNED_IN, form=True),
    ("GET", "/"): Need(SIGNED_IN),
    ("GET", "/s/{slug}"): Need("guest"),
    ("POST", "/s/{slug}/invitations"): Need("admin", {"email": "n@example.com"}, form=True),
    ("GET", "/invite/{token}"): Need(LINK),
    ("POST", "/invite/{token}"): Need(LINK, {"answer": "decline"}, form=True),
    ("GET", "/s/{slug}/tokens"): Need("guest"),
    ("POST", "/s/{slug}/tokens"): Need("guest", {"name": "t"}, form=True),
    ("POST", "/s/{slug}/tokens/{token_id}/revoke"): Need("guest", form=True),
}
# Callers beside the roles of the space: nobody, a member who left, an admin of the server
# who is no member, the owner of another space.
OUTSIDERS = ("anonymous", "former", "server-admin", "other-space")
CALLERS = (*spaces.RANK, *OUTSIDERS)


def _routes() -> set[tuple[str, str]]:
    app = create_app(TeamSettings(database_url="postgresql+psycopg://nobody@localhost/none"))
    found = set()
    for route in app.routes:
        # FastAPI 0.16x keeps an included router whole; its routes are its contexts.
        contexts = getattr(route, "effective_route_contexts", None)
        for each in contexts() if contexts else [route]:
            if isinstance(each, APIRoute) or getattr(each, "endpoint", None) is not None:
                methods = set(each.methods or ()) - {"HEAD"}
                found |= {(method, each.path) for method in methods}
    return found - {("GET", "/openapi.json")}


def test_every_route_has_a_policy() -> None:
    routes = _routes()
    assert sorted(routes - set(POLICY)) == [], "add these routes to POLICY"
    assert sorted(set(POLICY) - routes) == [], "POLICY names routes the app no longer has"


@dataclass
class Scene:
    """Space A with a member of every role (and a second owner, so any one may leave), a
    guest to act on, a former member; space B with its owner; a server admin. Each person
    has a browser session and (but the former member and the server admin) a token."""

    a: spaces.Space
    b: spaces.Space
    people: dict[str, accounts.Account]
    target: accounts.Account
    co_owner: accounts.Account  # never a caller; shares one contact, KEY
    sessions: dict[str, tuple[str, str]]
    token_ids: dict[int, int]  # account id → its token's id in A (or B for the other space)


def _scene(engine: Engine, kind: str = "firm") -> Scene:
    """Made in one transaction: the matrix has hundreds of cases."""

    def person(conn: Connection, admin: bool = False) -> accounts.Account:
        email = f"m{uuid.uuid4().hex[:10]}@example.com"
        return accounts.create(conn, email, PASSWORD, is_admin=admin)

    with db.tenant(engine) as conn:
        people = {role: person(conn) for role in (*spaces.RANK, "former", "other-space")}
        people["server-admin"] = person(conn, admin=True)
        target = person(conn)
        a = spaces.create(conn, f"A {uuid.uuid4().hex[:10]}", kind, people["owner"].id)
        second_owner = person(conn)
        joined = [(second_owner, "owner"), (target, "guest"), (people["former"], "member")]
        joined += [(people[r], r) for r in ("admin", "leader", "member", "guest")]
        for account, role in joined:
            conn.execute(
                insert(schema.membership).values(space_id=a.id, account_id=account.id, role=role)
            )
        conn.execute(
            text("UPDATE membership SET left_at = now() WHERE account_id = :a"),
            {"a": people["former"].id},
        )
        conn.execute(
            insert(schema.shared_contact).values(
                space_id=a.id, account_id=second_owner.id, key=KEY, org="Acme", band="good"
            )
        )
        token_ids = {}
        for account in (target, *(people[r] for r in spaces.RANK)):
            token_ids[account.id] = accounts.create_token(conn, a.id, account.id, "t", ("read",))[0]
        b = spaces.create(conn, f"B {uuid.uuid4().hex[:10]}", "firm", people["other-space"].id)
        other = people["other-space"].id
        token_ids[other] = accounts.create_token(conn, b.id, other, "t", ("read",))[0]
        sessions = {}
        for name, account in people.items():
            cookie, session = accounts.start_session(conn, account.id)
            sessions[name] = (cookie, session.csrf)
    return Scene(a, b, people, target, second_owner, sessions, token_ids)


def _allowed(need: Need, caller: str) -> bool:
    if need.who in (PUBLIC, LINK):
        return True
    if caller == "anonymous":
        return False
    if need.who == SIGNED_IN:
        return True
    if need.who == SERVER_ADMIN:
        return caller == "server-admin"
    return caller in spaces.RANK and spaces.at_least(caller, need.who)


def _path(template: str, scene: Scene, engine: Engine, caller: str) -> str:
    """The route's path in space A: the target guest's id; the caller's own token id (the
    target's, for a caller with none in A); a fresh invitation link of A."""
    values: dict[str, object] = {"slug": scene.a.slug, "account_id": scene.target.id}
    if "{account_id}" in template:
        with db.tenant(engine, space_id=scene.a.id) as conn:
            fresh = accounts.create(conn, f"g{uuid.uuid4().hex[:10]}@example.com", None)
            conn.execute(
                insert(schema.membership).values(
                    space_id=scene.a.id, account_id=fresh.id, role="guest"
                )
            )
        values["account_id"] = fresh.id
    mine = scene.people.get(caller)
    values["token_id"] = scene.token_ids.get(
        mine.id if mine and caller in spaces.RANK else -1, scene.token_ids[scene.target.id]
    )
    if "{intro_id}" in template:
        values["intro_id"] = _intro(engine, scene, mine if caller in spaces.RANK else None)
        values["decision"] = "accept"
    if "{slip_id}" in template:
        values["slip_id"] = _slip(engine, scene, mine if caller in spaces.RANK else None)
    values["part"] = "referrals"
    if "{meeting_id}" in template:
        values["meeting_id"] = _one_to_one(engine, scene, mine if caller in spaces.RANK else None)
    if "{visitor_id}" in template:
        values["visitor_id"] = _visitor(engine, scene)
    if "{week_id}" in template:
        values["week_id"] = _closed_week(engine, scene)
    if "{token}" in template:
        with db.tenant(engine, space_id=scene.a.id) as conn:
            email = f"i{uuid.uuid4().hex[:8]}@example.com"
            values["token"] = spaces.invite(conn, scene.a.id, None, "owner", email, "guest")[1]
    return template.format(**values)


def _intro(engine: Engine, scene: Scene, caller: accounts.Account | None) -> int:
    """An open introduction request in A, the caller both its asker and its colleague (so it
    may accept, decline or withdraw it); the co-owner's for a caller not in A."""
    who = caller.id if caller is not None else scene.co_owner.id
    with db.tenant(engine, space_id=scene.a.id) as conn:
        return int(
            conn.execute(
                insert(schema.intro_request)
                .values(
                    space_id=scene.a.id,
                    requester_id=who,
                    colleague_id=who,
                    target_key=KEY,
                    why="matrix",
                )
                .returning(schema.intro_request.c.id)
            ).scalar_one()
        )


def _slip(engine: Engine, scene: Scene, caller: accounts.Account | None) -> int:
    """A slip in A's open week, the caller both its giver and its receiver (so they may edit,
    withdraw and move it); the co-owner's for a caller not in A."""
    who = caller.id if caller is not None else scene.co_owner.id
    with db.tenant(engine, space_id=scene.a.id) as conn:
        week = chapters.entry_week(conn, scene.a.id)
        return int(
            conn.execute(
                insert(schema.chapter_slip)
                .values(
                    space_id=scene.a.id,
                    client_id=uuid.uuid4().hex,
                    giver_id=who,
                    receiver_id=who,
                    week_id=week["id"],
                    about="Dana",
                    hot=3,
                )
                .returning(schema.chapter_slip.c.id)
            ).scalar_one()
        )


def _one_to_one(engine: Engine, scene: Scene, caller: accounts.Account | None) -> int:
    """A 1-to-1 in A's open week, the caller both its logger and the one to confirm it."""
    who = caller.id if caller is not None else scene.co_owner.id
    with db.tenant(engine, space_id=scene.a.id) as conn:
        week = chapters.entry_week(conn, scene.a.id)
        return int(
            conn.execute(
                insert(schema.chapter_one_to_one)
                .values(
                    space_id=scene.a.id,
                    client_id=uuid.uuid4().hex,
                    logger_id=who,
                    other_id=who,
                    met_on=dt.date(2026, 1, 5),
                    week_id=week["id"],
                )
                .returning(schema.chapter_one_to_one.c.id)
            ).scalar_one()
        )


def _visitor(engine: Engine, scene: Scene) -> int:
    """A visitor of A's open week, recorded by the co-owner."""
    with db.tenant(engine, space_id=scene.a.id, account_id=scene.co_owner.id) as conn:
        return int(
            chapter_visitors.record(
                conn, scene.a.id, scene.co_owner.id, "Sam Lee", None, uuid.uuid4().hex
            )["id"]
        )


def _closed_week(engine: Engine, scene: Scene) -> int:
    """A's closed week of the first Monday of 2026, with its report."""
    monday = dt.date(2026, 1, 5)
    with db.tenant(engine, space_id=scene.a.id, account_id=scene.co_owner.id) as conn:
        found = conn.execute(
            text("SELECT id FROM chapter_week WHERE space_id = :s AND starts_on = :d"),
            {"s": scene.a.id, "d": monday},
        ).scalar()
        if found is None:
            chapters.close(conn, scene.a.id, scene.co_owner.id, monday)
            found = conn.execute(
                text("SELECT id FROM chapter_week WHERE space_id = :s AND starts_on = :d"),
                {"s": scene.a.id, "d": monday},
            ).scalar_one()
    return int(found)


def _body(need: Need, scene: Scene) -> dict[str, object]:
    fill = {
        "{colleague}": scene.co_owner.id,
        "{key}": KEY,
        "{monday}": chapters.monday(chapters.today()).isoformat(),
    }
    return {k: fill.get(v, v) if isinstance(v, str) else v for k, v in need.body.items()}


@pytest.fixture(scope="module")
def matrix_client(team_db_url: str) -> Iterator[TestClient]:
    """One app for the whole matrix (a fresh one per case would cost its connections). The
    callers of a route call at once, each with its own cookie header (the jar stays empty:
    no route of the matrix signs anyone in)."""
    with TestClient(create_app(TeamSettings(database_url=team_db_url, pool_size=4))) as client:
        yield client


def _call(client: TestClient, scene: Scene, need: Need, method: str, url: str, caller: str):  # type: ignore[no-untyped-def]
    headers: dict[str, str] = {}
    if caller in scene.sessions:
        cookie, csrf = scene.sessions[caller]
        headers = {"Cookie": f"{SESSION_COOKIE}={cookie}", "X-CSRF-Token": csrf}
    kwargs: dict[str, object] = {"headers": headers, "follow_redirects": False}
    if method in ("POST", "PUT", "PATCH"):
        kwargs["data" if need.form else "json"] = _body(need, scene)
    return client.request(method, url + (f"?{need.query}" if need.query else ""), **kwargs)


def _wrong(need: Need, method: str, path: str, caller: str, answer) -> str | None:  # type: ignore[no-untyped-def]
    """What is wrong with CALLER's answer from the route, or None."""
    status = answer.status_code
    said = f"{caller}: {method} {path} answered {status}"
    if status >= 500:
        return f"{said}: {answer.text[:200]}"
    if status == 403:
        return f"{said}: hide it with 404"
    if _allowed(need, caller):
        expected = need.answers or {200, 201, 204, 303}
        return None if status in expected else f"{said}, refused: {answer.text[:200]}"
    if caller == "anonymous":
        if path.startswith("/api/"):
            return None if status == 401 else said
        redirect = status == 303 and answer.headers["location"].startswith("/login")
        return None if redirect else said
    return None if status == 404 else said


@pytest.mark.parametrize(("method", "path"), list(POLICY))
def test_route_answers_each_caller_as_its_policy_says(
    method: str,
    path: str,
    app_engine: Engine,
    matrix_client,
    owner_engine: Engine,
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("WHOKNOWS_TEAM_CACHE", str(tmp_path_factory.getbasetemp() / "snapshots"))
    need = POLICY[(method, path)]
    # One scene per route, shared by its callers: the refused calls change nothing (checked),
    # and each allowed one acts on what is the caller's own (their session, token,
    # membership) or fresh (an invitation link, a guest to remove, a request to answer).
    scene = _scene(app_engine, need.kind)
    urls = {caller: _path(path, scene, app_engine, caller) for caller in CALLERS}
    refused = [c for c in CALLERS if not _allowed(need, c)]
    allowed = [c for c in CALLERS if _allowed(need, c)]

    def call(caller: str) -> str | None:
        answer = _call(matrix_client, scene, need, method, urls[caller], caller)
        return _wrong(need, method, path, caller, answer)

    unsafe = method not in ("GET", "HEAD")
    before = _space_state(owner_engine, scene.a.id) if unsafe else ()
    with ThreadPoolExecutor(max_workers=len(CALLERS)) as pool:
        wrong = [w for w in pool.map(call, refused) if w]
        if unsafe:  # the refused calls, all at once, changed nothing
            assert _space_state(owner_engine, scene.a.id) == before, "a refused call changed A"
        wrong += [w for w in pool.map(call, allowed) if w]
    assert not wrong, "\n".join(wrong)


def _space_state(engine: Engine, space_id: int) -> tuple[object, ...]:
    """What a caller could change in a space (besides the audit log of the refusal)."""
    digests = ", ".join(
        f"(SELECT md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), '')) "
        f"FROM {table} t WHERE space_id = :s)"
        for table in (
            "membership",
            "invitation",
            "api_token",
            "intro_request",
            "shared_contact",
            "chapter_week",
            "chapter_slip",
            "chapter_thanks",
            "chapter_attendance",
            "chapter_light_rule",
            "chapter_one_to_one",
            "chapter_leaderboard",
            "chapter_visitor",
            "chapter_visitor_move",
        )
    )
    with engine.connect() as conn:
        return tuple(conn.execute(text(f"SELECT {digests}"), {"s": space_id}).one())


def test_ids_of_another_space_answer_404_to_its_own_admins(
    world: World, app_engine: Engine, team_client
) -> None:
    """Enumerating ids: a member or token id of space B, through space A, is not found."""
    scene = _scene(app_engine)
    theirs = world.member(scene.b, "member")
    their_token = world.token(scene.b, theirs)
    owner_token = world.token(scene.a, scene.people["owner"])
    token_id = scene.token_ids[scene.people["other-space"].id]
    a = f"/api/v1/spaces/{scene.a.slug}"
    for method, url, body in (
        ("POST", f"{a}/members/{theirs.id}/role", {"role": "guest"}),
        ("DELETE", f"{a}/members/{theirs.id}", None),
        ("DELETE", f"{a}/tokens/{token_id}", None),
        ("POST", f"{a}/members/999999999/role", {"role": "guest"}),
        ("GET", f"/api/v1/spaces/{scene.b.slug}/members", None),
    ):
        answer = team_client.request(method, url, json=body, headers=bearer(owner_token))
        assert answer.status_code == 404, (method, url, answer.text)
    members = team_client.get(
        f"/api/v1/spaces/{scene.b.slug}/members", headers=bearer(their_token)
    ).json()
    assert theirs.id in [m["account_id"] for m in members]
    tokens = team_client.get(
        f"/api/v1/spaces/{scene.b.slug}/tokens",
        headers=bearer(world.token(scene.b, scene.people["other-space"])),
    ).json()
    assert token_id in [t["id"] for t in tokens]
    assert all(t["revoked_at"] is None for t in tokens)
