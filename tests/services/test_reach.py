"""Warm paths, prospects, advocates and who-knows, through the store, with known answers."""

from __future__ import annotations

import datetime as dt
import itertools
import math
import re

import pytest
from sqlalchemy import update

from whoknows.core.models import TieSource
from whoknows.core.tiestrength import band, unheard_strength
from whoknows.errors import UserError
from whoknows.services import detail, icp, network, paging, people, reach, snapshot
from whoknows.services.organizations import OrgInput, add_org
from whoknows.services.people import PersonInput
from whoknows.services.store import Store
from whoknows.storage import schema as s

TODAY = dt.date(2026, 11, 22)


def _person(store: Store, name: str, **fields: object) -> None:
    people.add_person(store, PersonInput(name=name, **fields))  # type: ignore[arg-type]


def _network(store: Store) -> None:
    """me → Dana (close) → Priya (Dana's colleague at Acme) → Omar (CFO at Ferro, a target);
    me → Ben (weak) → Omar directly; Lee knows two ideal clients."""
    people.set_me(store, PersonInput(name="Sam"))
    add_org(store, OrgInput(name="Ferro", industry="Metal manufacturing", size=200))
    add_org(store, OrgInput(name="Forge", industry="Manufacturing", size=80))
    _person(store, "Dana", organization="Acme")
    _person(store, "Priya", organization="Acme")
    _person(store, "Ben")
    _person(store, "Lee", serves="family-owned manufacturers")
    _person(store, "Omar", organization="Ferro", role="CFO")
    _person(store, "Ines", organization="Forge", role="Chief Financial Officer")
    _person(store, "Far Away", organization="Ferro", role="CFO")
    _person(store, "Stranger")
    for day in range(0, 360, 14):  # Dana: a coffee every two weeks for a year
        network.log(store, "coffee", ["Dana"], on=TODAY - dt.timedelta(days=day))
    network.log(store, "email", ["Ben"], on=TODAY - dt.timedelta(days=400))
    network.log(store, "call", ["Lee"], on=TODAY - dt.timedelta(days=20))
    network.know(store, "Dana", "Priya", strength=0.9, source="colleague")
    network.know(store, "Priya", "Omar", strength=0.8)
    network.know(store, "Ben", "Omar", strength=0.9)
    network.know(store, "Lee", "Omar", strength=0.6)
    network.know(store, "Lee", "Ines", strength=0.7)
    network.know(store, "Stranger", "Far Away", strength=0.9)
    icp.set_profile(
        store, icp.make_profile(industries=["manufacturing"], roles=["CFO"], org_size="50:500")
    )


def test_a_strong_chain_beats_a_weak_direct_introducer(store: Store) -> None:
    _network(store)
    answer = reach.find_paths(store, "Omar", today=TODAY)
    assert answer.target == {
        "kind": "person",
        "id": 6,
        "name": "Omar",
        "organization": "Ferro",
        "role": "CFO",
    }
    firsts = [p.people[1].name for p in answer.paths]
    assert firsts[0] == "Dana"
    assert set(firsts) == {"Dana", "Ben", "Lee"}  # distinct advocates
    best = answer.paths[0]
    assert [p.name for p in best.people] == ["Sam", "Dana", "Priya", "Omar"]
    # each hop in words one could say on the phone; the target with role and organization
    assert best.hops[0].startswith("you know Dana (strong")
    assert best.hops[1] == "Dana knows Priya: they are colleagues at Acme (strong, 0.90)"
    assert best.hops[2] == (
        "Priya knows Omar, CFO at Ferro: Priya told you they know each other (strong, 0.80)"
    )
    assert best.explanation == "; ".join(best.hops)
    strengths = [p.strength for p in answer.paths]
    assert strengths == sorted(strengths, reverse=True)


def test_every_path_to_the_ideal_clients_names_the_clients_role_and_organization(
    store: Store,
) -> None:
    _network(store)
    network.know(store, "Lee", "Ines", since=dt.date(2013, 5, 1))
    answer = reach.find_paths(store, "icp", today=TODAY)
    assert answer.paths
    for found in answer.paths:
        last = found.hops[-1]
        assert ", CFO at Ferro" in last or ", Chief Financial Officer at Forge" in last
    via_lee = next(p for p in answer.paths if p.people[-1].name == "Ines")
    # Lee told me so today: the tie is as strong as recorded, though they met in 2013.
    assert (
        "Lee knows Ines, Chief Financial Officer at Forge: Lee told you they know each other "
        "since 2013 (good, 0.70)"
    ) in via_lee.explanation


def test_the_hop_limit_is_respected(store: Store) -> None:
    _network(store)
    answer = reach.find_paths(store, "Omar", max_hops=2, today=TODAY)
    assert all(len(p.people) <= 3 for p in answer.paths)
    assert "Dana" not in [p.people[1].name for p in answer.paths]


def test_paths_to_an_organization_and_to_the_ideal_clients(store: Store) -> None:
    _network(store)
    to_org = reach.find_paths(store, "org:Ferro", today=TODAY)
    assert to_org.target["people"] == 2
    assert {p.people[-1].name for p in to_org.paths} == {"Omar"}
    to_icp = reach.find_paths(store, "icp", today=TODAY)
    assert to_icp.target["matches"] == 3
    assert {p.people[-1].name for p in to_icp.paths} <= {"Omar", "Ines"}
    assert to_icp.paths[0].people[1].name == "Dana"


def test_an_unreachable_target_says_so_and_who_comes_closest(store: Store) -> None:
    _network(store)
    answer = reach.find_paths(store, "Far Away", today=TODAY)
    assert answer.paths == []
    assert answer.message == "nobody in your network is connected to them at all"
    network.know(store, "Omar", "Stranger", strength=0.5)
    # me → Ben → Omar → Stranger → Far Away: four hops, one more than allowed
    answer = reach.find_paths(store, "Far Away", max_hops=3, today=TODAY)
    assert answer.paths == []
    assert answer.closest is not None
    assert answer.closest["hops"] == 4
    assert answer.closest["gateway"] == {"id": 9, "name": "Stranger"}
    assert answer.message is not None
    assert "4 hops away" in answer.message
    allowed = reach.find_paths(store, "Far Away", max_hops=4, today=TODAY)
    assert {p.people[1].name for p in allowed.paths} == {"Ben", "Lee"}


def test_prospects_are_ideal_clients_most_reachable_first(store: Store) -> None:
    _network(store)
    _profile, page = reach.prospects(store, today=TODAY)
    found = page.items
    assert page.total == 3
    assert [p.person.name for p in found][:2] == ["Omar", "Ines"]
    assert found[0].advocate is not None
    assert found[0].advocate.name == "Dana"
    assert found[-1].person.name == "Far Away"
    assert found[-1].reachability == 0
    _profile, second = reach.prospects(store, paging.Window(2, 1), today=TODAY)
    assert [p.person.name for p in second] == ["Ines", "Far Away"]
    assert second.total == 3


def test_the_top_advocate_knows_the_most_ideal_clients(store: Store) -> None:
    _network(store)
    _profile, ranked = reach.advocates(store, today=TODAY)
    assert ranked[0].person.name == "Lee"
    assert ranked[0].reaches == 2
    assert "serves family-owned manufacturers" in ranked[0].explanation
    assert set(ranked[0].parts) >= {"reach", "sphere", "tie", "trust", "give_get", "briefed"}


def test_potential_advocates_come_with_an_introducer(store: Store) -> None:
    _network(store)
    _person(store, "Connector")
    network.know(store, "Connector", "Omar", strength=0.9)
    network.know(store, "Connector", "Ines", strength=0.9)
    network.know(store, "Connector", "Ben", strength=0.8)
    _profile, found = reach.potential(store, today=TODAY)
    names = [p.person.name for p in found]
    assert names[0] == "Connector"
    assert found[0].introducer.name == "Ben"
    assert "Sam" not in names
    assert "Dana" not in names


def test_who_knows_lists_contacts_into_an_organization(store: Store) -> None:
    _network(store)
    name, rows = reach.who_knows(store, "Ferro", today=TODAY)
    assert name == "Ferro"
    assert {r.contact.name for r in rows} == {"Ben", "Lee"}
    assert all(k[0].name == "Omar" for r in rows for k in r.knows)


def test_without_a_profile_icp_targets_say_what_to_do(store: Store) -> None:
    people.set_me(store, PersonInput(name="Sam"))
    with pytest.raises(UserError, match="ideal client profile") as raised:
        reach.find_paths(store, "icp", today=TODAY)
    assert "whoknows icp set" in (raised.value.hint_for("cli") or "")
    assert raised.value.hint_for("web") == "set one in Settings", "no command on a page"


def test_the_snapshot_is_reused_until_the_store_changes(store: Store) -> None:
    _network(store)
    first = snapshot.load_snapshot(store, today=TODAY)
    assert snapshot.load_snapshot(store, today=TODAY) is first
    store.cache.clear()
    from_disk = snapshot.load_snapshot(store, today=TODAY)
    assert from_disk is not first
    assert from_disk.graph.num_ties == first.graph.num_ties
    assert from_disk.my_ties == first.my_ties
    network.know(store, "Dana", "Ines", strength=0.3)
    changed = snapshot.load_snapshot(store, today=TODAY)
    assert changed.graph.num_ties == first.graph.num_ties + 1


def test_sending_my_brief_raises_the_advocates_briefed_part(store: Store) -> None:
    from whoknows.services import brief, ledger

    _network(store)
    before = {a.person.name: a for a in reach.advocates(store, top=10, today=TODAY)[1]}
    assert before["Ben"].parts["briefed"] == 0
    brief.set_brief(store, offer="Fractional CFO services", on=TODAY)
    brief.sent(store, "Ben", on=TODAY)
    after = {a.person.name: a for a in reach.advocates(store, top=10, today=TODAY)[1]}
    assert after["Ben"].parts["briefed"] > 0
    assert after["Ben"].score > before["Ben"].score
    assert after["Dana"].parts["briefed"] == 0
    # editing the brief makes Ben's copy old: the part goes back to zero
    brief.set_brief(store, offer="Fractional CFO and FP&A services", on=TODAY)
    edited = {a.person.name: a for a in reach.advocates(store, top=10, today=TODAY)[1]}
    assert edited["Ben"].parts["briefed"] == 0
    # and what Ben gave me counts in his give/get part
    ledger.got(store, "Ben", "referral", note="a lead", on=TODAY - dt.timedelta(days=10))
    given = {a.person.name: a for a in reach.advocates(store, top=10, today=TODAY)[1]}
    assert given["Ben"].parts["give_get"] > edited["Ben"].parts["give_get"]


def test_a_database_made_again_at_the_same_place_never_reuses_the_old_snapshot(
    sqlite_url: str, tmp_path: object
) -> None:
    import time
    from pathlib import Path

    from whoknows.config import load_settings

    path = Path(sqlite_url.removeprefix("sqlite:///"))
    with Store(load_settings(sqlite_url)) as first:
        people.set_me(first, PersonInput(name="Sam"))
        people.add_person(first, PersonInput(name="Ann"))
        network.know(first, "me", "Ann", strength=0.5)
        old = snapshot.load_snapshot(first, today=TODAY)
    for stale in path.parent.glob(path.name + "*"):
        stale.unlink()
    time.sleep(1.1)  # SQLite keeps the account's creation time to the second
    with Store(load_settings(sqlite_url)) as again:  # the same writes, other people
        people.set_me(again, PersonInput(name="Kim"))
        people.add_person(again, PersonInput(name="Bo"))
        network.know(again, "me", "Bo", strength=0.5)
        new = snapshot.load_snapshot(again, today=TODAY)
        assert new.data_version != old.data_version
        assert reach.find_paths(again, "Bo", today=TODAY).paths[0].people[-1].name == "Bo"


def _last_seen(store: Store, a: str, b: str, on: dt.date) -> None:
    with store.write() as session:
        ids = dict(
            session.execute(
                s.Person.__table__.select().with_only_columns(s.Person.name, s.Person.id)
            ).all()
        )
        low, high = sorted((ids[a], ids[b]))
        session.execute(
            update(s.Tie)
            .where(s.Tie.person_a_id == low, s.Tie.person_b_id == high)
            .values(since=on, last_seen=on)
        )


WORDED = re.compile(r"(strong|good|weak|dormant)(?: \(|, )(\d\.\d\d)\)")


def test_a_tie_last_seen_in_2014_is_not_called_strong_anywhere(store: Store) -> None:
    # The issue: "A tie last seen in 2014 is called 'strong (0.84)'".
    _network(store)
    network.know(store, "Ben", "Omar", strength=0.84)
    _last_seen(store, "Ben", "Omar", dt.date(2014, 3, 1))
    answer = reach.find_paths(store, "Omar", today=TODAY)
    via_ben = next(p for p in answer.paths if p.people[1].name == "Ben")
    assert via_ben.hops[1] == (
        "Ben knows Omar, CFO at Ferro: Ben told you they know each other since 2014 (dormant, 0.02)"
    )
    shown = detail.person_detail(store, "Omar", today=TODAY)
    line = next(t for t in shown.ties if t.other_name == "Ben")
    assert line.tie.strength == pytest.approx(0.02)
    _name, rows = reach.who_knows(store, "Ferro", today=TODAY)
    ben = next(r for r in rows if r.contact.name == "Ben")
    assert [k[1] for k in ben.knows] == [pytest.approx(0.02)]
    # Every strength in words says the word of the number beside it.
    for path in answer.paths:
        for word, digits in WORDED.findall(path.explanation):
            assert word == band(float(digits))


def test_the_best_path_is_the_best_of_every_path_with_aged_ties(store: Store) -> None:
    _network(store)
    _last_seen(store, "Dana", "Priya", dt.date(2021, 6, 1))  # 0.9 → about 0.16
    _last_seen(store, "Ben", "Omar", dt.date(2025, 11, 1))  # 0.9 → about 0.64
    snap = snapshot.load_snapshot(store, today=TODAY)
    with store.read() as session:
        names = dict(
            session.execute(
                s.Person.__table__.select().with_only_columns(s.Person.id, s.Person.name)
            ).all()
        )
        ties = session.scalars(s.Tie.__table__.select().with_only_columns(s.Tie.id)).all()
        rows = session.execute(
            s.Tie.__table__.select().with_only_columns(
                s.Tie.person_a_id,
                s.Tie.person_b_id,
                s.Tie.strength,
                s.Tie.source,
                s.Tie.last_seen,
                s.Tie.since,
            )
        ).all()
    assert ties
    me = next(i for i, n in names.items() if n == "Sam")
    strength: dict[frozenset[int], float] = {}
    for a, b, recorded, source, last_seen, since in rows:
        if me in (a, b):  # my ties are scored from our history: the graph's
            g = snap.graph
            strength[frozenset((a, b))] = g.strength_of(*g.index_of([a, b]))
        else:
            strength[frozenset((a, b))] = unheard_strength(
                TieSource(source), recorded, last_seen or since, TODAY
            )
    omar = next(i for i, n in names.items() if n == "Omar")
    others = [i for i in names if i not in (me, omar)]
    best = 0.0
    for k in range(4):
        for middle in itertools.permutations(others, k):
            walk = (me, *middle, omar)
            hops = [frozenset(h) for h in itertools.pairwise(walk)]
            if all(h in strength for h in hops):
                best = max(best, math.prod(strength[h] for h in hops))
    answer = reach.find_paths(store, "Omar", today=TODAY)
    assert answer.paths[0].strength == pytest.approx(best, rel=1e-5)
    assert answer.paths[0].people[1].name != "Dana"  # her way in, Priya, is five years stale
