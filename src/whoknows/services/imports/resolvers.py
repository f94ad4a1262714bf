"""Who decides a pair the identity engine can't: a rule (--auto), the user, or the queue.

The core makes no UI decisions: the CLI answers with a prompt, the web with its review
queue, tests with a fake, each through this protocol.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from whoknows.importers.records import PersonRecord


class Decision(StrEnum):
    MERGE = "merge"
    NEW = "new"
    QUEUE = "queue"


@dataclass(frozen=True)
class Candidate:
    """An existing person a record may be, and the engine's reason."""

    person_id: int
    name: str
    organization: str | None
    score: float
    reason: str = ""
    rule: str = ""


class MergeResolver(Protocol):
    """Decides whether a record is a candidate the engine found, someone new, or to review."""

    def decide(self, record: PersonRecord, candidate: Candidate) -> Decision: ...


class QueueResolver:
    """The default: never guess; create the person and queue the pair for review."""

    def decide(self, record: PersonRecord, candidate: Candidate) -> Decision:
        return Decision.QUEUE


class AutoResolver:
    """--auto: merge what a rule may (the same name and organization, nothing against it,
    the only such person); queue the rest."""

    def decide(self, record: PersonRecord, candidate: Candidate) -> Decision:
        return Decision.MERGE if candidate.rule == "name-org" else Decision.QUEUE
