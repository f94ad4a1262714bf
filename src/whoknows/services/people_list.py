"""People listed by name, a page at a time: `person list`, the people page and the API.

Read in plain SQL (storage/people_rows.py), so listing people loads neither SQLAlchemy's ORM
nor the mapped schema (issue 13: a page of a million people in well under half a second).
"""

from __future__ import annotations

from whoknows.core import models
from whoknows.services import paging, refs, validate
from whoknows.services.store import Store, per_version
from whoknows.storage import people_rows
from whoknows.storage.plain import Reader


def _filter(
    reader: Reader, owner: int, tag: str | None, organization: str | None, stage: str | None
) -> people_rows.Filter:
    return people_rows.Filter(
        owner,
        tag=tag,
        organization=None
        if organization is None
        else refs.organization_id(reader, owner, organization),
        stage=None if stage is None else validate.stage(stage).value,
    )


def list_people(
    store: Store,
    *,
    tag: str | None = None,
    organization: str | None = None,
    stage: str | None = None,
    limit: int | None = None,
) -> list[models.Person]:
    """Everyone (or the first LIMIT) who matches, by name."""
    limit = validate.limit(limit)
    with store.plain() as reader:
        wanted = _filter(reader, store.owner_id, tag, organization, stage)
        return people_rows.listed(reader, wanted, limit)


@per_version()
def people_page(
    store: Store,
    window: paging.Window,
    *,
    tag: str | None = None,
    organization: str | None = None,
    stage: str | None = None,
) -> paging.Page[models.Person]:
    """One page of the people who match, by name, and how many match in all."""
    with store.plain() as reader:
        wanted = _filter(reader, store.owner_id, tag, organization, stage)
        total = people_rows.count(reader, wanted)
        found = people_rows.listed(reader, wanted, window.limit, window.offset)
    return paging.Page(found, total, window.offset, window.limit)
