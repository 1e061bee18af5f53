"""Checks every budgeting use case shares: the process exists, is in the phase for the action,
and the actor is an active member (or a facilitator) of its assembly; and the audit record.

Kept apart from `asamblea.services.budgeting.process` so that the committee's election
(`asamblea.services.budgeting.committee`) uses the same checks without importing the process's
use cases, which in turn settle the election when the formalisation closes.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from asamblea.core.errors import N_, Conflict, Forbidden, NotFound
from asamblea.core.federation import Membership
from asamblea.core.people import Person
from asamblea.store.budgeting_repository import BudgetRepository, Process
from asamblea.store.federation_repository import AuditRepository, FederationRepository


def find_process(repo: BudgetRepository, process_id: int, *, lock: bool = False) -> Process:
    """The process (locked for update when asked), or NotFound."""
    process = repo.get(process_id, lock=lock)
    if process is None:
        raise NotFound(N_("That process does not exist."))
    return process


def check_phase(process: Process, phase: str) -> None:
    """Refuse an action that belongs to another phase."""
    if process.phase != phase:
        raise Conflict(N_("The process is not in the phase for this."))


def check_member(member: Membership | None) -> None:
    """Refuse anyone who is not an active member of the process's assembly."""
    if member is None or not member.is_active:
        raise Forbidden(N_("Only active members of this assembly can do this."))


def check_facilitator(member: Membership | None, assembly_id: int) -> None:
    """Refuse anyone who is not a facilitator of the assembly."""
    if member is None or member.assembly_id != assembly_id or not member.is_facilitator:
        raise Forbidden(N_("Only a facilitator of this assembly can do this."))


def membership(db: Session, assembly_id: int, person: Person | None) -> Membership | None:
    """The person's membership of the assembly, if any."""
    return FederationRepository(db).membership_of(assembly_id, person.id) if person else None


def audit(
    db: Session,
    actor: Person | None,
    action: str,
    process: Process,
    details: dict[str, object] | None = None,
) -> None:
    """Record the action in the audit log, under the process (``None``: done by the rules)."""
    AuditRepository(db).record(
        actor.id if actor else None,
        action,
        process.assembly_id,
        f"budget:{process.id}",
        dict(details or {}),
    )
