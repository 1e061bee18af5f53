"""Who is who in the demo: an assembly's facilitator and its active members."""

from __future__ import annotations

from sqlalchemy.orm import Session

from asamblea.core.federation import MembershipState, Role
from asamblea.core.people import Person
from asamblea.store.federation_repository import (
    FederationRepository,
    PeopleRepository,
)


def facilitator_of(db: Session, assembly_id: int) -> Person:
    """The first active facilitator of an assembly."""
    repo = FederationRepository(db)
    for membership in repo.memberships(assembly_id, MembershipState.ACTIVE):
        if membership.role is Role.FACILITATOR:
            person = PeopleRepository(db).get(membership.person_id)
            assert person is not None  # noqa: S101 - memberships point at people
            return person
    msg = f"assembly {assembly_id} has no facilitator"
    raise LookupError(msg)


def members_of(db: Session, assembly_id: int) -> list[Person]:
    """The active members of an assembly."""
    people = PeopleRepository(db)
    found = [
        people.get(m.person_id)
        for m in FederationRepository(db).memberships(assembly_id, MembershipState.ACTIVE)
    ]
    return [p for p in found if p is not None]
