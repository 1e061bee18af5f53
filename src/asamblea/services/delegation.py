"""Delegate use cases: elections by STV, seats upstairs, mandates, the roll call, and recall
(see `asamblea.core.delegation`).

Every use case runs in the caller's transaction and never commits. Elections and recall votes
are votes of `asamblea.services.votes`, linked by id; once one is published, the caller calls
`settle_delegate_election` or `settle_recall` (in the same transaction as `votes.close_vote`,
or later — both are idempotent). A passed recall vacates the seat at once: the delegate's
membership upstairs ends in the same transaction, and a by-election for the seat opens.
The parent's weight rule is a parameter (``one_each`` by default) until `AssemblyRules`
carries one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from fractions import Fraction

from sqlalchemy.orm import Session

from asamblea.core import delegation as rules
from asamblea.core.delegation import (
    Delegate,
    DelegateChoice,
    DelegateState,
    MandateChoice,
    WeightRule,
)
from asamblea.core.errors import N_, Conflict, Forbidden, Invalid, NotFound
from asamblea.core.federation import Assembly, Membership, MembershipState, Role
from asamblea.core.ledger import genesis
from asamblea.core.people import Person
from asamblea.core.votes import OPTIONS_MAX, Mode, Vote, VoteSpec, VoteState, check_facilitator
from asamblea.services import votes
from asamblea.services.deliberation import VoteTerms, motion_passed
from asamblea.store.deliberation_repository import (
    DelegateElection,
    DelegationRepository,
    RecallPetition,
)
from asamblea.store.repositories import AuditRepository, FederationRepository, PeopleRepository
from asamblea.store.vote_repository import VoteRepository

D = DelegateState
#: How long a recall vote (and the by-election after a recall) stays open.
RECALL_VOTE_LENGTH = timedelta(days=7)


@dataclass(frozen=True)
class RollCallEntry:
    """One delegate's vote upstairs beside the mandate of the assembly they represent."""

    delegate: Delegate
    name: str
    child_name: str
    mandate: MandateChoice | None
    choice: DelegateChoice | None  # None: did not vote (or the vote is not published yet)
    mandate_breach: bool
    weight: Fraction


@dataclass(frozen=True)
class RollCall:
    """A parent's roll-call vote as the members of the represented assemblies see it."""

    vote: Vote
    published: bool
    entries: tuple[RollCallEntry, ...]
    totals: dict[DelegateChoice, Fraction]


@dataclass(frozen=True)
class PetitionView:
    """A recall petition: signatures gathered and needed."""

    petition: RecallPetition
    delegate: Delegate
    signatures: int
    needed: int
    signed_by_me: bool


# --- elections -----------------------------------------------------------------------------


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
    child = _assembly(federation, child_id)
    check_facilitator(_membership(db, child_id, actor), child_id)
    parent = _parent(federation, child)
    delegation = DelegationRepository(db)
    active = federation.count(child.id, MembershipState.ACTIVE)
    seats = rules.open_seats(active, parent.rules, delegation.seated_count(child.id, parent.id))
    if seats == 0:
        raise Conflict(N_("Every seat of this assembly upstairs is filled."))
    rules.check_term(*term)
    _check_candidates(db, child.id, parent.id, candidates)
    return _election(
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


def _election(
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
        vote = _open_as_system(db, actor, child.id, spec, open_now)
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
    vote_repo = VoteRepository(db)
    vote = vote_repo.get(vote_id)
    if election.settled or vote is None or vote.state is not VoteState.PUBLISHED:
        return []
    result = vote_repo.signatures(vote_id)[2] or {}
    winners = [str(w) for w in result.get("winners") or []]
    term = (election.term_starts, election.term_ends)
    if election.replaces_id is not None:
        recalled = delegation.delegate(election.replaces_id)
        assert recalled is not None  # noqa: S101 - a foreign key
        term = rules.successor_term(recalled, now)
    seated = []
    for label in winners:
        person_id = election.candidates[vote.spec.options.index(label)]
        delegate = delegation.add_delegate(
            person_id, election.child_id, election.parent_id, term, vote_id
        )
        _seat_upstairs(db, delegate)
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


def _seat_upstairs(db: Session, delegate: Delegate) -> None:
    federation = FederationRepository(db)
    existing = federation.membership_of(delegate.parent_id, delegate.person_id)
    if existing is None:
        federation.add_membership(
            delegate.parent_id, delegate.person_id, MembershipState.ACTIVE, Role.DELEGATE
        )
        return
    role = Role.FACILITATOR if existing.role is Role.FACILITATOR else Role.DELEGATE
    federation.set_state(existing.id, MembershipState.ACTIVE, role)


# --- mandates and the roll call ------------------------------------------------------------


def set_mandate(
    db: Session, actor: Person, child_id: int, vote_id: int, choice: MandateChoice
) -> None:
    """A facilitator records the child's adopted mandate on a yes/no vote of its parent,
    while that vote is still a draft (it cannot be rewritten once the vote opens)."""
    federation = FederationRepository(db)
    child = _assembly(federation, child_id)
    vote = VoteRepository(db).get(vote_id, lock=True)
    if vote is None:
        raise NotFound(N_("That vote does not exist."))
    rules.check_mandate(_membership(db, child_id, actor), child_id, vote.state)
    if child.parent_id != vote.assembly_id:
        raise Invalid(N_("Mandates are for votes of this assembly's parent."))
    if vote.spec.rule != "majority":
        raise Invalid(N_("Mandates apply to yes/no motions only."))
    DelegationRepository(db).set_mandate(vote_id, child_id, choice, actor.id)
    AuditRepository(db).record(
        actor.id, "mandate.set", child_id, f"vote:{vote_id}", {"choice": choice.value}
    )


def roll_call(
    db: Session,
    viewer: Person | None,
    vote_id: int,
    *,
    weight_rule: WeightRule = WeightRule.ONE_EACH,
) -> RollCall:
    """Each delegate's vote in a parent's roll-call vote beside their mandate, with breaches
    flagged and weights per the parent's rule. Members of the parent see every delegate;
    members of a child see their own delegates; a public vote is seen by anyone."""
    vote = VoteRepository(db).get(vote_id)
    if vote is None or vote.spec.mode is not Mode.ROLL_CALL:
        raise NotFound(N_("That roll-call vote does not exist."))
    delegation = DelegationRepository(db)
    federation = FederationRepository(db)
    sitting = _sitting(delegation.delegates(parent_id=vote.assembly_id), vote, delegation)
    sees_all = vote.spec.public or _is_active(db, vote.assembly_id, viewer)
    visible = [d for d in sitting if sees_all or _is_active(db, d.child_id, viewer)]
    if not visible and not sees_all:
        raise NotFound(N_("That roll-call vote does not exist."))
    published = vote.state is VoteState.PUBLISHED
    selections = delegation.roll_call_selections(vote.id) if published else {}
    mandates = delegation.mandates(vote.id)
    counts = federation.active_counts()
    per_child = {
        c: sum(1 for d in sitting if d.child_id == c) for c in {d.child_id for d in sitting}
    }
    names = PeopleRepository(db).usernames(d.person_id for d in visible)
    children = {a.id: a.name for a in federation.children(vote.assembly_id)}
    entries = []
    for d in visible:
        label = _label(vote, selections.get(d.person_id)) if published else None
        choice = rules.choice_from_option(label)
        mandate = mandates.get(d.child_id)
        entries.append(
            RollCallEntry(
                delegate=d,
                name=names.get(d.person_id, "?"),
                child_name=children.get(d.child_id, "?"),
                mandate=mandate,
                choice=choice,
                mandate_breach=published and rules.mandate_breach(mandate, choice),
                weight=rules.delegate_weight(
                    weight_rule, counts.get(d.child_id, 0), per_child[d.child_id]
                ),
            )
        )
    totals = rules.weighted_totals((e.choice, e.weight) for e in entries)
    return RollCall(vote, published, tuple(entries), totals)


def _sitting(
    delegates: list[Delegate], vote: Vote, delegation: DelegationRepository
) -> list[Delegate]:
    """Delegates who held a seat when the vote opened and are on its roll (one per person)."""
    if vote.roll_size is None:  # still a draft: the delegates seated now
        return [d for d in delegates if d.is_seated]
    roll = delegation.roll_people(vote.id)
    opened = vote.spec.opens_at
    found: dict[int, Delegate] = {}
    for d in delegates:
        if d.person_id in roll and d.starts_at <= opened < d.ends_at:
            found[d.person_id] = d  # the latest row wins
    return sorted(found.values(), key=lambda d: (d.child_id, d.id))


def _label(vote: Vote, selection: tuple[int, ...] | None) -> str | None:
    if selection is None:
        return None
    return vote.spec.options[selection[0]] if selection else ""


# --- recall --------------------------------------------------------------------------------


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
    delegate = _delegate(delegation, delegate_id)
    rules.check_open_petition(delegate, _membership(db, delegate.child_id, actor))
    petition = delegation.add_petition(delegate.id, actor.id)
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
    petition = _petition(delegation, petition_id, lock=True)
    delegate = _delegate(delegation, petition.delegate_id)
    rules.check_sign(
        delegate, _membership(db, delegate.child_id, actor), delegation.signers(petition.id)
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
    petition = _petition(delegation, petition_id)
    delegate = _delegate(delegation, petition.delegate_id)
    child = _assembly(FederationRepository(db), delegate.child_id)
    active = _active_ids(db, child.id)
    signatures = rules.count_signatures(delegation.signers(petition.id), active)
    if not rules.is_recall_reached(signatures, len(active), child.rules):
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
    vote = _open_as_system(db, actor, child.id, spec, now)
    delegation.set_delegate_state(delegate.id, D.RECALL_VOTE)
    delegation.set_petition(petition.id, "voting", vote.id)
    AuditRepository(db).record(
        actor.id,
        "recall.vote_opened",
        child.id,
        f"delegate:{delegate.id}",
        {"vote": vote.id, "signatures": signatures, "by": "system"},
    )
    return _petition(delegation, petition.id)


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
    petition = _petition(delegation, petition.id, lock=True)
    delegate = _delegate(delegation, petition.delegate_id)
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
        recalled = _delegate(delegation, delegate.id)
        _vacate(db, recalled)
        _open_by_election(db, recalled, petition.opened_by, now, vote_length)
    return _delegate(delegation, delegate.id)


def end_terms(db: Session, parent_id: int, *, now: datetime) -> list[Delegate]:
    """Seats whose term has run out end, with the rights upstairs (a scheduled job calls it)."""
    delegation = DelegationRepository(db)
    ended = []
    for delegate in delegation.delegates(parent_id=parent_id):
        if rules.is_term_over(delegate, now):
            rules.check_transition(delegate.state, D.TERM_ENDED)
            delegation.set_delegate_state(delegate.id, D.TERM_ENDED)
            ended.append(_delegate(delegation, delegate.id))
            if delegate.state is D.PETITIONED or delegate.state is D.RECALL_VOTE:
                _close_petitions(delegation, delegate.id)
            _vacate(db, ended[-1])
    if ended:
        AuditRepository(db).record(
            None, "delegates.terms_ended", parent_id, "", {"delegates": [d.id for d in ended]}
        )
    return ended


def _close_petitions(delegation: DelegationRepository, delegate_id: int) -> None:
    for petition in delegation.petitions([delegate_id]):
        if petition.state != "settled":
            delegation.set_petition(petition.id, "settled")


def _vacate(db: Session, delegate: Delegate) -> None:
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


def _open_by_election(
    db: Session, recalled: Delegate, opener_id: int, now: datetime, vote_length: timedelta
) -> Vote | None:
    """Open the STV vote for the vacated seat among the child's other active members (when
    they are between 2 and the options limit; otherwise a facilitator opens one)."""
    federation = FederationRepository(db)
    child = _assembly(federation, recalled.child_id)
    parent = _assembly(federation, recalled.parent_id)
    seated = {
        d.person_id for d in DelegationRepository(db).delegates(parent_id=parent.id) if d.is_seated
    }
    names = PeopleRepository(db).usernames(_active_ids(db, child.id))
    eligible = sorted(
        (p for p in names if p != recalled.person_id and p not in seated),
        key=lambda p: names[p].casefold(),
    )
    if not 2 <= len(eligible) <= OPTIONS_MAX:
        return None
    opener = PeopleRepository(db).get(opener_id)
    assert opener is not None  # noqa: S101 - a foreign key
    terms = VoteTerms(now, now + vote_length)
    return _election(
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


def _open_as_system(
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
    return found


# --- reading -------------------------------------------------------------------------------


def delegates_of(db: Session, child_id: int) -> list[Delegate]:
    """Every delegate a child has sent (public: who represents whom is never secret)."""
    _assembly(FederationRepository(db), child_id)
    return DelegationRepository(db).delegates(child_id=child_id)


def delegates_in(db: Session, parent_id: int) -> list[Delegate]:
    """Every delegate seated (or once seated) in a parent."""
    _assembly(FederationRepository(db), parent_id)
    return DelegationRepository(db).delegates(parent_id=parent_id)


def petitions_against(db: Session, viewer: Person | None, delegate_id: int) -> list[PetitionView]:
    """Recall petitions against a delegate, for members of the delegate's assembly."""
    delegation = DelegationRepository(db)
    delegate = _delegate(delegation, delegate_id, lock=False)
    if not _is_active(db, delegate.child_id, viewer):
        raise Forbidden(N_("Only active members of the delegate's assembly can do this."))
    child = _assembly(FederationRepository(db), delegate.child_id)
    active = _active_ids(db, child.id)
    views = []
    for petition in delegation.petitions([delegate.id]):
        signers = delegation.signers(petition.id)
        views.append(
            PetitionView(
                petition,
                delegate,
                rules.count_signatures(signers, active),
                rules.recall_threshold(len(active), child.rules),
                viewer is not None and viewer.id in signers,
            )
        )
    return views


# --- helpers -------------------------------------------------------------------------------


def _assembly(repo: FederationRepository, assembly_id: int) -> Assembly:
    assembly = repo.assembly(assembly_id)
    if assembly is None:
        raise NotFound(N_("That assembly does not exist."))
    return assembly


def _parent(repo: FederationRepository, child: Assembly) -> Assembly:
    if child.parent_id is None:
        raise Conflict(N_("This assembly has no parent assembly to send delegates to."))
    return _assembly(repo, child.parent_id)


def _delegate(repo: DelegationRepository, delegate_id: int, *, lock: bool = True) -> Delegate:
    delegate = repo.delegate(delegate_id, lock=lock)
    if delegate is None:
        raise NotFound(N_("That delegate does not exist."))
    return delegate


def _petition(
    repo: DelegationRepository, petition_id: int, *, lock: bool = False
) -> RecallPetition:
    petition = repo.petition(petition_id, lock=lock)
    if petition is None:
        raise NotFound(N_("That petition does not exist."))
    return petition


def _membership(db: Session, assembly_id: int, person: Person | None) -> Membership | None:
    return FederationRepository(db).membership_of(assembly_id, person.id) if person else None


def _is_active(db: Session, assembly_id: int, person: Person | None) -> bool:
    mine = _membership(db, assembly_id, person)
    return mine is not None and mine.is_active


def _active_ids(db: Session, assembly_id: int) -> list[int]:
    return [
        m.person_id
        for m in FederationRepository(db).memberships(assembly_id, MembershipState.ACTIVE)
    ]
