"""Row security as the team server's migrations turn it on: the one helper they all call.

Migrations are history: the statements below must never change once a migration that calls
them is applied (tests/teamserver/test_rls_history.py pins them word for word). A later
change to a policy spells its own SQL in its own migration.
"""

from __future__ import annotations

from alembic import op

# The current space, as the application sets it per transaction (teamserver/db.py).
SPACE = "(SELECT nullif(current_setting('whoknows.space_id', true), '')::bigint)"
IN_SPACE = f"space_id = {SPACE}"


def statements(table: str, using: str = IN_SPACE, check: str = IN_SPACE) -> list[str]:
    """Row security on TABLE, enabled and forced (its owner obeys it too), and one policy:
    USING says which rows it reads, CHECK which it writes (by default: those in the space)."""
    return [
        f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
        f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY",
        f"CREATE POLICY {table}_in_space ON {table} USING ({using}) WITH CHECK ({check})",
    ]


def confine(table: str, using: str = IN_SPACE, check: str = IN_SPACE) -> None:
    """Run `statements` in the migration at hand."""
    for sql in statements(table, using, check):
        op.execute(sql)
