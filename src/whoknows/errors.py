"""The one exception family: every error a user can cause or meet is a WhoknowsError."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

Adapter = Literal["cli", "web", "api"]

# How each adapter says "do it anyway" for an error's go_ahead option (OPTION: "force")
GO_AHEAD: dict[str, str] = {
    "cli": "run again with --{option}",
    "web": "send it again, anyway",
    "api": "send {option}=true",
}


@dataclass(frozen=True)
class Hint:
    """A next step each adapter says its own way, for a hint that needs a place to act: the
    command on the command line (CLI), where to click or what to fill on a page (WEB), the
    route or field for a client of the API (API; the page's words when not given).

    Hints are worded for any adapter ("give a date up to today", "say who you are first");
    only a hint that must name a command, a page or a route is a Hint, given where it is raised:
    `UserError("who you are is not set yet", hint=Hint(cli='run: whoknows me "Your Name"',
    web="set who you are in Settings"))`. The CLI, the web app and the API each render theirs
    (WhoknowsError.hint_for); a service's plain hint names no flag and no command."""

    cli: str
    web: str
    api: str | None = None

    def said(self, adapter: Adapter) -> str:
        if adapter == "cli":
            return self.cli
        return self.api if adapter == "api" and self.api else self.web


class WhoknowsError(Exception):
    """Base of every error whoknows reports to a user; carries the CLI exit code and the HTTP
    status the web app, the API and the team server answer with."""

    exit_code = 1
    http_status = 500

    def __init__(
        self, message: str, *, hint: str | Hint | None = None, go_ahead: str | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.hints = hint if isinstance(hint, Hint) else None  # one wording per adapter
        # the hint worded for any adapter (a page's words when it is a Hint): no flag in it
        self.hint = hint.web if isinstance(hint, Hint) else hint
        self.go_ahead = go_ahead  # the option that does it anyway ("force"), when there is one

    def hint_for(self, adapter: Adapter) -> str | None:
        """The hint as ADAPTER says it, and how to go ahead anyway as it gives an option
        (GO_AHEAD: "run again with --force" on the command line, "send force=true" to the API);
        the hint alone when there is no such option."""
        hint = self.hints.said(adapter) if self.hints else self.hint
        if self.go_ahead is None:
            return hint
        how = GO_AHEAD[adapter].format(option=self.go_ahead)
        return f"{hint}, or {how}" if hint else how

    def message_for(self, adapter: Adapter) -> str:
        """The message as ADAPTER says it (the same for every adapter but a BadOption's)."""
        return self.message

    def __str__(self) -> str:
        return f"{self.message}: {self.hint}" if self.hint else self.message


class UserError(WhoknowsError):
    """Bad input or usage: nothing was written."""

    exit_code = 2
    http_status = 400


class BadOption(UserError):
    """A value given for an option is wrong. The command line names the option as a flag
    ("--top 0 is out of range"), a page or the API as a parameter ("top=0 is out of
    range"), which is also the message every other reader sees. VERSUS is a second option
    the value is wrong against ("--since 2025-03-01 is after --until 2025-02-01")."""

    def __init__(
        self,
        option: str,
        value: object,
        problem: str,
        *,
        versus: tuple[str, object] | None = None,
        hint: str | Hint | None = None,
    ) -> None:
        self.option, self.value, self.problem, self.versus = option, value, problem, versus
        super().__init__(self.message_for("api"), hint=hint)

    def message_for(self, adapter: Adapter) -> str:
        def named(option: str, value: object) -> str:
            if adapter == "cli":
                return f"--{option} {value}"
            return f"{option.replace('-', '_')}={value}"

        said = f"{named(self.option, self.value)} {self.problem}"
        return f"{said} {named(*self.versus)}" if self.versus else said


class NotFound(UserError):
    """A reference (person, organization, event) matched nothing."""

    http_status = 404


@dataclass(frozen=True)
class Candidate:
    """One record a reference may mean, as a UI offers it to choose from."""

    id: int
    name: str
    organization: str | None = None
    role: str | None = None
    reason: str | None = None  # why it may be the one (the identity engine's words)

    def label(self) -> str:
        known = ", ".join(x for x in (self.organization, self.role) if x)
        return f"#{self.id} {self.name}" + (f" ({known})" if known else "")


class Ambiguous(UserError):
    """A reference matched several records (or one the user should confirm); lists them so
    the user can pick one. CHOICES carries them structured (id, name, organization, role)."""

    def __init__(
        self,
        what: str,
        ref: str,
        candidates: Sequence[str] = (),
        *,
        choices: Sequence[Candidate] = (),
        message: str | None = None,
        hint: str | Hint | None = None,
    ) -> None:
        candidates = list(candidates) or [c.label() for c in choices]
        shown = "; ".join(candidates[:8])
        more = f"; and {len(candidates) - 8} more" if len(candidates) > 8 else ""
        super().__init__(
            message or f"{what} {ref!r} is ambiguous, it matches {len(candidates)}: {shown}{more}",
            hint=hint or "use an id or an email instead",
        )
        self.ref = ref
        self.candidates = list(candidates)
        self.choices = list(choices)


class Conflict(UserError):
    """The change would contradict what is stored (e.g. an email already used by someone)."""

    http_status = 409


class DiskFull(UserError):
    """The disk (or the database server's disk) is full: nothing was written."""

    def __init__(self, where: object = None) -> None:
        at = f" writing {where}" if where else ""
        super().__init__(
            f"the disk is full{at}", hint="free some space and try again; nothing was written"
        )


class Unavailable(WhoknowsError):
    """The database is busy or unreachable for now: nothing was written; try again later."""

    exit_code = 4
    http_status = 503
    retry_after = 5  # seconds, for the web's Retry-After

    def __init__(self, message: str, *, hint: str | Hint | None = None) -> None:
        super().__init__(message, hint=hint or "nothing was written; try again in a moment")


class Refused(WhoknowsError):
    """A guard refused the action until the user insists; REASONS are its warnings, one each."""

    exit_code = 3
    http_status = 409

    def __init__(
        self,
        message: str,
        *,
        hint: str | Hint | None = None,
        reasons: Sequence[str] = (),
        go_ahead: str | None = None,
    ) -> None:
        super().__init__(message, hint=hint, go_ahead=go_ahead)
        self.reasons = tuple(reasons)


class ImportParseError(UserError):
    """A source file could not be read at a given place."""

    def __init__(
        self, source: str, line: int | None, reason: str, *, hint: str | Hint | None = None
    ) -> None:
        where = f"{source}:{line}" if line is not None else source
        super().__init__(f"{where}: {reason}", hint=hint)
        self.source = source
        self.line = line
        self.reason = reason


def wants_json(path: str, accept: str) -> bool:
    """Whether an HTTP error is answered in JSON: to the API (a PATH under /api/) and to
    scripts (an ACCEPT header naming JSON and not HTML); a browser gets a page."""
    if path.startswith("/api/"):
        return True
    return "application/json" in accept and "text/html" not in accept
