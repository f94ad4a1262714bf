"""Person extras: birthdays and unknown vCard X- properties, kept for the round trip.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 05:00:04.573564
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "person_extras",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["accounts.id"],
            name=op.f("fk_person_extras_owner_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_person_extras_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person_extras")),
    )
    with op.batch_alter_table("person_extras", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_person_extras_owner_id"), ["owner_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_person_extras_person_id"), ["person_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("person_extras", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_person_extras_person_id"))
        batch_op.drop_index(batch_op.f("ix_person_extras_owner_id"))

    op.drop_table("person_extras")
