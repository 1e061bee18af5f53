"""The demo's planning rounds, seeded through the real use cases.

The national assembly published this year's «Plan de la aldea» from the targets two peasant
communities of Puno adopted by votes of their members, then opened its revision: there Chucuito
already adopted a change, the Mercado Modelo's first draft was not adopted and its second is
being voted on now, and Villa El Salvador's neighbours have not drafted yet — so that a visitor
logged in as `facilitadora.ves` can put their targets to a vote.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from nacl.signing import SigningKey
from sqlalchemy.orm import Session

from asamblea.core.federation import MembershipState, Role
from asamblea.core.people import Person
from asamblea.services.demo.calendar import DemoCalendar
from asamblea.services.planning import rounds as planning
from asamblea.services.votes import votes
from asamblea.store.federation_repository import FederationRepository, PeopleRepository

YES_MOSTLY = [0, 0, 0, 1]
"""Ballots cycle through these choices (0 Sí, 1 No, 2 Abstención): the motion carries."""
NO_MOSTLY = [1, 1, 0]
"""The motion does not carry."""


def seed_planning(
    db: Session, ids: dict[str, int], key: SigningKey, *, skip: set[int], calendar: DemoCalendar
) -> None:
    """Seed the rounds (`ids`: the demo's assemblies by key; `skip`: the demo logins, who
    never vote here, so that they may try it themselves)."""
    now = calendar.now
    start = calendar.ago(4)
    coordinator = _facilitator(db, ids["nacional"])
    first = planning.open_round(
        db,
        coordinator,
        ids["nacional"],
        title=f"Plan de la aldea {calendar.today.year}",
        model_key="aldea",
        goods=["maíz", "pan"],
        now=start - timedelta(days=1),  # a day before its first targets went to a vote
    )
    for seat, levels in (
        ("chucuito_cc", {"maíz": 120.0, "pan": 60.0}),
        ("pomata", {"maíz": 150.0, "pan": 40.0}),
    ):
        _by_vote(db, ids[seat], first.id, key, start, skip=skip, levels=levels, choices=YES_MOSTLY)
    planning.solve_round(db, coordinator, first.id, now=start + timedelta(days=2))
    later = start + timedelta(days=2)  # the plan is published, and its revision opens
    revision = planning.open_revision(db, coordinator, first.id, now=later)
    _by_vote(
        db,
        ids["chucuito_cc"],
        revision.id,
        key,
        later,
        skip=skip,
        changes={"pan": 10.0},
        choices=YES_MOSTLY,
    )
    market = ids["mercado"]
    _by_vote(
        db, market, revision.id, key, later, skip=skip, levels={"pan": 90.0}, choices=NO_MOSTLY
    )
    planning.draft_targets(
        db,
        _facilitator(db, market),
        revision.id,
        market,
        levels={"maíz": 90.0, "pan": 70.0},
        changes={},
        note="Segunda propuesta, debatida en la asamblea del mercado.",
        now=now,
        days=5,
    )


def _by_vote(
    db: Session,
    assembly_id: int,
    round_id: int,
    key: SigningKey,
    start: datetime,
    *,
    skip: set[int],
    levels: dict[str, float] | None = None,
    changes: dict[str, float] | None = None,
    choices: list[int],
) -> None:
    """The assembly's facilitator drafts targets at `start`; its members vote cycling through
    `choices`; the vote closes a day later and the draft is settled (adopted or not)."""
    facilitator = _facilitator(db, assembly_id)
    draft = planning.draft_targets(
        db,
        facilitator,
        round_id,
        assembly_id,
        levels=levels or {},
        changes=changes or {},
        note="Acordado en asamblea; se vota en línea.",
        now=start,
        days=1,
    )
    assert draft.vote_id is not None  # noqa: S101 - every new draft goes to a vote
    voters = [p for p in _active(db, assembly_id) if p.id not in skip]
    for number, person in enumerate(voters):
        choice = [choices[number % len(choices)]]
        votes.cast(db, person, draft.vote_id, choice, now=start + timedelta(hours=1), key=key)
    votes.close_vote(db, facilitator, draft.vote_id, start + timedelta(days=1), key)
    planning.settle_draft(db, draft.id)


def _active(db: Session, assembly_id: int, role: Role | None = None) -> list[Person]:
    """The assembly's active members (only those with `role` when given), in membership order."""
    people = PeopleRepository(db)
    found = [
        people.get(m.person_id)
        for m in FederationRepository(db).memberships(assembly_id, MembershipState.ACTIVE)
        if role is None or m.role is role
    ]
    return [p for p in found if p is not None]


def _facilitator(db: Session, assembly_id: int) -> Person:
    return _active(db, assembly_id, Role.FACILITATOR)[0]
