"""A Hypothesis state machine: a member adds and removes contacts, flags people private,
blocks organizations, changes level and pushes; after every step, what a colleague can read
of the member in the space (the rows row security lets them read, and the who-knows answer
for each organization) equals a simple model of what the member chose to share."""

from __future__ import annotations

import tempfile
from pathlib import Path

import httpx
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule
from sqlalchemy import Engine, text
from team_world import World

from whoknows.config import load_settings
from whoknows.core.sharing import Level, band, seen_as
from whoknows.services import network, people
from whoknows.services.people import PersonInput
from whoknows.services.store import Store
from whoknows.services.team import link, push
from whoknows.services.team import settings as sharing
from whoknows.teamserver import db

pytestmark = pytest.mark.postgres

ORGS = ("Acme", "Globex", "Initech")
STRENGTHS = (0.3, 0.6, 0.9)  # weak, good, strong
ROLES = (None, "CFO", "Engineer")


class Model:
    """What the member has and chose: contacts, private flags, blocks, level."""

    def __init__(self) -> None:
        self.contacts: dict[str, tuple[str, str | None, float]] = {}  # name → org, role, strength
        self.private: set[str] = set()
        self.blocked: set[str] = set()
        self.level = Level.WHO

    def reach(self) -> dict[str, tuple[int, str]]:
        """Who-knows per organization key: (how many, best band), as of now."""
        found: dict[str, tuple[int, str]] = {}
        if self.level is Level.NOTHING:
            return found
        order = ("weak", "good", "strong")
        for name, (org, _role, strength) in self.contacts.items():
            if name in self.private or org.lower() in self.blocked:
                continue
            n, best = found.get(org.lower(), (0, "weak"))
            found[org.lower()] = (n + 1, max(best, band(strength).value, key=order.index))
        return found

    def seen(self) -> set[tuple[str, str]]:
        """What a colleague sees after a push: (description, band) per shared contact."""
        if self.level is Level.NOTHING:
            return set()
        return {
            (seen_as(name if self.level is Level.NAME else None, role, org), band(strength).value)
            for name, (org, role, strength) in self.contacts.items()
            if name not in self.private and org.lower() not in self.blocked
        }


class Pushing(RuleBasedStateMachine):
    # Set by the test below (fixtures are not available inside a state machine).
    world: World
    engine: Engine
    transport: httpx.BaseTransport

    @initialize()
    def start(self) -> None:
        self.folder = tempfile.TemporaryDirectory()
        self.store = Store(load_settings(f"sqlite:///{Path(self.folder.name) / 'm.db'}"))
        people.set_me(self.store, PersonInput(name="Member Me", emails=["me@firm.com"]))
        space = self.world.space()
        self.space_id = space.id
        self.account = self.world.member(space)
        self.colleague = self.world.member(space)
        self.asking = httpx.Client(
            transport=self.transport,
            base_url="http://testserver",
            headers={"Authorization": f"Bearer {self.world.token(space, self.colleague)}"},
        )
        self.slug = space.slug
        link.join(
            self.store,
            "http://testserver",
            self.world.token(space, self.account),
            transport=self.transport,
        )
        self.model = Model()
        self.shown: set[tuple[str, str]] = set()  # what the model said at the last push
        self.reached: dict[str, tuple[int, str]] = {}  # and who-knows, per organization
        self.model_level_at_push = Level.WHO
        self.serial = 0

    def teardown(self) -> None:
        self.asking.close()
        self.store.close()
        self.folder.cleanup()

    @rule(
        org=st.sampled_from(ORGS), role=st.sampled_from(ROLES), strength=st.sampled_from(STRENGTHS)
    )
    def add_contact(self, org: str, role: str | None, strength: float) -> None:
        self.serial += 1
        name = f"Person {self.serial}"
        people.add_person(
            self.store,
            PersonInput(name=name, emails=[f"p{self.serial}@x.com"], organization=org, role=role),
        )
        network.know(self.store, "Member Me", name, strength=strength)
        self.model.contacts[name] = (org, role, strength)

    @precondition(lambda self: bool(self.model.contacts))
    @rule(data=st.data())
    def remove_contact(self, data: st.DataObject) -> None:
        name = data.draw(st.sampled_from(sorted(self.model.contacts)))
        people.remove_person(self.store, name)
        del self.model.contacts[name]
        self.model.private.discard(name)

    @precondition(lambda self: bool(self.model.contacts))
    @rule(data=st.data(), on=st.booleans())
    def flag_private(self, data: st.DataObject, on: bool) -> None:
        name = data.draw(st.sampled_from(sorted(self.model.contacts)))
        sharing.set_private(self.store, name, on)
        (self.model.private.add if on else self.model.private.discard)(name)

    @rule(org=st.sampled_from(ORGS))
    def toggle_block(self, org: str) -> None:
        blocking = org.lower() not in self.model.blocked
        sharing.set_blocked(self.store, org.upper(), blocking)
        (self.model.blocked.add if blocking else self.model.blocked.discard)(org.lower())

    @rule(level=st.sampled_from(list(Level)))
    def set_level(self, level: Level) -> None:
        sharing.set_level(self.store, level)
        self.model.level = level

    @rule()
    def push(self) -> None:
        push.push(self.store, transport=self.transport)
        self.shown = self.model.seen()
        self.reached = self.model.reach()
        self.model_level_at_push = self.model.level

    @rule()
    def lose_track(self) -> None:
        """The answer of the last push never arrived: the next push must still be right."""
        with self.store.write() as session:
            session.execute(text("UPDATE team_link SET version = version - 1 WHERE version > 0"))

    @invariant()
    def a_colleague_sees_what_the_member_shared_at_the_last_push(self) -> None:
        if not hasattr(self, "model"):
            return
        with db.tenant(self.engine, space_id=self.space_id, account_id=self.colleague.id) as conn:
            rows = conn.execute(
                text("SELECT name, role, org, band FROM shared_contact WHERE account_id = :a"),
                {"a": self.account.id},
            ).all()
        seen = {(seen_as(r.name, r.role, r.org), r.band) for r in rows}
        assert len(rows) == len(self.shown)
        assert seen == self.shown

    @invariant()
    def who_knows_answers_as_the_member_shared(self) -> None:
        if not hasattr(self, "model"):
            return
        for org in ORGS:
            answer = self.asking.get(f"/api/v1/spaces/{self.slug}/who-knows", params={"org": org})
            assert answer.status_code == 200, answer.text
            found = [c for c in answer.json()["colleagues"] if c["id"] == self.account.id]
            expected = self.reached.get(org.lower())
            assert [(c["count"], c["band"]) for c in found] == ([expected] if expected else [])
            for contact in found[0]["contacts"] if found else []:
                named = self.model_level_at_push is Level.NAME
                assert ("name" in contact) == named


def test_what_a_colleague_sees_follows_the_members_choices(  # type: ignore[no-untyped-def]
    world: World, app_engine: Engine, team_client
) -> None:
    Pushing.world = world
    Pushing.engine = app_engine
    Pushing.transport = team_client._transport
    runner = Pushing.TestCase
    runner.settings = settings(
        max_examples=5,
        stateful_step_count=8,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    runner().runTest()
