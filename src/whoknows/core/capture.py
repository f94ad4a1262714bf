"""Quick capture: read "Name <email> @Org / Role" as typed at an event."""

from __future__ import annotations

import re
from dataclasses import dataclass

_EMAIL = re.compile(r"<([^<>]*)>")
_ORG = re.compile(r"(?:^|\s)@(?=\S)")


@dataclass(frozen=True)
class CapturedPerson:
    name: str
    email: str | None = None
    organization: str | None = None
    role: str | None = None


def parse_capture(text: str) -> CapturedPerson:
    """Split a capture line into its parts; the name is everything before the first marker.

    Markers: ``<email>``, ``@Organization`` (an @ that starts a word), ``/ Role``
    (a slash with a space after it). A lone address such as ``dana@acme.test``
    is taken as the email of someone whose name is not known yet.
    """
    email = None
    match = _EMAIL.search(text)
    if match:
        email = match.group(1).strip() or None
        text = text[: match.start()] + " " + text[match.end() :]
    role = None
    slash = text.find("/ ")
    if slash != -1 and (slash == 0 or text[slash - 1].isspace()):
        role = text[slash + 2 :].strip() or None
        text = text[:slash]
    organization = None
    org_at = _ORG.search(text)
    if org_at:
        organization = text[org_at.end() :].strip() or None
        text = text[: org_at.start()]
    name = text.strip()
    if email is None and "@" in name and " " not in name:
        return CapturedPerson(name="", email=name, organization=organization, role=role)
    return CapturedPerson(name=name, email=email, organization=organization, role=role)
