"""Who takes part in an action and how the action sees a person (anyone, member, coordinator).

An action is convened by one assembly; other assemblies join it by a vote of their members
(`adhesion`). The base assemblies *taking part* are those under the convening assembly or under
an assembly that joined (an assembly counts as under itself). A person is a *member* for the
action when they are an active member of the convening assembly, of a joined assembly, or of a
base assembly taking part; a *coordinator* when they are an active facilitator of the convening
assembly.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy.orm import Session

from asamblea.core.errors import N_, Forbidden, NotFound
from asamblea.core.federation import Assembly, AssemblyKind, Membership, Placed, is_base
from asamblea.core.mobilisation.actions import Viewer, can_see_action
from asamblea.core.people import Person
from asamblea.store.federation_repository import AuditRepository, FederationRepository
from asamblea.store.mobilisation_repository import Action, MobilisationRepository


def get_assembly(federation: FederationRepository, assembly_id: int) -> Assembly:
    """The assembly, or NotFound."""
    assembly = federation.assembly(assembly_id)
    if assembly is None:
        raise NotFound(N_("That assembly does not exist."))
    return assembly


def under(assemblies: Iterable[Assembly | Placed], roots: Collection[int]) -> set[int]:
    """Ids of every assembly under the roots (each root included)."""
    children: dict[int | None, list[int]] = {}
    for assembly in assemblies:
        children.setdefault(assembly.parent_id, []).append(assembly.id)
    found: set[int] = set()
    stack = list(roots)
    while stack:
        current = stack.pop()
        if current not in found:
            found.add(current)
            stack.extend(children.get(current, []))
    return found


def regions_of(assemblies: Iterable[Assembly | Placed]) -> dict[int, int]:
    """Each assembly's region in the federation: its nearest ancestor of kind region."""
    everyone = {a.id: a for a in assemblies}
    found: dict[int, int] = {}
    for assembly in everyone.values():
        current: Assembly | Placed | None = assembly
        while current is not None and current.kind is not AssemblyKind.REGION:
            current = everyone.get(current.parent_id) if current.parent_id else None
        if current is not None:
            found[assembly.id] = current.id
    return found


def joined(repo: MobilisationRepository, target: str, target_id: int) -> list[int]:
    """Assemblies whose members voted to join a struggle or action."""
    return repo.joined_assemblies(target, target_id)


@dataclass(frozen=True)
class Participation:
    """Who takes part in an action: every assembly's place (read once), the convening and
    joined ones (`roots`), and the base assemblies under them (`bases`)."""

    everyone: list[Placed]
    roots: set[int]
    bases: set[int]


def participation(db: Session, action: Action) -> Participation:
    """The assemblies taking part in `action`."""
    everyone = FederationRepository(db).placements()
    return participation_of(
        action, everyone, joined(MobilisationRepository(db), "action", action.id)
    )


def participation_of(
    action: Action, everyone: list[Placed], joined_ids: Iterable[int]
) -> Participation:
    """`participation` from what is already read: every assembly's place and the assemblies
    that joined the action (a pledge batch reads both with its counts, in one query)."""
    roots = {action.assembly_id, *joined_ids}
    kinds = {a.id: a.kind for a in everyone}
    bases = {a for a in under(everyone, roots) if is_base(kinds[a])}
    return Participation(everyone, roots, bases)


def taking_part(db: Session, action: Action) -> tuple[set[int], set[int]]:
    """(the convening and joined assemblies, the base assemblies taking part)."""
    found = participation(db, action)
    return found.roots, found.bases


def active_memberships(db: Session, person: Person) -> dict[int, Membership]:
    """The person's active memberships by assembly."""
    found = FederationRepository(db).memberships_of_person(person.id)
    return {m.assembly_id: m for m in found if m.is_active}


def viewer_of(
    db: Session, person: Person | None, action: Action, found: Participation | None = None
) -> Viewer:
    """How the action sees `person`."""
    if person is None:
        return Viewer.ANYONE
    mine = active_memberships(db, person)
    convening = mine.get(action.assembly_id)
    if convening is not None and convening.is_facilitator:
        return Viewer.COORDINATOR
    found = found or participation(db, action)
    return Viewer.MEMBER if mine.keys() & (found.roots | found.bases) else Viewer.ANYONE


def visible_action(
    db: Session, person: Person | None, action_id: int, *, lock: bool = False
) -> tuple[Action, Viewer]:
    """The action and the viewer, or NotFound when it does not exist or is hidden from them."""
    action = MobilisationRepository(db).action(action_id, lock=lock)
    if action is None:
        raise NotFound(N_("That action does not exist."))
    viewer = viewer_of(db, person, action)
    if not can_see_action(action.visibility, viewer):
        raise NotFound(N_("That action does not exist."))
    return action, viewer


def check_coordinator(viewer: Viewer) -> None:
    """Only a facilitator of the convening assembly may change an action."""
    if viewer is not Viewer.COORDINATOR:
        raise Forbidden(N_("Only a facilitator of the convening assembly can do this."))


def check_facilitator_of(db: Session, person: Person, assembly_id: int) -> Assembly:
    """The assembly, if `person` is one of its active facilitators; Forbidden otherwise."""
    federation = FederationRepository(db)
    assembly = get_assembly(federation, assembly_id)
    membership = federation.membership_of(assembly_id, person.id)
    if membership is None or not membership.is_active or not membership.is_facilitator:
        raise Forbidden(N_("Only a facilitator of this assembly can do this."))
    return assembly


def audit(
    db: Session,
    actor: Person | None,
    action: str,
    assembly_id: int,
    subject: str,
    *,
    details: Mapping[str, object] | None = None,
) -> None:
    """Record an event (see docs/mobilisation.md, "Events for notices", for the names)."""
    AuditRepository(db).record(
        None if actor is None else actor.id, action, assembly_id, subject, dict(details or {})
    )


def facilitated(db: Session, person: Person | None) -> list[Assembly]:
    """The assemblies `person` facilitates (for the forms that act for one of them)."""
    if person is None:
        return []
    federation = FederationRepository(db)
    ids = [m.assembly_id for m in federation.memberships_of_person(person.id) if m.is_facilitator]
    found = [federation.assembly(i) for i in ids]
    return sorted((a for a in found if a is not None), key=lambda a: a.name.casefold())
