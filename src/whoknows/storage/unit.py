"""The unit of work's session, as a service may name it: a service opens a transaction
(services/store.py), hands its session to the repositories here in storage/ and never queries
it itself. Import it under TYPE_CHECKING: loading it loads SQLAlchemy."""

from __future__ import annotations

from sqlalchemy.orm import Session as Session
