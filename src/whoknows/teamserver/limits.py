"""Rate limits shared by every worker: a fixed-window counter per bucket in PostgreSQL.

`hit(conn, bucket, limit, per)` counts one attempt in the current window of PER seconds and
raises RateLimited (429, with Retry-After) once the window holds more than LIMIT. The count
is written in the caller's transaction; a limit that must hold even when the request fails
(a failed sign-in) is counted in a transaction of its own by the caller.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import Connection, text

from whoknows.errors import UserError

# No limit counts over a longer window than this: older windows of any bucket are dropped (a
# bucket per address or email would otherwise leave a row behind for good).
KEPT_SECONDS = 24 * 3600


class RateLimited(UserError):
    """Too many attempts in a window: try again after RETRY_AFTER seconds."""

    http_status = 429

    def __init__(self, what: str, retry_after: int) -> None:
        super().__init__(
            f"too many {what}; try again in {retry_after} seconds",
            hint="wait before trying again",
        )
        self.retry_after = max(1, retry_after)


def hit(
    conn: Connection,
    bucket: str,
    limit: int,
    per: int,
    *,
    what: str = "requests",
    also: tuple[str, Mapping[str, object]] | None = None,
    settings: Mapping[str, str] | None = None,
) -> int:
    """Count one attempt in BUCKET's window of PER seconds; the count so far, or RateLimited.

    ALSO, an INSERT and its parameters (audit.event), runs in the same statement, and so do
    SETTINGS (transaction-local set_config): a question's count, its audit row and its
    settings are one round trip. Both are undone with the rest when RateLimited rolls the
    transaction back."""
    params: dict[str, object] = {"bucket": bucket, "per": per}
    extra, shown = "", ""
    if also is not None:
        extra = f", also AS ({also[0]})"
        params.update(also[1])
    for n, (name, value) in enumerate((settings or {}).items()):
        shown += f", set_config(:setting_{n}, :value_{n}, true)"
        params.update({f"setting_{n}": name, f"value_{n}": value})
    row = conn.execute(
        text(
            """
            WITH w AS (
              SELECT to_timestamp(floor(extract(epoch FROM now()) / :per) * :per) AS start
            ), counted AS (
              INSERT INTO rate_window (bucket, window_start, hits)
              SELECT :bucket, w.start, 1 FROM w
              ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_window.hits + 1
              RETURNING hits,
                ceil(extract(epoch FROM window_start + make_interval(secs => :per) - now()))::int
                  AS left_s
            )"""
            + extra
            + " SELECT hits, left_s"
            + shown
            + " FROM counted"
        ),
        params,
    ).one()
    if row.hits == 1:  # a new window: forget this bucket's old ones, and anyone's long gone
        conn.execute(
            text(
                "DELETE FROM rate_window WHERE (bucket = :bucket "
                "AND window_start < now() - make_interval(secs => :per)) "
                "OR window_start < now() - make_interval(secs => :kept)"
            ),
            {"bucket": bucket, "per": per, "kept": KEPT_SECONDS},
        )
    if row.hits > limit:
        raise RateLimited(what, int(row.left_s))
    return int(row.hits)


def clear(conn: Connection, bucket: str) -> None:
    """Forget a bucket's counts (a successful sign-in clears the account's failures)."""
    conn.execute(text("DELETE FROM rate_window WHERE bucket = :bucket"), {"bucket": bucket})
