"""Recall: any active member of the child opens a petition; at the child's recall share of
signatures (the share frozen on the petition when it opened) the recall vote opens on its
own; if it passes, the seat is vacated at once and a by-election for it opens, in the same
transaction."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from asamblea.core import delegation as rules
from asamblea.core.delegation import Delegate, DelegateState
from asamblea.core.errors import N_, Forbidden, NotFound
from asamblea.core.federation import Assembly, AssemblyRules
from asamblea.core.people import Person
from asamblea.core.votes import OPTIONS_MAX, Vote, VoteState
from asamblea.services.delegation.elections import hold_election
from asamblea.services.delegation.loading import (
    active_ids,
    is_active_in,
    load_assembly,
    load_delegate,
    load_petition,
    membership_of,
)
from asamblea.services.delegation.seats import open_as_system, vacate_seat
from asamblea.services.deliberation import VoteTerms, motion_passed
from asamblea.store.delegation_repository import DelegationRepository, RecallPetition
from asamblea.store.federation_repository import (
    AuditRepository,
    FederationRepository,
    PeopleRepository,
)
from asamblea.store.votes_repository import VoteRepository

D = DelegateState


#: How long a recall vote (and the by-election after a recall) stays open.
RECALL_VOTE_LENGTH = timedelta(days=7)
#: How long a petition gathers signatures: one that has not reached the recall share by then
#: lapses (the runner closes it) and the delegate serves on; a new petition may be opened.
RECALL_PETITION_LENGTH = timedelta(days=30)


@dataclass(frozen=True)
class PetitionView:
    """A recall petition: signatures gathered and needed."""

    petition: RecallPetition
    delegate: Delegate
    signatures: int
    needed: int
    signed_by_me: bool


def open_recall(
    db: Session,
    actor: Person,
    delegate_id: int,
    *,
    now: datetime,
    vote_length: timedelta = RECALL_VOTE_LENGTH,
) -> RecallPetition:
    """An active member of the delegate's assembly opens a recall petition and signs it; when
    the signatures reach the rule's share, the recall vote opens at once."""
    delegation = DelegationRepository(db)
    delegate = load_delegate(delegation, delegate_id)
    rules.check_open_petition(delegate, membership_of(db, delegate.child_id, actor))
    child = load_assembly(FederationRepository(db), delegate.child_id)
    petition = delegation.add_petition(delegate.id, actor.id, child.rules.recall_percent)
    delegation.sign(petition.id, actor.id)
    delegation.set_delegate_state(delegate.id, D.PETITIONED)
    AuditRepository(db).record(
        actor.id, "recall.opened", delegate.child_id, f"delegate:{delegate.id}"
    )
    return _after_signature(db, actor, petition.id, now, vote_length)


def sign_recall(
    db: Session,
    actor: Person,
    petition_id: int,
    *,
    now: datetime,
    vote_length: timedelta = RECALL_VOTE_LENGTH,
) -> RecallPetition:
    """An active member of the delegate's assembly signs; at the threshold the vote opens."""
    delegation = DelegationRepository(db)
    petition = load_petition(delegation, petition_id, lock=True)
    delegate = load_delegate(delegation, petition.delegate_id)
    rules.check_sign(
        delegate, membership_of(db, delegate.child_id, actor), delegation.signers(petition.id)
    )
    delegation.sign(petition.id, actor.id)
    AuditRepository(db).record(
        actor.id, "recall.signed", delegate.child_id, f"delegate:{delegate.id}"
    )
    return _after_signature(db, actor, petition.id, now, vote_length)


def _after_signature(
    db: Session, actor: Person, petition_id: int, now: datetime, vote_length: timedelta
) -> RecallPetition:
    delegation = DelegationRepository(db)
    petition = load_petition(delegation, petition_id)
    delegate = load_delegate(delegation, petition.delegate_id)
    child = load_assembly(FederationRepository(db), delegate.child_id)
    active = active_ids(db, child.id)
    signatures = rules.count_signatures(delegation.signers(petition.id), active)
    if not rules.is_recall_reached(signatures, len(active), _bar(child, petition)):
        return petition
    rules.check_transition(delegate.state, D.RECALL_VOTE)
    name = PeopleRepository(db).usernames([delegate.person_id]).get(delegate.person_id, "?")
    terms = VoteTerms(
        now,
        now + vote_length,
        threshold=rules.RECALL_THRESHOLD,
        quorum_percent=child.rules.quorum_percent,
    )
    spec = terms.motion(f"¿Revocamos a {name} como delegado/a?")
    vote = open_as_system(db, actor, child.id, spec, now)
    delegation.set_delegate_state(delegate.id, D.RECALL_VOTE)
    delegation.set_petition(petition.id, "voting", vote.id)
    AuditRepository(db).record(
        actor.id,
        "recall.vote_opened",
        child.id,
        f"delegate:{delegate.id}",
        {"vote": vote.id, "signatures": signatures, "by": "system"},
    )
    return load_petition(delegation, petition.id)


def lapse_petition(db: Session, petition_id: int) -> bool:
    """The runner closes a petition whose time ran out before its signatures reached the
    share: the petition lapses and the delegate serves on (``petitioned → serving``).
    Idempotent: False, with nothing written, when the petition is no longer gathering."""
    delegation = DelegationRepository(db)
    petition = load_petition(delegation, petition_id, lock=True)
    if petition.state != "gathering":
        return False
    delegate = load_delegate(delegation, petition.delegate_id)
    delegation.set_petition(petition.id, "lapsed")
    if delegate.state is D.PETITIONED:
        rules.check_transition(delegate.state, D.SERVING)
        delegation.set_delegate_state(delegate.id, D.SERVING)
    AuditRepository(db).record(
        None, "recall.lapsed", delegate.child_id, f"delegate:{delegate.id}", {"by": "system"}
    )
    return True


def settle_recall(
    db: Session, vote_id: int, *, now: datetime, vote_length: timedelta = RECALL_VOTE_LENGTH
) -> Delegate:
    """Once the recall vote is published: if it passed, the seat is vacated at once (the
    membership upstairs ends here) and an STV by-election for the one seat opens; if not,
    the delegate is confirmed. Idempotent."""
    delegation = DelegationRepository(db)
    petition = delegation.petition_with_vote(vote_id)
    if petition is None:
        raise NotFound(N_("That vote is not a recall vote."))
    petition = load_petition(delegation, petition.id, lock=True)
    delegate = load_delegate(delegation, petition.delegate_id)
    vote = VoteRepository(db).get(vote_id)
    if petition.state != "voting" or vote is None or vote.state is not VoteState.PUBLISHED:
        return delegate
    state = rules.state_after_recall_vote(delegate, motion_passed(db, vote_id))
    delegation.set_delegate_state(delegate.id, state)
    delegation.set_petition(petition.id, "settled")
    AuditRepository(db).record(
        None, "recall.settled", delegate.child_id, f"delegate:{delegate.id}", {"state": state.value}
    )
    if state is D.RECALLED:
        recalled = load_delegate(delegation, delegate.id)
        vacate_seat(db, recalled)
        _open_by_election(db, recalled, petition.opened_by, now, vote_length)
    return load_delegate(delegation, delegate.id)


def _open_by_election(
    db: Session, recalled: Delegate, opener_id: int, now: datetime, vote_length: timedelta
) -> Vote | None:
    """Open the STV vote for the vacated seat among the child's other active members (when
    they are between 2 and the options limit; otherwise a facilitator opens one)."""
    federation = FederationRepository(db)
    child = load_assembly(federation, recalled.child_id)
    parent = load_assembly(federation, recalled.parent_id)
    seated = {
        d.person_id for d in DelegationRepository(db).delegates(parent_id=parent.id) if d.is_seated
    }
    names = PeopleRepository(db).usernames(active_ids(db, child.id))
    eligible = sorted(
        (p for p in names if p != recalled.person_id and p not in seated),
        key=lambda p: names[p].casefold(),
    )
    if not 2 <= len(eligible) <= OPTIONS_MAX:
        return None
    opener = PeopleRepository(db).get(opener_id)
    assert opener is not None  # noqa: S101 - a foreign key
    terms = VoteTerms(now, now + vote_length)
    return hold_election(
        db,
        opener,
        child,
        parent,
        candidates=eligible,
        terms=terms,
        seats=rules.seats_after_recall(),
        term=rules.successor_term(recalled, now),
        replaces=recalled.id,
        open_now=now,
    )


@dataclass(frozen=True)
class RecallSubject:
    """Whom a recall page is about: the delegate, by name, the assembly that sent them and
    the assembly they sit in."""

    delegate: Delegate
    name: str
    assembly: Assembly
    upper: Assembly


def recall_subject(db: Session, viewer: Person | None, delegate_id: int) -> RecallSubject:
    """The delegate a recall page names, for members of the delegate's assembly (the same
    readers as `petitions_against`)."""
    delegate = load_delegate(DelegationRepository(db), delegate_id, lock=False)
    if not is_active_in(db, delegate.child_id, viewer):
        raise Forbidden(N_("Only active members of the delegate's assembly can do this."))
    federation = FederationRepository(db)
    name = PeopleRepository(db).usernames([delegate.person_id]).get(delegate.person_id, "—")
    return RecallSubject(
        delegate,
        name,
        load_assembly(federation, delegate.child_id),
        load_assembly(federation, delegate.parent_id),
    )


def petitions_against(db: Session, viewer: Person | None, delegate_id: int) -> list[PetitionView]:
    """Recall petitions against a delegate, for members of the delegate's assembly."""
    delegation = DelegationRepository(db)
    delegate = load_delegate(delegation, delegate_id, lock=False)
    if not is_active_in(db, delegate.child_id, viewer):
        raise Forbidden(N_("Only active members of the delegate's assembly can do this."))
    child = load_assembly(FederationRepository(db), delegate.child_id)
    active = active_ids(db, child.id)
    views = []
    for petition in delegation.petitions([delegate.id]):
        signers = delegation.signers(petition.id)
        views.append(
            PetitionView(
                petition,
                delegate,
                rules.count_signatures(signers, active),
                rules.recall_threshold(len(active), _bar(child, petition)),
                viewer is not None and viewer.id in signers,
            )
        )
    return views


def _bar(child: Assembly, petition: RecallPetition) -> AssemblyRules:
    """The child's rules with the recall share the petition opened with: a later change of the
    rules never moves the bar for a petition under way (only the active members are now)."""
    return replace(child.rules, recall_percent=petition.recall_percent)
