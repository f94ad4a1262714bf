"""The append-only audit log, written in the same transaction as what it records.

The application role may only INSERT and SELECT audit_event. Callers pass what happened and
to what, never a password, a token or a session id (ASVS 16.2.5): detail keys that look like
one are refused, so a slip fails in tests instead of landing in the log.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from sqlalchemy import Connection, text

from whoknows.teamserver import schema

_SECRET_WORDS = ("password", "token", "secret", "session", "csrf", "cookie")
_UNSET = object()


def audit(
    conn: Connection,
    action: str,
    subject: str = "",
    detail: Mapping[str, object] | None = None,
    *,
    space_id: int | object | None = _UNSET,
    account_id: int | object | None = _UNSET,
) -> None:
    """Append one event. The space and account default to the transaction's tenant; pass
    space_id=None for events outside a space (signing in)."""
    sql, params = event(action, subject, detail, space_id=space_id, account_id=account_id)
    conn.execute(text(sql), params)


def event(
    action: str,
    subject: str = "",
    detail: Mapping[str, object] | None = None,
    *,
    space_id: int | object | None = _UNSET,
    account_id: int | object | None = _UNSET,
) -> tuple[str, dict[str, object]]:
    """The INSERT of one event and its parameters (all named `audit_…`), for a caller that
    writes it in a statement of its own making (limits.hit: the count and the audit row of a
    question are one round trip)."""
    detail = dict(detail or {})
    for key in detail:
        if any(word in key.lower() for word in _SECRET_WORDS):
            raise ValueError(f"audit detail {key!r} looks like a credential; leave it out")
    sql = (
        "INSERT INTO audit_event (space_id, account_id, action, subject, detail) VALUES ("
        + (
            "nullif(current_setting(:audit_sk, true), '')::bigint"
            if space_id is _UNSET
            else ":audit_s"
        )
        + ", "
        + (
            "nullif(current_setting(:audit_ak, true), '')::bigint"
            if account_id is _UNSET
            else ":audit_a"
        )
        + ", :audit_action, :audit_subject, CAST(:audit_detail AS jsonb))"
    )
    return sql, {
        "audit_sk": schema.SPACE_SETTING,
        "audit_ak": schema.ACCOUNT_SETTING,
        "audit_s": None if space_id is _UNSET else space_id,
        "audit_a": None if account_id is _UNSET else account_id,
        "audit_action": action,
        "audit_subject": subject,
        "audit_detail": json.dumps(detail, default=str),
    }
