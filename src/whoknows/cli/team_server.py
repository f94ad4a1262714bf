"""`whoknows team init|serve|invite`: the commands of the team server's host (docs/team.md).

Each takes the server's PostgreSQL URL (--db or WHOKNOWS_TEAM_DB): not the member's own
database, which the other team commands use.
"""

from __future__ import annotations

import os
from typing import Annotated

import typer

TeamDb = Annotated[
    str,
    typer.Option(
        "--db",
        envvar="WHOKNOWS_TEAM_DB",
        metavar="URL",
        help="The team server's PostgreSQL database (postgresql+psycopg://USER@HOST/NAME).",
        show_default=False,
    ),
]
DEFAULT_PORT = 8800


def init(
    db: TeamDb,
    admin: Annotated[
        str, typer.Option("--admin", metavar="EMAIL", help="The first administrator's email.")
    ],
    space: Annotated[
        str | None,
        typer.Option(
            "--space", metavar="NAME", help="Also create this space, the admin its owner."
        ),
    ] = None,
    kind: Annotated[str, typer.Option("--kind", help="The space's kind: firm or group.")] = "firm",
    url: Annotated[
        str,
        typer.Option("--url", help="The server's address as members reach it (for the links)."),
    ] = f"http://127.0.0.1:{DEFAULT_PORT}",
) -> None:
    """Create (or upgrade) the team server's schema, its application role and the first admin.

    Run it as a database user that owns the database and may create roles. Prints the admin's
    one-time password (only when the account is new). Safe to run again: it upgrades the
    schema and leaves existing accounts and spaces alone.
    """
    from whoknows.errors import Conflict
    from whoknows.teamserver import accounts, spaces
    from whoknows.teamserver import db as tdb

    engine = tdb.connect(db, pool_size=1, as_app=False)
    try:
        tdb.upgrade(engine)
        typer.echo("schema ready; the server runs as the database role whoknows_app")
        password = accounts.one_time_password()
        with tdb.tenant(engine) as conn:
            found = accounts.by_email(conn, admin)
            if found is None:
                found = accounts.create(conn, admin, password, is_admin=True)
                typer.echo(f"admin {found.email}, one-time password: {password}")
                typer.echo("sign in and change it; it is not shown again")
            else:
                accounts.make_admin(conn, found.id)
                typer.echo(f"admin {found.email} (the account existed; its password is unchanged)")
            if space:
                try:
                    made = spaces.create(conn, space, kind, found.id)
                except Conflict:
                    typer.echo(f"space {spaces.slugify(space)!r} exists already: left alone")
                else:
                    typer.echo(f"space {made.slug!r} ({made.kind}), {found.email} its owner")
        typer.echo(f"start it: whoknows team serve --db URL; then open {url.rstrip('/')}/login")
    finally:
        engine.dispose()


def serve(
    db: TeamDb,
    read_db: Annotated[
        str | None,
        typer.Option(
            "--read-db",
            metavar="URL",
            help="A streaming replica the question routes may read from.",
            show_default=False,
        ),
    ] = None,
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[
        int, typer.Option("--port", min=1, max=65535, help="Port to listen on.")
    ] = DEFAULT_PORT,
    workers: Annotated[int, typer.Option("--workers", min=1, max=64, help="Worker processes.")] = 2,
    pool: Annotated[
        int, typer.Option("--pool", min=1, max=100, help="Database connections per worker.")
    ] = 5,
    secure_cookies: Annotated[
        bool,
        typer.Option("--secure-cookies", help="Mark cookies Secure (behind an HTTPS proxy)."),
    ] = False,
) -> None:
    """Run the team server (PostgreSQL only) with several worker processes until Ctrl-C."""
    import uvicorn

    from whoknows.teamserver import app as team_app
    from whoknows.teamserver import db as tdb
    from whoknows.teamserver import serving

    os.environ[team_app.DB_ENV] = tdb.server_url(db)
    if read_db:
        os.environ[team_app.READ_DB_ENV] = tdb.server_url(read_db)
    os.environ[team_app.POOL_ENV] = str(pool)
    os.environ[team_app.SECURE_ENV] = "1" if secure_cookies else "0"
    shown = f"[{host}]" if ":" in host else host
    typer.echo(
        f"whoknows team server at http://{shown}:{port}/ ({workers} workers); Ctrl-C stops it"
    )
    uvicorn.run(
        "whoknows.teamserver.app:from_environment",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
        proxy_headers=True,
        http=serving.HTTP,
    )


def invite(
    email: Annotated[str, typer.Argument(help="Who to invite.")],
    db: TeamDb,
    space: Annotated[str, typer.Option("--space", metavar="SLUG", help="Into which space.")],
    role: Annotated[
        str, typer.Option("--role", help="owner, admin, leader, member or guest.")
    ] = "member",
    url: Annotated[
        str,
        typer.Option("--url", help="The server's address as members reach it."),
    ] = f"http://127.0.0.1:{DEFAULT_PORT}",
) -> None:
    """Print a single-use invitation link into a space (valid for 7 days)."""
    from whoknows.errors import NotFound
    from whoknows.teamserver import db as tdb
    from whoknows.teamserver import spaces

    engine = tdb.connect(db, pool_size=1)
    try:
        with tdb.tenant(engine) as conn:
            found = _space(conn, space)
            if found is None:
                raise NotFound(f"no space {space!r}", hint="check its short name (slug)")
            tdb.set_tenant(conn, space_id=found, account_id=None)
            _, token = spaces.invite(conn, found, None, "owner", email, role)
        typer.echo(f"{url.rstrip('/')}/invite/{token}")
    finally:
        engine.dispose()


def _space(conn: object, slug: str) -> int | None:
    """The id of the space SLUG, as the host's commands may look it up."""
    from sqlalchemy import text

    from whoknows.teamserver import schema

    conn.execute(  # type: ignore[attr-defined]
        text("SELECT set_config(:k, :slug, true)"), {"k": schema.HOST_SLUG_SETTING, "slug": slug}
    )
    found = conn.execute(  # type: ignore[attr-defined]
        text("SELECT id FROM space WHERE slug = :slug"), {"slug": slug}
    ).scalar()
    return int(found) if found is not None else None
