"""Escalation from below: an adopted proposal is sent up to the parent, siblings adopt
it, and at the parent's escalation share it enters the parent's agenda on its own, in
the same transaction as the adoption that reached it."""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy.orm import Session

from asamblea.core import deliberation as rules
from asamblea.core.deliberation import Escalation, EscalationStatus, Proposal, ProposalState
from asamblea.core.people import Person
from asamblea.services.deliberation.loading import (
    audit_proposal,
    load_assembly,
    load_escalation,
    load_proposal,
    membership_of,
)
from asamblea.store.deliberation_repository import (
    CharterRepository,
    EscalationRepository,
    ProposalRepository,
)
from asamblea.store.federation_repository import AuditRepository, FederationRepository

P = ProposalState


@dataclass(frozen=True)
class AdopterLine:
    """One assembly in "adopted by N assemblies": its name and active members."""

    assembly_id: int
    name: str
    members: int


@dataclass(frozen=True)
class EscalationView:
    """An escalated proposal as the parent and siblings see it."""

    escalation: Escalation
    proposal: Proposal
    status: EscalationStatus
    adopters: tuple[AdopterLine, ...]
    agenda_proposal_id: int | None


def escalate(db: Session, actor: Person, proposal_id: int) -> EscalationView:
    """A facilitator sends an adopted proposal up to the parent; it counts as adopted by the
    sender, and may enter the parent's agenda at once (a parent with one child)."""
    proposal = load_proposal(db, actor, proposal_id, lock=True)
    assembly = load_assembly(db, proposal.assembly_id)
    escalations = EscalationRepository(db)
    rules.check_escalate(
        proposal,
        assembly.parent_id,
        membership_of(db, proposal.assembly_id, actor),
        escalations.of_proposal(proposal.id) is not None,
    )
    assert assembly.parent_id is not None  # noqa: S101 - checked by the rule
    escalation = escalations.add(proposal, assembly.parent_id, actor.id)
    escalations.add_adoption(escalation.id, assembly.id, actor.id)
    audit_proposal(db, actor, "proposal.escalated", proposal, {"escalation": escalation.id})
    return after_adoption_change(db, actor, escalation.id)


def adopt_escalation(
    db: Session, actor: Person, escalation_id: int, assembly_id: int
) -> EscalationView:
    """A facilitator of a sibling records its assembly's adoption; when the parent's share is
    reached the proposal enters the parent's agenda, in this same transaction."""
    escalations = EscalationRepository(db)
    escalation = load_escalation(escalations, escalation_id, lock=True)
    assembly = load_assembly(db, assembly_id)
    adopters = rules.current_adopters(escalations.adoptions(escalation.id))
    rules.check_adopt_escalation(
        escalation, assembly.parent_id, membership_of(db, assembly_id, actor), adopters
    )
    escalations.add_adoption(escalation.id, assembly_id, actor.id)
    AuditRepository(db).record(
        actor.id, "escalation.adopted", assembly_id, f"escalation:{escalation.id}"
    )
    return after_adoption_change(db, actor, escalation.id)


def withdraw_adoption(
    db: Session, actor: Person, escalation_id: int, assembly_id: int
) -> EscalationView:
    """A facilitator withdraws their assembly's adoption (an agenda entry is never undone)."""
    escalations = EscalationRepository(db)
    escalation = load_escalation(escalations, escalation_id, lock=True)
    adopters = rules.current_adopters(escalations.adoptions(escalation.id))
    rules.check_withdraw_adoption(membership_of(db, assembly_id, actor), adopters)
    escalations.add_adoption(escalation.id, assembly_id, actor.id, withdrawn=True)
    AuditRepository(db).record(
        actor.id, "escalation.withdrawn", assembly_id, f"escalation:{escalation.id}"
    )
    return after_adoption_change(db, actor, escalation.id)


def escalation_view(db: Session, escalation_id: int) -> EscalationView:
    """ "Adopted by N assemblies representing M members", with the list (public); the share
    needed is the parent's rule as it is now."""
    escalations = EscalationRepository(db)
    escalation = load_escalation(escalations, escalation_id)
    federation = FederationRepository(db)
    children = [a.id for a in federation.children(escalation.parent_id)]
    counts = federation.active_counts()
    share = load_assembly(db, escalation.parent_id).rules.escalation_share
    status = rules.escalation_status(escalations.adoptions(escalation.id), children, counts, share)
    names = {a.id: a.name for a in federation.children(escalation.parent_id)}
    proposal = ProposalRepository(db).get(escalation.proposal_id)
    assert proposal is not None  # noqa: S101 - a foreign key
    return EscalationView(
        escalation=escalation,
        proposal=proposal,
        status=status,
        adopters=tuple(AdopterLine(a, names[a], counts.get(a, 0)) for a in status.adopters),
        agenda_proposal_id=escalations.agenda_proposal(escalation.id),
    )


def escalations_to(db: Session, parent_id: int) -> list[EscalationView]:
    """The proposals sent up to an assembly, newest first (public)."""
    return [escalation_view(db, e.id) for e in EscalationRepository(db).to_parent(parent_id)]


def after_adoption_change(db: Session, actor: Person | None, escalation_id: int) -> EscalationView:
    """Once adoptions change: if the parent's share is now reached, the parent's proposal is
    created in debate (with the charter wording, if any) and the escalation is on the agenda.

    Every caller's decision is taken here, on the escalation row locked first (and read as
    committed, `store.locking.for_update`): a second transaction settling the same escalation
    waits, then finds it on the agenda and creates nothing. The agenda proposal's id is unique
    among escalations (migration 0009)."""
    load_escalation(EscalationRepository(db), escalation_id, lock=True)
    view = escalation_view(db, escalation_id)
    if not rules.enters_agenda(view.escalation, view.status):
        return view
    origin = view.proposal
    repo = ProposalRepository(db)
    agenda = repo.add(
        view.escalation.parent_id,
        origin.author_id,
        origin.kind,
        origin.title,
        origin.text,
        state=P.DEBATE,
    )
    charters = CharterRepository(db)
    found = charters.wording(origin.id, origin.text)
    if found is not None:
        charter_id, wording = found
        charters.add_wording(charter_id, replace(wording, proposal_id=agenda.id))
    EscalationRepository(db).put_on_agenda(escalation_id, agenda.id)
    AuditRepository(db).record(
        actor.id if actor is not None else None,  # None: the members' rules change did it
        "escalation.on_agenda",
        view.escalation.parent_id,
        f"proposal:{agenda.id}",
        {"escalation": escalation_id, "adopters": list(view.status.adopters)},
    )
    return escalation_view(db, escalation_id)
