"""What every deliberation use case loads first — a proposal (others' drafts are not
found), an amendment, an escalation, an assembly, the actor's membership — and the
audit record of a proposal's change. Shared by the modules of this package only."""

from __future__ import annotations

from sqlalchemy.orm import Session

from asamblea.core.deliberation import Amendment, Escalation, Proposal, ProposalState
from asamblea.core.errors import N_, Forbidden, NotFound
from asamblea.core.federation import Assembly, Membership
from asamblea.core.people import Person
from asamblea.store.deliberation_repository import EscalationRepository, ProposalRepository
from asamblea.store.federation_repository import AuditRepository, FederationRepository

P = ProposalState


def load_proposal(
    db: Session, viewer: Person | None, proposal_id: int, *, lock: bool = False
) -> Proposal:
    """A proposal this viewer may see: someone else's draft is "not found", like a missing one."""
    proposal = ProposalRepository(db).get(proposal_id, lock=lock)
    hidden_draft = (
        proposal is not None
        and proposal.state is P.DRAFT
        and (viewer is None or viewer.id != proposal.author_id)
    )
    if proposal is None or hidden_draft:
        raise NotFound(N_("That proposal does not exist."))
    return proposal


def reload_proposal(repo: ProposalRepository, proposal_id: int, *, lock: bool = False) -> Proposal:
    """A proposal read again after a change in this transaction."""
    proposal = repo.get(proposal_id, lock=lock)
    if proposal is None:
        raise NotFound(N_("That proposal does not exist."))
    return proposal


def load_amendment(db: Session, actor: Person, amendment_id: int) -> tuple[Amendment, Proposal]:
    """An amendment and its proposal, both locked: they change together."""
    amendment = ProposalRepository(db).amendment(amendment_id, lock=True)
    if amendment is None:
        raise NotFound(N_("That amendment does not exist."))
    return amendment, load_proposal(db, actor, amendment.proposal_id, lock=True)


def reload_amendment(repo: ProposalRepository, amendment_id: int) -> Amendment:
    """An amendment read again after a change in this transaction."""
    amendment = repo.amendment(amendment_id)
    assert amendment is not None  # noqa: S101 - read in this transaction
    return amendment


def load_escalation(
    repo: EscalationRepository, escalation_id: int, *, lock: bool = False
) -> Escalation:
    """An escalated proposal, or "not found"."""
    escalation = repo.get(escalation_id, lock=lock)
    if escalation is None:
        raise NotFound(N_("That escalated proposal does not exist."))
    return escalation


def load_assembly(db: Session, assembly_id: int) -> Assembly:
    """An assembly (with its rules), or "not found"."""
    assembly = FederationRepository(db).assembly(assembly_id)
    if assembly is None:
        raise NotFound(N_("That assembly does not exist."))
    return assembly


def membership_of(db: Session, assembly_id: int, person: Person | None) -> Membership | None:
    """The person's membership of the assembly (None for visitors and outsiders)."""
    return FederationRepository(db).membership_of(assembly_id, person.id) if person else None


def active_member(db: Session, assembly_id: int, person: Person | None) -> Membership:
    """The person's membership, which must be active (only active members take part)."""
    mine = membership_of(db, assembly_id, person)
    if mine is None or not mine.is_active:
        raise Forbidden(N_("Only active members of this assembly can do this."))
    return mine


def audit_proposal(
    db: Session,
    actor: Person | None,
    action: str,
    proposal: Proposal,
    details: dict[str, object] | None = None,
    *,
    system: bool = False,
) -> None:
    """Record a change of a proposal; a change the rules made on their own says so."""
    details = dict(details or {})
    if system:
        details["by"] = "system"
    AuditRepository(db).record(
        actor.id if actor is not None else None,
        action,
        proposal.assembly_id,
        f"proposal:{proposal.id}",
        details,
    )
