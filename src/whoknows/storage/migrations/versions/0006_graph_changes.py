"""The graph's change log: triggers record which people, ties and organizations changed.

Also: on SQLite, the index that finds me is written so that SQLite's queries can use it.

The graph snapshot is then updated with just those rows instead of being rebuilt from every
tie. Inserts are not logged (the snapshot finds new rows by id, so bulk loads pay nothing);
updates of the columns the snapshot reads, and deletes, are.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 06:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# (table, log kind, the row's id, its tie pair or NULLs, the columns the snapshot reads)
_TIE = (
    "ties",
    "tie",
    "id",
    ("person_a_id", "person_b_id"),
    ("person_a_id", "person_b_id", "strength", "source"),
)
_PERSON = (
    "people",
    "person",
    "id",
    None,
    ("is_me", "organization_id", "role", "industry", "city", "serves", "trust"),
)
_ORG = ("organizations", "org", "id", None, ("industry", "city", "size"))
_TAG = ("person_tags", "person", "person_id", None, ("person_id", "tag"))
_LOGGED = (_TIE, _PERSON, _ORG, _TAG)


def _values(row: str, kind: str, id_column: str, pair: tuple[str, str] | None) -> str:
    a, b = (f"{row}.{pair[0]}", f"{row}.{pair[1]}") if pair else ("NULL", "NULL")
    # The data version the writing transaction stamps (Store.write bumps it first).
    return (
        "INSERT INTO graph_changes (owner_id, seq, kind, row_id, a, b) "
        f"SELECT {row}.owner_id, data_version, '{kind}', {row}.{id_column}, {a}, {b} "
        f"FROM accounts WHERE id = {row}.owner_id;"
    )


def _changed(columns: tuple[str, ...], distinct: str) -> str:
    return " OR ".join(f"OLD.{c} {distinct} NEW.{c}" for c in columns)


def _sqlite_triggers() -> None:
    for table, kind, id_column, pair, columns in _LOGGED:
        old, new = _values("OLD", kind, id_column, pair), _values("NEW", kind, id_column, pair)
        op.execute(
            f"CREATE TRIGGER graph_log_{table}_update AFTER UPDATE OF {', '.join(columns)} "
            f"ON {table} WHEN {_changed(columns, 'IS NOT')} BEGIN {old} {new} END"
        )
        op.execute(
            f"CREATE TRIGGER graph_log_{table}_delete AFTER DELETE ON {table} BEGIN {old} END"
        )
        if table == "person_tags":
            op.execute(
                f"CREATE TRIGGER graph_log_{table}_insert AFTER INSERT ON {table} BEGIN {new} END"
            )


def _postgres_triggers() -> None:
    for table, kind, id_column, pair, columns in _LOGGED:
        old, new = _values("OLD", kind, id_column, pair), _values("NEW", kind, id_column, pair)
        op.execute(
            f"CREATE FUNCTION graph_log_{table}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"IF TG_OP <> 'INSERT' THEN {old} END IF; "
            f"IF TG_OP <> 'DELETE' THEN {new} END IF; "
            "RETURN NULL; END $$"
        )
        op.execute(
            f"CREATE TRIGGER graph_log_{table}_update AFTER UPDATE OF {', '.join(columns)} "
            f"ON {table} FOR EACH ROW WHEN ({_changed(columns, 'IS DISTINCT FROM')}) "
            f"EXECUTE FUNCTION graph_log_{table}()"
        )
        op.execute(
            f"CREATE TRIGGER graph_log_{table}_delete AFTER DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION graph_log_{table}()"
        )
        if table == "person_tags":
            op.execute(
                f"CREATE TRIGGER graph_log_{table}_insert AFTER INSERT ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION graph_log_{table}()"
            )


def upgrade() -> None:
    op.create_table(
        "graph_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("row_id", sa.Integer(), nullable=False),
        sa.Column("a", sa.Integer(), nullable=True),
        sa.Column("b", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["accounts.id"],
            name=op.f("fk_graph_changes_owner_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_graph_changes")),
    )
    with op.batch_alter_table("graph_changes", schema=None) as batch_op:
        batch_op.create_index("ix_graph_changes_owner_seq", ["owner_id", "seq"], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        _postgres_triggers()
    else:
        _sqlite_triggers()
        # SQLite writes "is_me" as "is_me = 1" in queries, and only uses a partial index whose
        # condition is written the same way: finding me scanned every person (0.3 s at 1M).
        op.execute("DROP INDEX ix_people_one_me")
        op.execute("CREATE UNIQUE INDEX ix_people_one_me ON people (owner_id) WHERE is_me = 1")


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    if not postgres:
        op.execute("DROP INDEX ix_people_one_me")
        op.execute("CREATE UNIQUE INDEX ix_people_one_me ON people (owner_id) WHERE is_me")
    for table, *_rest in _LOGGED:
        for event in ("update", "delete", "insert"):
            target = f" ON {table}" if postgres else ""
            op.execute(f"DROP TRIGGER IF EXISTS graph_log_{table}_{event}{target}")
        if postgres:
            op.execute(f"DROP FUNCTION IF EXISTS graph_log_{table}()")
    with op.batch_alter_table("graph_changes", schema=None) as batch_op:
        batch_op.drop_index("ix_graph_changes_owner_seq")
    op.drop_table("graph_changes")
