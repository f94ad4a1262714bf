"""A chapter's leaderboard is opt-in per member: the members who opted in.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 14:05:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from whoknows.teamserver.migrations import rls

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


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
    rls.confine("chapter_leaderboard")


def downgrade() -> None:
    op.drop_table("chapter_leaderboard")
