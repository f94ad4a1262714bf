"""My referral brief: versions, editing as text, rendering to hand out, and who holds which copy.

Every change adds a version (the ``briefs`` table); ``sent`` records who was given the
current version (``brief_copies``). A copy of an earlier version is old: editing the brief
makes everyone's copy old until it is sent again.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from whoknows import files
from whoknows.errors import Hint, UserError
from whoknows.services import drafts, refs, validate
from whoknows.services.store import Store
from whoknows.storage import briefs, lookups

if TYPE_CHECKING:
    from whoknows.storage import schema as s
    from whoknows.storage.unit import Session

# The sections in order: field name, heading.
SECTIONS: tuple[tuple[str, str], ...] = (
    ("offer", "What I offer"),
    ("problems", "Problems I solve"),
    ("for_whom", "For whom"),
    ("results", "Typical results"),
    ("wanted_intros", "Introductions I am looking for"),
)
FORMATS = ("md", "html", "txt")
_BULLET = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+")


@dataclass(frozen=True)
class Holder:
    """Someone I gave my brief to, and whether their copy is the current version."""

    id: int
    name: str
    version: int
    sent_on: dt.date
    current: bool


@dataclass(frozen=True)
class BriefView:
    version: int
    created_on: dt.date
    offer: str | None
    problems: str | None
    for_whom: str | None
    results: str | None
    wanted_intros: str | None
    holders: tuple[Holder, ...] = ()

    def section(self, field: str) -> str | None:
        value: str | None = getattr(self, field)
        return value

    @property
    def intros(self) -> list[str]:
        """The introductions I want, one per line of the section (bullets dropped)."""
        return intro_items(self.wanted_intros)

    @property
    def help_answer(self) -> str:
        """The short answer to "How could I help you?"."""
        return help_answer(self.intros)


def intro_items(text: str | None) -> list[str]:
    lines = (_BULLET.sub("", line).strip() for line in (text or "").splitlines())
    return [line for line in lines if line]


def help_answer(items: list[str]) -> str:
    if not items:
        return ""
    if len(items) == 1:
        listed = items[0]
    else:
        listed = ", ".join(items[:-1]) + " and " + items[-1]
    return f"Thank you for asking! An introduction would help me most: {listed}."


def current_version(session: Session, owner_id: int) -> int | None:
    """The current version number of my brief; None before the first one."""
    return briefs.current_version(session, owner_id)


def briefed_people(session: Session, owner_id: int) -> set[int]:
    """The people holding the CURRENT version of my brief (the advocate ranking's 'briefed')."""
    return lookups.briefed(refs.reader_of(session), owner_id)


def _view(session: Session, owner_id: int, row: s.Brief) -> BriefView:
    copies = briefs.copies(session, owner_id)
    latest: dict[int, Holder] = {}
    for copy, name in copies:
        if copy.person_id not in latest:
            latest[copy.person_id] = Holder(
                copy.person_id, name, copy.version, copy.sent_on, copy.version == row.version
            )
    return BriefView(
        version=row.version,
        created_on=row.created_on,
        offer=row.offer,
        problems=row.problems,
        for_whom=row.for_whom,
        results=row.results,
        wanted_intros=row.wanted_intros,
        holders=tuple(latest.values()),
    )


def _require(session: Session, owner_id: int) -> s.Brief:
    row = briefs.current(session, owner_id)
    if row is None:
        raise UserError(
            "you have no referral brief yet",
            hint=Hint(
                cli="write one: whoknows brief set --offer … --problems … --for-whom … "
                "--results … --wanted-intros …",
                web="write one on the Brief page",
            ),
        )
    return row


def show(store: Store) -> BriefView:
    """The current version of my brief and who holds which copy."""
    with store.read() as session:
        return _view(session, store.owner_id, _require(session, store.owner_id))


def set_brief(
    store: Store,
    *,
    offer: str | None = None,
    problems: str | None = None,
    for_whom: str | None = None,
    results: str | None = None,
    wanted_intros: str | None = None,
    on: dt.date | None = None,
) -> tuple[BriefView, bool]:
    """A new version with the sections given (None keeps a section, "" clears it).

    Returns the current brief and whether a new version was made (False: nothing changed).
    """
    given = {
        "offer": offer,
        "problems": problems,
        "for_whom": for_whom,
        "results": results,
        "wanted_intros": wanted_intros,
    }
    if all(v is None for v in given.values()):
        raise UserError(
            "nothing to set",
            hint=Hint(
                cli="give at least one of --offer, --problems, --for-whom, --results, "
                "--wanted-intros",
                web="fill at least one section",
            ),
        )
    return _save(store, {k: v for k, v in given.items() if v is not None}, on)


def _save(
    store: Store, changes: dict[str, str | None], on: dt.date | None
) -> tuple[BriefView, bool]:
    cleaned = {k: _clean(v) for k, v in changes.items()}
    with store.write() as session:
        row = briefs.current(session, store.owner_id)
        values = {name: getattr(row, name) if row else None for name, _ in SECTIONS}
        new = {**values, **cleaned}
        if row is not None and new == values:
            return _view(session, store.owner_id, row), False
        if row is None and not any(new.values()):
            raise UserError("the brief would be empty", hint="write at least one section")
        added = briefs.add(
            session,
            store.owner_id,
            version=(row.version if row else 0) + 1,
            created_on=on or dt.date.today(),
            **new,
        )
        return _view(session, store.owner_id, added), True


def _clean(value: str | None) -> str | None:
    checked = validate.text(value)
    if checked is None:
        return None
    lines = [line.rstrip() for line in checked.strip().splitlines()]
    return "\n".join(lines)


_HEADER = """\
# Your referral brief (version {version}). Write under each heading; an empty section
# is cleared. Lines starting with a single # are ignored. Keep the ## headings.
# Introductions I am looking for: one per line (a role, an organization or a named person).
# Save and quit to keep it as a new version; quit without saving to change nothing.
"""


def as_text(view: BriefView | None) -> str:
    """The brief as the text file `brief edit` opens."""
    parts = [_HEADER.format(version=view.version if view else "new")]
    for name, heading in SECTIONS:
        body = (view.section(name) if view else None) or ""
        parts.append(f"## {heading}\n{body}\n" if body else f"## {heading}\n")
    return "\n".join(parts)


def parse_text(text: str) -> dict[str, str | None]:
    """The sections of an edited brief; a broken one raises UserError (nothing is written)."""
    by_heading = {heading.casefold(): name for name, heading in SECTIONS}
    found: dict[str, list[str]] = {}
    current: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith("## "):
            heading = line[3:].strip().casefold()
            if heading not in by_heading:
                known = ", ".join(h for _, h in SECTIONS)
                raise UserError(
                    f"line {number}: unknown section {line.strip()!r}",
                    hint=f"the sections are: {known}; nothing was changed",
                )
            current = by_heading[heading]
            if current in found:
                raise UserError(
                    f"line {number}: section {line.strip()!r} appears twice",
                    hint="keep each heading once; nothing was changed",
                )
            found[current] = []
        elif line.startswith("#"):
            continue
        elif current is None:
            if line.strip():
                raise UserError(
                    f"line {number}: text before the first section heading",
                    hint="write under a ## heading; nothing was changed",
                )
        else:
            found[current].append(line)
    missing = [heading for name, heading in SECTIONS if name not in found]
    if missing:
        raise UserError(
            f"section {missing[0]!r} is missing",
            hint="keep every ## heading (leave a section empty to clear it); nothing was changed",
        )
    return {name: "\n".join(lines).strip() or None for name, lines in found.items()}


def edit(
    store: Store, edit_text: Callable[[str], str | None], *, on: dt.date | None = None
) -> tuple[BriefView, bool]:
    """Let EDIT_TEXT change the brief as text (the CLI opens $EDITOR); save a new version.

    EDIT_TEXT returns the edited text, or None when the user left it unchanged.
    """
    with store.read() as session:
        row = briefs.current(session, store.owner_id)
        before = _view(session, store.owner_id, row) if row else None
    edited = edit_text(as_text(before))
    if edited is None:
        if before is None:
            raise UserError("the brief was not saved", hint="write something and save")
        return before, False
    sections = parse_text(edited)
    if before is None and not any(sections.values()):
        raise UserError("the brief would be empty", hint="write at least one section")
    return _save(store, dict(sections), on)


@dataclass(frozen=True)
class Sent:
    person_id: int
    name: str
    version: int
    sent_on: dt.date
    already: bool  # they already held this version


def sent(store: Store, person_ref: str, *, on: dt.date | None = None) -> Sent:
    """Record that PERSON now holds the current version of my brief."""
    on = on or dt.date.today()
    with store.write() as session:
        row = _require(session, store.owner_id)
        person = refs.person(session, store.owner_id, person_ref)
        if person.is_me:
            raise UserError("the brief is for others to hold", hint="name someone else")
        already = briefs.holds(session, store.owner_id, person.id, row.version)
        if not already:
            briefs.add_copy(
                session, store.owner_id, person_id=person.id, version=row.version, sent_on=on
            )
        return Sent(person.id, person.name, row.version, on, already)


@dataclass(frozen=True)
class Author:
    name: str
    role: str | None
    organization: str | None
    email: str | None


def render(store: Store, fmt: str = "md") -> str:
    """The one-page brief to hand an advocate, as Markdown, HTML (self-contained) or text."""
    import jinja2  # only to render: the brief's other uses do not load it

    if fmt not in FORMATS:
        raise UserError(f"format {fmt!r} is not known", hint=f"use one of: {', '.join(FORMATS)}")
    with store.read() as session:
        view = _view(session, store.owner_id, _require(session, store.owner_id))
        me = refs.me(session, store.owner_id)
        author = Author(
            me.name,
            me.role,
            me.organization.name if me.organization else None,
            me.emails[0].email if me.emails else None,
        )
    sections = [(heading, view.section(name)) for name, heading in SECTIONS[:-1]]
    template = f"brief.{fmt}"
    try:
        return (
            drafts.environment(store.settings)
            .get_template(template)
            .render(
                brief=view,
                me=author,
                sections=[(h, body) for h, body in sections if body],
                paragraphs=_paragraphs,
                intros=view.intros,
                intros_heading=SECTIONS[-1][1],
                help_answer=view.help_answer,
            )
        )
    except jinja2.TemplateError as exc:
        raise UserError(
            f"brief template {template} cannot be rendered: {exc}",
            hint=f"check {store.settings.config_dir / 'templates' / template}",
        ) from exc


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]


def write_file(path: Path, text: str) -> None:
    """Write a rendered brief to PATH atomically."""
    with files.atomic_write(path) as out:
        out.write(text)
