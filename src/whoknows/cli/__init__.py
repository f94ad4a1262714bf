"""The command line: a thin Typer skin over whoknows.services."""
