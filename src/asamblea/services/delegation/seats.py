"""Seats upstairs: seating the elected with the delegate role, vacating a seat (its
rights upstairs end with it), terms running out, opening a vote the rules open on their
own, and who sits where (public: who represents whom is never secret)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from asamblea.core import delegation as rules
from asamblea.core.delegation import Delegate, DelegateState
from asamblea.core.federation import MembershipState, Role
from asamblea.core.ledger import genesis
from asamblea.core.people import Person
from asamblea.core.votes import Vote, VoteSpec
from asamblea.services.delegation import roll_call_weights
from asamblea.services.delegation.loading import load_assembly, load_delegate
from asamblea.store.delegation_repository import DelegationRepository
from asamblea.store.federation_repository import AuditRepository, FederationRepository
from asamblea.store.votes_repository import VoteRepository

D = DelegateState


def seat_upstairs(db: Session, delegate: Delegate) -> None:
    """The elected person becomes an active member of the parent with the delegate role (a
    facilitator there stays one)."""
    federation = FederationRepository(db)
    existing = federation.membership_of(delegate.parent_id, delegate.person_id)
    if existing is None:
        federation.add_membership(
            delegate.parent_id, delegate.person_id, MembershipState.ACTIVE, Role.DELEGATE
        )
        return
    role = Role.FACILITATOR if existing.role is Role.FACILITATOR else Role.DELEGATE
    federation.set_state(existing.id, MembershipState.ACTIVE, role)


def vacate_seat(db: Session, delegate: Delegate) -> None:
    """Rights upstairs end with the seat (unless the person holds another seat there)."""
    federation = FederationRepository(db)
    other_seats = [
        d
        for d in DelegationRepository(db).delegates(parent_id=delegate.parent_id)
        if d.person_id == delegate.person_id and d.is_seated and d.id != delegate.id
    ]
    membership = federation.membership_of(delegate.parent_id, delegate.person_id)
    if membership is None or other_seats or membership.state is MembershipState.LEFT:
        return
    federation.set_state(membership.id, MembershipState.LEFT, Role.MEMBER)
    AuditRepository(db).record(
        None, "delegates.seat_vacated", delegate.parent_id, f"delegate:{delegate.id}"
    )


def open_as_system(
    db: Session, actor: Person, assembly_id: int, spec: VoteSpec, now: datetime
) -> Vote:
    """Draft and open a vote that the rules open on their own (a recall vote, a by-election):
    the roll is frozen to the assembly's active members now, as `votes.open_vote` does."""
    repo = VoteRepository(db)
    at = now.replace(microsecond=0)
    spec = VoteSpec(**{**spec.__dict__, "opens_at": at})
    vote = repo.add(assembly_id, spec, actor.id)
    roll = repo.active_member_ids(assembly_id)
    opened = Vote(**{**vote.__dict__, "roll_size": len(roll)})
    repo.open(vote.id, roll, genesis(opened.header()).hex(), at)
    AuditRepository(db).record(
        actor.id,
        "vote.opened",
        assembly_id,
        f"vote:{vote.id}",
        {"roll_size": len(roll), "by": "system"},
    )
    found = repo.get(vote.id)
    assert found is not None  # noqa: S101 - just stored
    roll_call_weights.freeze_weights(
        db, found, load_assembly(FederationRepository(db), assembly_id)
    )
    return found


def end_terms(db: Session, parent_id: int, *, now: datetime) -> list[Delegate]:
    """Seats whose term has run out end, with the rights upstairs (a scheduled job calls it)."""
    delegation = DelegationRepository(db)
    ended = []
    for delegate in delegation.delegates(parent_id=parent_id):
        if rules.is_term_over(delegate, now):
            rules.check_transition(delegate.state, D.TERM_ENDED)
            delegation.set_delegate_state(delegate.id, D.TERM_ENDED)
            ended.append(load_delegate(delegation, delegate.id))
            if delegate.state is D.PETITIONED or delegate.state is D.RECALL_VOTE:
                close_petitions(delegation, delegate.id)
            vacate_seat(db, ended[-1])
    if ended:
        AuditRepository(db).record(
            None, "delegates.terms_ended", parent_id, "", {"delegates": [d.id for d in ended]}
        )
    return ended


def close_petitions(delegation: DelegationRepository, delegate_id: int) -> None:
    """Petitions against a seat that is over are settled: nothing is left to recall."""
    for petition in delegation.petitions([delegate_id]):
        if petition.state != "settled":
            delegation.set_petition(petition.id, "settled")


def delegates_of(db: Session, child_id: int) -> list[Delegate]:
    """Every delegate a child has sent (public: who represents whom is never secret)."""
    load_assembly(FederationRepository(db), child_id)
    return DelegationRepository(db).delegates(child_id=child_id)


def delegates_in(db: Session, parent_id: int) -> list[Delegate]:
    """Every delegate seated (or once seated) in a parent."""
    load_assembly(FederationRepository(db), parent_id)
    return DelegationRepository(db).delegates(parent_id=parent_id)
