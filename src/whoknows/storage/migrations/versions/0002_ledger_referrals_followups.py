"""Ledger, introductions, referrals, follow-ups, the brief, and profile links.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 03:35:52.390427
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "briefs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("offer", sa.Text(), nullable=True),
        sa.Column("problems", sa.Text(), nullable=True),
        sa.Column("for_whom", sa.Text(), nullable=True),
        sa.Column("results", sa.Text(), nullable=True),
        sa.Column("wanted_intros", sa.Text(), nullable=True),
        sa.Column("created_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["accounts.id"],
            name=op.f("fk_briefs_owner_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_briefs")),
        sa.UniqueConstraint("owner_id", "version", name="uq_briefs_owner_version"),
    )
    with op.batch_alter_table("briefs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_briefs_owner_id"), ["owner_id"], unique=False)

    op.create_table(
        "brief_copies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("sent_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["accounts.id"],
            name=op.f("fk_brief_copies_owner_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_brief_copies_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_brief_copies")),
    )
    with op.batch_alter_table("brief_copies", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_brief_copies_owner_id"), ["owner_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_brief_copies_person_id"), ["person_id"], unique=False)

    op.create_table(
        "introductions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column("introducer_id", sa.Integer(), nullable=False),
        sa.Column("a_id", sa.Integer(), nullable=False),
        sa.Column("b_id", sa.Integer(), nullable=False),
        sa.Column("why", sa.Text(), nullable=True),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("a_accepted", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("b_accepted", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("proposed_on", sa.Date(), nullable=False),
        sa.Column("asked_on", sa.Date(), nullable=True),
        sa.Column("made_on", sa.Date(), nullable=True),
        sa.Column("declined_on", sa.Date(), nullable=True),
        sa.Column("outcome", sa.String(length=10), nullable=True),
        sa.Column("outcome_note", sa.Text(), nullable=True),
        sa.Column("outcome_on", sa.Date(), nullable=True),
        sa.Column("reported_on", sa.Date(), nullable=True),
        sa.Column("forced", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("warnings", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["a_id"], ["people.id"], name=op.f("fk_introductions_a_id_people"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["b_id"], ["people.id"], name=op.f("fk_introductions_b_id_people"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["introducer_id"],
            ["people.id"],
            name=op.f("fk_introductions_introducer_id_people"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["accounts.id"],
            name=op.f("fk_introductions_owner_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_introductions")),
    )
    with op.batch_alter_table("introductions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_introductions_a_id"), ["a_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_introductions_b_id"), ["b_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_introductions_introducer_id"), ["introducer_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_introductions_owner_id"), ["owner_id"], unique=False)

    op.create_table(
        "person_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["accounts.id"],
            name=op.f("fk_person_links_owner_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_person_links_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person_links")),
        sa.UniqueConstraint("owner_id", "url", name="uq_person_links_owner_url"),
    )
    with op.batch_alter_table("person_links", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_person_links_owner_id"), ["owner_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_person_links_person_id"), ["person_id"], unique=False)

    op.create_table(
        "referrals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column("direction", sa.String(length=10), nullable=False),
        sa.Column("from_id", sa.Integer(), nullable=False),
        sa.Column("to_id", sa.Integer(), nullable=False),
        sa.Column("about_id", sa.Integer(), nullable=True),
        sa.Column("about_org_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("value", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("lost_reason", sa.Text(), nullable=True),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("thanked_on", sa.Date(), nullable=True),
        sa.Column("reported_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["about_id"],
            ["people.id"],
            name=op.f("fk_referrals_about_id_people"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["about_org_id"],
            ["organizations.id"],
            name=op.f("fk_referrals_about_org_id_organizations"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["from_id"], ["people.id"], name=op.f("fk_referrals_from_id_people"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["accounts.id"],
            name=op.f("fk_referrals_owner_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["to_id"], ["people.id"], name=op.f("fk_referrals_to_id_people"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referrals")),
    )
    with op.batch_alter_table("referrals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_referrals_about_id"), ["about_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_referrals_about_org_id"), ["about_org_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_referrals_date"), ["date"], unique=False)
        batch_op.create_index(batch_op.f("ix_referrals_from_id"), ["from_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_referrals_owner_id"), ["owner_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_referrals_to_id"), ["to_id"], unique=False)

    op.create_table(
        "exchanges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column("giver_id", sa.Integer(), nullable=False),
        sa.Column("receiver_id", sa.Integer(), nullable=False),
        sa.Column("other_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("value", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("introduction_id", sa.Integer(), nullable=True),
        sa.Column("referral_id", sa.Integer(), nullable=True),
        sa.Column("thanked_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["giver_id"],
            ["people.id"],
            name=op.f("fk_exchanges_giver_id_people"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["introduction_id"],
            ["introductions.id"],
            name=op.f("fk_exchanges_introduction_id_introductions"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["other_id"],
            ["people.id"],
            name=op.f("fk_exchanges_other_id_people"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["accounts.id"],
            name=op.f("fk_exchanges_owner_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["receiver_id"],
            ["people.id"],
            name=op.f("fk_exchanges_receiver_id_people"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["referral_id"],
            ["referrals.id"],
            name=op.f("fk_exchanges_referral_id_referrals"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exchanges")),
    )
    with op.batch_alter_table("exchanges", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_exchanges_date"), ["date"], unique=False)
        batch_op.create_index(batch_op.f("ix_exchanges_giver_id"), ["giver_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_exchanges_owner_id"), ["owner_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_exchanges_receiver_id"), ["receiver_id"], unique=False)

    op.create_table(
        "referral_steps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["accounts.id"],
            name=op.f("fk_referral_steps_owner_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["referral_id"],
            ["referrals.id"],
            name=op.f("fk_referral_steps_referral_id_referrals"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referral_steps")),
    )
    with op.batch_alter_table("referral_steps", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_referral_steps_owner_id"), ["owner_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_referral_steps_referral_id"), ["referral_id"], unique=False
        )

    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cadence_days", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("snoozed_until", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.drop_column("snoozed_until")
        batch_op.drop_column("cadence_days")

    with op.batch_alter_table("referral_steps", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_referral_steps_referral_id"))
        batch_op.drop_index(batch_op.f("ix_referral_steps_owner_id"))

    op.drop_table("referral_steps")
    with op.batch_alter_table("exchanges", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exchanges_receiver_id"))
        batch_op.drop_index(batch_op.f("ix_exchanges_owner_id"))
        batch_op.drop_index(batch_op.f("ix_exchanges_giver_id"))
        batch_op.drop_index(batch_op.f("ix_exchanges_date"))

    op.drop_table("exchanges")
    with op.batch_alter_table("referrals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_referrals_to_id"))
        batch_op.drop_index(batch_op.f("ix_referrals_owner_id"))
        batch_op.drop_index(batch_op.f("ix_referrals_from_id"))
        batch_op.drop_index(batch_op.f("ix_referrals_date"))
        batch_op.drop_index(batch_op.f("ix_referrals_about_org_id"))
        batch_op.drop_index(batch_op.f("ix_referrals_about_id"))

    op.drop_table("referrals")
    with op.batch_alter_table("person_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_person_links_person_id"))
        batch_op.drop_index(batch_op.f("ix_person_links_owner_id"))

    op.drop_table("person_links")
    with op.batch_alter_table("introductions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_introductions_owner_id"))
        batch_op.drop_index(batch_op.f("ix_introductions_introducer_id"))
        batch_op.drop_index(batch_op.f("ix_introductions_b_id"))
        batch_op.drop_index(batch_op.f("ix_introductions_a_id"))

    op.drop_table("introductions")
    with op.batch_alter_table("brief_copies", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_brief_copies_person_id"))
        batch_op.drop_index(batch_op.f("ix_brief_copies_owner_id"))

    op.drop_table("brief_copies")
    with op.batch_alter_table("briefs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_briefs_owner_id"))

    op.drop_table("briefs")
