"""What a page or an API answer may show of an action or a struggle, for one viewer.

Every rule of "who sees what" (docs/mobilisation.md) is applied here, once, for the pages and
the API alike: a hidden place is left out until its time and then shown to members only; who
signed up is listed for coordinators only; pledges are counts, plus whether the viewer pledged.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from asamblea.core.errors import NotFound
from asamblea.core.mobilisation import actions as rules
from asamblea.core.mobilisation.actions import Viewer
from asamblea.core.people import Person
from asamblea.services.mobilisation import pledge_batch, pledges
from asamblea.services.mobilisation.access import joined, taking_part, visible_action
from asamblea.services.mobilisation.struggles import visible_struggle
from asamblea.store.federation_repository import FederationRepository, PeopleRepository
from asamblea.store.mobilisation_repository import (
    Action,
    Adhesion,
    ChecklistItem,
    MobilisationRepository,
    Struggle,
    StruggleUpdate,
    Task,
)

#: Action and Struggle are re-exported: the web layer names them without importing the store.
__all__ = [
    "Action",
    "ActionView",
    "Struggle",
    "StruggleView",
    "action_view",
    "struggle_view",
    "visible_actions",
]


@dataclass(frozen=True)
class ActionView:
    """One action as `viewer` may see it."""

    action: Action
    viewer: Viewer
    convener: str
    joined: list[str]
    places: tuple[str, ...] | None  # None: hidden from this viewer
    place_hidden_until: datetime | None
    tasks: list[Task]
    my_tasks: set[int]
    signups: dict[int, list[str]]  # task id → usernames; coordinators only, else empty
    checklist: list[ChecklistItem]
    live_updates: list[tuple[datetime, str]]
    pledge: pledge_batch.PledgeView | None
    pledge_assemblies: list[tuple[int, str]]  # where the viewer may pledge from

    @property
    def still_needed(self) -> dict[int, int]:
        return {t.id: rules.still_needed(t.needed, t.signed) for t in self.tasks}


def _names(db: Session, ids: list[int]) -> dict[int, str]:
    federation = FederationRepository(db)
    found = {i: federation.assembly(i) for i in ids}
    return {i: a.name for i, a in found.items() if a is not None}


def action_view(db: Session, person: Person | None, action_id: int, now: datetime) -> ActionView:
    """The action for `person`; NotFound when it does not exist or is hidden from them."""
    action, viewer = visible_action(db, person, action_id)
    repo = MobilisationRepository(db)
    shows_place = rules.can_see_place(action.visibility, viewer, action.reveal_at, now)
    tasks = repo.tasks(action.id)
    signups: dict[int, list[str]] = {}
    if rules.can_see_signups(viewer):
        people = PeopleRepository(db)
        for task in tasks:
            signups[task.id] = sorted(people.usernames(repo.signed_up(task.id)).values())
    campaign = repo.campaign_of(action.id)
    _roots, bases = taking_part(db, action)
    mine: list[tuple[int, str]] = []
    if person is not None:
        memberships = FederationRepository(db).memberships_of_person(person.id)
        eligible = [m.assembly_id for m in memberships if m.is_active and m.assembly_id in bases]
        mine = sorted(_names(db, eligible).items(), key=lambda item: item[1])
    joined_ids = joined(repo, "action", action.id)
    return ActionView(
        action=action,
        viewer=viewer,
        convener=_names(db, [action.assembly_id]).get(action.assembly_id, ""),
        joined=sorted(_names(db, joined_ids).values()),
        places=action.places if shows_place else None,
        place_hidden_until=action.reveal_at if not shows_place else None,
        tasks=tasks,
        my_tasks=set() if person is None else repo.my_tasks(action.id, person.id),
        signups=signups,
        checklist=repo.checklist(action.id) if viewer is not Viewer.ANYONE else [],
        live_updates=repo.live_updates(action.id),
        pledge=None if campaign is None else pledges.pledge_view(db, person, action.id),
        pledge_assemblies=mine,
    )


def visible_actions(
    db: Session, person: Person | None, *, region: str | None = None, kind: str | None = None
) -> list[Action]:
    """Every action `person` may see (public ones, and members-only ones of theirs)."""
    shown = []
    for action in MobilisationRepository(db).actions(region=region, kind=kind):
        try:
            visible_action(db, person, action.id)
        except NotFound:
            continue
        shown.append(action)
    return shown


@dataclass(frozen=True)
class StruggleView:
    """A struggle (public), its updates, who stands with it, and its actions one may see."""

    struggle: Struggle
    assembly: str
    updates: list[StruggleUpdate]
    solidarity: list[str]
    joined: list[str]
    adhesions: list[Adhesion]
    actions: list[Action]


def struggle_view(db: Session, person: Person | None, struggle_id: int) -> StruggleView:
    """A struggle's page: public, as the federation's map is, unless members-only (then
    NotFound for those who may not see it)."""
    struggle = visible_struggle(db, person, struggle_id)
    repo = MobilisationRepository(db)
    adhesions = repo.adhesions("struggle", struggle.id)
    names = _names(db, [struggle.assembly_id, *(a.assembly_id for a in adhesions)])
    actions = [a for a in visible_actions(db, person) if a.struggle_id == struggle.id]
    return StruggleView(
        struggle=struggle,
        assembly=names.get(struggle.assembly_id, ""),
        updates=repo.struggle_updates(struggle.id),
        solidarity=sorted(names[a.assembly_id] for a in adhesions if a.kind == "solidarity"),
        joined=sorted(
            names[a.assembly_id] for a in adhesions if a.kind == "adhesion" and a.state == "joined"
        ),
        adhesions=adhesions,
        actions=actions,
    )
