"""A chapter's traffic-light thresholds, set by its leaders (core.lights has the defaults).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 13:45:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from whoknows.teamserver.migrations import rls

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "chapter_light_rule",
        sa.Column("space_id", sa.BigInteger(), nullable=False),
        sa.Column("part", sa.Text(), nullable=False),
        sa.Column("amber", sa.Integer(), nullable=False),
        sa.Column("green", sa.Integer(), nullable=False),
        sa.Column("updated_by", sa.BigInteger(), nullable=True),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["space_id"],
            ["space.id"],
            name=op.f("fk_chapter_light_rule_space_id_space"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by"],
            ["account.id"],
            name=op.f("fk_chapter_light_rule_updated_by_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("space_id", "part", name=op.f("pk_chapter_light_rule")),
    )
    rls.confine("chapter_light_rule")


def downgrade() -> None:
    op.drop_table("chapter_light_rule")
