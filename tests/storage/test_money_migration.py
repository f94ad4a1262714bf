"""Migration 0005: money moves into whole cents without losing a referral, step or amount."""

from __future__ import annotations

from decimal import Decimal

from alembic import command
from sqlalchemy import text

from whoknows.services import referrals
from whoknows.services.store import Store
from whoknows.storage.engine import _alembic_config, migrate


def _at(store: Store, revision: str, step: str) -> None:
    with store.engine.begin() as connection:
        getattr(command, step)(_alembic_config(connection), revision)


def test_amounts_become_exact_cents_and_nothing_cascades(store: Store) -> None:
    _at(store, "0004", "downgrade")
    sqlite = store.engine.dialect.name == "sqlite"
    with store.engine.begin() as c:
        c.execute(
            text(
                "INSERT INTO people (id, owner_id, name, name_key, is_me) VALUES "
                "(1, 1, 'Sam', 'sam', true), (2, 1, 'Ann', 'ann', false)"
            )
        )
        c.execute(
            text(
                "INSERT INTO referrals (id, owner_id, direction, from_id, to_id, about_id, status, "
                "value, currency, note, date) VALUES "
                "(1, 1, 'received', 2, 1, 2, 'won', 999999999999.99, 'USD', NULL, '2024-01-02'), "
                "(2, 1, 'received', 2, 1, 2, 'won', 0.07, 'GBP', 'kept', '2024-01-03')"
            )
        )
        c.execute(
            text(
                "INSERT INTO referral_steps (owner_id, referral_id, status, date) VALUES "
                "(1, 1, 'won', '2024-01-02'), (1, 2, 'won', '2024-01-03')"
            )
        )
        c.execute(
            text(
                "INSERT INTO exchanges (owner_id, giver_id, receiver_id, kind, date, value, "
                "currency, referral_id) VALUES (1, 2, 1, 'referral', '2024-01-02', 12.34, 'USD', 1)"
            )
        )
        if sqlite:  # what SQLite accepted beyond NUMERIC(14, 2), as an inexact REAL
            c.execute(
                text(
                    "INSERT INTO referrals (id, owner_id, direction, from_id, to_id, status, "
                    "value, currency, note, date) VALUES (3, 1, 'received', 2, 1, 'won', "
                    "1000000000000000000000.07, 'USD', 'huge', '2024-01-04')"
                )
            )
    assert migrate(store.engine) is True
    views = {v.id: v for v in referrals.list_referrals(store)}
    assert views[1].value == Decimal("999999999999.99")
    assert (views[2].value, views[2].currency, views[2].note) == (Decimal("0.07"), "GBP", "kept")
    with store.engine.connect() as c:
        assert c.execute(text("SELECT COUNT(*) FROM referral_steps")).scalar() == 2
        assert c.execute(text("SELECT referral_id, value_cents FROM exchanges")).one() == (1, 1234)
    if sqlite:
        assert views[3].value is None
        assert "1E+21" in (views[3].note or "") or "1e+21" in (views[3].note or "")
        assert (views[3].note or "").startswith("huge")


def test_the_money_migration_goes_back_and_forth(store: Store) -> None:
    _at(store, "0004", "downgrade")
    _at(store, "head", "upgrade")
    assert migrate(store.engine) is False
