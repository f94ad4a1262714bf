"""Merge two records of one person, keeping everything from both."""

from __future__ import annotations

from typing import TYPE_CHECKING

from whoknows.core import models
from whoknows.errors import UserError
from whoknows.services import refs, views
from whoknows.services.store import Store
from whoknows.storage import merging
from whoknows.storage.merging import people_foreign_keys as people_foreign_keys

if TYPE_CHECKING:
    from whoknows.storage import schema as s


def merge_people(store: Store, keep_ref: str, other_ref: str) -> models.Person:
    """Fold OTHER into KEEP: emails, phones, tags, notes, interactions, ties, events, all of it."""
    with store.write() as session:
        keep = refs.person(session, store.owner_id, keep_ref)
        other = refs.person(session, store.owner_id, other_ref)
        if keep.id == other.id:
            raise UserError(
                f"{keep_ref!r} and {other_ref!r} are the same person", hint="nothing to merge"
            )
        _merge_fields(keep, other)
        merging.fold_into(session, keep, other)
        return views.person(keep)


# What one record of a person may fill in on another when it is blank (merge, import).
FILLED = (
    "organization_id",
    "role",
    "industry",
    "city",
    "serves",
    "asks",
    "offers",
    "stage",
    "trust",
    "met_where",
)


def _merge_fields(keep: s.Person, other: s.Person) -> None:
    for attr in FILLED:
        if getattr(keep, attr) in (None, "") and getattr(other, attr) not in (None, ""):
            setattr(keep, attr, getattr(other, attr))
    if other.met_on and (keep.met_on is None or other.met_on < keep.met_on):
        keep.met_on = other.met_on
        keep.met_where = other.met_where or keep.met_where
    if other.notes and other.notes != keep.notes:
        keep.notes = f"{keep.notes}\n{other.notes}" if keep.notes else other.notes
