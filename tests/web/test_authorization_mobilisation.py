"""Who may do what in mobilisation: (anonymous, pending, member, facilitator, member of another
assembly, suspended) × every mobilisation action, through the API (the pages call the same
services; a few cells also through the pages). A refused cell changes nothing (row counts of
every table); an allowed one answers its success status."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from asamblea.clock import utcnow
from asamblea.core.deliberation import ProposalKind, ProposalState
from asamblea.core.mobilisation.actions import ActionKind, Task, TaskRole, Visibility
from asamblea.core.mobilisation.pledges import Thresholds
from asamblea.core.mobilisation.struggles import Place, Sector
from asamblea.core.people import username_key
from asamblea.services.mobilisation import actions, struggles
from asamblea.store.deliberation_repository import EscalationRepository, ProposalRepository
from asamblea.store.federation_repository import PeopleRepository
from asamblea.store.mobilisation_repository import MobilisationRepository
from tests.web.conftest import Browser, World, assert_refused, make_world, row_counts

ROLES = ("anonymous", "pending", "member", "facilitator", "outsider", "suspended")
WORLD_ROLES = ("facilitator", "member", "pending", "suspended", "outsider")


@dataclass(frozen=True)
class Targets:
    """Fresh things to act on: a public action, a members-only one, a task, a struggle."""

    public: int
    members_only: int
    task: int
    struggle: int
    points: tuple[int, int]  # two points on the region's platform (duplicates to merge)
    hidden_struggle: int  # a members-only struggle of the union


def targets(app: FastAPI, w: World) -> Targets:
    now = utcnow()
    with app.state.web.sessions.begin() as db:
        found = PeopleRepository(db).by_key(username_key(w.names["facilitator"]))
        assert found is not None
        fac = found[0]

        def convene(visibility: Visibility) -> int:
            spec = actions.Convening(
                kind=ActionKind.SIT_IN,
                title="Plantón",
                region="15",
                starts_at=now + timedelta(days=3),
                places=["Plaza"],
                visibility=visibility,
                tasks=[Task(TaskRole.KITCHEN, 3)],
                pledge=Thresholds(50),
            )
            return actions.convene(db, fac, w.union, spec, now=now).id

        public, members_only = convene(Visibility.PUBLIC), convene(Visibility.MEMBERS)
        form = struggles.StruggleForm(
            "Agua", "Agua", "Sedapal", Place("15"), Sector.WATER_ENVIRONMENT, now.date()
        )
        struggle = struggles.register(db, fac, w.union, form, now=now).id
        hidden = struggles.StruggleForm(
            "Sindicato", "Reconocimiento", "La empresa", Place("15"), Sector.WORKERS, now.date()
        )
        hidden_struggle = struggles.register(
            db, fac, w.union, replace(hidden, visibility=Visibility.MEMBERS), now=now
        ).id
        task = MobilisationRepository(db).tasks(public)[0].id
        points = (platform_point(db, fac.id, w), platform_point(db, fac.id, w))
    return Targets(public, members_only, task, struggle, points, hidden_struggle)


def platform_point(db: Session, author: int, w: World) -> int:
    """A demand of the union adopted and on the region's agenda: a point of its platform."""
    proposals, escalations = ProposalRepository(db), EscalationRepository(db)
    demand = proposals.add(
        w.union, author, ProposalKind.DEMAND, "Agua", "Agua", state=ProposalState.ADOPTED
    )
    escalation = escalations.add(demand, w.region, author)
    escalations.add_adoption(escalation.id, w.union, author)
    agenda = proposals.add(
        w.region, author, ProposalKind.DEMAND, "Agua", "Agua", state=ProposalState.DEBATE
    )
    escalations.put_on_agenda(escalation.id, agenda.id)
    return escalation.id


Call = Callable[[World, Targets, str], tuple[str, str, dict[str, Any] | None]]


def _own(w: World, role: str) -> int:
    return w.other if role == "outsider" else w.union


@dataclass(frozen=True)
class Cell:
    call: Call
    allowed: dict[str, int]  # role → success status
    refused: dict[str, int]


LATER = {"starts_at": (utcnow() + timedelta(days=9)).isoformat(), "note": "Lluvia"}
FACILITATOR_ONLY = {
    "anonymous": 401,
    "pending": 403,
    "member": 403,
    "outsider": 403,
    "suspended": 403,
}
MATRIX: dict[str, Cell] = {
    "convene": Cell(
        lambda w, t, r: (
            "POST",
            "/api/v1/actions",
            {
                "assembly_id": w.union,
                "kind": "march",
                "title": "Marcha",
                "region": "15",
                "starts_at": (utcnow() + timedelta(days=2)).isoformat(),
                "places": ["Plaza"],
            },
        ),
        {"facilitator": 201},
        FACILITATOR_ONLY,
    ),
    "register a struggle": Cell(
        lambda w, t, r: (
            "POST",
            "/api/v1/struggles",
            {
                "assembly_id": w.union,
                "title": "Lucha",
                "demands": "Todo",
                "against": "Nadie",
                "region": "15",
                "sector": "other",
                "since": "2026-01-01",
            },
        ),
        {"facilitator": 201},
        FACILITATOR_ONLY,
    ),
    "sign up for a task": Cell(
        lambda w, t, r: ("POST", f"/api/v1/actions/{t.public}/tasks/{t.task}/signup", None),
        {"member": 204, "facilitator": 204},
        {"anonymous": 401, "pending": 404, "outsider": 404, "suspended": 404},
    ),
    "pledge": Cell(
        lambda w, t, r: ("POST", f"/api/v1/actions/{t.public}/pledge", {"assembly_id": w.union}),
        {"member": 201, "facilitator": 201},
        {"anonymous": 401, "pending": 403, "outsider": 403, "suspended": 403},
    ),
    "pledge to a members-only action": Cell(
        lambda w, t, r: (
            "POST",
            f"/api/v1/actions/{t.members_only}/pledge",
            {"assembly_id": w.union},
        ),
        {"member": 201, "facilitator": 201},
        {"anonymous": 401, "pending": 404, "outsider": 404, "suspended": 404},
    ),
    "see a members-only action": Cell(
        lambda w, t, r: ("GET", f"/api/v1/actions/{t.members_only}", None),
        {"member": 200, "facilitator": 200},
        {"anonymous": 404, "pending": 404, "outsider": 404, "suspended": 404},
    ),
    "postpone": Cell(
        lambda w, t, r: ("POST", f"/api/v1/actions/{t.public}/postpone", LATER),
        {"facilitator": 200},
        FACILITATOR_ONLY,
    ),
    "cancel": Cell(
        lambda w, t, r: ("POST", f"/api/v1/actions/{t.public}/cancel", {"reason": "Acuerdo"}),
        {"facilitator": 200},
        FACILITATOR_ONLY,
    ),
    "post a live update": Cell(
        lambda w, t, r: ("POST", f"/api/v1/actions/{t.public}/updates", {"text": "Llegamos"}),
        {"facilitator": 204},
        FACILITATOR_ONLY,
    ),
    "declare solidarity": Cell(
        lambda w, t, r: (
            "POST",
            f"/api/v1/struggles/{t.struggle}/solidarity",
            {"assembly_id": _own(w, r)},
        ),
        {"outsider": 204},
        {"anonymous": 401, "pending": 403, "member": 403, "facilitator": 409, "suspended": 403},
    ),
    "put joining to a vote": Cell(
        lambda w, t, r: (
            "POST",
            f"/api/v1/actions/{t.public}/adhesion",
            {"assembly_id": _own(w, r)},
        ),
        {"outsider": 201},
        {"anonymous": 401, "pending": 403, "member": 403, "facilitator": 409, "suspended": 403},
    ),
    "raise a struggle's demand": Cell(
        lambda w, t, r: (
            "POST",
            f"/api/v1/struggles/{t.struggle}/demands",
            {"title": "Agua las 24 horas", "text": "Agua potable las 24 horas"},
        ),
        {"facilitator": 201},
        FACILITATOR_ONLY,
    ),
    "put merging platform points to a vote": Cell(
        lambda w, t, r: (
            "POST",
            f"/api/v1/assemblies/{w.region}/platform/merges",
            {"into": t.points[0], "merged": [t.points[1]]},
        ),
        {"facilitator": 201},
        FACILITATOR_ONLY,
    ),
    "see a members-only struggle": Cell(
        lambda w, t, r: ("GET", f"/api/v1/struggles/{t.hidden_struggle}", None),
        {"member": 200, "facilitator": 200},
        {"anonymous": 404, "pending": 404, "outsider": 404, "suspended": 404},
    ),
    "see a platform": Cell(
        lambda w, t, r: ("GET", f"/api/v1/assemblies/{w.region}/platform", None),
        dict.fromkeys(ROLES, 200),
        {},
    ),
}


def test_the_matrix_covers_every_role_once() -> None:
    for name, cell in MATRIX.items():
        assert sorted([*cell.allowed, *cell.refused]) == sorted(ROLES), name


@pytest.fixture(scope="module")
def shared(app: FastAPI) -> tuple[World, dict[str, Browser], Targets]:
    """One federation, a logged-in browser per role, and targets for the refused cells (a
    refusal changes nothing, so they can share them)."""
    w = make_world(app, WORLD_ROLES)
    browsers = {"anonymous": Browser(app)}
    for role in ROLES[1:]:
        browsers[role] = Browser(app).logged_in_as(w.names[role])
    return w, browsers, targets(app, w)


CELLS = [(name, role) for name, cell in MATRIX.items() for role in ROLES]


@pytest.mark.parametrize(("name", "role"), CELLS, ids=[f"{n}-{r}" for n, r in CELLS])
def test_mobilisation_cell(
    name: str,
    role: str,
    app: FastAPI,
    engine: Engine,
    shared: tuple[World, dict[str, Browser], Targets],
) -> None:
    w, browsers, common = shared
    cell = MATRIX[name]
    t = targets(app, w) if role in cell.allowed else common
    method, path, body = cell.call(w, t, role)
    before = row_counts(engine)
    kwargs: dict[str, Any] = {} if body is None else {"json": body}
    response = browsers[role].api(method, path, **kwargs)
    if role in cell.allowed:
        assert response.status_code == cell.allowed[role], response.text[:300]
    else:
        assert_refused(response, "es", cell.refused[role])
        assert row_counts(engine) == before, f"{name} by {role} wrote rows"


def test_pages_follow_the_same_rules(
    app: FastAPI, engine: Engine, shared: tuple[World, dict[str, Browser], Targets]
) -> None:
    """The page forms of pledging and signing up refuse and allow as the API does."""
    w, browsers, _common = shared
    t = targets(app, w)
    for role, status in (("outsider", 403), ("suspended", 403), ("pending", 403)):
        before = row_counts(engine)
        refused = browsers[role].post_form(
            f"/acciones/{t.public}/compromiso", {"assembly_id": str(w.union)}
        )
        assert_refused(refused, "es", status)
        assert row_counts(engine) == before
    done = browsers["member"].post_form(f"/acciones/{t.public}/tareas/{t.task}")
    assert done.status_code == 303
    assert browsers["outsider"].get(f"/acciones/{t.members_only}").status_code == 404
    merge = {"into": str(t.points[0]), f"merge_{t.points[1]}": "1"}
    for role, status in (("member", 403), ("outsider", 403)):
        before = row_counts(engine)
        refused = browsers[role].post_form(f"/plataformas/{w.region}/fusiones", merge)
        assert_refused(refused, "es", status)
        assert row_counts(engine) == before
    opened = browsers["facilitator"].post_form(f"/plataformas/{w.region}/fusiones", merge)
    assert opened.status_code == 303
    assert opened.headers["location"].startswith("/votaciones/")
