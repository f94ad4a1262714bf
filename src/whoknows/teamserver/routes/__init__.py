"""The team server's routes: the JSON API (api.py) and the pages (pages.py)."""
