"""A chapter member's contact sphere, shared by choice with `team push`: whom they serve (their
brief's "For whom") and their ideal clients (the profile's industries, roles and tags).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 15:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from whoknows.teamserver.migrations import rls

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "chapter_sphere",
        sa.Column("space_id", sa.BigInteger(), nullable=False),
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("serves", sa.Text(), server_default="", nullable=False),
        sa.Column(
            "ideal", postgresql.JSONB(astext_type=sa.Text()), server_default="{}", nullable=False
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["account.id"],
            name=op.f("fk_chapter_sphere_account_id_account"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["space_id"],
            ["space.id"],
            name=op.f("fk_chapter_sphere_space_id_space"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("space_id", "account_id", name=op.f("pk_chapter_sphere")),
    )
    rls.confine("chapter_sphere")


def downgrade() -> None:
    op.drop_table("chapter_sphere")
