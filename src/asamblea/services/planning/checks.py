"""What every planning use case checks and records: the round and assembly exist, the base
assemblies taking part, who facilitates, whether the round still takes targets; the audit."""

from __future__ import annotations

from sqlalchemy.orm import Session

from asamblea.core.errors import N_, Conflict, Forbidden, NotFound
from asamblea.core.federation import Assembly, Membership, is_base
from asamblea.core.people import Person
from asamblea.store.federation_repository import AuditRepository, FederationRepository
from asamblea.store.planning_repository import PlanningRepository, PlanningRound


def get_round(repo: PlanningRepository, round_id: int, *, lock: bool = False) -> PlanningRound:
    """The round, or NotFound (locked for update while drafting, settling or solving)."""
    planning_round = repo.get(round_id, lock=lock)
    if planning_round is None:
        raise NotFound(N_("That planning round does not exist."))
    return planning_round


def get_assembly(federation: FederationRepository, assembly_id: int) -> Assembly:
    """The assembly, or NotFound."""
    assembly = federation.assembly(assembly_id)
    if assembly is None:
        raise NotFound(N_("That assembly does not exist."))
    return assembly


def participants_of(federation: FederationRepository, assembly_id: int) -> list[Assembly]:
    """The base assemblies under an assembly (the assembly itself when it is a base one)."""
    everyone = federation.assemblies()
    children: dict[int | None, list[Assembly]] = {}
    for assembly in everyone:
        children.setdefault(assembly.parent_id, []).append(assembly)
    found: list[Assembly] = []
    stack = [a for a in everyone if a.id == assembly_id]
    seen: set[int] = set()
    while stack:
        assembly = stack.pop()
        if assembly.id in seen:
            continue
        seen.add(assembly.id)
        if is_base(assembly.kind):
            found.append(assembly)
        stack.extend(children.get(assembly.id, []))
    return sorted(found, key=lambda a: a.name.casefold())


def participant(
    federation: FederationRepository, planning_round: PlanningRound, assembly_id: int
) -> Assembly:
    """The base assembly `assembly_id` if it takes part in the round; Forbidden otherwise."""
    for assembly in participants_of(federation, planning_round.assembly_id):
        if assembly.id == assembly_id:
            return assembly
    raise Forbidden(N_("That assembly does not take part in this planning round."))


def check_facilitator(actor: Membership | None, assembly_id: int) -> None:
    """Only an active facilitator of the assembly may act for it."""
    if actor is None or actor.assembly_id != assembly_id or not actor.is_facilitator:
        raise Forbidden(N_("Only a facilitator of this assembly can do this."))


def check_open(planning_round: PlanningRound) -> None:
    """A published round takes no more targets and is not solved again."""
    if planning_round.published:
        raise Conflict(N_("This planning round is closed: its plan is published."))


def audit(
    db: Session,
    actor: Person,
    action: str,
    planning_round: PlanningRound,
    details: dict[str, object] | None = None,
) -> None:
    """Record the action in the audit log, under the round's assembly."""
    AuditRepository(db).record(
        actor.id,
        action,
        planning_round.assembly_id,
        f"planning_round:{planning_round.id}",
        dict(details or {}),
    )
