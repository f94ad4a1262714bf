"""The store: SQLAlchemy 2.0 models, engine set-up, migrations, bulk writes and backups."""
