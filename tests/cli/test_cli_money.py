"""Money is exact and bounded everywhere, and a referral keeps its currency (finding 6; #14)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from clirun import Cli
from whoknows.config import load_settings
from whoknows.services import backup, referrals
from whoknows.services.store import Store

TWENTY_NINE_DIGITS = "12345678901234567890123456789"


def _ok(cli: Cli, *args: str) -> str:
    ran = cli(*args)
    assert ran.code == 0, (args, ran.err)
    return ran.out


def _referral_to_win(cli: Cli, value: str | None = None) -> int:
    _ok(cli, "me", "Sam Me")
    _ok(cli, "person", "add", "Alice Advocate")
    _ok(cli, "person", "add", "Bob Client")
    extra = ["--value", value] if value else []
    made = json.loads(
        _ok(cli, "referral", "add", "--from", "Alice", "--about", "Bob", *extra, "--json")
    )
    return int(made["id"])


@pytest.mark.parametrize(
    "amount", [TWENTY_NINE_DIGITS, "1000000000000000000000.07", "1000000000000", "EUR 1e5"]
)
def test_an_amount_beyond_what_is_kept_is_one_clear_line(cli: Cli, amount: str) -> None:
    """A 29-digit amount was an internal error; 10^21 + 0.07 was kept as 1.0e21 on SQLite."""
    ref = _referral_to_win(cli)
    for args in (
        ["referral", "won", str(ref), "--value", amount],
        ["give", "Alice", "business", "--value", amount],
        ["referral", "add", "--from", "Alice", "--about", "Bob", "--value", amount],
    ):
        ran = cli(*args)
        assert ran.code == 2, (args, ran.err)
        assert len(ran.err.strip().splitlines()) == 1
        assert "internal error" not in ran.err
        assert "amount" in ran.err


def test_the_largest_amount_is_kept_exactly_as_whole_cents(cli: Cli, db_url: str) -> None:
    ref = _referral_to_win(cli)
    won = json.loads(
        _ok(cli, "referral", "won", str(ref), "--value", "999,999,999,999.99", "--json")
    )
    assert won["value"] == "999999999999.99"
    engine = create_engine(db_url)
    with engine.connect() as connection:
        stored = connection.execute(text("SELECT value_cents FROM referrals")).scalar_one()
    engine.dispose()
    assert stored == 99_999_999_999_999
    assert isinstance(stored, int)


def test_a_referral_keeps_its_currency_when_won(cli: Cli) -> None:
    """#14: `add --value "GBP 5000"` then `won --value 6200` showed USD 6,200.00."""
    ref = _referral_to_win(cli, "GBP 5000")
    won = json.loads(_ok(cli, "referral", "won", str(ref), "--value", "6200", "--json"))
    assert (won["value"], won["currency"]) == ("6200.00", "GBP")
    report = json.loads(_ok(cli, "report", "--format", "json"))
    assert report["totals"]["value_won"] == {"GBP": "6200.00"}
    other = _referral_again(cli)
    renamed = json.loads(_ok(cli, "referral", "won", str(other), "--value", "EUR 10", "--json"))
    assert (renamed["value"], renamed["currency"]) == ("10.00", "EUR")


def _referral_again(cli: Cli) -> int:
    made = json.loads(
        _ok(
            cli,
            "referral",
            "add",
            "--from",
            "Alice",
            "--about",
            "Bob",
            "--value",
            "GBP 1",
            "--json",
        )
    )
    return int(made["id"])


def test_the_default_currency_is_shown_in_settings(cli: Cli, tmp_path: Path) -> None:
    shown = json.loads(_ok(cli, "settings", "--json"))
    assert shown["currency"] == "USD"
    config = Path(shown["config_file"])
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text('currency = "eur"\n', encoding="utf-8")
    assert json.loads(_ok(cli, "settings", "--json"))["currency"] == "EUR"
    assert "EUR" in _ok(cli, "settings")
    _referral_to_win(cli, "300")
    assert [r["currency"] for r in json.loads(_ok(cli, "referral", "list", "--json"))] == ["EUR"]


def test_a_backup_with_an_amount_beyond_the_bound_is_refused_cleanly(
    cli: Cli, db_url: str, tmp_path: Path
) -> None:
    """A SQLite backup holding 10^21 would not restore into PostgreSQL, dumping SQL and rows."""
    ref = _referral_to_win(cli, "5000")
    target = tmp_path / "b.json"
    _ok(cli, "backup", str(target))
    document = json.loads(target.read_text(encoding="utf-8"))
    block = document["tables"]["referrals"]
    block["rows"][0][block["columns"].index("value_cents")] = "1000000000000000000000.07"
    del document["check"]
    target.write_text(json.dumps(document), encoding="utf-8")
    fresh = f"sqlite:///{tmp_path / 'fresh.db'}"
    ran = cli("restore", str(target), db=fresh)
    assert ran.code == 2
    assert len(ran.err.strip().splitlines()) == 1
    assert "INSERT" not in ran.err
    assert "Bob" not in ran.err
    with Store(load_settings(fresh)) as opened:
        assert referrals.list_referrals(opened) == []
    assert ref


@pytest.mark.postgres
def test_a_sqlite_backup_restores_into_postgresql_with_the_same_amounts(
    sqlite_url: str, tmp_path: Path, postgres_url: str
) -> None:
    """Finding 6: a SQLite backup would not restore into PostgreSQL."""
    from whoknows.services import people
    from whoknows.services.people import PersonInput

    pg_url = postgres_url
    target = tmp_path / "from-sqlite.json"
    with Store(load_settings(sqlite_url)) as sqlite:
        people.set_me(sqlite, PersonInput(name="Sam"))
        for name in ("Ann", "Bo"):
            people.add_person(sqlite, PersonInput(name=name))
        for value in ("999999999999.99", "GBP 0.07"):
            referrals.add(sqlite, "Ann", "Bo", value=value, on=dt.date(2025, 1, 2))
        backup.backup(sqlite, target)
    with Store(load_settings(pg_url)) as postgres:
        backup.restore(postgres, target)
        amounts = sorted((v.value, v.currency) for v in referrals.list_referrals(postgres))
    assert amounts == [(Decimal("0.07"), "GBP"), (Decimal("999999999999.99"), "USD")]
