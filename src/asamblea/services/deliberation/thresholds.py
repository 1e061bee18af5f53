"""After an assembly's rules change: what its new (lower) shares are already met by."""

from __future__ import annotations

from sqlalchemy.orm import Session

from asamblea.core.deliberation import EscalationState, ProposalState
from asamblea.core.people import Person
from asamblea.services.deliberation.escalation import after_adoption_change
from asamblea.services.deliberation.loading import load_escalation
from asamblea.services.deliberation.proposals import to_debate_if_supported
from asamblea.store.deliberation_repository import EscalationRepository, ProposalRepository

P = ProposalState


def reapply_thresholds(db: Session, actor: Person | None, assembly_id: int) -> None:
    """After an assembly's rules change, what a lower share is now met by moves at once: its
    open proposals with enough supports go to debate, and the escalations sent up to it with
    enough adoptions enter its agenda (as they would at their next support or adoption). A
    higher share takes nothing back."""
    repo = ProposalRepository(db)
    for found in repo.of_assembly(assembly_id):
        proposal = repo.get(found.id, lock=True)
        if proposal is not None and proposal.state is P.OPEN:
            to_debate_if_supported(db, actor, proposal)
    escalations = EscalationRepository(db)
    for found_escalation in escalations.to_parent(assembly_id):
        escalation = load_escalation(escalations, found_escalation.id, lock=True)
        if escalation.state is EscalationState.SENT:
            after_adoption_change(db, actor, escalation.id)
