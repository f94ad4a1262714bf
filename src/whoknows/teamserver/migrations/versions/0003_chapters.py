"""Chapters (spaces of kind group): weeks, referral slips, thanks for closed business,
attendance and the weekly report (append-only to the application role); forced RLS.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 13:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from whoknows.teamserver.migrations import rls

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None
TABLES = ("chapter_week", "chapter_slip", "chapter_thanks", "chapter_attendance", "chapter_report")


def upgrade() -> None:
    op.create_table(
        "chapter_week",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("space_id", sa.BigInteger(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("status", sa.Text(), server_default="open", nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_by", sa.BigInteger(), nullable=True),
        sa.CheckConstraint("status IN ('open', 'closed')", name=op.f("ck_chapter_week_status")),
        sa.ForeignKeyConstraint(
            ["closed_by"],
            ["account.id"],
            name=op.f("fk_chapter_week_closed_by_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["space_id"],
            ["space.id"],
            name=op.f("fk_chapter_week_space_id_space"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chapter_week")),
        sa.UniqueConstraint("space_id", "starts_on", name="uq_chapter_week_space_id_starts_on"),
    )
    op.create_table(
        "chapter_attendance",
        sa.Column("space_id", sa.BigInteger(), nullable=False),
        sa.Column("week_id", sa.BigInteger(), nullable=False),
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.BigInteger(), nullable=True),
        sa.Column(
            "recorded_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "status IN ('present', 'absent', 'late', 'substitute', 'medical')",
            name=op.f("ck_chapter_attendance_status"),
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["account.id"],
            name=op.f("fk_chapter_attendance_account_id_account"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by"],
            ["account.id"],
            name=op.f("fk_chapter_attendance_recorded_by_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["space_id"],
            ["space.id"],
            name=op.f("fk_chapter_attendance_space_id_space"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["week_id"],
            ["chapter_week.id"],
            name=op.f("fk_chapter_attendance_week_id_chapter_week"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "space_id", "week_id", "account_id", name=op.f("pk_chapter_attendance")
        ),
    )
    op.create_table(
        "chapter_report",
        sa.Column("space_id", sa.BigInteger(), nullable=False),
        sa.Column("week_id", sa.BigInteger(), nullable=False),
        sa.Column("body", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("csv", sa.Text(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["space_id"],
            ["space.id"],
            name=op.f("fk_chapter_report_space_id_space"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["week_id"],
            ["chapter_week.id"],
            name=op.f("fk_chapter_report_week_id_chapter_week"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("space_id", "week_id", name=op.f("pk_chapter_report")),
    )
    op.create_table(
        "chapter_slip",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("space_id", sa.BigInteger(), nullable=False),
        sa.Column("client_id", sa.Text(), nullable=False),
        sa.Column("giver_id", sa.BigInteger(), nullable=False),
        sa.Column("receiver_id", sa.BigInteger(), nullable=False),
        sa.Column("week_id", sa.BigInteger(), nullable=False),
        sa.Column("about", sa.Text(), nullable=False),
        sa.Column("about_name", sa.Text(), server_default="", nullable=False),
        sa.Column("about_email", sa.Text(), nullable=True),
        sa.Column("about_org", sa.Text(), nullable=True),
        sa.Column("about_role", sa.Text(), nullable=True),
        sa.Column("hot", sa.SmallInteger(), nullable=False),
        sa.Column("note", sa.Text(), server_default="", nullable=False),
        sa.Column("status", sa.Text(), server_default="given", nullable=False),
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
        sa.CheckConstraint(
            "status IN ('given', 'accepted', 'contacted', 'won', 'no_sale', 'withdrawn')",
            name=op.f("ck_chapter_slip_status"),
        ),
        sa.CheckConstraint("hot BETWEEN 1 AND 5", name=op.f("ck_chapter_slip_hot")),
        sa.ForeignKeyConstraint(
            ["giver_id"],
            ["account.id"],
            name=op.f("fk_chapter_slip_giver_id_account"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["receiver_id"],
            ["account.id"],
            name=op.f("fk_chapter_slip_receiver_id_account"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["space_id"],
            ["space.id"],
            name=op.f("fk_chapter_slip_space_id_space"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["week_id"],
            ["chapter_week.id"],
            name=op.f("fk_chapter_slip_week_id_chapter_week"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chapter_slip")),
        sa.UniqueConstraint("space_id", "giver_id", "client_id", name="uq_chapter_slip_client_id"),
    )
    op.create_index(
        "ix_chapter_slip_space_id_receiver",
        "chapter_slip",
        ["space_id", "receiver_id"],
        unique=False,
    )
    op.create_index(
        "ix_chapter_slip_space_id_week", "chapter_slip", ["space_id", "week_id"], unique=False
    )
    op.create_table(
        "chapter_thanks",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("space_id", sa.BigInteger(), nullable=False),
        sa.Column("client_id", sa.Text(), nullable=False),
        sa.Column("thanker_id", sa.BigInteger(), nullable=False),
        sa.Column("credited_id", sa.BigInteger(), nullable=False),
        sa.Column("slip_id", sa.BigInteger(), nullable=True),
        sa.Column("week_id", sa.BigInteger(), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.Text(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint("amount_cents >= 0", name=op.f("ck_chapter_thanks_amount_cents")),
        sa.ForeignKeyConstraint(
            ["credited_id"],
            ["account.id"],
            name=op.f("fk_chapter_thanks_credited_id_account"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["slip_id"],
            ["chapter_slip.id"],
            name=op.f("fk_chapter_thanks_slip_id_chapter_slip"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["space_id"],
            ["space.id"],
            name=op.f("fk_chapter_thanks_space_id_space"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["thanker_id"],
            ["account.id"],
            name=op.f("fk_chapter_thanks_thanker_id_account"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["week_id"],
            ["chapter_week.id"],
            name=op.f("fk_chapter_thanks_week_id_chapter_week"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chapter_thanks")),
        sa.UniqueConstraint(
            "space_id", "thanker_id", "client_id", name="uq_chapter_thanks_client_id"
        ),
    )
    op.create_index(
        "ix_chapter_thanks_space_id_week", "chapter_thanks", ["space_id", "week_id"], unique=False
    )

    # Row security, enabled and forced, each row in its space (spelled here: this is history).
    for table in TABLES:
        rls.confine(table)


def downgrade() -> None:
    for table in reversed(TABLES):
        op.drop_table(table)
