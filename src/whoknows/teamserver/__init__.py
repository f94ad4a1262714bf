"""The team server: accounts, spaces and the pooled shareable projection on PostgreSQL.

A separate app from the local one (docs/team-design.md): members push what their own
machine chose to share, and the server answers firm-wide questions under row-level security.
"""
