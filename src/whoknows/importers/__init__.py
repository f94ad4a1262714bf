"""Parsers only: a file in, plain records out. Nothing here touches the database."""
