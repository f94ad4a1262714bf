"""who-knows and path over HTTP: what colleagues shared, at their level, and nothing else."""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from reach_world import Known, key_of, names_behind_the_level, share
from sqlalchemy import Engine, text
from team_world import World, bearer

from whoknows.teamserver import accounts, db, reach, snapshot, snapshots
from whoknows.teamserver.accounts import Account
from whoknows.teamserver.app import TeamSettings, create_app
from whoknows.teamserver.auth import SESSION_COOKIE
from whoknows.teamserver.spaces import Space

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message=".*httpx2.*")
    from fastapi.testclient import TestClient

pytestmark = pytest.mark.postgres
HIDDEN = ("Sam Secret", "Carla Gone", "sam.secret@", "carla@")


@dataclass
class Firm:
    space: Space
    erin: Account  # the asker
    alice: Account  # shares names
    bob: Account  # shares who (his rows hold a name all the same)
    carol: Account  # has left
    token: str


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("WHOKNOWS_TEAM_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


@pytest.fixture
def client(team_app_settings: TeamSettings, cache: Path) -> Iterator[TestClient]:
    with TestClient(create_app(team_app_settings)) as found:
        yield found


@pytest.fixture
def firm(world: World, owner_engine: Engine) -> Firm:
    space = world.space()
    erin, alice, bob, carol = (
        world.member(space, account=world.account(name=n))
        for n in ("Erin", "Alice", "Bob", "Carol")
    )
    share(
        owner_engine,
        space,
        alice,
        [
            Known("jane@acme.test", "strong", "Jane Doe", "VP Sales", "Acme, Inc."),
            Known(erin.email, "good", "Erin", None, None),
        ],
        level="name",
    )
    share(
        owner_engine,
        space,
        bob,
        [
            Known("sam.secret@acme.test", "good", None, "CFO", "ACME"),
            Known("jane@acme.test", "weak", None, "VP Sales", "Acme"),
            Known("pat@elsewhere.test", "strong", None, "Buyer", "Elsewhere"),
        ],
        level="who",
    )
    names_behind_the_level(owner_engine, space, bob, "Sam Secret")
    share(
        owner_engine,
        space,
        carol,
        [Known("carla@acme.test", "strong", "Carla Gone", "CEO", "Acme")],
        level="name",
    )
    share(
        owner_engine,
        space,
        erin,
        [
            Known("own@acme.test", "weak", None, "Engineer", "Acme"),
            Known("pat@elsewhere.test", "good", None, "Buyer", "Elsewhere"),
        ],
    )
    with (
        owner_engine.begin() as conn
    ):  # Carol left; her rows are still there, and count for nothing
        conn.execute(
            text("UPDATE membership SET left_at = now() WHERE space_id = :s AND account_id = :a"),
            {"s": space.id, "a": carol.id},
        )
    return Firm(space, erin, alice, bob, carol, world.token(space, erin))


def _no_hidden(raw: bytes) -> None:
    for word in HIDDEN:
        assert word.encode() not in raw, word


def test_who_knows_names_only_what_the_level_shares(
    client: TestClient, firm: Firm, owner_engine: Engine
) -> None:
    answer = client.get(
        f"/api/v1/spaces/{firm.space.slug}/who-knows",
        params={"org": "acme inc"},
        headers=bearer(firm.token),
    )
    assert answer.status_code == 200
    _no_hidden(answer.content)
    found = answer.json()
    assert found["org_key"] == "acme"
    by_name = {c["name"]: c for c in found["colleagues"]}
    assert set(by_name) == {"Alice", "Bob", "Erin"}  # Carol left
    assert by_name["Alice"]["band"] == "strong"
    jane = key_of(owner_engine, firm.space, "jane@acme.test")
    assert by_name["Alice"]["contacts"] == [
        {
            "key": jane,
            "description": "Jane Doe, VP Sales at Acme, Inc.",
            "band": "strong",
            "name": "Jane Doe",
        }
    ]
    assert by_name["Bob"]["count"] == 2
    assert {c["description"] for c in by_name["Bob"]["contacts"]} == {
        "a CFO at ACME",
        "a VP Sales at Acme",
    }
    assert all("name" not in c for c in by_name["Bob"]["contacts"])
    assert by_name["Erin"]["you"] is True
    assert not by_name["Alice"]["you"]
    assert (found["total_colleagues"], found["total_contacts"]) == (3, 4)


def test_who_knows_page_shows_the_same_and_no_hidden_name(
    client: TestClient, firm: Firm, world: World
) -> None:
    cookie, _csrf = world.session(firm.erin)
    client.cookies.set(SESSION_COOKIE, cookie)
    page = client.get(f"/s/{firm.space.slug}/who-knows", params={"org": "Acme"})
    assert page.status_code == 200
    assert "Jane Doe, VP Sales at Acme, Inc." in page.text
    assert "a CFO at ACME" in page.text
    _no_hidden(page.content)


def test_path_goes_through_the_colleague_who_is_the_way_in(
    client: TestClient, firm: Firm, owner_engine: Engine
) -> None:
    jane = key_of(owner_engine, firm.space, "jane@acme.test")
    answer = client.get(
        f"/api/v1/spaces/{firm.space.slug}/path", params={"to": jane}, headers=bearer(firm.token)
    )
    assert answer.status_code == 200
    _no_hidden(answer.content)
    paths = answer.json()["paths"]
    ways = [p["colleague"]["name"] for p in paths]
    assert ways == ["Alice", "Bob"]  # Erin knows Alice (good) who knows Jane (strong)
    alice, bob = paths
    assert [s["kind"] for s in alice["steps"]] == ["you", "colleague", "contact"]
    assert alice["steps"][2]["name"] == "Jane Doe"  # Alice shares names
    assert alice["strength"] == pytest.approx(0.62 * 0.88, rel=1e-3)
    # Erin and Bob both know Pat (shared as "who"): the way to Bob goes through Pat, unnamed.
    assert [s["kind"] for s in bob["steps"]] == ["you", "contact", "colleague", "contact"]
    pat = key_of(owner_engine, firm.space, "pat@elsewhere.test")
    assert bob["steps"][1] == {
        "kind": "contact",
        "key": pat,
        "description": "a Buyer at Elsewhere",
        "band": "good",
    }
    assert bob["steps"][3] == {
        "kind": "contact",
        "key": jane,
        "description": "a VP Sales at Acme",
        "band": "weak",
    }


def test_path_to_an_organization_leaves_out_whom_you_know_there(
    client: TestClient, firm: Firm, world: World
) -> None:
    answer = client.get(
        f"/api/v1/spaces/{firm.space.slug}/path",
        params={"to": "org:Acme Inc"},
        headers=bearer(firm.token),
    )
    assert answer.status_code == 200
    found = answer.json()
    _no_hidden(answer.content)
    assert found["known_directly"] == 1
    assert {p["colleague"]["name"] for p in found["paths"]} == {"Alice", "Bob"}
    cookie, _csrf = world.session(firm.erin)
    client.cookies.set(SESSION_COOKIE, cookie)
    page = client.get(f"/s/{firm.space.slug}/path", params={"to": "org:Acme"})
    assert page.status_code == 200
    assert "Ask <strong>Alice</strong>" in page.text
    _no_hidden(page.content)


def test_bad_questions_get_one_clear_line(client: TestClient, firm: Firm) -> None:
    base = f"/api/v1/spaces/{firm.space.slug}"
    for url, params in ((f"{base}/path", {"to": "nobody"}), (f"{base}/who-knows", {"org": " "})):
        answer = client.get(url, params=params, headers=bearer(firm.token))
        assert answer.status_code == 400
        assert answer.json()["error"]


def _edges(pooled: snapshot.Pooled) -> set[tuple[int, int, float]]:
    g = pooled.graph
    owner = np.repeat(np.arange(g.num_nodes), g.degree)
    return {
        (int(g.node_ids[a]), int(g.node_ids[b]), round(float(s), 5))
        for a, b, s in zip(owner, g.indices, g.strength, strict=True)
    }


def test_a_new_push_is_seen_by_every_worker(
    team_app_settings: TeamSettings, firm: Firm, owner_engine: Engine, cache: Path, tmp_path: Path
) -> None:
    """Two apps stand for two workers: after a change each answers from the new version, the
    second from the snapshot the first saved."""
    target = key_of(owner_engine, firm.space, "new@acme.test")
    url = f"/api/v1/spaces/{firm.space.slug}/path"
    with (
        TestClient(create_app(team_app_settings)) as one,
        TestClient(create_app(team_app_settings)) as two,
    ):
        for worker in (one, two):
            answer = worker.get(url, params={"to": target}, headers=bearer(firm.token))
            assert answer.json()["paths"] == []
        version = share(
            owner_engine,
            firm.space,
            firm.alice,
            [
                Known("new@acme.test", "strong", "Newt New", "COO", "Acme"),
                Known(firm.erin.email, "good", "Erin"),
            ],
            level="name",
        )
        first = one.get(url, params={"to": target}, headers=bearer(firm.token)).json()
        assert first["version"] == version
        assert [p["colleague"]["name"] for p in first["paths"]] == ["Alice"]
        assert (cache / f"space-{firm.space.id}-v{version}").is_dir()
        second = two.get(url, params={"to": target}, headers=bearer(firm.token)).json()
        assert second == first
    # The first worker patched what it held; a build from every tie has the same ties.
    patched = snapshot.load(cache, firm.space.id, version)
    assert patched is not None
    engine = db.connect(team_app_settings.database_url, pool_size=1)
    full = snapshots.Snapshots(engine, tmp_path / "elsewhere")
    rebuilt = full.build(firm.space.id, firm.erin.id)
    assert rebuilt.version == version
    assert _edges(patched) == _edges(rebuilt)
    assert np.array_equal(patched.table.counts, rebuilt.table.counts)
    assert np.array_equal(patched.table.direct, rebuilt.table.direct)


def test_questions_are_limited_and_audited(
    client: TestClient, firm: Firm, owner_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reach, "QUESTION_LIMIT", (2, 60))
    url = f"/api/v1/spaces/{firm.space.slug}/who-knows"
    for _ in range(2):
        assert (
            client.get(url, params={"org": "Acme"}, headers=bearer(firm.token)).status_code == 200
        )
    refused = client.get(url, params={"org": "Acme"}, headers=bearer(firm.token))
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) >= 1
    with owner_engine.begin() as conn:
        asked = conn.execute(
            text(
                "SELECT count(*) FROM audit_event WHERE space_id = :s AND account_id = :a "
                "AND action = 'question.who_knows' AND subject = 'org:acme'"
            ),
            {"s": firm.space.id, "a": firm.erin.id},
        ).scalar_one()
    assert asked == 2  # the refused one rolled back with its request


def test_a_questions_token_is_checked_afresh_on_every_request(
    client: TestClient, firm: Firm, world: World, owner_engine: Engine, app_engine: Engine
) -> None:
    """The token, its account, space and role are one statement per request, nothing kept:
    last_used_at is set, a revoked token is refused on its very next question (401), a token
    of a member who left answers 404 (and is audited), and each question counts once."""
    base = f"/api/v1/spaces/{firm.space.slug}"
    token = world.token(firm.space, firm.alice)
    questions = ((f"{base}/who-knows", {"org": "Acme"}), (f"{base}/path", {"to": "org:Acme"}))
    for url, params in questions:
        assert client.get(url, params=params, headers=bearer(token)).status_code == 200
    with owner_engine.begin() as conn:
        used, asked = conn.execute(
            text(
                "SELECT (SELECT max(last_used_at) FROM api_token WHERE account_id = :a), "
                "(SELECT count(*) FROM audit_event WHERE account_id = :a AND space_id = :s "
                "AND action LIKE 'question.%')"
            ),
            {"a": firm.alice.id, "s": firm.space.id},
        ).one()
        hits = conn.execute(
            text("SELECT sum(hits) FROM rate_window WHERE bucket = :b"),
            {"b": f"question:{firm.space.id}:{firm.alice.id}"},
        ).scalar_one()
    assert used is not None
    assert (asked, hits) == (2, 2)
    with db.tenant(app_engine, space_id=firm.space.id, account_id=firm.alice.id) as conn:
        (mine,) = accounts.tokens_of(conn, firm.alice.id)
        assert accounts.revoke_token(conn, int(str(mine["id"])), firm.alice.id)
    revoked = client.get(f"{base}/who-knows", params={"org": "Acme"}, headers=bearer(token))
    assert revoked.status_code == 401
    # Another space's slug, or a space the member has left: 404, never 403, and audited.
    other = world.space(firm.erin)
    for slug in (other.slug, "no-such-space"):
        answer = client.get(
            f"/api/v1/spaces/{slug}/who-knows", params={"org": "Acme"}, headers=bearer(firm.token)
        )
        assert answer.status_code == 404
    carol = world.token(firm.space, firm.carol)  # Carol left the firm
    gone = client.get(f"{base}/path", params={"to": "org:Acme"}, headers=bearer(carol))
    assert gone.status_code == 404
    with owner_engine.begin() as conn:
        refusals = (
            conn.execute(
                text(
                    "SELECT subject FROM audit_event WHERE action = 'access.refused' "
                    "AND account_id IN (:e, :c) ORDER BY id"
                ),
                {"e": firm.erin.id, "c": firm.carol.id},
            )
            .scalars()
            .all()
        )
    assert refusals == [f"space:{other.slug}", "space:no-such-space", f"space:{firm.space.slug}"]


def test_a_browsers_question_reads_its_session_space_and_role_afresh(
    client: TestClient, firm: Firm, world: World, owner_engine: Engine, app_engine: Engine
) -> None:
    """A session, its account, the space and the role are two statements, nothing kept: a
    member's page answers, one who left gets 404 (audited), a signed-out session signs in."""
    page = f"/s/{firm.space.slug}/who-knows"
    cookie, _csrf = world.session(firm.erin)
    client.cookies.set(SESSION_COOKIE, cookie)
    answer = client.get(page, params={"org": "Acme"})
    assert answer.status_code == 200
    assert "Alice" in answer.text
    with owner_engine.begin() as conn:
        seen = conn.execute(
            text("SELECT last_seen_at FROM web_session WHERE account_id = :a"),
            {"a": firm.erin.id},
        ).scalar_one()
    assert seen is not None
    with db.tenant(app_engine, account_id=firm.erin.id) as conn:
        accounts.end_all_sessions(conn, firm.erin.id)
    gone = client.get(page, params={"org": "Acme"}, follow_redirects=False)
    assert gone.status_code == 303
    assert gone.headers["location"].startswith("/login")
    carol, _ = world.session(firm.carol)  # Carol left the firm
    client.cookies.set(SESSION_COOKIE, carol)
    assert client.get(page, params={"org": "Acme"}).status_code == 404
    with owner_engine.begin() as conn:
        refused = (
            conn.execute(
                text(
                    "SELECT subject FROM audit_event WHERE action = 'access.refused' "
                    "AND account_id = :c"
                ),
                {"c": firm.carol.id},
            )
            .scalars()
            .all()
        )
    assert refused == [f"space:{firm.space.slug}"]


def test_a_member_who_shares_nothing_contributes_nothing(
    client: TestClient, firm: Firm, owner_engine: Engine
) -> None:
    with owner_engine.begin() as conn:  # rows left behind, level nothing: still nothing shows
        conn.execute(
            text(
                "UPDATE membership SET sharing_level = 'nothing' "
                "WHERE space_id = :s AND account_id = :a"
            ),
            {"s": firm.space.id, "a": firm.alice.id},
        )
    answer = client.get(
        f"/api/v1/spaces/{firm.space.slug}/who-knows",
        params={"org": "Acme"},
        headers=bearer(firm.token),
    )
    assert b"Jane Doe" not in answer.content
    assert {c["name"] for c in answer.json()["colleagues"]} == {"Bob", "Erin"}
    assert json.loads(answer.content)["total_contacts"] == 3
