"""Initial schema: people, organizations, ties, interactions, events, owned by accounts.

Revision ID: 0001
Revises: -
Create Date: 2026-11-22 03:13:06.527197
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("data_version", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_accounts")),
    )
    # Single-user mode has one owner; team mode adds accounts instead of migrating tables.
    accounts = sa.table("accounts", sa.column("id", sa.Integer), sa.column("name", sa.String))
    op.bulk_insert(accounts, [{"id": 1, "name": "me"}])
    op.create_table(
        "events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("place", sa.Text(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["accounts.id"],
            name=op.f("fk_events_owner_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_events")),
    )
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_events_date"), ["date"], unique=False)
        batch_op.create_index(batch_op.f("ix_events_owner_id"), ["owner_id"], unique=False)

    op.create_table(
        "organizations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("name_key", sa.Text(), nullable=False),
        sa.Column("domain", sa.String(length=253), nullable=True),
        sa.Column("industry", sa.Text(), nullable=True),
        sa.Column("size", sa.Integer(), nullable=True),
        sa.Column("city", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["accounts.id"],
            name=op.f("fk_organizations_owner_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organizations")),
    )
    with op.batch_alter_table("organizations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_organizations_owner_id"), ["owner_id"], unique=False)
        batch_op.create_index("ix_organizations_owner_name", ["owner_id", "name_key"], unique=True)

    op.create_table(
        "settings",
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["accounts.id"],
            name=op.f("fk_settings_owner_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("owner_id", "key", name=op.f("pk_settings")),
    )
    op.create_table(
        "interactions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("minutes", sa.Integer(), nullable=True),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_interactions_event_id_events"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["accounts.id"],
            name=op.f("fk_interactions_owner_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interactions")),
    )
    with op.batch_alter_table("interactions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_interactions_date"), ["date"], unique=False)
        batch_op.create_index(batch_op.f("ix_interactions_event_id"), ["event_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_interactions_owner_id"), ["owner_id"], unique=False)

    op.create_table(
        "people",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("name_key", sa.Text(), nullable=False),
        sa.Column("is_me", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=True),
        sa.Column("role", sa.Text(), nullable=True),
        sa.Column("industry", sa.Text(), nullable=True),
        sa.Column("city", sa.Text(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("serves", sa.Text(), nullable=True),
        sa.Column("asks", sa.Text(), nullable=True),
        sa.Column("offers", sa.Text(), nullable=True),
        sa.Column("stage", sa.String(length=20), nullable=True),
        sa.Column("trust", sa.Integer(), nullable=True),
        sa.Column("met_where", sa.Text(), nullable=True),
        sa.Column("met_on", sa.Date(), nullable=True),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.CheckConstraint(
            "trust IS NULL OR (trust BETWEEN 1 AND 5)", name=op.f("ck_people_trust_range")
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_people_organization_id_organizations"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["accounts.id"],
            name=op.f("fk_people_owner_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_people")),
    )
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.create_index(
            "ix_people_one_me",
            ["owner_id"],
            unique=True,
            sqlite_where=sa.text("is_me"),
            postgresql_where=sa.text("is_me"),
        )
        batch_op.create_index(
            batch_op.f("ix_people_organization_id"), ["organization_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_people_owner_id"), ["owner_id"], unique=False)
        batch_op.create_index("ix_people_owner_name_key", ["owner_id", "name_key"], unique=False)

    op.create_table(
        "event_attendees",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column("gets_it", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_event_attendees_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["accounts.id"],
            name=op.f("fk_event_attendees_owner_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_event_attendees_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("event_id", "person_id", name=op.f("pk_event_attendees")),
    )
    with op.batch_alter_table("event_attendees", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_event_attendees_owner_id"), ["owner_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_event_attendees_person_id"), ["person_id"], unique=False
        )

    op.create_table(
        "interaction_people",
        sa.Column("interaction_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.ForeignKeyConstraint(
            ["interaction_id"],
            ["interactions.id"],
            name=op.f("fk_interaction_people_interaction_id_interactions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["accounts.id"],
            name=op.f("fk_interaction_people_owner_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_interaction_people_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("interaction_id", "person_id", name=op.f("pk_interaction_people")),
    )
    with op.batch_alter_table("interaction_people", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_interaction_people_owner_id"), ["owner_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_interaction_people_person_id"), ["person_id"], unique=False
        )

    op.create_table(
        "person_emails",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["accounts.id"],
            name=op.f("fk_person_emails_owner_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_person_emails_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person_emails")),
        sa.UniqueConstraint("owner_id", "email", name="uq_person_emails_owner_email"),
    )
    with op.batch_alter_table("person_emails", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_person_emails_owner_id"), ["owner_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_person_emails_person_id"), ["person_id"], unique=False)

    op.create_table(
        "person_phones",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("phone", sa.String(length=32), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["accounts.id"],
            name=op.f("fk_person_phones_owner_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_person_phones_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person_phones")),
        sa.UniqueConstraint("owner_id", "phone", name="uq_person_phones_owner_phone"),
    )
    with op.batch_alter_table("person_phones", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_person_phones_owner_id"), ["owner_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_person_phones_person_id"), ["person_id"], unique=False)

    op.create_table(
        "person_tags",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("tag", sa.String(length=100), nullable=False),
        sa.Column("owner_id", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["accounts.id"],
            name=op.f("fk_person_tags_owner_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_person_tags_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("person_id", "tag", name=op.f("pk_person_tags")),
    )
    with op.batch_alter_table("person_tags", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_person_tags_owner_id"), ["owner_id"], unique=False)

    op.create_table(
        "ties",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column("person_a_id", sa.Integer(), nullable=False),
        sa.Column("person_b_id", sa.Integer(), nullable=False),
        sa.Column("strength", sa.Float(), nullable=True),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("since", sa.Date(), nullable=True),
        sa.Column("last_seen", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.CheckConstraint("person_a_id < person_b_id", name=op.f("ck_ties_ordered_pair")),
        sa.CheckConstraint(
            "strength IS NULL OR (strength > 0 AND strength <= 1)",
            name=op.f("ck_ties_strength_range"),
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["accounts.id"],
            name=op.f("fk_ties_owner_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_a_id"],
            ["people.id"],
            name=op.f("fk_ties_person_a_id_people"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_b_id"],
            ["people.id"],
            name=op.f("fk_ties_person_b_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ties")),
        sa.UniqueConstraint("owner_id", "person_a_id", "person_b_id", name="uq_ties_owner_pair"),
    )
    with op.batch_alter_table("ties", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ties_owner_id"), ["owner_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_ties_person_b_id"), ["person_b_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("ties", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ties_person_b_id"))
        batch_op.drop_index(batch_op.f("ix_ties_owner_id"))

    op.drop_table("ties")
    with op.batch_alter_table("person_tags", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_person_tags_owner_id"))

    op.drop_table("person_tags")
    with op.batch_alter_table("person_phones", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_person_phones_person_id"))
        batch_op.drop_index(batch_op.f("ix_person_phones_owner_id"))

    op.drop_table("person_phones")
    with op.batch_alter_table("person_emails", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_person_emails_person_id"))
        batch_op.drop_index(batch_op.f("ix_person_emails_owner_id"))

    op.drop_table("person_emails")
    with op.batch_alter_table("interaction_people", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_interaction_people_person_id"))
        batch_op.drop_index(batch_op.f("ix_interaction_people_owner_id"))

    op.drop_table("interaction_people")
    with op.batch_alter_table("event_attendees", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_attendees_person_id"))
        batch_op.drop_index(batch_op.f("ix_event_attendees_owner_id"))

    op.drop_table("event_attendees")
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.drop_index("ix_people_owner_name_key")
        batch_op.drop_index(batch_op.f("ix_people_owner_id"))
        batch_op.drop_index(batch_op.f("ix_people_organization_id"))
        batch_op.drop_index(
            "ix_people_one_me", sqlite_where=sa.text("is_me"), postgresql_where=sa.text("is_me")
        )

    op.drop_table("people")
    with op.batch_alter_table("interactions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_interactions_owner_id"))
        batch_op.drop_index(batch_op.f("ix_interactions_event_id"))
        batch_op.drop_index(batch_op.f("ix_interactions_date"))

    op.drop_table("interactions")
    op.drop_table("settings")
    with op.batch_alter_table("organizations", schema=None) as batch_op:
        batch_op.drop_index("ix_organizations_owner_name")
        batch_op.drop_index(batch_op.f("ix_organizations_owner_id"))

    op.drop_table("organizations")
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_events_owner_id"))
        batch_op.drop_index(batch_op.f("ix_events_date"))

    op.drop_table("events")
    op.drop_table("accounts")
