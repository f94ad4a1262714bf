"""Email drafts: Jinja2 templates (overridable from the config folder) rendered to .eml files.

Nothing is ever sent: drafts are shown, and written as .eml files that any mail client opens.
A template's first line is ``Subject: …``; the rest, after a blank line, is the body.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from whoknows import files
from whoknows.config import Settings
from whoknows.core.phrases import need_phrase, offer_phrase, reads_as_need, reads_as_offer
from whoknows.errors import UserError

if TYPE_CHECKING:
    import jinja2  # loaded when a draft is made: commands that make none do not pay for it


@dataclass(frozen=True)
class Recipient:
    name: str
    email: str | None


@dataclass(frozen=True)
class Draft:
    to: tuple[Recipient, ...]
    subject: str
    body: str
    name: str  # a short file-name stem, e.g. "followup-dana-okafor"

    def as_json(self) -> dict[str, Any]:
        """What a script reads of a draft (not the stem of the file --out would write)."""
        return {
            "to": [{"name": r.name, "email": r.email} for r in self.to],
            "missing_email": missing_emails(self),
            "subject": self.subject,
            "body": self.body,
        }


def environment(settings: Settings) -> jinja2.Environment:
    """Templates from ``<config dir>/templates`` first, then the ones shipped in the package."""
    overrides = settings.config_dir / "templates"
    return _environment(overrides, _state(overrides))


def _state(folder: Path) -> tuple[int, ...]:
    """When a template was last added to or removed from FOLDER or its subfolders."""
    try:
        inside = [folder, *(p for p in folder.iterdir() if p.is_dir())]
        return tuple(p.stat().st_mtime_ns for p in inside)
    except OSError:
        return ()


@functools.lru_cache(maxsize=8)
def _environment(overrides: Path, changed: tuple[int, ...]) -> jinja2.Environment:
    # One environment per folder and state of it (CHANGED only keys the cache), so a template
    # is compiled once, not for every draft: a capture at an event renders a draft for
    # everyone met, and 13 compilations took ~300 ms. Jinja2 reloads a changed template.
    import jinja2

    return jinja2.Environment(
        loader=jinja2.ChoiceLoader(
            [
                jinja2.FileSystemLoader(str(overrides)),
                jinja2.PackageLoader("whoknows", "templates"),
            ]
        ),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html",), default=False),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render(
    settings: Settings, template: str, *, to: Sequence[Recipient], name: str, **context: Any
) -> Draft:
    """Render an email template into a Draft."""
    import jinja2

    try:
        text = environment(settings).get_template(template).render(**context)
    except jinja2.TemplateError as exc:
        raise UserError(
            f"email template {template} cannot be rendered: {exc}",
            hint=f"check {settings.config_dir / 'templates' / template}",
        ) from exc
    first, _, body = text.partition("\n")
    if not first.startswith("Subject:"):
        raise UserError(
            f"email template {template} must start with a 'Subject:' line",
            hint=f"check {settings.config_dir / 'templates' / template}",
        )
    subject = " ".join(first.removeprefix("Subject:").split())
    return Draft(to=tuple(to), subject=subject, body=body.lstrip("\n"), name=name)


def sayings(asks: str | None, offers: str | None, serves: str | None) -> dict[str, Any]:
    """What a draft says of someone's asks, offers and whom they serve, ready for a sentence:
    "asks" reads after "is looking for" when "asks_need", else it is quoted as they said it;
    "offers" reads after "offers" when "offers_thing", else it is quoted."""
    asks = " ".join((asks or "").split()).rstrip(" .;") or None
    offers = " ".join((offers or "").split()).rstrip(" .;") or None
    asks_need = bool(asks and reads_as_need(asks))
    offers_thing = bool(offers and reads_as_offer(offers))
    return {
        "serves": offer_phrase(serves) if serves and serves.strip() else None,
        "offers": offer_phrase(offers) if offers and offers_thing else offers,
        "offers_thing": offers_thing,
        "asks": need_phrase(asks) if asks and asks_need else asks,
        "asks_need": asks_need,
    }


def missing_emails(draft: Draft) -> list[str]:
    """The names among a draft's recipients it has no email address for."""
    return [r.name for r in draft.to if _address(r) is None]


def _address(recipient: Recipient) -> Address | None:
    if not recipient.email or "@" not in recipient.email:
        return None
    user, _, domain = recipient.email.rpartition("@")
    return Address(display_name=recipient.name, username=user, domain=domain)


def to_message(
    draft: Draft, sender: Recipient | None, *, when: dt.datetime | None = None
) -> EmailMessage:
    """The draft as an unsent RFC 5322 message (X-Unsent makes Outlook open it for editing)."""
    message = EmailMessage()
    if sender is not None and (address := _address(sender)) is not None:
        message["From"] = address
    addresses = [a for a in (_address(r) for r in draft.to) if a is not None]
    if addresses:
        message["To"] = addresses
    message["Subject"] = draft.subject
    message["Date"] = format_datetime(when or dt.datetime.now(dt.UTC))
    message["X-Unsent"] = "1"
    message.set_content(draft.body)
    return message


def slug(text: str) -> str:
    """A file-name-safe stem (keeps letters of any script)."""
    cleaned = re.sub(r"[^\w]+", "-", text.casefold()).strip("-")
    return cleaned[:60] or "draft"


def write_drafts(drafts: Sequence[Draft], folder: Path, sender: Recipient | None) -> list[Path]:
    """Write each draft as NAME.eml in FOLDER (created when missing); never overwrites."""
    folder = files.private_folder(folder.expanduser())
    written = []
    for draft in drafts:
        target = folder / f"{slug(draft.name)}.eml"
        number = 2
        while target.exists() or target in written:
            target = folder / f"{slug(draft.name)}-{number}.eml"
            number += 1
        with files.atomic_write(target, binary=True) as out:
            out.write(to_message(draft, sender).as_bytes())
        written.append(target)
    return written
