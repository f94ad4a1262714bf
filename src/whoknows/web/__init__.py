"""The web UI: a FastAPI app of server-rendered pages (Jinja2 + htmx) over the services."""
