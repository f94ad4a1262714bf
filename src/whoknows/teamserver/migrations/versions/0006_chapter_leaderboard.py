"""A chapter's leaderboard is opt-in per member: the members who opted in.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 14:05:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None
SPACE = "(SELECT nullif(current_setting('whoknows.space_id', true), '')::bigint)"


def upgrade() -> None:
    op.create_table(
        "chapter_leaderboard",
        sa.Column("space_id", sa.BigInteger(), nullable=False),
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "joined_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["account.id"],
            name=op.f("fk_chapter_leaderboard_account_id_account"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["space_id"],
            ["space.id"],
            name=op.f("fk_chapter_leaderboard_space_id_space"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("space_id", "account_id", name=op.f("pk_chapter_leaderboard")),
    )
    op.execute("ALTER TABLE chapter_leaderboard ENABLE ROW LEVEL SECURITY")
    op.execute("ALTER TABLE chapter_leaderboard FORCE ROW LEVEL SECURITY")
    op.execute(
        "CREATE POLICY chapter_leaderboard_in_space ON chapter_leaderboard "
        f"USING (space_id = {SPACE}) WITH CHECK (space_id = {SPACE})"
    )


def downgrade() -> None:
    op.drop_table("chapter_leaderboard")
