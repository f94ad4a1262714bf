"""The graph's change log also records a tie's dates: its strength ages from when it was last seen.

A tie between others is as strong as recorded when last seen, and weaker since (see
core/tiestrength.py); an update of only its dates (told of it again, an import that saw
them together) must reach the snapshot like a change of strength does.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 10:00:00
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_BEFORE = ("person_a_id", "person_b_id", "strength", "source")
_AFTER = (*_BEFORE, "since", "last_seen")


def _values(row: str) -> str:
    # As migration 0006 logs a tie: the data version the writing transaction stamps.
    return (
        "INSERT INTO graph_changes (owner_id, seq, kind, row_id, a, b) "
        f"SELECT {row}.owner_id, data_version, 'tie', {row}.id, {row}.person_a_id, "
        f"{row}.person_b_id FROM accounts WHERE id = {row}.owner_id;"
    )


def _log_updates_of(columns: tuple[str, ...]) -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    listed = ", ".join(columns)
    if postgres:
        changed = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in columns)
        op.execute("DROP TRIGGER IF EXISTS graph_log_ties_update ON ties")
        op.execute(
            f"CREATE TRIGGER graph_log_ties_update AFTER UPDATE OF {listed} ON ties "
            f"FOR EACH ROW WHEN ({changed}) EXECUTE FUNCTION graph_log_ties()"
        )
    else:
        changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in columns)
        op.execute("DROP TRIGGER IF EXISTS graph_log_ties_update")
        op.execute(
            f"CREATE TRIGGER graph_log_ties_update AFTER UPDATE OF {listed} ON ties "
            f"WHEN {changed} BEGIN {_values('OLD')} {_values('NEW')} END"
        )


def upgrade() -> None:
    _log_updates_of(_AFTER)


def downgrade() -> None:
    _log_updates_of(_BEFORE)
