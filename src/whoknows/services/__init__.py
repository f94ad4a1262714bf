"""Use cases and the transaction boundary: the one API the CLI, web UI and REST API call."""
