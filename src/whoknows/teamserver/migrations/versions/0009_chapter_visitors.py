"""A chapter's visitors, recorded by the visitor host, and their dated trail.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 15:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from whoknows.teamserver.migrations import rls

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None
STATUS = "status IN ('visited', 'invited', 'applied', 'joined', 'not_now')"


def upgrade() -> None:
    op.create_table(
        "chapter_visitor",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("space_id", sa.BigInteger(), nullable=False),
        sa.Column("client_id", sa.Text(), nullable=False),
        sa.Column("host_id", sa.BigInteger(), nullable=False),
        sa.Column("invited_by", sa.BigInteger(), nullable=True),
        sa.Column("week_id", sa.BigInteger(), nullable=False),
        sa.Column("capture", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), server_default="", nullable=False),
        sa.Column("email", sa.Text(), nullable=True),
        sa.Column("org", sa.Text(), nullable=True),
        sa.Column("role", sa.Text(), nullable=True),
        sa.Column("status", sa.Text(), server_default="visited", nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(STATUS, name=op.f("ck_chapter_visitor_status")),
        sa.ForeignKeyConstraint(
            ["host_id"],
            ["account.id"],
            name=op.f("fk_chapter_visitor_host_id_account"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["invited_by"],
            ["account.id"],
            name=op.f("fk_chapter_visitor_invited_by_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["space_id"],
            ["space.id"],
            name=op.f("fk_chapter_visitor_space_id_space"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["week_id"],
            ["chapter_week.id"],
            name=op.f("fk_chapter_visitor_week_id_chapter_week"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chapter_visitor")),
        sa.UniqueConstraint(
            "space_id", "host_id", "client_id", name="uq_chapter_visitor_client_id"
        ),
    )
    op.create_index(
        "ix_chapter_visitor_space_id_week", "chapter_visitor", ["space_id", "week_id"], unique=False
    )
    op.create_table(
        "chapter_visitor_move",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("space_id", sa.BigInteger(), nullable=False),
        sa.Column("visitor_id", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("moved_on", sa.Date(), nullable=False),
        sa.Column("moved_by", sa.BigInteger(), nullable=True),
        sa.Column(
            "moved_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.CheckConstraint(STATUS, name=op.f("ck_chapter_visitor_move_status")),
        sa.ForeignKeyConstraint(
            ["moved_by"],
            ["account.id"],
            name=op.f("fk_chapter_visitor_move_moved_by_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["space_id"],
            ["space.id"],
            name=op.f("fk_chapter_visitor_move_space_id_space"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["visitor_id"],
            ["chapter_visitor.id"],
            name=op.f("fk_chapter_visitor_move_visitor_id_chapter_visitor"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chapter_visitor_move")),
    )
    op.create_index(
        "ix_chapter_visitor_move_space_id_visitor",
        "chapter_visitor_move",
        ["space_id", "visitor_id"],
        unique=False,
    )
    rls.confine("chapter_visitor")
    rls.confine("chapter_visitor_move")


def downgrade() -> None:
    op.drop_table("chapter_visitor_move")
    op.drop_table("chapter_visitor")
