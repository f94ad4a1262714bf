"""Firm-wide questions from the member's machine: who-knows, path, ask and introductions.

Thin over the team server's API (docs/team-design.md, "Questions"): a local person becomes
their contact key with the space's salt here, so a name never leaves the machine.
"""

from __future__ import annotations

from typing import Any

import httpx

from whoknows.core import sharing
from whoknows.errors import Ambiguous, Candidate, Hint, NotFound, UserError
from whoknows.services.people import get_person
from whoknows.services.store import Store
from whoknows.services.team import link
from whoknows.storage import team as rows

DECISIONS = {"accept": "accepted", "decline": "declined", "withdraw": "withdrawn"}


def who_knows(
    store: Store, org: str, *, transport: httpx.BaseTransport | None = None
) -> dict[str, Any]:
    """Which colleagues know someone at ORG, as the server answers it."""
    if not org.strip():
        raise UserError(
            "name an organization", hint=Hint(cli="whoknows team who-knows Acme", web="e.g. Acme")
        )
    with link.connect(store, transport=transport) as (joined, client):
        answer: dict[str, Any] = client.get(
            client.space_path(joined.space, "who-knows"), {"org": org.strip()}
        )
    return answer


def person_key(store: Store, ref: str, salt: str) -> str:
    """The key a local person has in the space: their first email, else LinkedIn profile, else
    phone (the row a push reads them from), keyed with the space's salt exactly as a push
    keys them."""
    person = get_person(store, ref)
    with store.read() as session:
        row = next(rows.tied_people(session, store.owner_id, None, person.id))
    contact = sharing.Contact(
        person_id=person.id,
        name=person.name,
        role=person.role,
        organization=person.organization,
        strength=None,
        emails=(row.email,) if row.email else (),
        linkedin=(row.linkedin,) if row.linkedin else (),
        phones=(row.phone,) if row.phone else (),
    )
    key = sharing.best_key(salt, contact)
    if key is None:
        raise UserError(
            f"{person.name} has no email, LinkedIn profile or phone here to look them up by",
            hint=Hint(
                cli=f"add one (whoknows person edit {person.id} --email …), or ask about org:NAME",
                web="add one on their page, or ask about org:NAME",
            ),
        )
    return key


def path(
    store: Store, target: str, *, transport: httpx.BaseTransport | None = None
) -> dict[str, Any]:
    """Warm paths through colleagues to a local person or to org:NAME."""
    with link.connect(store, transport=transport) as (joined, client):
        to = target.strip()
        if not to.lower().startswith("org:"):
            to = person_key(store, to, joined.salt)
        answer: dict[str, Any] = client.get(client.space_path(joined.space, "path"), {"to": to})
    answer["to"] = target.strip()  # the person as named here, not their key
    return answer


def find_colleague(members: list[dict[str, Any]], ref: str) -> dict[str, Any]:
    ref = ref.strip()
    if ref.isdigit():
        found = [m for m in members if str(m.get("account_id")) == ref]
    else:
        folded = ref.casefold()
        found = [
            m
            for m in members
            if folded == str(m.get("email") or "").casefold()
            or folded in str(m.get("name") or "").casefold()
        ]
    if not found:
        raise NotFound(
            f"no colleague {ref!r} in this space",
            hint=Hint(cli="whoknows team who-knows ORG", web="ask who knows an organization first"),
        )
    if len(found) > 1:
        raise Ambiguous(
            "colleague",
            ref,
            choices=[Candidate(int(m["account_id"]), str(m.get("name") or "")) for m in found],
            hint="use the colleague's number",
        )
    return found[0]


def ask(
    store: Store,
    colleague: str,
    about: str,
    why: str,
    *,
    transport: httpx.BaseTransport | None = None,
    key: str | None = None,
) -> dict[str, Any]:
    """Ask a colleague to introduce me to ABOUT (a local person); KEY retries one request."""
    with link.connect(store, transport=transport) as (joined, client):
        members = client.get(client.space_path(joined.space, "members"))
        chosen = find_colleague(members, colleague)
        body = {
            "colleague": int(chosen["account_id"]),
            "about": person_key(store, about, joined.salt),
            "why": why,
        }
        answer: dict[str, Any] = client.post(
            client.space_path(joined.space, "intros"), body, key=key
        )
    return answer


def intros(store: Store, *, transport: httpx.BaseTransport | None = None) -> dict[str, Any]:
    """The introduction requests I made or was asked."""
    with link.connect(store, transport=transport) as (joined, client):
        answer: dict[str, Any] = client.get(client.space_path(joined.space, "intros"))
    return answer


def decide(
    store: Store, intro_id: int, decision: str, *, transport: httpx.BaseTransport | None = None
) -> dict[str, Any]:
    """Accept or decline a request made of me, or withdraw mine."""
    if decision not in DECISIONS:
        raise UserError(f"unknown decision {decision!r}", hint="accept, decline or withdraw")
    with link.connect(store, transport=transport) as (joined, client):
        answer: dict[str, Any] = client.post(
            client.space_path(joined.space, "intros", str(intro_id), decision), {}
        )
    return answer
