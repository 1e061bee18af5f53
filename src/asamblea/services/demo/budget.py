"""The demo's participatory budgeting process, seeded through the real use cases.

Villa El Salvador's Sector 3 runs next year's process (as Peru's districts do): four
organisations registered as agents, six projects (one found not viable, one with its cost
corrected), the members' approval ballots counted by Equal Shares with add1 completion, the Acta
signed by two facilitators, and the oversight committee's election open — five candidates for
three seats, some ballots already cast — so that a visitor logged in as `facilitadora.ves` sees
every phase's trace and can vote.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, time, timedelta

from nacl.signing import SigningKey
from sqlalchemy.orm import Session

from asamblea.core.federation import MembershipState, Role
from asamblea.core.people import Person
from asamblea.services.budgeting import committee as budget_committee
from asamblea.services.budgeting import process as budgeting
from asamblea.services.demo.calendar import DemoCalendar
from asamblea.services.votes import votes
from asamblea.store.federation_repository import FederationRepository, PeopleRepository

#: (organisation, its projects: title, place, cost in soles, beneficiaries).
AGENTS = (
    (
        "Junta Vecinal del Grupo 12",
        [
            ("Reservorio elevado de agua para el Grupo 12", "Grupo 12, parte alta", 120_000, 900),
            ("Muro de contención en la ladera", "Ladera del Grupo 14", 140_000, 300),
        ],
    ),
    (
        "Comedor Popular Virgen de las Mercedes",
        [("Cocina mejorada para el comedor popular", "Local comunal del Grupo 5", 25_000, 180)],
    ),
    (
        "Club de Madres Sector 3",
        [
            ("Losa multiusos con techo", "Parque del Grupo 9", 85_000, 1200),
            ("Biohuerto comunal", "Terreno del Grupo 2", 15_000, 150),
        ],
    ),
    (
        "Colectivo Juvenil Arte y Barrio",
        [("Alumbrado en la avenida Revolución", "Av. Revolución, cuadras 10 a 18", 60_000, 2500)],
    ),
)
NOT_VIABLE = {"Muro de contención en la ladera": "Requiere un estudio de suelos que no existe."}
CORRECTED = {"Losa multiusos con techo": 92_000}  # the technical team's cost, in soles
POPULAR = (0, 2, 3, 4, 5)  # project positions members lean towards (the wall is not on the ballot)
#: Each phase lasts this many days; formalisation began this many days ago, so the committee's
#: election (open `COMMITTEE_DAYS`) closes before oversight begins.
PHASE_DAYS, FORMALISATION_AGO, COMMITTEE_DAYS = 15, 5, 5


def seed_budget(
    db: Session,
    assembly_id: int,
    key: SigningKey,
    rng: random.Random,
    *,
    skip: set[int],
    calendar: DemoCalendar,
) -> int:
    """Seed the process in the assembly (whose first facilitator opens it); returns its id.
    ``skip``: the demo's named accounts, left without a ballot so that visitors can vote.
    Today falls in formalisation, whose committee election closes before oversight starts."""
    now = calendar.now
    facilitators, members = _people(db, assembly_id)
    fac, cosigner = facilitators[0], _second_facilitator(db, assembly_id, facilitators, members)
    neighbours = [p for p in members if p.id not in skip and p.id != cosigner.id]
    formalisation = budgeting.PHASES.index("formalisation")
    start = calendar.day_ago(FORMALISATION_AGO + PHASE_DAYS * formalisation)
    phases = {p: start + timedelta(days=PHASE_DAYS * i) for i, p in enumerate(budgeting.PHASES)}
    process = budgeting.create_process(
        db,
        fac,
        assembly_id,
        title=f"Presupuesto Participativo {calendar.today.year + 1} — Sector 3",
        budget=250_000_00,
        calendar=phases,
        rule="mes",
    )
    for agent, (organisation, _) in zip(neighbours, AGENTS, strict=False):
        budgeting.register_agent(db, agent, process.id, organisation)
    budgeting.advance(db, fac, process.id)
    ids = []
    for agent, (_, projects) in zip(neighbours, AGENTS, strict=False):
        for title, place, cost, beneficiaries in projects:
            ids.append(
                budgeting.submit_project(
                    db,
                    agent,
                    process.id,
                    title=title,
                    description=f"{title}: propuesta trabajada en el taller del sector.",
                    place=place,
                    cost=cost * 100,
                    beneficiaries=beneficiaries,
                ).id
            )
    budgeting.advance(db, fac, process.id)
    _evaluate(db, fac, process.id)
    budgeting.advance(db, fac, process.id)
    for voter in neighbours[:30]:
        chosen = {ids[i]: 1 for i in POPULAR if rng.random() < 0.5 + 0.08 * (5 - POPULAR.index(i))}
        budgeting.cast_ballot(db, voter, process.id, chosen)
    budgeting.advance(db, fac, process.id)
    signed = datetime.combine(phases["formalisation"], time(18, 0), tzinfo=UTC)
    budgeting.sign_acta(db, fac, process.id, signed)
    budgeting.sign_acta(db, cosigner, process.id, signed + timedelta(hours=2))
    _committee_election(db, fac, process.id, neighbours, key=key, rng=rng, now=now)
    return process.id


def _evaluate(db: Session, technician: Person, process_id: int) -> None:
    for project in budgeting.process_view(db, technician, process_id).projects:
        reason = NOT_VIABLE.get(project.title)
        corrected = CORRECTED.get(project.title)
        budgeting.evaluate_project(
            db,
            technician,
            project.id,
            viable=reason is None,
            reason=reason or "Terreno saneado y costo de mercado verificado.",
            cost=None if corrected is None else corrected * 100,
        )


def _committee_election(
    db: Session,
    fac: Person,
    process_id: int,
    neighbours: list[Person],
    *,
    key: SigningKey,
    rng: random.Random,
    now: datetime,
) -> None:
    """Five neighbours stand; the election for three seats is open for five days and a dozen
    members have already ranked some of the candidates."""
    for candidate in neighbours[4:9]:
        budget_committee.stand(db, candidate, process_id)
    vote = budget_committee.open_committee_election(
        db, fac, process_id, seats=3, now=now, closes_at=now + timedelta(days=COMMITTEE_DAYS)
    )
    options = len(vote.spec.options)
    for voter in neighbours[10:22]:
        ranking = rng.sample(range(options), rng.randint(1, options))
        votes.cast(db, voter, vote.id, ranking, now=now, key=key)


def _people(db: Session, assembly_id: int) -> tuple[list[Person], list[Person]]:
    """The assembly's active facilitators and its other active members, in membership order."""
    people = PeopleRepository(db)
    facilitators: list[Person] = []
    members: list[Person] = []
    for m in FederationRepository(db).memberships(assembly_id, MembershipState.ACTIVE):
        person = people.get(m.person_id)
        if person is not None:
            (facilitators if m.role is Role.FACILITATOR else members).append(person)
    return facilitators, members


def _second_facilitator(
    db: Session, assembly_id: int, facilitators: list[Person], members: list[Person]
) -> Person:
    """A second facilitator to countersign the Acta (the first member is named if needed)."""
    if len(facilitators) > 1:
        return facilitators[1]
    repo = FederationRepository(db)
    chosen = members[0]
    membership = repo.membership_of(assembly_id, chosen.id)
    assert membership is not None  # noqa: S101 - an active member
    repo.set_state(membership.id, MembershipState.ACTIVE, Role.FACILITATOR)
    return chosen
