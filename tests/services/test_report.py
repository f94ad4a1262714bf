"""The referral report: the scenario end to end, tables = JSON, a safe self-contained HTML page,
and the demo's referrals."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest

from whoknows.core.models import InteractionKind, TieSource
from whoknows.demo import referrals as demo_referrals
from whoknows.errors import UserError
from whoknows.services import events, network, people, referrals, report, report_view
from whoknows.services.money import format_money
from whoknows.services.people import PersonInput
from whoknows.services.store import Store
from whoknows.storage import schema as s

D = dt.date
TODAY = D(2026, 3, 1)
E_DAY = D(2024, 1, 10)
TOLD, COFFEE = TieSource.TOLD, InteractionKind.COFFEE


def _scenario(store: Store) -> None:
    """I met Alice at the breakfast; Alice refers Bob (won 4,000); Bob refers Carol (10,000)."""
    people.set_me(store, PersonInput(name="Sam Me"))
    events.add_event(store, "Chamber Breakfast", E_DAY)
    events.met(store, "Chamber Breakfast", ["Alice Advocate <alice@x.test>"])
    people.add_person(store, PersonInput(name="Bob Client"))
    people.add_person(store, PersonInput(name="Carol Client"))
    first = referrals.add(store, "Alice", "Bob", on=D(2024, 3, 1))
    referrals.move(store, first.id, "meeting", on=D(2024, 3, 10))
    referrals.won(store, first.id, "4,000", on=D(2024, 5, 1))
    second = referrals.add(store, "Bob", "Carol", on=D(2024, 9, 15))
    referrals.won(store, second.id, "10000", on=D(2024, 12, 1))


def test_the_scenario_credits_advocates_tiers_the_event_and_the_wait(store: Store) -> None:
    _scenario(store)
    data = report_view.as_json(report.build(store, today=TODAY))
    alice, bob = data["advocates"]
    assert alice["name"] == "Alice Advocate"
    assert (alice["first_tier"], alice["second_tier"]) == ({"USD": "4000.00"}, {"USD": "10000.00"})
    assert alice["event"]["name"] == "Chamber Breakfast"
    assert alice["source"] == "event"
    assert alice["days_to_first_referral"] == (D(2024, 3, 1) - E_DAY).days
    assert (bob["first_tier"], bob["second_tier"]) == ({"USD": "10000.00"}, {})
    [event] = data["events"]
    assert (event["name"], event["first_tier"], event["second_tier"], event["total"]) == (
        "Chamber Breakfast",
        {"USD": "4000.00"},
        {"USD": "10000.00"},
        {"USD": "14000.00"},
    )
    assert data["totals"]["value_won"] == {"USD": "14000.00"}
    funnel = {f["status"]: f["reached"] for f in data["funnel"]}
    assert funnel == {
        "received": 2,
        "contacted": 2,
        "meeting": 2,
        "proposal": 2,
        "won": 2,
        "lost": 0,
    }


def test_the_report_names_the_chain_event_advocate_client_value(store: Store) -> None:
    _scenario(store)
    data = report_view.as_json(report.build(store, today=TODAY))
    [link] = data["chain"]
    assert link["event"]["name"] == "Chamber Breakfast"
    assert (link["advocate"]["name"], link["client"]["name"]) == ("Alice Advocate", "Bob Client")
    assert link["value"] == {"USD": "4000.00"}
    [spin] = link["second_tier"]
    assert (spin["advocate"]["name"], spin["client"]["name"], spin["value"]) == (
        "Bob Client",
        "Carol Client",
        {"USD": "10000.00"},
    )
    chain = next(x for x in report_view.sections(data) if x.key == "chain")
    assert chain.rows == (
        ("Chamber Breakfast", "Alice Advocate", "Bob Client", "USD 4,000.00"),
        ("", "↳ Bob Client", "Carol Client", "USD 10,000.00"),
    )
    page = report_view.html(store, report.build(store, today=TODAY))
    section = page[page.index('id="table-chain"') :]
    assert section.index("Alice Advocate") < section.index("Carol Client")
    assert "↳ Bob Client" in section


def test_the_tables_carry_exactly_the_numbers_of_the_json(store: Store) -> None:
    _scenario(store)
    data = report_view.as_json(report.build(store, today=TODAY))
    tables = {x.key: x for x in report_view.sections(data)}
    rows = {row[1]: row for row in tables["advocates"].rows}
    for advocate in data["advocates"]:
        row = rows[advocate["name"]]
        assert row[0] == str(advocate["id"])
        assert row[4:6] == (str(advocate["referrals"]), str(advocate["won"]))
        for column, key in ((6, "first_tier"), (7, "second_tier")):
            shown = [format_money(Decimal(v), c) for c, v in advocate[key].items()] or ["—"]
            assert row[column] == ", ".join(shown)
    totals = dict(tables["totals"].rows)
    assert totals["value won through advocates"] == "USD 14,000.00"
    assert totals["referrals received from advocates"] == str(data["totals"]["received"])
    assert [r[1:] for r in tables["funnel"].rows] == [
        (str(f["reached"]), str(f["now"])) for f in data["funnel"]
    ]


def test_since_keeps_only_what_was_won_in_the_period(store: Store) -> None:
    _scenario(store)
    data = report_view.as_json(report.build(store, since=D(2024, 6, 1), today=TODAY))
    alice = next(a for a in data["advocates"] if a["name"] == "Alice Advocate")
    assert (alice["first_tier"], alice["second_tier"]) == ({}, {"USD": "10000.00"})
    assert data["months"][0]["month"] == "2024-06"
    with pytest.raises(UserError, match="future"):
        report.build(store, since=D(2027, 1, 1), today=TODAY)


def test_give_and_get_over_time_read_the_ledger(store: Store) -> None:
    _scenario(store)
    referrals.add(store, None, "Bob", to_ref="Alice", on=D(2025, 2, 2))
    data = report_view.as_json(report.build(store, today=TODAY))
    months = {m["month"]: (m["given"], m["got"]) for m in data["months"]}
    assert months["2025-02"] == (1, 0)
    assert months["2024-03"] == (0, 1)  # Alice's referral is a get
    assert data["totals"]["given"] == 1


def test_the_html_is_self_contained_with_five_charts_and_escaped_names(
    store: Store, tmp_path: Path
) -> None:
    _scenario(store)
    people.edit_person(store, "Bob Client", PersonInput(name="<script>alert(1)</script> $Bob$"))
    out = tmp_path / "report.html"
    rendered = report.report(store, None, "html", out, today=TODAY)
    page = out.read_text(encoding="utf-8")
    assert rendered.path == out
    assert page == rendered.text
    assert page.count("<svg") == 5
    assert "<script" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; $Bob$" in page
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)
    assert "<link" not in page


def test_json_output_is_the_report_data(store: Store, tmp_path: Path) -> None:
    _scenario(store)
    rendered = report.report(store, None, "json", None, today=TODAY)
    assert rendered.text is not None
    assert json.loads(rendered.text) == rendered.data
    with pytest.raises(UserError, match="format"):
        report.report(store, None, "pdf", None, today=TODAY)
    with pytest.raises(UserError, match="does not exist"):
        report.report(store, None, "html", tmp_path / "missing" / "r.html", today=TODAY)


def test_an_empty_network_still_makes_a_report(store: Store, tmp_path: Path) -> None:
    people.set_me(store, PersonInput(name="Sam Me"))
    rendered = report.report(store, None, "html", tmp_path / "r.html", today=TODAY)
    assert rendered.data["advocates"] == []
    assert "No business won yet" in (rendered.text or "")
    assert (rendered.text or "").count("<svg") == 5


def _small_network(store: Store) -> None:
    """Me, eight contacts met over coffee (four advocates), whom they know, and whom those
    know; three guests met at a breakfast. Written in one transaction: it is quick."""
    people.set_me(store, PersonInput(name="Sam Me"))
    with store.write() as session:

        def person(name: str, stage: str | None = None) -> s.Person:
            return people.create_person(session, store, PersonInput(name=name, stage=stage))

        def know(a: s.Person, b: s.Person) -> None:
            network.upsert_tie(session, store.owner_id, a.id, b.id, source=TOLD, on=None)

        for number in range(8):
            contact = person(f"Contact {number}", "advocate" if number < 4 else "trusted")
            network.record_interaction(session, store, COFFEE, [contact], on=D(2022, 6, 1 + number))
            for other in range(6):
                outsider = person(f"Outsider {number}-{other}")
                know(contact, outsider)
                for more in range(2):
                    know(outsider, person(f"Third {number}-{other}-{more}"))
    events.add_event(store, "Breakfast", D(2023, 1, 10))
    events.met(store, "Breakfast", ["Guest One", "Guest Two", "Guest Three"])


def test_the_demo_adds_won_lost_open_and_chained_referrals_and_a_tour(store: Store) -> None:
    _small_network(store)
    counts = demo_referrals.add(store, np.random.default_rng(3), TODAY)
    assert counts["referrals"] > 10
    assert counts["won"] > 0
    assert counts["lost"] > 0
    assert counts["given"] > 0
    assert counts["direct"] == 3
    listed = referrals.list_referrals(store)
    assert len(listed) == sum(counts[k] for k in ("referrals", "direct", "given"))
    assert all(v.value is None or v.value == v.value.quantize(Decimal("0.01")) for v in listed)
    assert all(v.date <= TODAY and (v.closed_on or v.date) <= TODAY for v in listed)
    built = report.build(store, today=TODAY)
    assert built.result.advocates
    assert counts.get("chained", 0) == 0 or any(a.second_tier for a in built.result.advocates)
    lines = demo_referrals.tour(store, TODAY)
    assert "came through advocates" in lines[0]
    assert lines[1].startswith(f"Top advocate by value: {built.result.advocates[0].name}")


def test_the_same_seed_gives_the_same_demo_referrals(tmp_path: Path) -> None:
    from whoknows.config import load_settings

    found = []
    for number in range(2):
        with Store(load_settings(str(tmp_path / f"{number}.db"))) as opened:
            _small_network(opened)
            demo_referrals.add(opened, np.random.default_rng(5), TODAY)
            found.append([v.as_json() for v in referrals.list_referrals(opened)])
    assert found[0] == found[1]
