"""Money in whole cents: referrals.value and exchanges.value become BIGINT value_cents.

SQLite kept NUMERIC(14, 2) as an inexact REAL (10^21 + 0.07 came back as 1.0e21) and PostgreSQL
refused what SQLite had accepted, so a SQLite backup would not restore there. Amounts now live
as integers on both. An amount beyond what whoknows keeps (core/money.MAX_AMOUNT) cannot become
cents: it is written into the row's note instead, so nothing is lost.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 09:00:00
"""

from __future__ import annotations

import sqlite3
from decimal import Decimal, InvalidOperation

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_TABLES = ("referrals", "exchanges")
_MAX = Decimal("999999999999.99")  # core/money.MAX_AMOUNT when this was written


def _cents(value: object) -> int | None:
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return None
    if not amount.is_finite() or abs(amount) > _MAX:
        return None
    return int(amount.quantize(Decimal("0.01")).scaleb(2))


def _drop(table: str, column: str) -> None:
    """Drop a column in place: a batch copy of the table would, with foreign keys on, cascade
    the DROP TABLE onto referral_steps and exchanges (SQLite drops in place since 3.35)."""
    connection = op.get_bind()
    if connection.dialect.name != "sqlite":
        op.drop_column(table, column)
    elif sqlite3.sqlite_version_info >= (3, 35):
        connection.exec_driver_sql(f"ALTER TABLE {table} DROP COLUMN {column}")
    # else: an older SQLite keeps the unused column; whoknows never reads it


def upgrade() -> None:
    connection = op.get_bind()
    for table in _TABLES:
        op.add_column(table, sa.Column("value_cents", sa.BigInteger(), nullable=True))
        rows = connection.execute(
            sa.text(f"SELECT id, value, note FROM {table} WHERE value IS NOT NULL")
        ).all()
        kept, noted = [], []
        for row_id, value, note in rows:
            cents = _cents(value)
            if cents is not None:
                kept.append({"id": row_id, "cents": cents})
            else:
                text = f"[amount {value} was beyond what whoknows keeps and was moved here]"
                noted.append({"id": row_id, "note": f"{note}\n{text}" if note else text})
        if kept:
            connection.execute(
                sa.text(f"UPDATE {table} SET value_cents = :cents WHERE id = :id"), kept
            )
        if noted:
            connection.execute(sa.text(f"UPDATE {table} SET note = :note WHERE id = :id"), noted)
        _drop(table, "value")


def downgrade() -> None:
    connection = op.get_bind()
    for table in _TABLES:
        op.add_column(table, sa.Column("value", sa.Numeric(14, 2), nullable=True))
        rows = connection.execute(
            sa.text(f"SELECT id, value_cents FROM {table} WHERE value_cents IS NOT NULL")
        ).all()
        if rows:
            connection.execute(
                sa.text(f"UPDATE {table} SET value = :value WHERE id = :id"),
                [{"id": i, "value": Decimal(c).scaleb(-2)} for i, c in rows],
            )
        _drop(table, "value_cents")
