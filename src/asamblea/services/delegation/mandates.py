"""Mandates and the roll call: a child instructs its delegates on a parent's yes/no vote
before it opens; the roll call shows each delegate's vote beside the mandate, breaches
flagged, with the weights frozen when the vote opened (`services.roll_call_weights`)."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from sqlalchemy.orm import Session

from asamblea.core import delegation as rules
from asamblea.core.delegation import Delegate, DelegateChoice, MandateChoice
from asamblea.core.errors import N_, Forbidden, Invalid, NotFound
from asamblea.core.people import Person
from asamblea.core.votes import Mode, Vote, VoteState
from asamblea.services.delegation import roll_call_weights
from asamblea.services.delegation.loading import is_active_in, load_assembly, membership_of
from asamblea.services.federation import assemblies as federation_services
from asamblea.store.delegation_repository import DelegationRepository, MandateRecord
from asamblea.store.federation_repository import (
    AuditRepository,
    FederationRepository,
    PeopleRepository,
)
from asamblea.store.votes_repository import VoteRepository


@dataclass(frozen=True)
class MandateLine:
    """A mandate as the child's members read it: the parent's vote (the item), the instruction
    for/against/free, and when it was adopted."""

    mandate: MandateRecord
    vote: Vote


@dataclass(frozen=True)
class RollCallEntry:
    """One delegate's vote upstairs beside the mandate of the assembly they represent."""

    delegate: Delegate
    name: str
    child_name: str
    mandate: MandateChoice | None  # None: none given, or not for this viewer yet
    choice: DelegateChoice | None  # None: did not vote (or the vote is not published yet)
    mandate_breach: bool
    weight: Fraction
    mandate_hidden: bool = False  # the mandate is kept from this viewer until the vote closes


@dataclass(frozen=True)
class RollCall:
    """A parent's roll-call vote as the members of the represented assemblies see it."""

    vote: Vote
    published: bool
    entries: tuple[RollCallEntry, ...]
    totals: dict[DelegateChoice, Fraction]


def set_mandate(
    db: Session, actor: Person, child_id: int, vote_id: int, choice: MandateChoice
) -> None:
    """A facilitator records the child's adopted mandate on a yes/no vote of its parent,
    while that vote is still a draft (it cannot be rewritten once the vote opens)."""
    federation = FederationRepository(db)
    child = load_assembly(federation, child_id)
    vote = VoteRepository(db).get(vote_id, lock=True)
    if vote is None:
        raise NotFound(N_("That vote does not exist."))
    rules.check_mandate(membership_of(db, child_id, actor), child_id, vote.state)
    if child.parent_id != vote.assembly_id:
        raise Invalid(N_("Mandates are for votes of this assembly's parent."))
    if vote.spec.rule != "majority":
        raise Invalid(N_("Mandates apply to yes/no motions only."))
    DelegationRepository(db).set_mandate(vote_id, child_id, choice, actor.id)
    AuditRepository(db).record(
        actor.id, "mandate.set", child_id, f"vote:{vote_id}", {"choice": choice.value}
    )


def mandates_of(db: Session, viewer: Person | None, child_id: int) -> list[MandateLine]:
    """The instructions an assembly has given its delegates, newest vote first: for its
    active members, like the roll calls that show them beside the delegates' votes."""
    load_assembly(FederationRepository(db), child_id)
    if not is_active_in(db, child_id, viewer):
        raise Forbidden(N_("Only active members of this assembly can see its mandates."))
    vote_repo = VoteRepository(db)
    lines = []
    for record in DelegationRepository(db).mandates_of(child_id):
        vote = vote_repo.get(record.vote_id)
        if vote is not None:
            lines.append(MandateLine(record, vote))
    return lines


def roll_call(db: Session, viewer: Person | None, vote_id: int) -> RollCall:
    """Each delegate's vote in a parent's roll-call vote beside their mandate, with breaches
    flagged and weights as frozen when the vote opened (`roll_call_weights`: a later change of
    the rules or of the children's membership does not reach back). Members of the parent see
    every delegate; members of a child see their own delegates; a public vote is seen by
    anyone. Mandates follow `rules.can_see_mandate`: the giving assembly's members read theirs
    at once, everyone else only once the vote is published."""
    vote = VoteRepository(db).get(vote_id)
    if vote is None or vote.spec.mode is not Mode.ROLL_CALL:
        raise NotFound(N_("That roll-call vote does not exist."))
    delegation = DelegationRepository(db)
    federation = FederationRepository(db)
    seated = roll_call_weights.sitting(db, vote)
    sees_all = vote.spec.public or is_active_in(db, vote.assembly_id, viewer)
    visible = [d for d in seated if sees_all or is_active_in(db, d.child_id, viewer)]
    if not visible and not sees_all:
        raise NotFound(N_("That roll-call vote does not exist."))
    published = vote.state is VoteState.PUBLISHED
    selections = delegation.roll_call_selections(vote.id) if published else {}
    mandates = delegation.mandates(vote.id)
    parent = load_assembly(federation, vote.assembly_id)
    weights = roll_call_weights.weights(
        db,
        vote,
        seated,
        lambda: federation_services.rules_when_vote_opened(db, parent, vote.id).delegate_weight,
    )
    names = PeopleRepository(db).usernames(d.person_id for d in visible)
    children = {a.id: a.name for a in federation.children(vote.assembly_id)}
    givers = {c: is_active_in(db, c, viewer) for c in {d.child_id for d in visible}}
    entries = []
    for d in visible:
        label = _label(vote, selections.get(d.person_id)) if published else None
        choice = rules.choice_from_option(label)
        shown = rules.can_see_mandate(vote_published=published, member_of_giver=givers[d.child_id])
        mandate = mandates.get(d.child_id) if shown else None
        entries.append(
            RollCallEntry(
                delegate=d,
                name=names.get(d.person_id, "?"),
                child_name=children.get(d.child_id, "?"),
                mandate=mandate,
                choice=choice,
                mandate_breach=published and rules.mandate_breach(mandate, choice),
                weight=weights[d.child_id],
                mandate_hidden=not shown,
            )
        )
    totals = rules.weighted_totals((e.choice, e.weight) for e in entries)
    return RollCall(vote, published, tuple(entries), totals)


AGAINST_MANDATE = "delegate.against_mandate"


def record_breaches(db: Session, vote_id: int) -> list[int]:
    """When a roll-call vote with mandates is published, record under each child assembly whose
    delegate did not carry its for/against mandate one ``delegate.against_mandate`` event (the
    child's members are told: `asamblea.core.notices`). Idempotent (an event already recorded
    for that child and vote is not recorded again); returns the children recorded now.

    The event names the vote and the assembly, which the child's members read on the roll
    call page beside the delegate's vote; the delegates are in its details for the audit log,
    never in a notice's text."""
    vote = VoteRepository(db).get(vote_id)
    if vote is None or vote.spec.mode is not Mode.ROLL_CALL:
        return []
    if vote.state is not VoteState.PUBLISHED:
        return []
    delegation = DelegationRepository(db)
    mandates = delegation.mandates(vote.id)
    if not mandates:
        return []
    selections = delegation.roll_call_selections(vote.id)
    breached: dict[int, list[int]] = {}
    for seat in roll_call_weights.sitting(db, vote):
        choice = rules.choice_from_option(_label(vote, selections.get(seat.person_id)))
        if rules.mandate_breach(mandates.get(seat.child_id), choice):
            breached.setdefault(seat.child_id, []).append(seat.id)
    audit = AuditRepository(db)
    recorded = []
    subject = f"roll_call:{vote.id}"
    for child_id, delegates in sorted(breached.items()):
        if audit.first_id(child_id, AGAINST_MANDATE, subject) is None:
            audit.record(
                None, AGAINST_MANDATE, child_id, subject, {"delegates": sorted(delegates)}
            )
            recorded.append(child_id)
    return recorded


def _label(vote: Vote, selection: tuple[int, ...] | None) -> str | None:
    if selection is None:
        return None
    return vote.spec.options[selection[0]] if selection else ""
