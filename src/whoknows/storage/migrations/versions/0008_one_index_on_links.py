"""One index on a person's links by URL: the unique one on LinkedIn profiles.

The plain (owner, url) index beside it answered no query (a website is matched by its host,
a LIKE no index serves) and cost every imported profile one more random B-tree insert: 8% of
a 500,000-row import's CPU.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 11:10:00
"""

from __future__ import annotations

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_person_links_owner_url", table_name="person_links")


def downgrade() -> None:
    op.create_index("ix_person_links_owner_url", "person_links", ["owner_id", "url"])
