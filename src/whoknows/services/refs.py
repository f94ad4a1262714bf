"""Find people, organizations and events from what a user types: id, email or a name part.

Names match the way a person means them: case, spacing and accents do not count ("tomas"
finds Tomás, "SOREN" finds Søren). An exact name wins over a part of one, and a part is the
start of words ("tom shev" is Tomás Shevchenko; "ana" is not Dana). When several
people match and exactly one of them is someone I know (a tie of mine), that one is meant;
organizations likewise, when I know people at exactly one of them. Otherwise the reference
is ambiguous, and the error carries the candidates (organization and role first) for the
CLI to offer as a numbered choice, or for a script to read.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from whoknows.errors import Ambiguous, Candidate, Hint, NotFound, UserError
from whoknows.services import next_steps, validate
from whoknows.storage import plain
from whoknows.storage.plain import Reader
from whoknows.storage.unit import reader_of as reader_of

if TYPE_CHECKING:
    from whoknows.storage import schema as s
    from whoknows.storage.unit import Session

# The repositories load SQLAlchemy: they are imported where a session is given (it is loaded
# then), so that finding someone with plain SQL (path, advocates) loads none.

MAX_MATCHES = 50  # candidates listed for a choice
MAX_SCAN = 5_000  # names a part of a name may match before it must say more
# Letters that do not come apart into a base letter and an accent.
_PLAIN = str.maketrans(
    {"ø": "o", "đ": "d", "ð": "d", "ł": "l", "æ": "ae", "œ": "oe", "þ": "th", "ı": "i", "ħ": "h"}
)
# The letters a stored name may carry with an accent where the reference has none: in the
# database's LIKE pattern they match any one character, and fold() decides.
_ACCENTED = frozenset("aeiouycnszl")


def name_key(name: str) -> str:
    """The form names are stored and looked up in: case-insensitive, spacing folded.

    (Not accent-folded: organizations are unique by it, and "Café Ltd" may not be "Cafe Ltd".)
    """
    return " ".join(name.casefold().split())


def fold(name: str) -> str:
    """NAME as compared with what a person types: case, spacing and accents folded away."""
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", name).casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.casefold().translate(_PLAIN).split())


def _pattern(folded: str) -> str:
    """A LIKE pattern (escape "\\") finding every stored name key that may fold to start
    words with those of FOLDED, in order: a superset, which fold() then narrows."""
    words = []
    for word in folded.replace("-", " ").split():
        out = []
        for c in word:
            if c in _ACCENTED:
                out.append("_")
            elif c in "%_\\":
                out.append("\\" + c)
            else:
                out.append(c)
        words.append("".join(out))
    return "%" + "%".join(words) + "%"


def _as_id(ref: str, what: str) -> int | None:
    validate.reference(ref, f"{what} reference")
    text = ref.strip().removeprefix("#")
    return validate.row_id(text, what) if text.isascii() and text.isdigit() else None


def me(session: Session, owner_id: int) -> s.Person:
    from whoknows.storage import persons

    found = persons.me(session, owner_id)
    if found is None:
        raise UserError("who you are is not set yet", hint=next_steps.SET_ME)
    return found


def person(session: Session, owner_id: int, ref: str) -> s.Person:
    """The one person REF names: "me", an id, an email, or an unambiguous part of a name."""
    from whoknows.storage import persons

    found = persons.get(session, person_id(reader_of(session), owner_id, ref))
    assert found is not None  # just found in this transaction
    return found


def _me_id(reader: Reader, owner_id: int) -> int | None:
    return plain.state(reader, owner_id).me_id


def person_id(reader: Reader, owner_id: int, ref: str) -> int:
    """The id of the one person REF names (see person()), read with plain SQL."""
    if not ref.strip():
        raise UserError("empty person reference", hint="give an id, an email or a name")
    if ref.strip().casefold() == "me":
        me_id = _me_id(reader, owner_id)
        if me_id is None:
            raise UserError("who you are is not set yet", hint=next_steps.SET_ME)
        return me_id
    wanted = _as_id(ref, "person")
    if wanted is not None:
        return _existing(reader, "people", owner_id, wanted, "person list")
    if "@" in ref and " " not in ref.strip():
        address = validate.email(ref)
        found = reader.scalar(
            "SELECT person_id FROM person_emails WHERE owner_id = ? AND email = ? "
            "ORDER BY person_id LIMIT 1",
            (owner_id, address),
        )
        if found is None:
            raise NotFound(f"no person with email {address}", hint=next_steps.FIND_PERSON)
        return int(found)
    matches = _by_name(reader, "people", owner_id, ref)
    if not matches:
        raise NotFound(
            f"nobody matches {ref!r}",
            hint=Hint(
                cli=f"try: whoknows person find {ref!r}",
                web="look for part of the name in People",
                api="GET /api/v1/people?q=…",
            ),
        )
    known = _known_people(reader, owner_id, matches) if len(matches) > 1 else {}
    mine = [pid for pid in matches if pid in known]
    if len(matches) == 1 or len(mine) == 1:
        return matches[0] if len(matches) == 1 else mine[0]  # the one I mean
    first = sorted(matches, key=lambda pid: (-known.get(pid, -1.0), pid))[:MAX_MATCHES]
    rows = _candidates(reader, first)
    ordered = sorted(rows, key=lambda p: (-known.get(p.id, -1.0), p.name_key, p.id))
    labels = [p.label(p.id in known) for p in ordered]
    raise Ambiguous(
        "person",
        ref,
        labels,
        choices=[p.candidate() for p in ordered],
        message=_ambiguous("person", ref, len(matches), labels),
        hint="pick one by its id (#ID) or email",
    )


def _existing(reader: Reader, table: str, owner_id: int, wanted: int, listing: str) -> int:
    """WANTED, when TABLE (people or organizations) has that row of the owner's."""
    if reader.scalar(f"SELECT id FROM {table} WHERE id = ? AND owner_id = ?", (wanted, owner_id)):
        return wanted
    what = "person" if table == "people" else "organization"
    raise NotFound(f"no {what} with id {wanted}", hint=next_steps.LISTINGS[listing])


class _Row:
    """A candidate person as a choice lists them."""

    def __init__(self, row: tuple[Any, ...]) -> None:
        self.id, self.name, self.name_key, self.role, self.organization, self.email = row

    def candidate(self) -> Candidate:
        return Candidate(self.id, self.name, self.organization, self.role)

    def label(self, known: bool = False) -> str:
        return _label_of(self.id, self.name, self.role, self.organization, self.email, known)


def _candidates(reader: Reader, ids: Sequence[int]) -> list[_Row]:
    marks = ", ".join("?" for _ in ids)
    return [
        _Row(row)
        for row in reader.rows(
            "SELECT p.id, p.name, p.name_key, p.role, o.name, (SELECT e.email FROM person_emails e"
            " WHERE e.person_id = p.id ORDER BY e.position, e.id LIMIT 1) "
            "FROM people p LEFT JOIN organizations o ON o.id = p.organization_id "
            f"WHERE p.id IN ({marks})",
            tuple(ids),
        )
    ]


def _ambiguous(what: str, ref: str, count: int, labels: Sequence[str]) -> str:
    shown = "; ".join(labels[:8])
    more = f"; and {count - 8} more" if count > 8 else ""
    return f"{what} {ref!r} is ambiguous, it matches {count}: {shown}{more}"


def _by_name(reader: Reader, table: str, owner_id: int, ref: str) -> list[int]:
    """The ids of TABLE's rows (people or organizations) whose name REF names: exactly (case
    and spacing aside), else exactly with accents aside, else by the start of its words."""
    key, folded = name_key(ref), fold(ref)
    exact = [
        int(row_id)
        for (row_id,) in reader.rows(
            f"SELECT id FROM {table} WHERE owner_id = ? AND name_key = ? ORDER BY id LIMIT ?",
            (owner_id, key, MAX_SCAN),
        )
    ]
    if exact or not folded:
        return exact
    # Accents aside: the database narrows by a pattern, fold() decides (a scan, as any
    # search for a part of a name is; the exact lookup above uses the index).
    found = reader.rows(
        f"SELECT id, name_key FROM {table} WHERE owner_id = ? AND name_key LIKE ? ESCAPE '\\' "
        "ORDER BY id",
        (owner_id, _pattern(folded)),
    )
    same, part = [], []
    for row_id, stored in found:
        name = fold(stored)
        if name == folded:
            same.append(int(row_id))
        elif _starts_words(folded, name):
            part.append(int(row_id))
    if not same and len(part) > MAX_SCAN:
        raise UserError(
            f"{len(part):,} names contain {ref!r}", hint="give more of the name, an email or an id"
        )
    return same or part


# My ties as (peer, strength) rows: one indexed lookup per side, never an OR over all.
_MY_TIES = (
    "(SELECT person_b_id AS peer, COALESCE(strength, 0.0) AS strength FROM ties "
    "WHERE owner_id = ? AND person_a_id = ? "
    "UNION ALL SELECT person_a_id AS peer, COALESCE(strength, 0.0) AS strength FROM ties "
    "WHERE owner_id = ? AND person_b_id = ?) mine"
)


def _starts_words(folded: str, name: str) -> bool:
    """Whether every word typed starts a word of NAME, in order ("tom shev" is Tomás
    Shevchenko; "ana" is Ana Lima, not Dana Okafor)."""
    words = name.replace("-", " ").split()
    at = 0
    for typed in folded.replace("-", " ").split():
        while at < len(words) and not words[at].startswith(typed):
            at += 1
        if at == len(words):
            return False
        at += 1
    return True


def _known_people(reader: Reader, owner_id: int, ids: Sequence[int]) -> dict[int, float]:
    """Those of IDS with a tie to me, and its strength (0 when not recorded)."""
    mine = _me_id(reader, owner_id)
    if mine is None or not ids:
        return {}
    marks = ", ".join("?" for _ in ids)
    rows = reader.rows(
        f"SELECT peer, strength FROM {_MY_TIES} WHERE peer IN ({marks})",
        (owner_id, mine, owner_id, mine, *ids),
    )
    return {int(peer): float(st) for peer, st in rows}


def candidate(p: s.Person) -> Candidate:
    """PERSON as a choice to offer: id, name, organization and role."""
    return Candidate(p.id, p.name, p.organization.name if p.organization else None, p.role)


def _label_of(
    pid: int, name: str, role: str | None, org: str | None, email: str | None, known: bool
) -> str:
    """ "#12 Dana Jones (Operations Director at Ferro Ltd, dana@ferro.test; you know them)"."""
    where = " at ".join(x for x in (role, org) if x)
    extra = [x for x in (where, email) if x]
    if known:
        extra.append("you know them")
    return f"#{pid} {name}" + (f" ({', '.join(extra)})" if extra else "")


def organization(session: Session, owner_id: int, ref: str) -> s.Organization:
    """The one organization REF names: an id, the name, or an unambiguous part of it."""
    from whoknows.storage import organizations

    found = organizations.get(session, organization_id(reader_of(session), owner_id, ref))
    assert found is not None  # just found in this transaction
    return found


def organization_id(reader: Reader, owner_id: int, ref: str) -> int:
    """The id of the one organization REF names (see organization()), read with plain SQL."""
    ref = ref.removeprefix("org:")
    wanted = _as_id(ref, "organization")
    if wanted is not None:
        return _existing(reader, "organizations", owner_id, wanted, "org list")
    matches = _by_name(reader, "organizations", owner_id, ref)
    if not matches:
        raise NotFound(f"no organization matches {ref!r}", hint=next_steps.LISTINGS["org list"])
    known = _known_at(reader, owner_id, matches) if len(matches) > 1 else {}
    mine = [oid for oid in matches if known.get(oid)]
    if len(matches) == 1 or len(mine) == 1:
        return matches[0] if len(matches) == 1 else mine[0]  # the one I mean
    first = sorted(matches, key=lambda oid: (-known.get(oid, 0), oid))[:MAX_MATCHES]
    marks = ", ".join("?" for _ in first)
    orgs = reader.rows(
        f"SELECT id, name, name_key, industry, city FROM organizations WHERE id IN ({marks})",
        tuple(first),
    )
    ordered = sorted(orgs, key=lambda o: (-known.get(o[0], 0), o[2], o[0]))
    labels = [_org_label(o, known.get(o[0], 0)) for o in ordered]
    raise Ambiguous(
        "organization",
        ref,
        labels,
        choices=[Candidate(o[0], o[1], None, o[3]) for o in ordered],
        message=_ambiguous("organization", ref, len(matches), labels),
        hint=f"pick one by its id, e.g. org:#{ordered[0][0]}",
    )


def _known_at(reader: Reader, owner_id: int, ids: Sequence[int]) -> dict[int, int]:
    """Per organization of IDS, how many people I know (a tie of mine) work there."""
    mine = _me_id(reader, owner_id)
    if mine is None or not ids:
        return {}
    marks = ", ".join("?" for _ in ids)
    rows = reader.rows(
        f"SELECT p.organization_id, COUNT(p.id) FROM people p JOIN {_MY_TIES} "
        f"ON mine.peer = p.id WHERE p.owner_id = ? AND p.organization_id IN ({marks}) "
        "GROUP BY p.organization_id",
        (owner_id, mine, owner_id, mine, owner_id, *ids),
    )
    return {int(org): int(n) for org, n in rows if org is not None}


def _org_label(o: tuple[Any, ...], known: int) -> str:
    oid, name, _key, industry, city = o
    extra = [x for x in (industry, city) if x]
    if known:
        extra.append(f"you know {known} {'person' if known == 1 else 'people'} there")
    return f"#{oid} {name}" + (f" ({', '.join(extra)})" if extra else "")


def event(session: Session, owner_id: int, ref: str) -> s.Event:
    """The one event REF names: an id, or an unambiguous part of its name (newest wins ties)."""
    from whoknows.storage import events

    event_id = _as_id(ref, "event")
    if event_id is not None:
        found = events.get(session, owner_id, event_id)
        if found is None:
            raise NotFound(f"no event with id {event_id}", hint=next_steps.LISTINGS["event list"])
        return found
    key, folded = name_key(ref), fold(ref)
    candidates = events.matching(session, events.newest_first(owner_id))
    exact = [e for e in candidates if name_key(e.name) == key]
    same = exact or [e for e in candidates if fold(e.name) == folded]
    matches = same or [e for e in candidates if folded and folded in fold(e.name)]
    if not matches:
        raise NotFound(
            f"no event matches {ref!r}",
            hint=Hint(cli=f'create it: whoknows event add "{ref}"', web="create it in Events"),
        )
    if len(matches) > 1:
        raise Ambiguous("event", ref, [f"#{e.id} {e.name} ({e.date})" for e in matches])
    return matches[0]
