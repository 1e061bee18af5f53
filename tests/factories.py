"""Test data built through the real services: an assembly of voters with an open vote."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from asamblea.core.federation import AssemblyKind, MembershipState, Role
from asamblea.core.people import Person
from asamblea.core.votes import Mode, make_spec
from asamblea.services.federation import accounts
from asamblea.services.federation import assemblies as federation
from asamblea.services.votes import votes
from asamblea.store.federation_repository import FederationRepository

PASSWORD = "una frase larga y secreta"


def union_with_open_vote(
    db: Session,
    voters: int,
    *,
    now: datetime,
    closes_in: timedelta,
    prefix: str = "votante",
    before_open: Callable[[Session, list[Person], int], object] | None = None,
) -> tuple[list[Person], int]:
    """`voters` accounts, all active in one union founded by the first, and an open plurality
    vote (three options) whose roll is all of them. Returns the people and the vote's id.
    ``before_open(db, people, vote_id)`` runs on the draft (to make it encrypted, say)."""
    people = [accounts.register(db, f"{prefix}{i:03d}", PASSWORD) for i in range(voters)]
    union = federation.create_assembly(
        db, people[0], name="Sindicato", kind=AssemblyKind.UNION, parent_id=None
    )
    repo = FederationRepository(db)
    for person in people[1:]:
        repo.add_membership(union.id, person.id, MembershipState.ACTIVE, Role.MEMBER)
    spec = make_spec(
        question="¿Huelga indefinida?",
        options=["Sí", "No", "Más adelante"],
        rule="plurality",
        seats=1,
        threshold="simple",
        quorum_percent=50,
        mode=Mode.SECRET,
        public=False,
        opens_at=now,
        closes_at=now + closes_in,
    )
    vote = votes.draft_vote(db, people[0], union.id, spec)
    if before_open is not None:
        before_open(db, people, vote.id)
    votes.open_vote(db, people[0], vote.id, now)
    return people, vote.id
