"""A case's timeline: dated events (what happened when), consent-levelled like items.

A team member writes an event with a date (and an hour, if known), a short description, a
consent level and the items it refers to. Everyone reads the events their circle reaches — the
public memorial shows the public ones — and, of an event's linked items, only those they may see
themselves: a link never reveals an item beyond its own consent. Event texts are kept in the
clear, like titles (docs/archive.md, "Timeline"): the team writes them knowing a seized server
reads them, and keeps what witnesses said in testimonies.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, time

from sqlalchemy.orm import Session

from asamblea.core.archive import Consent, can_see
from asamblea.core.archive.case import TimelineEvent
from asamblea.core.edge import check_date
from asamblea.core.errors import N_, Invalid, NotFound
from asamblea.core.people import Person
from asamblea.services.archive.access import case_for, team_member, viewer_of
from asamblea.store.archive_repository import ArchiveRepository
from asamblea.store.archive_timeline_repository import TimelineRepository
from asamblea.store.federation_repository import AuditRepository

MAX_DESCRIPTION = 500
MAX_LINKS = 20

__all__ = ["TimelineEvent", "add_event", "remove_event", "timeline"]


def add_event(db: Session, actor: Person, case_id: str, *, happened_on: date,
              happened_at: time | None, description: str, consent: Consent,
              item_ids: Sequence[str] = ()) -> TimelineEvent:
    """A team member adds an event; every linked item must be one of the case's that they see."""
    case = case_for(db, actor, case_id)
    team_member(db, actor, case)
    text = " ".join(description.split())
    if not 1 <= len(text) <= MAX_DESCRIPTION:
        raise Invalid(N_("The description must have 1 to {n} characters"), n=MAX_DESCRIPTION)
    check_date(happened_on)
    linked = list(dict.fromkeys(item_ids))
    if len(linked) > MAX_LINKS:
        raise Invalid(N_("Link at most {n} items to an event"), n=MAX_LINKS)
    viewer = viewer_of(db, actor, case)
    found = ArchiveRepository(db).items_by_id(linked) if linked else []
    if len(found) != len(linked) or any(i.case_id != case.id or not can_see(viewer, i.access)
                                        for i in found):
        raise NotFound(N_("No such item"))
    event = TimelineRepository(db).add(case.id, happened_on=happened_on, happened_at=happened_at,
                                       description=text, consent=consent, created_by=actor.id,
                                       item_ids=linked)
    AuditRepository(db).record(actor.id, "archive.event_added", case.assembly_id, case.id)
    return event


def remove_event(db: Session, actor: Person, event_id: int) -> str:
    """A team member who may see the event removes it; the case's id."""
    repo = TimelineRepository(db)
    event = repo.event(event_id)
    if event is None:
        raise NotFound(N_("No such event"))
    case = case_for(db, actor, event.case_id)
    if not can_see(viewer_of(db, actor, case), event.access):
        raise NotFound(N_("No such event"))
    team_member(db, actor, case)
    repo.delete(event.id)
    AuditRepository(db).record(actor.id, "archive.event_removed", case.assembly_id, case.id)
    return case.id


def timeline(db: Session, viewer: Person | None, case_id: str) -> list[TimelineEvent]:
    """The case's events this person may see, each with only the linked items they may see."""
    case = case_for(db, viewer, case_id)
    clearance = viewer_of(db, viewer, case).clearance
    levels = [level for level in Consent if level <= clearance]
    events = TimelineRepository(db).events(case.id, levels)
    wanted = any(e.items for e in events)
    seen = {i.id for i in ArchiveRepository(db).items(case.id, levels)} if wanted else set()
    return [replace(e, items=tuple(i for i in e.items if i in seen)) for e in events]
