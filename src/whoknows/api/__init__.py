"""The REST API under /api/v1: pydantic In/Out schemas and routers over the services."""
