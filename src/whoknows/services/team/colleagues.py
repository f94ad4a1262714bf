"""A colleague of the team server as a person in the member's own database."""

from __future__ import annotations

from typing import Any

from whoknows.errors import UserError
from whoknows.services import people
from whoknows.services.people import PersonInput
from whoknows.services.store import Store


def colleague_person(store: Store, member: dict[str, Any]) -> int | None:
    """The colleague as a person here: found by their email, else added."""
    email = str(member.get("email") or "").strip()
    if not email:
        return None
    try:
        return people.get_person(store, email).id
    except UserError:
        name = str(member.get("name") or "").strip() or email
        return people.add_person(store, PersonInput(name=name, emails=[email])).id
