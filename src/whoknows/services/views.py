"""Plain views of stored rows: core dataclasses and the JSON shapes of DESIGN.md §7."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import TYPE_CHECKING, Any

from whoknows.core import followups, models

if TYPE_CHECKING:
    from whoknows.services.detail import PersonDetail
    from whoknows.services.organizations import OrgDetail, OrgRow
    from whoknows.storage import schema as s


def person(row: s.Person) -> models.Person:
    return models.Person(
        id=row.id,
        name=row.name,
        emails=tuple(e.email for e in row.emails),
        phones=tuple(p.phone for p in row.phones),
        organization=row.organization.name if row.organization else None,
        role=row.role,
        industry=row.industry,
        city=row.city,
        tags=tuple(t.tag for t in row.tags),
        stage=models.Stage(row.stage) if row.stage else None,
        notes=row.notes,
        serves=row.serves,
        asks=row.asks,
        offers=row.offers,
        trust=row.trust,
        met_where=row.met_where,
        met_on=row.met_on,
        is_me=row.is_me,
    )


def organization(row: s.Organization) -> models.Organization:
    return models.Organization(
        id=row.id,
        name=row.name,
        domain=row.domain,
        industry=row.industry,
        size=row.size,
        city=row.city,
    )


def as_json(value: Any) -> Any:
    """Dataclasses, enums, dates and tuples as JSON-ready values: the one JSON shape of a
    service's result, which the CLI's --json prints and the API's response model validates.
    A result with its own view (an `as_json` method) is shown through it; an event says how
    many people were met there."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        shown = getattr(value, "as_json", None)
        if shown is not None:
            return as_json(shown())
        fields = {f.name: as_json(getattr(value, f.name)) for f in dataclasses.fields(value)}
        if isinstance(value, models.Event):
            fields["met"] = len(value.attendees)
        return fields
    if isinstance(value, dict):
        return {str(k): as_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [as_json(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def person_detail(found: PersonDetail) -> dict[str, Any]:
    """A person with their ties, interactions and events: what `person show --json` prints and
    GET /api/v1/people/{id} answers."""
    return {
        **as_json(found.person),
        "ties": [
            {
                "id": t.other_id,
                "name": t.other_name,
                **as_json(t.tie),
                "sources": list(t.sources),
            }
            for t in found.ties
        ],
        "ties_total": found.ties_total,
        "interactions": as_json(found.interactions),
        "events": [
            {"id": i, "name": n, "date": d.isoformat(), "gets_it": g} for i, n, d, g in found.events
        ],
    }


def org_row(row: OrgRow) -> dict[str, Any]:
    """An organization of the list with how many people are known there: what `org list
    --json` prints and GET /api/v1/organizations answers, row by row."""
    return {**as_json(row.organization), "people": row.people}


def org_detail(found: OrgDetail) -> dict[str, Any]:
    """An organization and the people known there: `org show --json` and its API route."""
    return {**as_json(found.organization), "people": as_json(found.people)}


def plan_item(item: followups.Item) -> dict[str, Any]:
    """An item of the follow-up plan in the JSON shape of DESIGN.md §7 (plus the details): what
    `due --json` prints and GET /api/v1/due answers."""
    return {
        "id": item.id,
        "name": item.name,
        "due": item.due.isoformat(),
        "overdue_days": item.overdue_days,
        "reason": item.reason,
        "action": item.action,
        "tier": item.tier.label,
        "why": item.why,
        "what": item.what,
        "potential": float(item.potential),
        "priority": float(item.priority),
        "reasons": [
            {"kind": r.kind, "due": r.due.isoformat(), "reason": r.text, "action": r.action}
            for r in item.reasons
        ],
    }
