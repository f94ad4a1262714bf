"""who-knows reads a few contacts per colleague at one organization: index (space, org, member).

It replaces the (space_id, org_key) index, which it contains. Without it, a colleague's few
contacts at a big organization were found by reading all of that colleague's contacts (half
a second per colleague at ten million pooled ties).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30 13:00:00
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_shared_contact_space_id_org_key_account",
        "shared_contact",
        ["space_id", "org_key", "account_id"],
        unique=False,
    )
    op.drop_index("ix_shared_contact_space_id_org_key", table_name="shared_contact")


def downgrade() -> None:
    op.create_index(
        "ix_shared_contact_space_id_org_key",
        "shared_contact",
        ["space_id", "org_key"],
        unique=False,
    )
    op.drop_index("ix_shared_contact_space_id_org_key_account", table_name="shared_contact")
