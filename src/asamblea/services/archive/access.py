"""Who a person is to a case: their clearance (`asamblea.core.archive.Viewer`) and team place."""

from __future__ import annotations

from sqlalchemy.orm import Session

from asamblea.core.archive import ItemAccess, Viewer, can_see
from asamblea.core.archive.case import Case, TeamMember
from asamblea.core.errors import N_, Forbidden, NotFound
from asamblea.core.people import Person
from asamblea.store.archive_repository import ArchiveRepository
from asamblea.store.federation_repository import FederationRepository


def viewer_of(db: Session, person: Person | None, case: Case) -> Viewer:
    """The person's circle for this case (anonymous: the public memorial only)."""
    if person is None:
        return Viewer()
    member = ArchiveRepository(db).team_member(case.id, person.id)
    in_team = member is not None and member.active
    federation = any(m.is_active
                     for m in FederationRepository(db).memberships_of_person(person.id))
    return Viewer(federation_member=federation, case_team=in_team,
                  legal_team=in_team and member is not None and member.legal)


def case_for(db: Session, person: Person | None, case_id: str) -> Case:
    """A case, if it exists (every case has a public memorial page, so its existence is public)."""
    case = ArchiveRepository(db).case(case_id)
    if case is None:
        raise NotFound(N_("No such case"))
    return case


def team_member(db: Session, person: Person, case: Case, *, legal: bool = False) -> TeamMember:
    """The person's active place in the case's team; `Forbidden` when they have none."""
    member = ArchiveRepository(db).team_member(case.id, person.id)
    if member is None or not member.active:
        raise Forbidden(N_("Only the case's archive team may do this"))
    if legal and not member.legal:
        raise Forbidden(N_("Only the case's legal team may do this"))
    return member


def seen_by_team(db: Session, person: Person, case_id: str, access: ItemAccess,
                 missing: str) -> tuple[Case, Viewer, TeamMember]:
    """The case of a record (an item or a timeline event) that a team member acts on, with
    their circle and team place: `NotFound` with ``missing`` when the record is beyond their
    circle (as if it did not exist), `Forbidden` when they are not in the case's team."""
    case = case_for(db, person, case_id)
    viewer = viewer_of(db, person, case)
    if not can_see(viewer, access):
        raise NotFound(missing)
    return case, viewer, team_member(db, person, case)
