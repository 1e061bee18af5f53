"""What every delegate use case loads first — an assembly and its parent, a delegate, a
petition, the actor's membership, the active members. Shared by this package only."""

from __future__ import annotations

from sqlalchemy.orm import Session

from asamblea.core.delegation import Delegate
from asamblea.core.errors import N_, Conflict, NotFound
from asamblea.core.federation import Assembly, Membership, MembershipState
from asamblea.core.people import Person
from asamblea.store.delegation_repository import DelegationRepository, RecallPetition
from asamblea.store.federation_repository import FederationRepository


def load_assembly(repo: FederationRepository, assembly_id: int) -> Assembly:
    """An assembly (with its rules), or "not found"."""
    assembly = repo.assembly(assembly_id)
    if assembly is None:
        raise NotFound(N_("That assembly does not exist."))
    return assembly


def load_parent(repo: FederationRepository, child: Assembly) -> Assembly:
    """The assembly a child sends its delegates to (a top-level one has none)."""
    if child.parent_id is None:
        raise Conflict(N_("This assembly has no parent assembly to send delegates to."))
    return load_assembly(repo, child.parent_id)


def load_delegate(repo: DelegationRepository, delegate_id: int, *, lock: bool = True) -> Delegate:
    """A delegate's seat (locked by default: use cases change it)."""
    delegate = repo.delegate(delegate_id, lock=lock)
    if delegate is None:
        raise NotFound(N_("That delegate does not exist."))
    return delegate


def load_petition(
    repo: DelegationRepository, petition_id: int, *, lock: bool = False
) -> RecallPetition:
    """A recall petition, or "not found"."""
    petition = repo.petition(petition_id, lock=lock)
    if petition is None:
        raise NotFound(N_("That petition does not exist."))
    return petition


def membership_of(db: Session, assembly_id: int, person: Person | None) -> Membership | None:
    """The person's membership of the assembly (None for visitors and outsiders)."""
    return FederationRepository(db).membership_of(assembly_id, person.id) if person else None


def is_active_in(db: Session, assembly_id: int, person: Person | None) -> bool:
    """Whether the person is an active member of the assembly."""
    mine = membership_of(db, assembly_id, person)
    return mine is not None and mine.is_active


def active_ids(db: Session, assembly_id: int) -> list[int]:
    """The assembly's active members (those who count for shares and signatures)."""
    return [
        m.person_id
        for m in FederationRepository(db).memberships(assembly_id, MembershipState.ACTIVE)
    ]
