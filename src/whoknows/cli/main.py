"""The whoknows command: builds the Typer app and is the one place errors become exit codes."""

from __future__ import annotations

import copy
import errno
import os
import sys
from typing import Annotated

import typer
from typer.exceptions import TyperException

from whoknows import __version__, files
from whoknows.cli import (
    admin,
    choose,
    coercion,
    demo,
    events,
    followups,
    io,
    ledger,
    network,
    orgs,
    people,
    reach,
    referrals,
    team,
    usage,
    web,
)
from whoknows.errors import Ambiguous, DiskFull, WhoknowsError

app = typer.Typer(
    name="whoknows",
    help="Who you know who knows who you want to meet: a relationship and referral manager.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command("init")(admin.init)
app.command("demo")(demo.demo)
app.command("me")(people.me)
app.add_typer(people.app, name="person")
app.add_typer(orgs.app, name="org")
app.command("know")(network.know)
app.command("log")(network.log)
app.add_typer(events.app, name="event")
app.command("stage")(people.stage)
app.add_typer(reach.icp_app, name="icp")
app.command("prospects")(reach.prospects)
app.command("path")(reach.path)
app.command("advocates")(reach.advocates)
app.command("who-knows")(reach.who_knows)
ledger.register(app)
followups.register(app)
referrals.register(app)
io.register(app)
web.register(app)
app.command("settings")(admin.settings)
app.command("backup")(admin.backup)
app.command("restore")(admin.restore)
app.add_typer(team.app, name="team")


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"whoknows {__version__}\n")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
    debug: Annotated[
        bool, typer.Option("--debug", help="Show tracebacks of internal errors.")
    ] = False,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            metavar="URL",
            help="Database for the command that follows (its own --db wins).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """whoknows: find advocates, warm paths, give first, follow up, attribute the business."""


def _error(message: str) -> None:
    sys.stderr.write(f"whoknows: {message}\n")


def _traceback() -> None:
    import traceback  # only for --debug: it costs start-up time every command would pay

    traceback.print_exc()


def _db_after_command(args: list[str]) -> list[str]:
    """`whoknows --db URL COMMAND …` as `whoknows COMMAND … --db URL`, unless the command
    names its own --db (that one wins); every command takes --db, the group does not."""
    i, before = 0, None
    while i < len(args) and args[i].startswith("-") and args[i] != "--":
        if args[i] == "--db" and i + 1 < len(args):
            before, args = args[i + 1], args[:i] + args[i + 2 :]
        elif args[i].startswith("--db="):
            before, args = args[i].split("=", 1)[1], args[:i] + args[i + 1 :]
        else:
            i += 1
    if before is None or i >= len(args):
        return args if before is None else [*args, "--db", before]
    rest = args[i:]
    end = rest.index("--") if "--" in rest else len(rest)
    if any(a == "--db" or a.startswith("--db=") for a in rest[:end]):
        return args
    groups = {group.name for group in app.registered_groups}
    if rest[0] in groups and all(a.startswith("-") for a in rest[1:end]):
        return args  # a group without its command shows its help: no database to give
    return [*args[: i + end], "--db", before, *args[i + end :]]


def _for(args: list[str]) -> typer.Typer:
    """The app with only the command ARGS name, when they name one: Typer reads the options
    of every command it registers (tens of milliseconds for all of them), so a command does
    not pay for the others. The whole app for anything else (help, a misspelt command)."""
    name = next((a for a in args if not a.startswith("-")), None)
    commands = [c for c in app.registered_commands if c.name == name]
    groups = [g for g in app.registered_groups if g.name == name]
    if not commands and not groups:
        return app
    only = copy.copy(app)
    only.registered_commands, only.registered_groups = commands, groups
    return only


def _report(exc: WhoknowsError, debug: bool) -> int:
    hint = exc.hint_for("cli")
    _error(f"error: {exc.message_for('cli')}" + (f" — {hint}" if hint else ""))
    if debug:
        _traceback()
    return exc.exit_code


def _known(exc: Exception) -> WhoknowsError | None:
    """An error the user can fix, raised outside a service's own checks, or None."""
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return DiskFull(exc.filename)
    if "sqlalchemy" not in sys.modules and "sqlite3" not in sys.modules:
        return None  # nothing of the database ran
    from whoknows.storage.errors import is_database_error, translate

    # never the statement or its rows, only what the error means
    return translate(exc) if is_database_error(exc) else None


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; return the exit code (0 done, 1 internal error, 2 bad input, 3 refused,
    4 the database is busy or unreachable: try again)."""
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args or bool(os.environ.get("WHOKNOWS_DEBUG"))
    files.private_umask()  # what whoknows writes (databases, reports, drafts…) is the user's
    usage.install()
    coercion.install()
    args = _db_after_command(args)
    command = typer.main.get_command(_for(args))
    try:
        result = command.main(args=args, prog_name="whoknows", standalone_mode=False)
    except WhoknowsError as exc:
        if isinstance(exc, Ambiguous) and (chosen := choose.pick(exc, args)) is not None:
            return main(chosen)  # nothing was written: the same command, with the one meant
        return _report(exc, debug)
    except TyperException as exc:
        if type(exc).__name__ == "NoArgsIsHelpError":
            # A command group without its command: the help it printed is what was asked for.
            message = exc.format_message() if hasattr(exc, "format_message") else ""
            if message.strip():
                sys.stdout.write(message.rstrip("\n") + "\n")
            return 0
        code = getattr(exc, "exit_code", 2)
        context = getattr(exc, "ctx", None)
        where = f" (see: {context.command_path} --help)" if context is not None else ""
        _error(f"error: {exc.format_message()}{where}")
        return int(code)
    except typer.Abort:
        _error("aborted")
        return 1
    except KeyboardInterrupt:
        _error("interrupted; nothing was written by the step in progress")
        return 130
    except Exception as exc:  # the one place an unexpected error becomes a line and exit 1
        known = _known(exc)
        if known is not None:
            return _report(known, debug)
        if debug:
            _traceback()
        _error(f"internal error: {type(exc).__name__}: {exc} (run with --debug for details)")
        return 1
    return result if isinstance(result, int) else 0


if __name__ == "__main__":
    sys.exit(main())
