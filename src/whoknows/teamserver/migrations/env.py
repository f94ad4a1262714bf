"""Alembic environment of the team server: its own script directory and version table."""

from __future__ import annotations

from alembic import context

from whoknows.teamserver.schema import VERSION_TABLE, metadata

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=metadata,
    version_table=VERSION_TABLE,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
