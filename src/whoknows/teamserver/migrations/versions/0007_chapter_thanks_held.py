"""A thanks records the closed week whose total shows it: a member's total is shown only
when it sums at least two thanks (chapter_held.py); until then a thanks is held.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 15:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("chapter_thanks", sa.Column("shown_week_id", sa.BigInteger(), nullable=True))
    op.create_foreign_key(
        op.f("fk_chapter_thanks_shown_week_id_chapter_week"),
        "chapter_thanks",
        "chapter_week",
        ["shown_week_id"],
        ["id"],
        ondelete="SET NULL",
    )
    # What closed weeks showed already stays shown, in its own week. (The policy binds the
    # tables' owner too: it is lifted for this one statement, in this transaction.)
    for table in ("chapter_thanks", "chapter_week"):
        op.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
    op.execute(
        "UPDATE chapter_thanks t SET shown_week_id = t.week_id FROM chapter_week w "
        "WHERE w.id = t.week_id AND w.status = 'closed'"
    )
    for table in ("chapter_thanks", "chapter_week"):
        op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")


def downgrade() -> None:
    op.drop_constraint(
        op.f("fk_chapter_thanks_shown_week_id_chapter_week"), "chapter_thanks", type_="foreignkey"
    )
    op.drop_column("chapter_thanks", "shown_week_id")
