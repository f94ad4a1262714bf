"""who-knows and paths to an organization read a colleague's strongest few contacts there:
index (space, org, member, band rank DESC, key), in the order the question reads them.

It replaces the (space_id, org_key, account_id) index, which it starts with. With it, a
colleague's three strongest contacts at the biggest organization are three index entries;
without it, all of that colleague's contacts there were read and sorted (a second, cold, for
the 25 colleagues at the biggest organization of the large demo).

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30 15:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

BAND_RANK = sa.text("array_position(ARRAY['weak'::text, 'good'::text, 'strong'::text], band) DESC")


def upgrade() -> None:
    op.create_index(
        "ix_shared_contact_space_id_org_key_best",
        "shared_contact",
        ["space_id", "org_key", "account_id", BAND_RANK, "key"],
        unique=False,
    )
    op.drop_index("ix_shared_contact_space_id_org_key_account", table_name="shared_contact")


def downgrade() -> None:
    op.create_index(
        "ix_shared_contact_space_id_org_key_account",
        "shared_contact",
        ["space_id", "org_key", "account_id"],
        unique=False,
    )
    op.drop_index("ix_shared_contact_space_id_org_key_best", table_name="shared_contact")
