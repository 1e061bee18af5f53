"""A participatory budgeting process on both databases, phase by phase: preparation (agents,
challenges, the final list), workshops, technical evaluation, prioritisation (one ballot per
member, kept apart from who voted), formalisation (the outcome by the core's rule, the Acta
signed by two facilitators, the committee elected by the members in an STV vote) and
oversight. Who may do what, phases in order, and refusals that write nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from asamblea.core.errors import Conflict, DomainError, Forbidden, Invalid, NotFound
from asamblea.core.federation import AssemblyKind, AssemblyRules
from asamblea.core.people import Person
from asamblea.services.budgeting import committee as budget_committee
from asamblea.services.budgeting import process as budgeting
from asamblea.services.federation import accounts
from asamblea.services.federation import assemblies as federation
from asamblea.services.votes import votes
from asamblea.store import budgeting_models as bm
from asamblea.store.federation_models import AuditRow
from asamblea.store.votes_models import VoteRow

PASSWORD = "una frase larga y secreta"
T0 = datetime(2026, 11, 28, 15, 0, tzinfo=UTC)
CALENDAR = {p: date(2027, 1, 1) + timedelta(days=10 * i) for i, p in enumerate(budgeting.PHASES)}
TABLES = (
    bm.BudgetProcessRow,
    bm.BudgetAgentRow,
    bm.BudgetProjectRow,
    bm.BudgetTechnicianRow,
    bm.BudgetVoterRow,
    bm.BudgetBallotRow,
    bm.BudgetCommitteeRow,
    bm.BudgetCandidateRow,
    bm.BudgetElectionRow,
    bm.BudgetProgressRow,
    VoteRow,
    AuditRow,
)
KEY = votes.signing_key("clave-de-prueba-" * 4)
WEEK = timedelta(days=7)


class World:
    """A union with facilitators `f1`, `f2`, members `m1`..`m3`, a pending `pend`; an
    `outsider` who founded another assembly."""

    def __init__(self, db: Session) -> None:
        names = ("f1", "f2", "m1", "m2", "m3", "pend", "outsider")
        self.p: dict[str, Person] = {n: accounts.register(db, f"pb_{n}", PASSWORD) for n in names}
        union = federation.create_assembly(
            db,
            self.p["f1"],
            name="Sindicato",
            kind=AssemblyKind.UNION,
            parent_id=None,
            assembly_rules=AssemblyRules(vouches_needed=1),
        )
        for name in ("f2", "m1", "m2", "m3"):
            request = federation.request_to_join(db, self.p[name], union.id)
            federation.vouch(db, self.p["f1"], request.id)
            if name == "f2":
                federation.make_facilitator(db, self.p["f1"], request.id)
        federation.request_to_join(db, self.p["pend"], union.id)
        other = federation.create_assembly(
            db, self.p["outsider"], name="Otra", kind=AssemblyKind.UNION, parent_id=None
        )
        self.union, self.other = union.id, other.id


def counts(db: Session) -> list[int]:
    return [int(db.scalar(select(func.count()).select_from(t)) or 0) for t in TABLES]


def refused(db: Session, error: type[DomainError], action: Callable[[], object]) -> None:
    """The action is refused with `error` and writes nothing."""
    before = counts(db)
    with pytest.raises(error):
        action()
    db.expire_all()
    assert counts(db) == before


def create(db: Session, w: World, **fields: object) -> int:
    values: dict[str, object] = {"title": "Presupuesto 2027", "budget": 100_000_00}
    values |= fields
    return budgeting.create_process(
        db,
        w.p["f1"],
        w.union,
        calendar=CALENDAR,
        **values,  # type: ignore[arg-type]
    ).id


@pytest.fixture
def w(db: Session) -> World:
    return World(db)


def to_prioritisation(db: Session, w: World, process_id: int) -> dict[str, int]:
    """Agents m1 and m2 register; they submit three projects; all viable; into the vote."""
    p = w.p
    budgeting.register_agent(db, p["m1"], process_id, "Comedor popular")
    budgeting.register_agent(db, p["m2"], process_id, "Junta vecinal")
    budgeting.advance(db, p["f1"], process_id)
    ids = {}
    for who, title, cost in (
        ("m1", "Losa", 60_000_00),
        ("m2", "Agua", 50_000_00),
        ("m2", "Posta", 30_000_00),
    ):
        ids[title] = budgeting.submit_project(
            db,
            p[who],
            process_id,
            title=title,
            description="d",
            place="Sector 3",
            cost=cost,
            beneficiaries=100,
        ).id
    budgeting.advance(db, p["f1"], process_id)
    for project_id in ids.values():
        budgeting.evaluate_project(db, p["f2"], project_id, viable=True, reason="Viable")
    budgeting.advance(db, p["f1"], process_id)
    return ids


def test_the_whole_process(db: Session, w: World) -> None:
    p = w.p
    process_id = create(db, w)
    assert budgeting.process_view(db, p["m1"], process_id).process.phase == "preparation"
    budgeting.register_agent(db, p["m1"], process_id, "Comedor popular")
    agent = budgeting.register_agent(db, p["m2"], process_id, "Junta vecinal")
    budgeting.register_agent(db, p["m3"], process_id, "Club de madres")
    budgeting.challenge_agent(db, p["m1"], agent.id, "No es delegada acreditada")
    refused(db, Conflict, lambda: budgeting.advance(db, p["f1"], process_id))  # challenge open
    budgeting.resolve_challenge(db, p["f2"], agent.id, uphold=False, resolution="Acreditada")
    m3 = budgeting.process_view(db, p["m1"], process_id).agents[2]
    budgeting.challenge_agent(db, p["m1"], m3.id, "Organización inexistente")
    budgeting.resolve_challenge(db, p["f1"], m3.id, uphold=True, resolution="Fundado")
    budgeting.advance(db, p["f1"], process_id)
    view = budgeting.process_view(db, p["m1"], process_id)
    assert [a.organisation for a in view.final_agents] == ["Comedor popular", "Junta vecinal"]
    refused(  # excluded agents submit nothing
        db,
        Forbidden,
        lambda: budgeting.submit_project(
            db, p["m3"], process_id, title="x", description="x", place="x", cost=1, beneficiaries=1
        ),
    )
    ids = {}
    for who, title, cost in (
        ("m1", "Losa", 60_000_00),
        ("m2", "Agua", 50_000_00),
        ("m2", "Posta", 30_000_00),
        ("m1", "Caro", 10_000_00),
    ):
        ids[title] = budgeting.submit_project(
            db,
            p[who],
            process_id,
            title=title,
            description="d",
            place="Sector 3",
            cost=cost,
            beneficiaries=100,
        ).id
    budgeting.advance(db, p["f1"], process_id)
    budgeting.name_technician(db, p["f1"], process_id, p["m3"].id)
    budgeting.evaluate_project(db, p["m3"], ids["Losa"], viable=True, reason="Bien")
    budgeting.evaluate_project(db, p["f2"], ids["Agua"], viable=True, reason="Bien", cost=45_000_00)
    budgeting.evaluate_project(db, p["f1"], ids["Posta"], viable=True, reason="Bien")
    refused(db, Conflict, lambda: budgeting.advance(db, p["f1"], process_id))  # one unevaluated
    budgeting.evaluate_project(db, p["f1"], ids["Caro"], viable=False, reason="Sin terreno")
    budgeting.advance(db, p["f1"], process_id)
    ballots = {
        "f1": ["Losa"],
        "f2": ["Losa"],
        "m1": ["Losa", "Posta"],
        "m2": ["Agua", "Posta"],
        "m3": ["Agua"],
    }
    for who, titles in ballots.items():
        budgeting.cast_ballot(db, p[who], process_id, {ids[t]: 1 for t in titles})
    refused(db, Conflict, lambda: budgeting.cast_ballot(db, p["m1"], process_id, {}))
    refused(db, Invalid, lambda: budgeting.cast_ballot(db, p["m1"], process_id, {ids["Caro"]: 1}))
    assert db.scalar(select(func.count()).select_from(bm.BudgetVoterRow)) == 5
    budgeting.advance(db, p["f1"], process_id)
    view = budgeting.process_view(db, p["m1"], process_id)
    result = view.process.result
    assert result is not None
    assert result["rule"] == "mes"
    # each of the 5 voters holds S/ 20,000: Losa's three supporters pay all of it; Agua's two
    # have S/ 40,000 < S/ 45,000 (corrected cost); add1 would overspend, so it stops there
    assert result["selected"] == [str(ids["Losa"])]
    assert result["total_cost"] == 60_000_00
    reasons = {e["project"]: e["reason"] for e in result["explanations"]}
    assert reasons[str(ids["Agua"])] == "shares_short"
    assert len(result["explanations"]) == 3  # the viable projects
    refused(db, Conflict, lambda: budgeting.advance(db, p["f1"], process_id))  # unsigned
    budgeting.sign_acta(db, p["f1"], process_id, T0)
    refused(db, Forbidden, lambda: budgeting.sign_acta(db, p["f1"], process_id, T0))
    refused(db, Forbidden, lambda: budgeting.sign_acta(db, p["m1"], process_id, T0))
    budgeting.sign_acta(db, p["f2"], process_id, T0)
    refused(db, Conflict, lambda: budgeting.advance(db, p["f1"], process_id))  # no committee
    elect(db, w, process_id, candidates=("m3", "m1"), first="m3", seats=1)
    budgeting.advance(db, p["f1"], process_id)  # settles the published election first
    seats = budgeting.process_view(db, p["m1"], process_id).committee.seats
    assert [s.person_id for s in seats] == [p["m3"].id]
    refused(
        db,
        Forbidden,
        lambda: budgeting.record_progress(
            db, p["m1"], ids["Losa"], percent=10, note="x", on_date=date(2027, 3, 1)
        ),
    )
    refused(
        db,
        Conflict,
        lambda: budgeting.record_progress(
            db, p["m3"], ids["Agua"], percent=10, note="x", on_date=date(2027, 3, 1)
        ),
    )
    budgeting.record_progress(
        db, p["m3"], ids["Losa"], percent=40, note="Cimientos", on_date=date(2027, 3, 1)
    )
    view = budgeting.process_view(db, p["m2"], process_id)
    assert [(g.percent, g.note) for g in view.progress] == [(40, "Cimientos")]
    refused(db, Conflict, lambda: budgeting.advance(db, p["f1"], process_id))  # last phase
    actions = list(
        db.scalars(select(AuditRow.action).where(AuditRow.subject == f"budget:{process_id}"))
    )
    assert actions.count("budget.advanced") == 5
    assert "budget.acta_signed" in actions


def elect(
    db: Session, w: World, process_id: int, *, candidates: tuple[str, ...], first: str, seats: int
) -> int:
    """``candidates`` stand, the election opens, every active member ranks ``first`` first,
    the vote closes (everyone voted) and is published. Returns the vote's id."""
    for name in candidates:
        budget_committee.stand(db, w.p[name], process_id)
    vote = budget_committee.open_committee_election(
        db, w.p["f1"], process_id, seats=seats, now=T0, closes_at=T0 + WEEK
    )
    order = sorted(candidates, key=lambda n: w.p[n].username)
    ranking = [order.index(first)] + [i for i, n in enumerate(order) if n != first]
    for name in ("f1", "f2", "m1", "m2", "m3"):
        votes.cast(db, w.p[name], vote.id, ranking, now=T0, key=KEY)
    votes.close_vote(db, w.p["f1"], vote.id, T0 + timedelta(minutes=1), KEY)
    return vote.id


def to_formalisation(db: Session, w: World, process_id: int) -> dict[str, int]:
    """Into the vote (see `to_prioritisation`); m1 approves Losa; the outcome is published."""
    ids = to_prioritisation(db, w, process_id)
    budgeting.cast_ballot(db, w.p["m1"], process_id, {ids["Losa"]: 1})
    budgeting.advance(db, w.p["f1"], process_id)
    return ids


def test_the_members_elect_the_committee(db: Session, w: World) -> None:
    p = w.p
    process_id = create(db, w)
    refused(db, Conflict, lambda: budget_committee.stand(db, p["m1"], process_id))  # too early
    ids = to_formalisation(db, w, process_id)
    for who, error in (("pend", Forbidden), ("outsider", Forbidden)):
        refused(db, error, lambda who=who: budget_committee.stand(db, p[who], process_id))
    refused(db, Conflict, lambda: budget_committee.withdraw(db, p["m1"], process_id))
    budget_committee.stand(db, p["m1"], process_id)
    refused(db, Conflict, lambda: budget_committee.stand(db, p["m1"], process_id))

    def election(actor: str, seats: int) -> Callable[[], object]:
        return lambda: budget_committee.open_committee_election(
            db, p[actor], process_id, seats=seats, now=T0, closes_at=T0 + WEEK
        )

    refused(db, Invalid, election("f1", 1))  # one candidate: no choice
    for name in ("m2", "m3", "f2"):
        budget_committee.stand(db, p[name], process_id)
    budget_committee.withdraw(db, p["f2"], process_id)
    refused(db, Forbidden, election("m1", 1))
    refused(db, Forbidden, election("outsider", 1))
    refused(db, Invalid, election("f1", 3))  # as many seats as candidates
    refused(db, Invalid, election("f1", 0))
    refused(  # a vote must close after it opens
        db,
        Invalid,
        lambda: budget_committee.open_committee_election(
            db, p["f1"], process_id, seats=1, now=T0, closes_at=T0
        ),
    )
    vote = election("f1", 2)()
    assert (vote.spec.rule, vote.spec.seats, vote.roll_size) == ("stv", 2, 5)
    assert vote.spec.options == tuple(sorted(p[n].username for n in ("m1", "m2", "m3")))
    assert not vote.spec.public
    for action in (
        lambda: budget_committee.stand(db, p["f2"], process_id),
        lambda: budget_committee.withdraw(db, p["m1"], process_id),
        election("f1", 1),
    ):
        refused(db, Conflict, action)
    refused(db, Conflict, lambda: budgeting.advance(db, p["f1"], process_id))  # not elected yet
    committee = budgeting.process_view(db, p["m2"], process_id).committee
    assert committee.is_voting
    assert not committee.is_elected
    assert budget_committee.settle_committee_election(db, vote.id) == []  # still open

    # m2 and m3 get most first preferences; the roll is the five active members
    order = vote.spec.options
    ballots = {"f1": "m2", "f2": "m3", "m1": "m2", "m2": "m3", "m3": "m2"}
    for voter, first in ballots.items():
        ranking = [order.index(p[first].username)]
        votes.cast(db, p[voter], vote.id, ranking, now=T0, key=KEY)
    refused(db, Forbidden, lambda: votes.cast(db, p["pend"], vote.id, [0], now=T0, key=KEY))
    votes.close_vote(db, p["f1"], vote.id, T0 + timedelta(minutes=1), KEY)
    assert budgeting.process_view(db, p["m1"], process_id).committee.is_voting  # until settled
    won = budget_committee.settle_committee_election(db, vote.id)
    assert sorted(won) == sorted([p["m2"].id, p["m3"].id])
    assert budget_committee.settle_committee_election(db, vote.id) == []  # idempotent
    committee = budgeting.process_view(db, p["m1"], process_id).committee
    assert {(s.person_id, s.vote_id) for s in committee.seats} == {
        (p["m2"].id, vote.id),
        (p["m3"].id, vote.id),
    }
    refused(db, Conflict, lambda: budget_committee.stand(db, p["f2"], process_id))  # elected
    refused(db, NotFound, lambda: budget_committee.settle_committee_election(db, 10**6))
    budgeting.sign_acta(db, p["f1"], process_id, T0)
    budgeting.sign_acta(db, p["f2"], process_id, T0)
    budgeting.advance(db, p["f1"], process_id)
    refused(
        db,
        Forbidden,
        lambda: budgeting.record_progress(
            db, p["m1"], ids["Losa"], percent=5, note="x", on_date=date(2027, 3, 1)
        ),
    )
    budgeting.record_progress(
        db, p["m2"], ids["Losa"], percent=5, note="Inicio", on_date=date(2027, 3, 1)
    )
    actions = list(
        db.scalars(select(AuditRow.action).where(AuditRow.subject == f"budget:{process_id}"))
    )
    assert actions.count("budget.candidate_stood") == 4
    assert "budget.candidate_withdrew" in actions
    assert "budget.committee_election_opened" in actions
    assert "budget.committee_elected" in actions


def test_a_candidate_who_left_is_not_on_the_ballot(db: Session, w: World) -> None:
    p = w.p
    process_id = create(db, w)
    to_formalisation(db, w, process_id)
    for name in ("m1", "m2", "m3"):
        budget_committee.stand(db, p[name], process_id)
    union = budgeting.process_view(db, p["f1"], process_id).process.assembly_id
    federation.leave(db, p["m3"], union)
    vote = budget_committee.open_committee_election(
        db, p["f1"], process_id, seats=1, now=T0, closes_at=T0 + WEEK
    )
    assert p["m3"].username not in vote.spec.options
    assert vote.roll_size == 4


def test_ballots_name_no_voter_and_voters_carry_no_ballot(db: Session, w: World) -> None:
    process_id = create(db, w, rule="greedy")
    ids = to_prioritisation(db, w, process_id)
    budgeting.cast_ballot(db, w.p["m1"], process_id, {ids["Losa"]: 1})
    ballot_columns = {c.name for c in bm.BudgetBallotRow.__table__.columns}
    voter_columns = {c.name for c in bm.BudgetVoterRow.__table__.columns}
    assert ballot_columns == {"id", "process_id", "points"}
    assert voter_columns == {"process_id", "person_id"}
    budgeting.advance(db, w.p["f1"], process_id)
    result = budgeting.process_view(db, w.p["m1"], process_id).process.result
    assert result is not None
    assert result["rule"] == "greedy"
    assert result["selected"] == [str(ids["Losa"]), str(ids["Posta"])]  # Agua does not fit


def test_ballot_rules(db: Session, w: World) -> None:
    p = w.p
    capped = create(db, w, max_choices=1)
    ids = to_prioritisation(db, w, capped)
    refused(
        db,
        Invalid,
        lambda: budgeting.cast_ballot(db, p["m1"], capped, {ids["Losa"]: 1, ids["Agua"]: 1}),
    )
    refused(db, Invalid, lambda: budgeting.cast_ballot(db, p["m1"], capped, {ids["Losa"]: 2}))
    budgeting.cast_ballot(db, p["m1"], capped, {ids["Losa"]: 1})
    fitting = create(db, w, within_budget=True, title="Otro")
    ids = to_prioritisation_again(db, w, fitting)
    refused(
        db,
        Invalid,
        lambda: budgeting.cast_ballot(db, p["m1"], fitting, dict.fromkeys(ids.values(), 1)),
    )
    budgeting.cast_ballot(db, p["m1"], fitting, {ids["Losa"]: 1, ids["Posta"]: 1})
    points = create(db, w, ballot_kind="cumulative", points=10, title="Puntos")
    ids = to_prioritisation_again(db, w, points)
    refused(db, Invalid, lambda: budgeting.cast_ballot(db, p["m1"], points, {ids["Losa"]: 11}))
    budgeting.cast_ballot(db, p["m1"], points, {ids["Losa"]: 7, ids["Agua"]: 3})
    budgeting.cast_ballot(db, p["m2"], points, {ids["Posta"]: 10})
    budgeting.advance(db, p["f1"], points)
    result = budgeting.process_view(db, p["m1"], points).process.result
    assert result is not None
    assert result["total_cost"] <= 100_000_00


def to_prioritisation_again(db: Session, w: World, process_id: int) -> dict[str, int]:
    """As `to_prioritisation`, for a second process (the same members register again)."""
    return to_prioritisation(db, w, process_id)


def test_who_may_act(db: Session, w: World) -> None:
    p = w.p
    refused(
        db,
        Forbidden,
        lambda: budgeting.create_process(
            db, p["m1"], w.union, title="x", budget=100, calendar=CALENDAR
        ),
    )
    refused(
        db,
        Forbidden,
        lambda: budgeting.create_process(
            db, p["outsider"], w.union, title="x", budget=100, calendar=CALENDAR
        ),
    )
    refused(db, Invalid, lambda: create(db, w, budget=0))
    refused(
        db,
        Invalid,
        lambda: budgeting.create_process(
            db,
            p["f1"],
            w.union,
            title="x",
            budget=100,
            calendar={**CALENDAR, "workshops": date(2026, 1, 1)},
        ),
    )
    process_id = create(db, w)
    refused(db, Forbidden, lambda: budgeting.register_agent(db, p["pend"], process_id, "Org"))
    refused(db, Forbidden, lambda: budgeting.register_agent(db, p["outsider"], process_id, "Org"))
    agent = budgeting.register_agent(db, p["m1"], process_id, "Org")
    refused(db, Conflict, lambda: budgeting.register_agent(db, p["m1"], process_id, "Otra"))
    refused(db, Forbidden, lambda: budgeting.challenge_agent(db, p["m1"], agent.id, "yo"))
    refused(db, Forbidden, lambda: budgeting.challenge_agent(db, p["outsider"], agent.id, "x"))
    refused(db, Invalid, lambda: budgeting.challenge_agent(db, p["m2"], agent.id, "  "))
    budgeting.challenge_agent(db, p["m2"], agent.id, "x")
    refused(
        db,
        Forbidden,
        lambda: budgeting.resolve_challenge(db, p["m3"], agent.id, uphold=True, resolution="x"),
    )
    budgeting.resolve_challenge(db, p["f1"], agent.id, uphold=False, resolution="ok")
    refused(db, Forbidden, lambda: budgeting.advance(db, p["m1"], process_id))
    refused(db, Forbidden, lambda: budgeting.name_technician(db, p["m1"], process_id, p["m2"].id))
    refused(
        db, Invalid, lambda: budgeting.name_technician(db, p["f1"], process_id, p["outsider"].id)
    )
    # phases in order: nothing of a later phase happens now
    refused(
        db,
        Conflict,
        lambda: budgeting.submit_project(
            db, p["m1"], process_id, title="x", description="x", place="x", cost=1, beneficiaries=1
        ),
    )
    refused(db, Conflict, lambda: budgeting.cast_ballot(db, p["m1"], process_id, {}))
    refused(db, Conflict, lambda: budgeting.sign_acta(db, p["f1"], process_id, T0))
    refused(db, Conflict, lambda: budget_committee.stand(db, p["m1"], process_id))
    budgeting.advance(db, p["f1"], process_id)
    refused(db, Conflict, lambda: budgeting.register_agent(db, p["m2"], process_id, "Tarde"))
    refused(
        db,
        Forbidden,
        lambda: budgeting.submit_project(
            db, p["m2"], process_id, title="x", description="x", place="x", cost=1, beneficiaries=1
        ),
    )
    project = budgeting.submit_project(
        db, p["m1"], process_id, title="x", description="x", place="x", cost=1, beneficiaries=1
    )
    refused(
        db,
        Conflict,
        lambda: budgeting.evaluate_project(db, p["f1"], project.id, viable=True, reason="x"),
    )
    budgeting.advance(db, p["f1"], process_id)
    refused(
        db,
        Forbidden,
        lambda: budgeting.evaluate_project(db, p["m2"], project.id, viable=True, reason="x"),
    )
    refused(
        db,
        NotFound,
        lambda: budgeting.evaluate_project(db, p["f1"], 10**6, viable=True, reason="x"),
    )
    refused(db, NotFound, lambda: budgeting.process_view(db, p["outsider"], process_id))
    refused(db, NotFound, lambda: budgeting.process_view(db, p["pend"], process_id))
    refused(db, NotFound, lambda: budgeting.process_view(db, None, process_id))
    assert budgeting.processes_of(db, p["outsider"], w.union) == []
    assert [x.id for x in budgeting.processes_of(db, p["m1"], w.union)] == [process_id]
