"""Team mode, the member's side: private people, blocked organizations, the team server this
database shares with, and what the last push sent (its manifest).

The sharing level is one row of the settings table (it is chosen before joining, and kept).

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 12:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "team_private",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "owner_id",
            sa.Integer(),
            sa.ForeignKey(
                "accounts.id", ondelete="CASCADE", name="fk_team_private_owner_id_accounts"
            ),
            nullable=False,
            server_default=sa.text("1"),
        ),
        sa.Column(
            "person_id",
            sa.Integer(),
            sa.ForeignKey("people.id", ondelete="CASCADE", name="fk_team_private_person_id_people"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name="pk_team_private"),
    )
    op.create_index("ix_team_private_owner_id", "team_private", ["owner_id"])
    op.create_index("ix_team_private_person_id", "team_private", ["person_id"])
    op.create_table(
        "team_blocked",
        sa.Column(
            "owner_id",
            sa.Integer(),
            sa.ForeignKey(
                "accounts.id", ondelete="CASCADE", name="fk_team_blocked_owner_id_accounts"
            ),
            nullable=False,
        ),
        sa.Column("org_key", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("owner_id", "org_key", name="pk_team_blocked"),
    )
    op.create_table(
        "team_link",
        sa.Column(
            "owner_id",
            sa.Integer(),
            sa.ForeignKey("accounts.id", ondelete="CASCADE", name="fk_team_link_owner_id_accounts"),
            nullable=False,
        ),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("space", sa.Text(), nullable=False),
        sa.Column("space_name", sa.Text(), nullable=False),
        sa.Column("account", sa.Text(), nullable=False),
        sa.Column("token", sa.Text(), nullable=False),
        sa.Column("salt", sa.Text(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=True),
        sa.Column("pushed_level", sa.String(10), nullable=True),
        sa.Column(
            "joined_at",
            sa.DateTime(timezone=True),
            nullable=False,
            server_default=sa.func.now(),
        ),
        sa.PrimaryKeyConstraint("owner_id", name="pk_team_link"),
    )
    op.create_table(
        "team_manifest",
        sa.Column(
            "owner_id",
            sa.Integer(),
            sa.ForeignKey(
                "accounts.id", ondelete="CASCADE", name="fk_team_manifest_owner_id_accounts"
            ),
            nullable=False,
        ),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("owner_id", "key", name="pk_team_manifest"),
    )


def downgrade() -> None:
    op.drop_table("team_manifest")
    op.drop_table("team_link")
    op.drop_table("team_blocked")
    op.drop_index("ix_team_private_person_id", table_name="team_private")
    op.drop_index("ix_team_private_owner_id", table_name="team_private")
    op.drop_table("team_private")
