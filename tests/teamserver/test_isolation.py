"""Pooled connections never carry one request's tenant into another (TEAM-MODE.md §4): the
failure only shows under concurrency, so the requests here run at once, many spaces through
a pool of two connections."""

from __future__ import annotations

import random
import uuid
import warnings
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import Connection, Engine, insert, text
from team_world import bearer

from whoknows.teamserver import accounts, db, schema, spaces
from whoknows.teamserver.app import TeamSettings, create_app

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message=".*httpx2.*")
    from fastapi.testclient import TestClient

pytestmark = pytest.mark.postgres
SPACES = 20


@pytest.fixture
def narrow_client(team_db_url: str) -> Iterator[TestClient]:
    """The app with a pool of exactly two connections (no overflow)."""
    with TestClient(create_app(TeamSettings(database_url=team_db_url, pool_size=2))) as client:
        yield client


Firm = tuple[object, str, set[int], set[str]]


@pytest.fixture(scope="module")
def firms(app_engine: Engine) -> list[Firm]:
    """SPACES firms, each with its members, a token and a few shared contacts of its own
    (read, never changed, by the tests of this module); made in one transaction."""

    def person(conn: Connection) -> int:
        return accounts.create(conn, f"p{uuid.uuid4().hex[:10]}@example.com", None).id

    firms = []
    with db.tenant(app_engine) as conn:
        for n in range(SPACES):
            owner = person(conn)
            firm = spaces.create(conn, f"Iso {uuid.uuid4().hex[:10]}", "firm", owner)
            members = {owner}
            for _ in range(n % 3):
                new = person(conn)
                members.add(new)
                conn.execute(
                    insert(schema.membership).values(
                        space_id=firm.id, account_id=new, role="member"
                    )
                )
            keys = {f"{firm.id}-k{i}" for i in range(3)}
            conn.execute(
                insert(schema.shared_contact),
                [
                    {"space_id": firm.id, "account_id": owner, "key": k, "band": "good"}
                    for k in keys
                ],
            )
            token = accounts.create_token(conn, firm.id, owner, "iso", ("read",))[1]
            firms.append((firm, token, members, keys))
    return firms


def test_concurrent_requests_of_many_spaces_see_only_their_own_rows(
    firms: list[Firm], narrow_client
) -> None:
    calls = []
    for firm, token, members, _ in firms:
        calls += [("members", firm, token, members)] * 4
        calls += [("foreign", firm, token, None)] * 2  # a refused request in the mix
    random.Random(17).shuffle(calls)

    def call(item: tuple[str, object, str, set[int] | None]) -> str | None:
        what, firm, token, members = item
        if what == "members":
            answer = narrow_client.get(f"/api/v1/spaces/{firm.slug}/members", headers=bearer(token))
            got = {m["account_id"] for m in answer.json()}
            return None if got == members else f"{firm.slug}: {got} != {members}"
        other = random.Random(firm.id).choice([f for f, *_ in firms if f is not firm])
        answer = narrow_client.get(f"/api/v1/spaces/{other.slug}/members", headers=bearer(token))
        return None if answer.status_code == 404 else f"{firm.slug} read {other.slug}"

    with ThreadPoolExecutor(max_workers=8) as pool:
        wrong = [w for w in pool.map(call, calls) if w]
    assert wrong == []


def test_a_pooled_connection_forgets_its_tenant_at_the_end_of_each_transaction(
    firms: list[Firm], team_db_url: str
) -> None:
    engine = db.connect(team_db_url, pool_size=2)

    def read(item: tuple[object, str, set[int], set[str]] | None) -> str | None:
        if item is None:  # a bare transaction, setting nothing: sees nothing at all
            with engine.begin() as conn:
                n = conn.execute(text("SELECT count(*) FROM shared_contact")).scalar()
                setting = conn.execute(text("SELECT current_setting('whoknows.space_id', true)"))
                left = setting.scalar()
            return None if n == 0 and not left else f"no tenant saw {n} rows, setting {left!r}"
        firm, _, _, keys = item
        with db.tenant(engine, space_id=firm.id) as conn:  # type: ignore[attr-defined]
            rows = conn.execute(text("SELECT space_id, key FROM shared_contact")).all()
        seen = {key for _, key in rows}
        spaces_seen = {space for space, _ in rows}
        if seen != keys or spaces_seen != {firm.id}:  # type: ignore[attr-defined]
            return f"space {firm.id} saw {sorted(seen)}"  # type: ignore[attr-defined]
        return None

    work: list[tuple[object, str, set[int], set[str]] | None] = [*firms * 10, *[None] * 60]
    random.Random(3).shuffle(work)
    try:
        with ThreadPoolExecutor(max_workers=6) as pool:
            wrong = [w for w in pool.map(read, work) if w]
        assert engine.pool.size() == 2  # type: ignore[attr-defined]
    finally:
        engine.dispose()
    assert wrong == []
