"""Who may do what: (anonymous, pending, member, facilitator, member of another assembly,
suspended) × every federation action (proposing new rules to the members included), through the
pages and through the API. The actions from below (proposals, escalation, the charter,
delegates, mandates, recall) have their own matrix in `test_authorization_from_below`.

Refusals share one federation (a refusal changes nothing, which each cell checks); every
allowed cell gets a fresh federation and checks its effect and its audit row."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from asamblea.clock import utcnow
from asamblea.core.people import Person, username_key
from asamblea.services.budgeting import process as budgeting
from asamblea.services.planning import rounds as planning
from asamblea.services.votes import votes
from asamblea.store.federation_repository import PeopleRepository
from tests.web.conftest import (
    Browser,
    World,
    assert_refused,
    audit_actions,
    make_world,
    row_counts,
)

ROLES = ("anonymous", "pending", "member", "facilitator", "outsider", "suspended")
UNKNOWN = 2**31 - 1
Request = tuple[str, str, dict[str, Any] | None]


def membership(engine: Engine, membership_id: int) -> tuple[str, str]:
    """(state, role) of a membership, read straight from the database."""
    with engine.connect() as connection:
        row = connection.execute(
            text("SELECT state, role FROM membership WHERE id = :i"), {"i": membership_id}
        ).one()
    return str(row[0]), str(row[1])


def own_membership(engine: Engine, world: World, role: str) -> tuple[str, str] | None:
    """(state, role) of `role`'s person in the union, if any."""
    with engine.connect() as connection:
        row = connection.execute(
            text(
                "SELECT m.state, m.role FROM membership m JOIN person p ON p.id = m.person_id "
                "WHERE m.assembly_id = :a AND p.username = :u"
            ),
            {"a": world.union, "u": world.names[role]},
        ).one_or_none()
    return (str(row[0]), str(row[1])) if row else None


@dataclass(frozen=True)
class Action:
    """One action: how the page and the API ask for it, who may, what it does."""

    page: Callable[[World], Request]
    api: Callable[[World], Request]
    allowed: frozenset[str]
    refused: dict[str, int]
    effect: Callable[[Engine, World, str], None]
    audit: tuple[str, ...]
    page_ok: int = 303
    api_ok: int = 200


def _facilitators_only(
    effect: Callable[[Engine, World, str], None],
    audit: str,
    page: Callable[[World], Request],
    api: Callable[[World], Request],
) -> Action:
    return Action(
        page=page,
        api=api,
        allowed=frozenset({"facilitator"}),
        refused={
            "anonymous": 401,
            "pending": 404,
            "member": 403,
            "outsider": 404,
            "suspended": 403,
        },
        effect=effect,
        audit=(audit,),
    )


def _found_district(engine: Engine, w: World, role: str) -> None:
    with engine.connect() as connection:
        row = connection.execute(
            text("SELECT kind, parent_id FROM assembly WHERE name = :n"),
            {"n": f"Distrito de {w.names['facilitator']}"},
        ).one()
    assert (row[0], row[1]) == ("district", w.region)


#: Rules every cell of "propose new rules" asks for (the world's union has 20 %).
RULES = {
    "vouches_needed": 1,
    "quorum_percent": 50,
    "delegate_ratio": 50,
    "recall_percent": 70,
    "support_percent": 10,
    "escalation_percent": 50,
    "delegate_weight": "one_each",
}


def recall_percent(engine: Engine, assembly_id: int) -> int:
    """An assembly's recall share, read straight from the database."""
    with engine.connect() as connection:
        return int(
            connection.execute(
                text("SELECT recall_percent FROM assembly WHERE id = :i"), {"i": assembly_id}
            ).scalar_one()
        )


def _rules_under_vote(engine: Engine, w: World, role: str) -> None:
    """The proposal opened the members' vote; the rules themselves are unchanged until it
    carries."""
    with engine.connect() as connection:
        state, vote_state = connection.execute(
            text(
                "SELECT c.state, v.state FROM rules_change c JOIN vote v ON v.id = c.vote_id "
                "WHERE c.assembly_id = :a"
            ),
            {"a": w.union},
        ).one()
    assert (state, vote_state) == ("voting", "open")
    assert recall_percent(engine, w.union) == 20


def _left(engine: Engine, w: World, role: str) -> None:
    found = own_membership(engine, w, role)
    assert found is not None
    assert found[0] == "left"


ACTIONS: dict[str, Action] = {
    "join": Action(
        page=lambda w: ("POST", f"/asambleas/{w.union}/unirse", {}),
        api=lambda w: ("POST", f"/api/v1/assemblies/{w.union}/join", None),
        allowed=frozenset({"outsider"}),
        refused={
            "anonymous": 401,
            "pending": 409,
            "member": 409,
            "facilitator": 409,
            "suspended": 409,
        },
        effect=lambda e, w, r: _assert_eq(own_membership(e, w, r), ("pending", "member")),
        audit=("membership.requested",),
        api_ok=201,
    ),
    "vouch": Action(
        page=lambda w: ("POST", f"/membresias/{w.ms['target_pending']}/aval", {}),
        api=lambda w: ("POST", f"/api/v1/memberships/{w.ms['target_pending']}/vouch", None),
        allowed=frozenset({"member", "facilitator"}),
        refused={"anonymous": 401, "pending": 404, "outsider": 404, "suspended": 403},
        effect=lambda e, w, r: _assert_eq(
            membership(e, w.ms["target_pending"]), ("active", "member")
        ),
        audit=("membership.vouched", "membership.activated"),
    ),
    "suspend": _facilitators_only(
        lambda e, w, r: _assert_eq(membership(e, w.ms["target_active"]), ("suspended", "member")),
        "membership.suspended",
        lambda w: ("POST", f"/membresias/{w.ms['target_active']}/suspender", {}),
        lambda w: ("POST", f"/api/v1/memberships/{w.ms['target_active']}/suspend", None),
    ),
    "reinstate": _facilitators_only(
        lambda e, w, r: _assert_eq(membership(e, w.ms["target_suspended"]), ("active", "member")),
        "membership.reinstated",
        lambda w: ("POST", f"/membresias/{w.ms['target_suspended']}/reactivar", {}),
        lambda w: ("POST", f"/api/v1/memberships/{w.ms['target_suspended']}/reinstate", None),
    ),
    "make facilitator": _facilitators_only(
        lambda e, w, r: _assert_eq(membership(e, w.ms["target_active"]), ("active", "facilitator")),
        "membership.made_facilitator",
        lambda w: ("POST", f"/membresias/{w.ms['target_active']}/facilitar", {}),
        lambda w: ("POST", f"/api/v1/memberships/{w.ms['target_active']}/facilitator", None),
    ),
    "leave": Action(
        page=lambda w: ("POST", f"/asambleas/{w.union}/salir", {}),
        api=lambda w: ("POST", f"/api/v1/assemblies/{w.union}/leave", None),
        allowed=frozenset({"pending", "member", "suspended"}),
        refused={"anonymous": 401, "facilitator": 409, "outsider": 404},
        effect=_left,
        audit=("membership.left",),
        api_ok=204,
    ),
    "found a federated assembly under a parent": Action(
        page=lambda w: (
            "POST",
            "/asambleas",
            {
                "name": f"Distrito de {w.names['facilitator']}",
                "kind": "district",
                "parent_id": str(w.region),
            },
        ),
        api=lambda w: (
            "POST",
            "/api/v1/assemblies",
            {
                "name": f"Distrito de {w.names['facilitator']}",
                "kind": "district",
                "parent_id": w.region,
            },
        ),
        allowed=frozenset({"facilitator"}),
        refused={
            "anonymous": 401,
            "pending": 403,
            "member": 403,
            "outsider": 403,
            "suspended": 403,
        },
        effect=_found_district,
        audit=("assembly.created",),
        api_ok=201,
    ),
    # A facilitator proposes; the members decide by vote (the rules change only if it carries)
    "propose new rules": replace(
        _facilitators_only(
            _rules_under_vote,
            "assembly.rules_proposed",
            lambda w: (
                "POST",
                f"/asambleas/{w.union}/reglas",
                {k: str(v) for k, v in RULES.items()},
            ),
            lambda w: ("PUT", f"/api/v1/assemblies/{w.union}/rules", RULES),
        ),
        # an assembly and its rules are public: nobody is told "it does not exist"
        refused={
            "anonymous": 401,
            "pending": 403,
            "member": 403,
            "outsider": 403,
            "suspended": 403,
        },
        audit=("vote.drafted", "vote.opened", "assembly.rules_proposed"),
        api_ok=202,
    ),
}


#: The people an allowed cell acts on (its world holds them and the actor, nobody else).
TARGETS = {
    "vouch": ("target_pending",),
    "suspend": ("target_active",),
    "reinstate": ("target_suspended",),
    "make facilitator": ("target_active",),
}


def _assert_eq(found: object, expected: object) -> None:
    assert found == expected


def test_the_matrix_covers_every_role_once() -> None:
    for name, action in ACTIONS.items():
        assert set(action.allowed) | set(action.refused) == set(ROLES), name
        assert not set(action.allowed) & set(action.refused), name


class Actors:
    """Browsers logged in as each role of one world (created on first use)."""

    def __init__(self, app: FastAPI, world: World) -> None:
        self.app, self.world = app, world
        self.cache: dict[str, Browser] = {}

    def __call__(self, role: str) -> Browser:
        if role not in self.cache:
            b = Browser(self.app, "es")
            if role != "anonymous":
                b.logged_in_as(self.world.names[role])
            self.cache[role] = b
        return self.cache[role]


def send(b: Browser, channel: str, request: Request) -> httpx.Response:
    method, path, body = request
    if channel == "page":
        return b.post_form(path, {k: str(v) for k, v in (body or {}).items()})
    return b.api(method, path, json=body) if body is not None else b.api(method, path)


@pytest.fixture(scope="module")
def shared(app: FastAPI) -> Actors:
    """One federation for every refusal (none of them may change it)."""
    return Actors(app, make_world(app))


@pytest.mark.parametrize("channel", ["page", "api"])
@pytest.mark.parametrize("name", list(ACTIONS))
def test_refused_roles_change_nothing(
    name: str, channel: str, shared: Actors, engine: Engine
) -> None:
    action = ACTIONS[name]
    for role, status in action.refused.items():
        b = shared(role)
        before = row_counts(engine)
        response = send(b, channel, getattr(action, channel)(shared.world))
        assert_refused(response, "es", status)
        assert row_counts(engine) == before, (name, role)


@pytest.mark.parametrize("channel", ["page", "api"])
@pytest.mark.parametrize(
    ("name", "role"), [(n, r) for n, a in ACTIONS.items() for r in sorted(a.allowed)]
)
def test_allowed_roles_act(
    name: str, role: str, channel: str, app: FastAPI, engine: Engine
) -> None:
    action = ACTIONS[name]
    world = make_world(app, {role, *TARGETS.get(name, ())})
    b = Actors(app, world)(role)
    audit_before = audit_actions(engine)
    response = send(b, channel, getattr(action, channel)(world))
    expected = action.page_ok if channel == "page" else action.api_ok
    assert response.status_code == expected, response.text[:300]
    action.effect(engine, world, role)
    assert tuple(audit_actions(engine)[len(audit_before) :]) == action.audit


@pytest.mark.parametrize("role", ROLES)
def test_everyone_sees_the_assembly_but_only_members_see_who_is_in_it(
    role: str, shared: Actors
) -> None:
    w, b = shared.world, shared(role)
    page = b.get(f"/asambleas/{w.union}")
    detail = b.get(f"/api/v1/assemblies/{w.union}")
    assert page.status_code == 200
    assert detail.status_code == 200
    assert w.names["facilitator"] in page.text  # facilitators are public
    hidden = [w.names[r] for r in ("target_active", "target_pending", "target_suspended")]
    body = detail.json()
    if role in {"member", "facilitator"}:
        assert all(name in page.text for name in hidden)
        assert {m["username"] for m in body["members"]} >= {
            w.names["target_active"],
            w.names["target_suspended"],
        }
        assert {p["username"] for p in body["pending"]} == {
            w.names["pending"],
            w.names["target_pending"],
        }
        members = b.get(f"/api/v1/assemblies/{w.union}/members")
        assert members.status_code == 200
        assert {m["username"] for m in members.json()} >= {w.names["target_active"]}
    else:
        assert not any(name in page.text for name in hidden), role
        assert body["members"] is None
        assert body["pending"] is None
        assert not any(name in detail.text for name in hidden)
        members = b.get(f"/api/v1/assemblies/{w.union}/members")
        assert_refused(members, "es", 401 if role == "anonymous" else 403)
        assert not any(name in members.text for name in hidden)


@pytest.mark.parametrize("role", ["pending", "outsider"])
@pytest.mark.parametrize("channel", ["page", "api"])
def test_membership_ids_do_not_leak_to_people_without_standing(
    role: str, channel: str, shared: Actors
) -> None:
    """An existing membership and one that does not exist look the same: 404, same words."""
    w, b = shared.world, shared(role)
    actions = (
        ["aval", "suspender", "reactivar", "facilitar"]
        if channel == "page"
        else ["vouch", "suspend", "reinstate", "facilitator"]
    )
    prefix = "/membresias" if channel == "page" else "/api/v1/memberships"
    for action in actions:
        answers = []
        for target in (w.ms["target_pending"], w.ms["target_active"], UNKNOWN):
            request: Request = ("POST", f"{prefix}/{target}/{action}", None)
            response = send(b, channel, request)
            answers.append((response.status_code, assert_refused(response, "es", 404)))
        assert len(set(answers)) == 1, (action, answers)


# ---------------------------------------------------------------- planning rounds
#
# A round belongs to the region (its facilitator opens, solves and revises it); the union under
# it takes part: its facilitator drafts its targets, its members adopt them by a vote. Every
# role reads rounds and plans (the votes deciding the targets are public votes).


@dataclass(frozen=True)
class Rounds:
    """A world and three rounds on its region: `fresh` (nothing drafted), `adopted` (the
    union's targets adopted by a vote of everyone on its roll) and `published` (its plan)."""

    world: World
    fresh: int
    adopted: int
    published: int


def _person(db: Session, username: str) -> Person:
    found = PeopleRepository(db).by_key(username_key(username))
    assert found is not None
    return found[0]


def _adopted_round(app: FastAPI, db: Session, world: World, voters: list[Person]) -> int:
    fac = _person(db, world.names["facilitator"])
    now = utcnow()
    round_id = planning.open_round(
        db, fac, world.region, title="Plan", model_key="aldea", goods=["pan"]
    ).id
    draft = planning.draft_targets(
        db, fac, round_id, world.union, levels={"pan": 5.0}, changes={}, now=now
    )
    assert draft.vote_id is not None
    key = app.state.web.signing_key
    for person in voters:
        votes.cast(db, person, draft.vote_id, [0], now=now, key=key)
    votes.close_vote(db, fac, draft.vote_id, now, key)
    planning.settle_draft(db, draft.id)
    return round_id


def make_rounds(app: FastAPI, roles: frozenset[str] | None = None) -> Rounds:
    """The rounds, on a world with `roles` (everyone on the union's roll votes yes)."""
    world = make_world(app, roles) if roles is not None else make_world(app)
    on_roll = ("facilitator", "member", "target_active", "target_active2")
    with app.state.web.sessions.begin() as db:
        fac = _person(db, world.names["facilitator"])
        voters = [_person(db, world.names[r]) for r in on_roll if r in world.names]
        fresh = planning.open_round(
            db, fac, world.region, title="Plan", model_key="aldea", goods=["pan"]
        ).id
        adopted = _adopted_round(app, db, world, voters)
        published = _adopted_round(app, db, world, voters)
        planning.solve_round(db, fac, published, now=utcnow())
    return Rounds(world, fresh, adopted, published)


def _count(engine: Engine, query: str, **params: object) -> int:
    with engine.connect() as connection:
        return int(connection.execute(text(query), params).scalar_one())


@dataclass(frozen=True)
class PlanningAction:
    """One planning action: how the page and the API ask for it, who may, what it does."""

    page: Callable[[Rounds], Request]
    api: Callable[[Rounds], Request]
    effect: Callable[[Engine, Rounds], None]
    audit: tuple[str, ...]
    api_ok: int = 200


#: Only a facilitator may act (of the region, or of the union for its targets); the others
#: are refused with these statuses, whether or not they belong to the assemblies.
PLANNING_REFUSED = {
    "anonymous": 401,
    "pending": 403,
    "member": 403,
    "outsider": 403,
    "suspended": 403,
}
PLANNING_ACTIONS: dict[str, PlanningAction] = {
    "open a round": PlanningAction(
        page=lambda r: (
            "POST",
            f"/asambleas/{r.world.region}/planificacion",
            {"title": "Otro plan", "model": "aldea", "goods": "pan"},
        ),
        api=lambda r: (
            "POST",
            f"/api/v1/assemblies/{r.world.region}/planning-rounds",
            {"title": "Otro plan", "model": "aldea", "goods": ["pan"]},
        ),
        effect=lambda e, r: _assert_eq(
            _count(
                e,
                "SELECT COUNT(*) FROM planning_round "
                "WHERE assembly_id = :a AND title = 'Otro plan'",
                a=r.world.region,
            ),
            1,
        ),
        audit=("planning.opened", "planning.invited"),  # one invitation per base assembly below
        api_ok=201,
    ),
    "draft targets": PlanningAction(
        page=lambda r: (
            "POST",
            f"/planificacion/{r.fresh}/metas",
            {"assembly_id": r.world.union, "level_0": "5"},
        ),
        api=lambda r: (
            "POST",
            f"/api/v1/planning-rounds/{r.fresh}/targets",
            {"assembly_id": r.world.union, "levels": {"pan": 5}},
        ),
        effect=lambda e, r: _assert_eq(
            _count(
                e,
                "SELECT COUNT(*) FROM planning_draft d JOIN vote v ON v.id = d.vote_id "
                "WHERE d.round_id = :r AND d.state = 'voting' AND v.state = 'open'",
                r=r.fresh,
            ),
            1,
        ),
        audit=("vote.drafted", "vote.opened", "planning.targets_drafted"),
        api_ok=201,
    ),
    "solve the round": PlanningAction(
        page=lambda r: ("POST", f"/planificacion/{r.adopted}/resolver", {}),
        api=lambda r: ("POST", f"/api/v1/planning-rounds/{r.adopted}/solve", None),
        effect=lambda e, r: _assert_eq(
            _count(
                e,
                "SELECT COUNT(*) FROM planning_round WHERE id = :r AND state = 'published'",
                r=r.adopted,
            ),
            1,
        ),
        audit=("planning.published",),
    ),
    "open a revision": PlanningAction(
        page=lambda r: ("POST", f"/planificacion/{r.published}/revision", {}),
        api=lambda r: ("POST", f"/api/v1/planning-rounds/{r.published}/revision", None),
        effect=lambda e, r: _assert_eq(
            _count(e, "SELECT COUNT(*) FROM planning_round WHERE previous_id = :r", r=r.published),
            1,
        ),
        audit=("planning.revision_opened",),
        api_ok=201,
    ),
}


@pytest.fixture(scope="module")
def shared_rounds(app: FastAPI) -> tuple[Rounds, Actors]:
    """One world with its rounds for every refusal (none of them may change it)."""
    rounds = make_rounds(app)
    return rounds, Actors(app, rounds.world)


@pytest.mark.parametrize("channel", ["page", "api"])
@pytest.mark.parametrize("name", list(PLANNING_ACTIONS))
def test_planning_refusals_change_nothing(
    name: str, channel: str, shared_rounds: tuple[Rounds, Actors], engine: Engine
) -> None:
    rounds, actors = shared_rounds
    action = PLANNING_ACTIONS[name]
    for role, status in PLANNING_REFUSED.items():
        b = actors(role)  # logging in writes a session: before counting
        before = row_counts(engine)
        response = send(b, channel, getattr(action, channel)(rounds))
        assert_refused(response, "es", status)
        assert row_counts(engine) == before, (name, role)


@pytest.mark.parametrize("channel", ["page", "api"])
@pytest.mark.parametrize("name", list(PLANNING_ACTIONS))
def test_a_facilitator_plans(name: str, channel: str, app: FastAPI, engine: Engine) -> None:
    action = PLANNING_ACTIONS[name]
    rounds = make_rounds(app, frozenset({"facilitator"}))
    b = Actors(app, rounds.world)("facilitator")
    audit_before = audit_actions(engine)
    response = send(b, channel, getattr(action, channel)(rounds))
    expected = 303 if channel == "page" else action.api_ok
    assert response.status_code == expected, response.text[:300]
    action.effect(engine, rounds)
    assert tuple(audit_actions(engine)[len(audit_before) :]) == action.audit


@pytest.mark.parametrize("role", ROLES)
def test_everyone_reads_rounds_and_plans(role: str, shared_rounds: tuple[Rounds, Actors]) -> None:
    rounds, actors = shared_rounds
    b = actors(role)
    for path in (
        f"/asambleas/{rounds.world.union}/planificacion",
        f"/planificacion/{rounds.published}",
        f"/planificacion/{rounds.published}/metas",
        f"/planificacion/{rounds.published}/plan",
        f"/api/v1/assemblies/{rounds.world.union}/planning-rounds",
        f"/api/v1/planning-rounds/{rounds.published}",
        f"/api/v1/planning-rounds/{rounds.published}/plan",
    ):
        assert b.get(path).status_code == 200, (role, path)
    detail = b.get(f"/api/v1/planning-rounds/{rounds.adopted}").json()
    union = next(p for p in detail["participants"] if p["assembly_id"] == rounds.world.union)
    assert union["draft"]["levels"] == {"pan": 5.0}
    assert union["draft"]["state"] == "adopted"
    assert union["can_draft"] is False  # adopted targets are final, for everyone


# ---------------------------------------------------------------- participatory budgeting
#
# A process is seen only by the active members of its assembly (404 for anyone else, on the
# pages and in the API alike); members cast ballots and stand for the committee; only a
# facilitator opens the committee's election.

BUDGET_CALENDAR = {
    phase: date(2027, 1, 1) + timedelta(days=10 * i) for i, phase in enumerate(budgeting.PHASES)
}
BUDGET_READS = (
    "/presupuestos/{id}",
    "/presupuestos/{id}/resultados",
    "/presupuestos/{id}/acta",
    "/api/v1/budget-processes/{id}",
    "/api/v1/budget-processes/{id}/outcome",
    "/api/v1/budget-processes/{id}/acta",
    "/api/v1/budget-processes/{id}/oversight",
)
BUDGET_REFUSED = {"anonymous": 401, "pending": 403, "outsider": 403, "suspended": 403}


def _budget_count(engine: Engine, query: str, **params: object) -> int:
    with engine.connect() as connection:
        return int(connection.execute(text(query), params).scalar_one())


def _budget_people(db: Session, world: World) -> dict[str, Person]:
    people = {}
    for role in ("facilitator", "member"):
        found = PeopleRepository(db).by_key(username_key(world.names[role]))
        assert found is not None
        people[role] = found[0]
    return people


def budget_process(app: FastAPI, world: World, phase: str) -> tuple[int, int]:
    """A process of the union brought to `phase` (prioritisation or formalisation) through
    the services: the member is an agent with one viable project. (process id, project id)"""
    with app.state.web.sessions.begin() as db:
        p = _budget_people(db, world)
        process = budgeting.create_process(
            db, p["facilitator"], world.union, title="PP", budget=1000_00, calendar=BUDGET_CALENDAR
        )
        budgeting.register_agent(db, p["member"], process.id, "Comedor")
        budgeting.advance(db, p["facilitator"], process.id)
        project = budgeting.submit_project(
            db, p["member"], process.id, title="Losa", description="d", place="x", cost=500_00,
            beneficiaries=10,
        )  # fmt: skip
        budgeting.advance(db, p["facilitator"], process.id)
        budgeting.evaluate_project(db, p["facilitator"], project.id, viable=True, reason="Bien")
        budgeting.advance(db, p["facilitator"], process.id)
        if phase == "formalisation":
            budgeting.cast_ballot(db, p["member"], process.id, {project.id: 1})
            budgeting.advance(db, p["facilitator"], process.id)
    return process.id, project.id


@dataclass(frozen=True)
class BudgetWorld:
    """The shared world with a process in the vote and one in formalisation."""

    actors: Actors
    voting: tuple[int, int]
    formalising: tuple[int, int]


@pytest.fixture(scope="module")
def budget_shared(app: FastAPI, shared: Actors) -> BudgetWorld:
    return BudgetWorld(
        shared,
        budget_process(app, shared.world, "prioritisation"),
        budget_process(app, shared.world, "formalisation"),
    )


def _ballot(channel: str, process_id: int, project_id: int) -> Request:
    if channel == "page":
        return ("POST", f"/presupuestos/{process_id}/votar", {f"project_{project_id}": "1"})
    return ("POST", f"/api/v1/budget-processes/{process_id}/ballot", {"points": {project_id: 1}})


@pytest.mark.parametrize("role", ROLES)
def test_only_active_members_see_a_budget_process(role: str, budget_shared: BudgetWorld) -> None:
    b = budget_shared.actors(role)
    process_id = budget_shared.formalising[0]
    for template in BUDGET_READS:
        response = b.get(template.format(id=process_id))
        if role in {"member", "facilitator"}:
            assert response.status_code == 200, (template, response.text[:300])
        else:
            assert_refused(response, "es", 404)
    union = budget_shared.actors.world.union
    listed = b.get(f"/api/v1/assemblies/{union}/budget-processes").json()
    seen = {p["id"] for p in listed}
    assert (process_id in seen) is (role in {"member", "facilitator"})


@pytest.mark.parametrize("channel", ["page", "api"])
def test_budget_refusals_change_nothing(
    channel: str, budget_shared: BudgetWorld, engine: Engine
) -> None:
    voting, formalising = budget_shared.voting, budget_shared.formalising
    stand = ("POST", f"/presupuestos/{formalising[0]}/comite/candidatura", {})
    for role, status in BUDGET_REFUSED.items():
        b = budget_shared.actors(role)
        before = row_counts(engine)
        assert_refused(send(b, channel, _ballot(channel, *voting)), "es", status)
        if channel == "page":
            assert_refused(send(b, "page", stand), "es", status)
        assert row_counts(engine) == before, role
    election = ("POST", f"/presupuestos/{formalising[0]}/comite/eleccion", {"seats": 1})
    member = budget_shared.actors("member")  # logs in (a session row) before counting
    before = row_counts(engine)
    assert_refused(send(member, "page", election), "es", 403)
    assert row_counts(engine) == before


@pytest.mark.parametrize("channel", ["page", "api"])
@pytest.mark.parametrize("role", ["member", "facilitator"])
def test_active_members_vote_and_stand(
    role: str, channel: str, app: FastAPI, engine: Engine
) -> None:
    world = make_world(app, {"member", role})
    voting = budget_process(app, world, "prioritisation")
    b = Actors(app, world)(role)
    response = send(b, channel, _ballot(channel, *voting))
    assert response.status_code == (303 if channel == "page" else 204), response.text[:300]
    voted = _budget_count(
        engine,
        "SELECT COUNT(*) FROM budget_voter v JOIN person p ON p.id = v.person_id "
        "WHERE v.process_id = :i AND p.username = :u",
        i=voting[0],
        u=world.names[role],
    )
    assert voted == 1
    if channel == "page":
        formalising = budget_process(app, world, "formalisation")
        stood = send(b, "page", ("POST", f"/presupuestos/{formalising[0]}/comite/candidatura", {}))
        assert stood.status_code == 303
        candidates = _budget_count(
            engine, "SELECT COUNT(*) FROM budget_candidate WHERE process_id = :i", i=formalising[0]
        )
        assert candidates == 1
        assert audit_actions(engine)[-1] == "budget.candidate_stood"


# ---------------------------------------------------------------- the archive (issue 15)
#
# The facilitator of the union opens a case (so is its legal team); nobody else is in its team.
# Who may start an upload as a team member, narrow an item's consent, and see its items.

ARCHIVE_UPLOAD_REFUSED = {"anonymous": 422, "pending": 403, "member": 403, "outsider": 403,
                          "suspended": 403}
ARCHIVE_CONSENT_REFUSED = {"anonymous": 422, "pending": 404, "member": 404, "outsider": 404,
                           "suspended": 404}


@dataclass(frozen=True)
class ArchiveWorld:
    actors: Actors
    case_id: str
    item_id: str
    event_id: int


@pytest.fixture(scope="module")
def archive_world(app: FastAPI) -> ArchiveWorld:
    from nacl import pwhash  # noqa: PLC0415 - only this section needs them

    from asamblea.core.archive import Consent  # noqa: PLC0415
    from asamblea.services.archive import items, keys, team, timeline  # noqa: PLC0415
    from asamblea.services.archive.custody import vault_for  # noqa: PLC0415

    keys.use_kdf_limits(pwhash.argon2id.OPSLIMIT_MIN, pwhash.argon2id.MEMLIMIT_MIN)
    world = make_world(app)
    settings = app.state.web.settings
    vault = vault_for(settings.secret(), str(settings.instance_dir / "archive"))
    with app.state.web.sessions.begin() as db:
        found = PeopleRepository(db).by_key(username_key(world.names["facilitator"]))
        assert found is not None
        facilitator = found[0]
        keys.set_up_key(db, facilitator, "frase de paso del equipo")
        case = team.open_case(db, facilitator, world.union, title="Caso ficticio",
                              place="Lugar", occurred_on=date(2026, 1, 9))
        item = items.add_item(db, vault, facilitator, case.id, [b"texto ficticio"],
                              incoming=items.Incoming(Consent.TEAM), now=utcnow()).item
        event = timeline.add_event(db, facilitator, case.id, happened_on=date(2026, 1, 9),
                                   happened_at=None, description="Reunión del equipo",
                                   consent=Consent.TEAM)
    return ArchiveWorld(Actors(app, world), case.id, item.id, event.id)


def test_archive_matrix_covers_every_role_once() -> None:
    for refused in (ARCHIVE_UPLOAD_REFUSED, ARCHIVE_CONSENT_REFUSED, ARCHIVE_TEAM_REFUSED):
        assert set(refused) | {"facilitator"} == set(ROLES)


@pytest.mark.parametrize("role", ROLES)
def test_archive_upload_and_consent_by_role(role: str, archive_world: ArchiveWorld,
                                           engine: Engine) -> None:
    b = archive_world.actors(role)
    before = row_counts(engine)
    upload = b.api("POST", f"/api/v1/archive/cases/{archive_world.case_id}/uploads",
                   headers={"tus-resumable": "1.0.0", "upload-length": "5"})
    narrow = b.api("POST", f"/api/v1/archive/items/{archive_world.item_id}/consent",
                   json={"consent": "legal"})
    listed = b.get(f"/api/v1/archive/cases/{archive_world.case_id}/items").json()
    if role == "facilitator":
        assert upload.status_code == 201, upload.text
        assert narrow.status_code == 200, narrow.text
        assert [i["id"] for i in listed] == [archive_world.item_id]
        return
    assert_refused(upload, "es", ARCHIVE_UPLOAD_REFUSED[role])
    assert_refused(narrow, "es", ARCHIVE_CONSENT_REFUSED[role])
    assert listed == []
    assert row_counts(engine) == before, role


# The archive's phase B: the timeline (API), the team page, a file sent from the case page.
ARCHIVE_TEAM_REFUSED = {"anonymous": 401, "pending": 403, "member": 403, "outsider": 403,
                        "suspended": 403}


@pytest.mark.parametrize("role", ROLES)
def test_archive_timeline_team_page_and_page_upload_by_role(
        role: str, archive_world: ArchiveWorld, engine: Engine) -> None:
    b = archive_world.actors(role)
    case = archive_world.case_id
    before = row_counts(engine)
    event = b.api("POST", f"/api/v1/archive/cases/{case}/timeline",
                  json={"happened_on": "2026-01-09", "description": "Marcha",
                        "consent": "team"})
    team_page = b.get(f"/archivo/casos/{case}/equipo")
    token = b.csrf()
    upload = b.client.post(f"/archivo/subir/caso/{case}", data={"csrf_token": token},
                           files={"file": ("a.txt", b"texto ficticio 2", "text/plain")})
    timeline = b.get(f"/api/v1/archive/cases/{case}/timeline").json()
    if role == "facilitator":
        assert event.status_code == 201, event.text
        assert team_page.status_code == 200
        assert upload.status_code == 303, upload.text[:300]
        assert "Marcha" in {e["description"] for e in timeline}
        return
    assert_refused(event, "es", ARCHIVE_TEAM_REFUSED[role])
    assert_refused(team_page, "es", ARCHIVE_TEAM_REFUSED[role])
    assert_refused(upload, "es", ARCHIVE_TEAM_REFUSED[role])
    assert timeline == []
    assert row_counts(engine) == before, role


# Intake links for witnesses (page and API): only the case's team makes them.
@pytest.mark.parametrize("role", ROLES)
def test_archive_intake_link_by_role(role: str, archive_world: ArchiveWorld,
                                     engine: Engine) -> None:
    b = archive_world.actors(role)
    case = archive_world.case_id
    before = row_counts(engine)
    page = b.post_form(f"/archivo/casos/{case}/enlaces", {"consent": "team"})
    api = b.api("POST", f"/api/v1/archive/cases/{case}/intake-links", json={"consent": "team"})
    if role == "facilitator":
        assert page.status_code == 303, page.text[:300]
        assert b.get(page.headers["location"]).status_code == 200
        assert api.status_code == 201, api.text
        return
    assert_refused(page, "es", ARCHIVE_TEAM_REFUSED[role])
    assert_refused(api, "es", ARCHIVE_TEAM_REFUSED[role])
    assert row_counts(engine) == before, role


# Editing a timeline event (page and API): only the case's team, and the event is "not found"
# for whoever may not see it (a team-level event here).
ARCHIVE_EVENT_REFUSED = {"anonymous": 401, "pending": 404, "member": 404, "outsider": 404,
                         "suspended": 404}


@pytest.mark.parametrize("role", ROLES)
def test_archive_event_edit_by_role(role: str, archive_world: ArchiveWorld,
                                    engine: Engine) -> None:
    assert set(ARCHIVE_EVENT_REFUSED) | {"facilitator"} == set(ROLES)
    b = archive_world.actors(role)
    event = archive_world.event_id
    before = row_counts(engine)
    page = b.get(f"/archivo/cronologia/{event}/editar")
    put = b.api("PUT", f"/api/v1/archive/timeline/{event}",
                json={"happened_on": "2026-01-09", "description": f"Reunión ({role})",
                      "consent": "team"})
    if role == "facilitator":
        assert page.status_code == 200
        assert put.status_code == 200, put.text
        assert put.json()["description"] == "Reunión (facilitator)"
        return
    assert_refused(page, "es", ARCHIVE_EVENT_REFUSED[role])
    assert_refused(put, "es", ARCHIVE_EVENT_REFUSED[role])
    assert row_counts(engine) == before, role
