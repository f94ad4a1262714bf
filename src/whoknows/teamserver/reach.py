"""Firm-wide questions: who here knows someone at an organization, and warm paths to a person.

Both are answered for one member (the asker) in one space, under the space's row security,
from what colleagues pushed (docs/team-design.md). A colleague counts while they are a
visible member who has not left and shares more than nothing; a contact's name appears only
when its member shares at level ``name`` now (a name stored earlier is never shown once the
member shares at ``who``), otherwise the redacted description ("a VP Sales at Acme").

who-knows reads org_reach and a colleague's strongest few contacts through an index in
that order (migration 0010), in one statement. Paths run on the space's snapshot
(teamserver/snapshot.py, and the worker's holder of it, teamserver/snapshots.py).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection, text

from whoknows.core.identity import org_key
from whoknows.core.sharing import seen_as
from whoknows.errors import UserError
from whoknows.teamserver import limits, snapshot
from whoknows.teamserver.audit import event

QUESTION_LIMIT = (int(os.environ.get("WHOKNOWS_TEAM_QUESTIONS_PER_MINUTE", "120")), 60)
"""Questions per member per space per window (limit, seconds): enumerating organizations
rebuilds a colleague's network, so nobody may ask without end."""
COLLEAGUES_SHOWN = 25
PATHS_SHOWN = 5
PATH_TARGETS = 10  # per colleague, to an organization
PATHS_SEARCHED = 8  # to an organization: strongest per first hop, then one per colleague
CONTACTS_SHOWN = 3  # per colleague in who-knows
BAND_RANK = "array_position(ARRAY['weak', 'good', 'strong'], {})"

# A colleague whose ties count: a member of the space now, visible, sharing something.
COUNTED = "m.left_at IS NULL AND m.visible AND m.sharing_level <> 'nothing'"


ONLY_ASKING = {"synchronous_commit": "off", "jit": "off"}


def ask(
    conn: Connection, s: int, a: int, action: str, subject: str, only_asking: bool = False
) -> None:
    """Count one question against member A's limit in space S and audit it, in one statement
    (a round trip costs more than any of its parts). ONLY_ASKING: the question changes
    nothing else, so its transaction commits without waiting for the disk (a PostgreSQL
    crash may lose the last fraction of a second of them, never anything a member changed),
    nor is JIT worth its compiling for index lookups; set in the same statement."""
    limit, per = QUESTION_LIMIT
    also, settings = event(action, subject), ONLY_ASKING if only_asking else None
    limits.hit(
        conn, f"question:{s}:{a}", limit, per, what="questions", also=also, settings=settings
    )


def organization(value: str) -> str:
    """An organization as asked about, matched as core matches them; UserError when blank."""
    found = org_key(value.strip()) if value else None
    if not found:
        raise UserError("name an organization", hint="for example ?org=Acme")
    return found


# The colleagues who count and know someone at an organization (best band first), each with
# their strongest few contacts there: index lookups in org_reach and (space, org, member).
_AT_ORG = f"""
            WITH reach AS (
              SELECT r.account_id, r.org, r.best_band, r.n_contacts, m.sharing_level,
                     a.name AS member_name
              FROM org_reach r
              JOIN membership m ON m.space_id = r.space_id AND m.account_id = r.account_id
              JOIN account a ON a.id = r.account_id
              WHERE r.space_id = :s AND r.org_key = :k AND {COUNTED}
              ORDER BY {BAND_RANK.format("r.best_band")} DESC, r.n_contacts DESC,
                       r.account_id
              LIMIT :colleagues
            )
            SELECT reach.*, c.key, c.name, c.role, c.org AS contact_org, c.band
            FROM reach LEFT JOIN LATERAL (
              SELECT sc.key, sc.name, sc.role, sc.org, sc.band FROM shared_contact sc
              WHERE sc.space_id = :s AND sc.org_key = :k AND sc.account_id = reach.account_id
              ORDER BY {BAND_RANK.format("sc.band")} DESC, sc.key
              LIMIT :per
            ) c ON true
            """


def who_knows(
    conn: Connection, space_id: int, account_id: int, org: str, read: Connection | None = None
) -> dict[str, Any]:
    """The colleagues who know someone at ORG: best band, how many, and a few contacts as
    their member's level allows. The asker's own row is marked ``you``. The question is
    counted and audited on CONN; the answer is read on READ (a replica's, with `--read-db`)."""
    key = organization(org)
    ask(conn, space_id, account_id, "question.who_knows", f"org:{key}", only_asking=True)
    read = read if read is not None else conn
    rows = read.execute(
        text(
            f"""
            WITH totals AS (
              SELECT count(*) AS colleagues, coalesce(sum(r.n_contacts), 0) AS contacts,
                     min(r.org) AS total_org
              FROM org_reach r
              JOIN membership m ON m.space_id = r.space_id AND m.account_id = r.account_id
              WHERE r.space_id = :s AND r.org_key = :k AND {COUNTED}
            )
            SELECT * FROM totals LEFT JOIN ({_AT_ORG}) found ON true
            ORDER BY {BAND_RANK.format("found.best_band")} DESC, found.n_contacts DESC,
                     found.account_id, {BAND_RANK.format("found.band")} DESC, found.key
            """
        ),
        {"s": space_id, "k": key, "colleagues": COLLEAGUES_SHOWN, "per": CONTACTS_SHOWN},
    ).all()
    totals = rows[0]  # the totals, in every row (and alone when nobody knows anyone there)
    colleagues: dict[int, dict[str, Any]] = {}
    for row in rows if rows[0].account_id is not None else []:
        entry = colleagues.setdefault(
            row.account_id,
            {
                "id": row.account_id,
                "name": row.member_name,
                "you": row.account_id == account_id,
                "band": row.best_band,
                "count": row.n_contacts,
                "level": row.sharing_level,
                "contacts": [],
            },
        )
        if row.band is not None:
            entry["contacts"].append(
                _contact(row.key, row.name, row.role, row.contact_org, row.band, row.sharing_level)
            )
    return {
        "org": totals.total_org or org.strip(),
        "org_key": key,
        "colleagues": list(colleagues.values()),
        "total_colleagues": totals.colleagues,
        "total_contacts": int(totals.contacts),
    }


def _contact(
    key: str, name: str | None, role: str | None, org: str | None, band: str, level: str
) -> dict[str, Any]:
    """A contact as the asker may see it; the key (an HMAC, as `path?to=` and `intros` take
    it) lets them ask for an introduction, and tells nothing a path question would not."""
    shown = name if level == "name" else None
    found: dict[str, Any] = {"key": key, "description": seen_as(shown, role, org), "band": band}
    if shown:
        found["name"] = shown
    return found


# --- paths ---------------------------------------------------------------------------------


def target(value: str) -> tuple[str, str]:
    """What a path goes to: ("key", a contact key) or ("org", an organization key)."""
    value = (value or "").strip()
    if value.lower().startswith("org:"):
        return "org", organization(value[4:])
    if len(value) == 64 and all(c in "0123456789abcdef" for c in value.lower()):
        return "key", value.lower()
    raise UserError(
        f"cannot find a path to {value[:80]!r}",
        hint="give a contact key (64 hexadecimal digits) or org:NAME",
    )


@dataclass(frozen=True)
class PathAsked:
    """A path question once counted and audited: what it goes to, read before the search."""

    to: str
    kind: str
    targets: npt.NDArray[np.int64]
    """Key ids: the person's, or the strongest few contacts there of each colleague."""
    mine_there: int


def ask_path(conn: Connection, space_id: int, account_id: int, to: str) -> PathAsked:
    """Count and audit a path question in the request's transaction, and read what its search
    needs from the database; the search itself (`search`) then needs no connection."""
    kind, value = target(to)
    ask(conn, space_id, account_id, "question.path", f"{kind}:{value}", only_asking=True)
    if kind == "key":
        return PathAsked(to.strip(), kind, np.array([snapshot.key_id(value)]), 0)
    # The strongest few contacts of each colleague who knows someone there (not everyone
    # there: at a big organization that is a quarter of a million rows to read).
    rows = conn.execute(
        text(_AT_ORG),
        {"s": space_id, "k": value, "colleagues": COLLEAGUES_SHOWN, "per": PATH_TARGETS},
    ).all()
    keys = np.fromiter(
        (snapshot.key_id(row.key) for row in rows if row.key is not None), dtype=np.int64
    )
    mine = next((int(r.n_contacts) for r in rows if r.account_id == account_id), 0)
    return PathAsked(to.strip(), kind, keys, mine)


def search(pooled: snapshot.Pooled, account_id: int, asked: PathAsked) -> list[Any]:
    """The strongest path through each colleague who is a way in (at most PATHS_SEARCHED),
    on the snapshot alone."""
    wanted = pooled.nodes_of_keys(asked.targets)
    me = pooled.node_of_account(account_id)
    if asked.kind == "org" and me is not None:
        # People there the asker knows already are no news: the paths go to the others.
        mine = pooled.graph.neighbors(me)[0]  # sorted: a search, not a hash of 100,000 ties
        at = np.minimum(np.searchsorted(mine, wanted), max(len(mine) - 1, 0))
        wanted = wanted[~(mine[at] == wanted)] if len(mine) else wanted
    searched = PATHS_SHOWN if len(wanted) == 1 else PATHS_SEARCHED
    return _one_per_colleague(pooled, account_id, pooled.paths(account_id, wanted, k=searched))


def answer_paths(
    conn: Connection,
    space_id: int,
    account_id: int,
    pooled: snapshot.Pooled,
    asked: PathAsked,
    chains: list[Any],
) -> dict[str, Any]:
    """The paths as the asker may see them (read on CONN, after the search). A path through a
    colleague who no longer counts, or a tie no longer shared, since the snapshot was made is
    left out, so a snapshot a moment old never shows what is no longer shared."""
    described = _Describer(conn, space_id, account_id, pooled, chains)
    found = [described.chain(c) for c in chains if described.counts(c)][:PATHS_SHOWN]
    mine = asked.kind == "org" and pooled.node_of_account(account_id) is not None  # node 0 too
    own = asked.mine_there if mine else 0
    return {"to": asked.to, "version": pooled.version, "known_directly": own, "paths": found}


def way_in(pooled: snapshot.Pooled, account_id: int, chain: Any) -> int | None:
    """The colleague who is the way in: the last member before the end of the path (the one
    who knows the person); None when the path is the asker's own tie."""
    for node in reversed(chain.nodes[1:-1]):
        member = pooled.account_at(node)
        if member is not None and member != account_id:
            return member
    return None


def _one_per_colleague(pooled: snapshot.Pooled, account_id: int, chains: list[Any]) -> list[Any]:
    """The strongest path through each colleague who is a way in, strongest first."""
    seen: set[int | None] = set()
    kept = []
    for chain in sorted(chains, key=lambda c: -c.strength):
        colleague = way_in(pooled, account_id, chain)
        if colleague not in seen:
            seen.add(colleague)
            kept.append(chain)
    return kept


class _Describer:
    """Turns the nodes of paths into what the asker may see of them: two queries for all the
    paths (the members' names, the rows of the contacts beside them)."""

    def __init__(
        self, conn: Connection, space_id: int, account_id: int, pooled: snapshot.Pooled, chains: Any
    ) -> None:
        self.conn, self.space_id, self.account_id, self.pooled = conn, space_id, account_id, pooled
        self.members = {n: pooled.account_at(n) for chain in chains for n in chain.nodes}
        self.names = self._member_names([a for a in self.members.values() if a is not None])
        pairs: set[tuple[int, int]] = set()
        for chain in chains:
            pairs |= self._pairs(list(chain.nodes))
        self.rows = self._contact_rows(sorted(pairs))

    def counts(self, chain: Any) -> bool:
        """Whether every member on the path counts now (the asker always does) and still
        shares each contact beside them on it."""
        return (
            all(self.members[n] is None or self.members[n] in self.names for n in chain.nodes)
            and self._pairs(list(chain.nodes)) <= self.rows.keys()
        )

    def chain(self, chain: Any) -> dict[str, Any]:
        nodes = list(chain.nodes)
        members = [self.members[n] for n in nodes]
        names, rows = self.names, self.rows
        steps: list[dict[str, Any]] = []
        colleague = way_in(self.pooled, self.account_id, chain)
        for at, (node, member) in enumerate(zip(nodes, members, strict=True)):
            band = None
            step: dict[str, Any]
            if at:
                band = _band_of(self.pooled.graph.strength_of(nodes[at - 1], node))
            if member is not None:
                step = {"kind": "you" if member == self.account_id else "colleague"}
                step |= {"id": member, "name": names.get(member, "a colleague")}
            else:
                step = {"kind": "contact"} | self._contact_seen(node, nodes, members, at, rows)
            if band is not None:
                step["band"] = band
            steps.append(step)
        return {
            "strength": round(float(chain.strength), 4),
            "hops": chain.hops,
            "colleague": (  # None: the asker's own tie
                None
                if colleague is None
                else {"id": colleague, "name": names.get(colleague, "a colleague")}
            ),
            "steps": steps,
        }

    def _member_names(self, members: list[int]) -> dict[int, str]:
        """The names of the members who count now, and the asker's."""
        if not members:
            return {}
        found = self.conn.execute(
            text(
                "SELECT a.id, a.name, a.email FROM account a JOIN membership m "
                "ON m.account_id = a.id AND m.space_id = :s "
                f"WHERE a.id = ANY(:ids) AND (a.id = :me OR ({COUNTED}))"
            ),
            {"s": self.space_id, "me": self.account_id, "ids": sorted(set(members))},
        ).all()
        return {row.id: row.name or row.email for row in found}

    def _pairs(self, nodes: list[int]) -> set[tuple[int, int]]:
        """(member, contact key id) of each contact on the path and a member beside it."""
        pairs = set()
        for at, node in enumerate(nodes):
            if self.members[node] is not None:
                continue
            for near in (at - 1, at + 1):
                member = self.members[nodes[near]] if 0 <= near < len(nodes) else None
                if member is not None:
                    pairs.add((member, self.pooled.key_id_at(node)))
        return pairs

    def _contact_rows(self, pairs: list[tuple[int, int]]) -> dict[tuple[int, int], Any]:
        """The shared_contact rows of each (member, contact) pair on the paths."""
        if not pairs:
            return {}
        width = snapshot.KEY_ID_DIGITS
        found = self.conn.execute(
            text(
                f"""
                SELECT sc.account_id, {snapshot.key_id_sql("sc.key")} AS key_id, sc.key, sc.name,
                       sc.role, sc.org, m.sharing_level
                FROM unnest(CAST(:accounts AS bigint[]), CAST(:prefixes AS text[]))
                     AS p(account_id, prefix)
                -- the key from its first digits, through the (space_id, key) index
                CROSS JOIN LATERAL (
                  SELECT c.key FROM shared_contact c
                  WHERE c.space_id = :s AND c.key >= p.prefix AND c.key < p.prefix || 'g'
                  ORDER BY c.key LIMIT 1
                ) k
                JOIN shared_contact sc ON sc.space_id = :s AND sc.account_id = p.account_id
                     AND sc.key = k.key
                JOIN membership m ON m.space_id = sc.space_id AND m.account_id = sc.account_id
                """
            ),
            {
                "s": self.space_id,
                "accounts": [a for a, _ in pairs],
                "prefixes": [f"{k:0{width}x}" for _, k in pairs],
            },
        ).all()
        return {(row.account_id, row.key_id): row for row in found}

    def _contact_seen(
        self,
        node: int,
        nodes: list[int],
        members: list[int | None],
        at: int,
        rows: dict[tuple[int, int], Any],
    ) -> dict[str, Any]:
        key = self.pooled.key_id_at(node)
        near = [members[i] for i in (at - 1, at + 1) if 0 <= i < len(nodes)]
        seen = [rows[(m, key)] for m in near if m is not None and (m, key) in rows]
        named = next((r.name for r in seen if r.name and r.sharing_level == "name"), None)
        if named is None:  # the asker's own contact: their own row, whatever their level
            named = next((r.name for r in seen if r.name and r.account_id == self.account_id), None)
        first = seen[0] if seen else None
        role, org = (first.role, first.org) if first is not None else (None, None)
        found: dict[str, Any] = {"description": seen_as(named, role, org)}
        if first is not None:
            found["key"] = first.key
        if named:
            found["name"] = named
        return found


def _band_of(strength: float) -> str:
    """The band a tie strength of the snapshot stands for."""
    return min(
        snapshot.BAND_STRENGTH, key=lambda b: abs(snapshot.BAND_STRENGTH[b] - float(strength))
    )
