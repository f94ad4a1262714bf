"""The path finder (ranked paths and a drawing of them in the surrounding network), advocates."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse

from whoknows.errors import Ambiguous, UserError
from whoknows.services import icp, paging, reach
from whoknows.services.pages import EVERYONE
from whoknows.web.common import blank_none, render, store_of, today_of

router = APIRouter(include_in_schema=False)
Target = Annotated[str | None, Query(max_length=200)]
AROUND = 6  # neighbours drawn around each person on a path


def target_ref(kind: str | None, value: str | None) -> str | None:
    """The service's target from the form: a person, org:NAME, or icp."""
    text = blank_none(value)
    if kind == "icp":
        return "icp"
    if text is None:
        return None
    if kind == "org" and not text.startswith("org:"):
        return f"org:{text}"
    return text


@router.get("/paths", response_class=HTMLResponse)
def paths_page(
    request: Request,
    target: Target = None,
    kind: Annotated[str | None, Query(max_length=10)] = None,
    top: Annotated[int, Query(ge=1, le=20)] = 5,
) -> HTMLResponse:
    store = store_of(request)
    ref = target_ref(kind, target)
    answer, problem, choices = None, None, []
    if ref:
        try:
            answer = reach.find_paths(store, ref, top=top, today=today_of(request))
        except Ambiguous as exc:
            problem = f"{exc.ref!r} could be any of {len(exc.candidates)}: which one?"
            choices = exc.choices
        except UserError as exc:
            problem = str(exc)
    return render(
        request,
        "paths.html",
        {
            "target": target or "",
            "kind": kind or "person",
            "ref": ref or "",
            "answer": answer,
            "problem": problem,
            "choices": choices,
            "profile": icp.get_profile(store).describe(),
            "top": top,
        },
    )


def network_of(request: Request, answer: reach.PathAnswer) -> dict[str, Any]:
    """The paths and the people around them, as Cytoscape.js elements."""
    nodes: dict[int, dict[str, Any]] = {}
    edges: dict[tuple[int, int], dict[str, Any]] = {}
    on_path: list[int] = []
    for rank, path in enumerate(answer.paths):
        for i, person in enumerate(path.people):
            role = "me" if i == 0 else "target" if i == len(path.people) - 1 else "on"
            known = nodes.get(person.id)
            if known is None or known["role"] in ("around", "on"):
                nodes[person.id] = {
                    "id": str(person.id),
                    "label": person.name,
                    "role": role,
                    "what": path.target_is if role == "target" else "",
                }
            if i:
                on_path.append(person.id)
                a, b = sorted((path.people[i - 1].id, person.id))
                edges[(a, b)] = {
                    "id": f"e{a}-{b}",
                    "source": str(a),
                    "target": str(b),
                    "path": True,
                    "rank": min(rank, edges.get((a, b), {}).get("rank", rank)),
                }
    around = reach.neighbourhood(
        store_of(request),
        list(dict.fromkeys(on_path)),
        per_person=AROUND,
        today=today_of(request),
    )
    for person_id, other_id, strength in around.ties:
        if other_id not in nodes:
            nodes[other_id] = {
                "id": str(other_id),
                "label": around.names.get(other_id, "?"),
                "role": "around",
            }
        a, b = sorted((person_id, other_id))
        edges.setdefault(
            (a, b),
            {
                "id": f"e{a}-{b}",
                "source": str(a),
                "target": str(b),
                "path": False,
                "strength": strength,
            },
        )
    return {
        "nodes": [{"data": n} for n in nodes.values()],
        "edges": [{"data": e} for e in edges.values()],
    }


@router.get("/paths/graph.json")
def paths_graph(
    request: Request,
    target: Target = None,
    top: Annotated[int, Query(ge=1, le=20)] = 5,
) -> JSONResponse:
    ref = blank_none(target)
    if ref is None:
        raise UserError("no target", hint="give a person, org:NAME or icp")
    answer = reach.find_paths(store_of(request), ref, top=top, today=today_of(request))
    return JSONResponse({"target": answer.target, **network_of(request, answer)})


ADVOCATES_PAGE = 25


@router.get("/advocates", response_class=HTMLResponse)
def advocates_page(
    request: Request, offset: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0
) -> HTMLResponse:
    store = store_of(request)
    day = today_of(request)
    window = paging.Window(ADVOCATES_PAGE, offset)
    try:
        profile, ranked = reach.advocates(store, top=EVERYONE, today=day)
        _, potential = reach.potential(store, top=10, today=day)
        page, problem, described = paging.of_list(ranked, window), None, profile.describe()
    except UserError as exc:
        page, potential, problem, described = paging.of_list([], window), [], str(exc), ""
    return render(
        request,
        "advocates.html",
        {
            "advocates": page.items,
            "page": page,
            "noun": "advocates",
            "potential": potential,
            "problem": problem,
            "profile": described,
        },
    )
