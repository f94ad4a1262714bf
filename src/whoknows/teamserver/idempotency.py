"""Idempotency-Key on POSTs: a retried request gets the first answer, applied exactly once.

The key's row is claimed at the start of the request's transaction and holds the answer at
its end, in the same transaction as the change: if the first attempt died before COMMIT,
neither exists and the retry applies the change; if it committed, the retry reads the answer.
Two attempts at once: the second waits on the first's row lock, then reads its answer.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass

from fastapi import Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from sqlalchemy import Connection, text
from sqlalchemy.exc import IntegrityError

from whoknows.errors import Conflict, UserError

HEADER = "Idempotency-Key"
REPLAYED = "Idempotent-Replayed"
_PENDING = 0


@dataclass(frozen=True)
class Stored:
    status: int
    body: object


def request_hash(method: str, path: str, payload: object) -> str:
    data = json.dumps([method, path, payload], sort_keys=True, default=str)
    return hashlib.sha256(data.encode()).hexdigest()


def check_key(key: str) -> str:
    key = key.strip()
    if not key or len(key) > 200 or not key.isprintable():
        raise UserError(
            f"the {HEADER} header must be 1 to 200 printable characters",
            hint="send a fresh random value (a UUID) per distinct request",
        )
    return key


def claim(
    conn: Connection, space_id: int | None, account_id: int, key: str, digest: str
) -> Stored | None:
    """Claim KEY for this request (None: go ahead), or the answer stored by an earlier one."""
    try:
        with conn.begin_nested():
            row = conn.execute(
                text(
                    "INSERT INTO idempotency_key (space_id, account_id, key, request_hash, status) "
                    "VALUES (:s, :a, :k, :h, :p) ON CONFLICT (account_id, key) DO NOTHING "
                    "RETURNING key"
                ),
                {"s": space_id, "a": account_id, "k": key, "h": digest, "p": _PENDING},
            ).one_or_none()
    except IntegrityError:  # the space row went away meanwhile
        row = None
    if row is not None:
        return None
    found = conn.execute(
        text(
            "SELECT request_hash, status, body FROM idempotency_key "
            "WHERE account_id = :a AND key = :k"
        ),
        {"a": account_id, "k": key},
    ).one_or_none()
    if found is None or found.request_hash != digest:
        # Not visible here (another space) or a different request: the key is already spent.
        raise Conflict(
            f"this {HEADER} was used for a different request",
            hint="send a fresh key for a new request",
        )
    return Stored(int(found.status), found.body)


def store(conn: Connection, account_id: int, key: str, status: int, body: object) -> None:
    """Keep the answer with the claimed key (same transaction as the change)."""
    conn.execute(
        text(
            "UPDATE idempotency_key SET status = :st, body = CAST(:b AS jsonb) "
            "WHERE account_id = :a AND key = :k"
        ),
        {"st": status, "b": json.dumps(body, default=str), "a": account_id, "k": key},
    )


def answer_once(
    request: Request,
    conn: Connection,
    space_id: int | None,
    account_id: int,
    payload: object,
    status: int,
    work: Callable[[], object],
) -> JSONResponse:
    """Do WORK and answer with its result, once per Idempotency-Key when the request has one
    (a POST route's body: `return answer_once(request, who.conn, …, lambda: change(…))`)."""
    sent = request.headers.get(HEADER)
    if sent is None:
        return JSONResponse(jsonable_encoder(work()), status_code=status)
    key = check_key(sent)
    digest = request_hash(request.method, request.url.path, jsonable_encoder(payload))
    stored = claim(conn, space_id, account_id, key, digest)
    if stored is not None:
        return JSONResponse(stored.body, status_code=stored.status, headers={REPLAYED: "true"})
    body = jsonable_encoder(work())
    store(conn, account_id, key, status, body)
    return JSONResponse(body, status_code=status)
