"""The pages of the web UI, one router per area."""
