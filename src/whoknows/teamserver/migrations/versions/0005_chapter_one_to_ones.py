"""A chapter's 1-to-1s: logged by one member, confirmed by the other.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 14:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from whoknows.teamserver.migrations import rls

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "chapter_one_to_one",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("space_id", sa.BigInteger(), nullable=False),
        sa.Column("client_id", sa.Text(), nullable=False),
        sa.Column("logger_id", sa.BigInteger(), nullable=False),
        sa.Column("other_id", sa.BigInteger(), nullable=False),
        sa.Column("met_on", sa.Date(), nullable=False),
        sa.Column("week_id", sa.BigInteger(), nullable=False),
        sa.Column("note", sa.Text(), server_default="", nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["logger_id"],
            ["account.id"],
            name=op.f("fk_chapter_one_to_one_logger_id_account"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["other_id"],
            ["account.id"],
            name=op.f("fk_chapter_one_to_one_other_id_account"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["space_id"],
            ["space.id"],
            name=op.f("fk_chapter_one_to_one_space_id_space"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["week_id"],
            ["chapter_week.id"],
            name=op.f("fk_chapter_one_to_one_week_id_chapter_week"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chapter_one_to_one")),
        sa.UniqueConstraint(
            "space_id", "logger_id", "client_id", name="uq_chapter_one_to_one_client_id"
        ),
    )
    op.create_index(
        "ix_chapter_one_to_one_space_id_other",
        "chapter_one_to_one",
        ["space_id", "other_id"],
        unique=False,
    )
    rls.confine("chapter_one_to_one")


def downgrade() -> None:
    op.drop_table("chapter_one_to_one")
