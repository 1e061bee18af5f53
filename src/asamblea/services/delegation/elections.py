"""Delegate elections: an STV vote of the child for the seats the parent's rule gives it
(or for one seat vacated by a recall); once published, its winners are seated."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from asamblea.core import delegation as rules
from asamblea.core.delegation import Delegate
from asamblea.core.errors import N_, Conflict, Invalid, NotFound
from asamblea.core.federation import Assembly, MembershipState
from asamblea.core.people import Person
from asamblea.core.votes import Vote, check_facilitator
from asamblea.services.delegation.loading import load_assembly, load_parent, membership_of
from asamblea.services.delegation.seats import open_as_system, seat_upstairs
from asamblea.services.deliberation import VoteTerms
from asamblea.services.votes import votes
from asamblea.services.votes.elected import elected
from asamblea.store.delegation_repository import DelegateElection, DelegationRepository
from asamblea.store.federation_repository import (
    AuditRepository,
    FederationRepository,
    PeopleRepository,
)


@dataclass(frozen=True)
class ElectionLine:
    """A delegate election (or by-election) and its vote, open or closed."""

    election: DelegateElection
    vote: Vote


def open_delegate_election(
    db: Session,
    actor: Person,
    child_id: int,
    *,
    candidates: Sequence[int],
    terms: VoteTerms,
    term: tuple[datetime, datetime],
) -> Vote:
    """A facilitator of the child drafts an STV election for the seats it may still fill
    upstairs (`open_seats`: the parent's ``delegate_ratio``); open it with `votes.open_vote`."""
    federation = FederationRepository(db)
    child = load_assembly(federation, child_id)
    check_facilitator(membership_of(db, child_id, actor), child_id)
    parent = load_parent(federation, child)
    delegation = DelegationRepository(db)
    active = federation.count(child.id, MembershipState.ACTIVE)
    seats = rules.open_seats(active, parent.rules, delegation.seated_count(child.id, parent.id))
    if seats == 0:
        raise Conflict(N_("Every seat of this assembly upstairs is filled."))
    rules.check_term(*term)
    _check_candidates(db, child.id, parent.id, candidates)
    return hold_election(
        db,
        actor,
        child,
        parent,
        candidates=candidates,
        terms=terms,
        seats=seats,
        term=term,
        replaces=None,
    )


def _check_candidates(
    db: Session, child_id: int, parent_id: int, candidates: Sequence[int]
) -> None:
    federation = FederationRepository(db)
    active = {m.person_id for m in federation.memberships(child_id, MembershipState.ACTIVE)}
    seated = {
        d.person_id for d in DelegationRepository(db).delegates(parent_id=parent_id) if d.is_seated
    }
    if len(set(candidates)) != len(candidates):
        raise Invalid(N_("A candidate appears twice."))
    if not set(candidates) <= active:
        raise Invalid(N_("Candidates must be active members of the assembly."))
    if set(candidates) & seated:
        raise Conflict(N_("A candidate already holds a seat upstairs."))


def hold_election(
    db: Session,
    actor: Person,
    child: Assembly,
    parent: Assembly,
    *,
    candidates: Sequence[int],
    terms: VoteTerms,
    seats: int,
    term: tuple[datetime, datetime],
    replaces: int | None,
    open_now: datetime | None = None,
) -> Vote:
    """Draft (or, for a by-election, open at once) the STV vote and record which seats it fills."""
    names = PeopleRepository(db).usernames(candidates)
    spec = terms.ranked(
        f"Elección de delegados de {child.name} ante {parent.name}",
        [names[p] for p in candidates],
        rule="stv",
        seats=seats,
    )
    if open_now is None:
        vote = votes.draft_vote(db, actor, child.id, spec)
    else:
        vote = open_as_system(db, actor, child.id, spec, open_now)
    DelegationRepository(db).add_election(
        DelegateElection(
            vote.id, child.id, parent.id, tuple(candidates), term[0], term[1], replaces, False
        )
    )
    AuditRepository(db).record(
        actor.id,
        "delegates.election_opened" if open_now else "delegates.election_drafted",
        child.id,
        f"vote:{vote.id}",
        {"seats": seats, "parent_id": parent.id, "replaces": replaces},
    )
    return vote


def settle_delegate_election(db: Session, vote_id: int, *, now: datetime) -> list[Delegate]:
    """Once the STV vote is published, seat its winners upstairs with the delegate role
    (a by-election's winner serves the rest of the recalled delegate's term). Idempotent."""
    delegation = DelegationRepository(db)
    election = delegation.election(vote_id, lock=True)
    if election is None:
        raise NotFound(N_("That vote is not a delegate election."))
    winners = None if election.settled else elected(db, vote_id, election.candidates)
    if winners is None:
        return []
    term = (election.term_starts, election.term_ends)
    if election.replaces_id is not None:
        recalled = delegation.delegate(election.replaces_id)
        assert recalled is not None  # noqa: S101 - a foreign key
        term = rules.successor_term(recalled, now)
    seated = []
    for person_id in winners:
        delegate = delegation.add_delegate(
            person_id, election.child_id, election.parent_id, term, vote_id
        )
        seat_upstairs(db, delegate)
        seated.append(delegate)
    delegation.mark_settled(vote_id)
    AuditRepository(db).record(
        None,
        "delegates.seated",
        election.parent_id,
        f"vote:{vote_id}",
        {"child_id": election.child_id, "people": [d.person_id for d in seated]},
    )
    return seated


def elections_of(db: Session, viewer: Person | None, child_id: int) -> list[ElectionLine]:
    """A child's delegate elections, newest first, as far as the viewer may see their votes."""
    visible = {v.id: v for v in votes.votes_of(db, viewer, child_id)}
    return [
        ElectionLine(e, visible[e.vote_id])
        for e in DelegationRepository(db).elections(child_id)
        if e.vote_id in visible
    ]
