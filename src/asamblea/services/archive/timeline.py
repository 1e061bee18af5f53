"""A case's timeline: dated events (what happened when), consent-levelled like items.

A team member writes an event with a date (and an hour, if known), a short description, a
consent level and the items it refers to. Everyone reads the events their circle reaches — the
public memorial shows the public ones — and, of an event's linked items, only those they may see
themselves: a link never reveals an item beyond its own consent. Event texts are kept in the
clear, like titles (docs/archive.md, "Timeline"): the team writes them knowing a seized server
reads them, and keeps what witnesses said in testimonies.

Editing and removing an event are recorded in the case's custody log (``event_edited``,
``event_removed``): the event's id, which fields changed and its consent level before and after —
never its text, so the log (which the legal team exports) says nothing of an event beyond what
its consent allowed to whoever reads the log.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime, time

from sqlalchemy.orm import Session

from asamblea.core.archive import Action, Consent, Viewer, can_see
from asamblea.core.archive.case import TimelineEvent
from asamblea.core.edge import check_date
from asamblea.core.errors import N_, Invalid, NotFound
from asamblea.core.people import Person
from asamblea.services.archive import custody
from asamblea.services.archive.access import case_for, seen_by_team, team_member, viewer_of
from asamblea.services.archive.custody import Vault
from asamblea.store.archive_repository import ArchiveRepository
from asamblea.store.archive_timeline_repository import TimelineRepository
from asamblea.store.federation_repository import AuditRepository

MAX_DESCRIPTION = 500
MAX_LINKS = 20

__all__ = ["TimelineEvent", "add_event", "edit_event", "editable_event", "remove_event",
           "timeline"]


def _clean(description: str, happened_on: date) -> str:
    text = " ".join(description.split())
    if not 1 <= len(text) <= MAX_DESCRIPTION:
        raise Invalid(N_("The description must have 1 to {n} characters"), n=MAX_DESCRIPTION)
    check_date(happened_on)
    return text


def _links(db: Session, viewer: Viewer, case_id: str, item_ids: Sequence[str]) -> list[str]:
    """The items to link, each one of the case's that ``viewer`` sees (else `NotFound`)."""
    linked = list(dict.fromkeys(item_ids))
    if len(linked) > MAX_LINKS:
        raise Invalid(N_("Link at most {n} items to an event"), n=MAX_LINKS)
    found = ArchiveRepository(db).items_by_id(linked) if linked else []
    if len(found) != len(linked) or any(i.case_id != case_id or not can_see(viewer, i.access)
                                        for i in found):
        raise NotFound(N_("No such item"))
    return linked


def add_event(db: Session, actor: Person, case_id: str, *, happened_on: date,
              happened_at: time | None, description: str, consent: Consent,
              item_ids: Sequence[str] = ()) -> TimelineEvent:
    """A team member adds an event; every linked item must be one of the case's that they see."""
    case = case_for(db, actor, case_id)
    team_member(db, actor, case)
    text = _clean(description, happened_on)
    linked = _links(db, viewer_of(db, actor, case), case.id, item_ids)
    event = TimelineRepository(db).add(case.id, happened_on=happened_on, happened_at=happened_at,
                                       description=text, consent=consent, created_by=actor.id,
                                       item_ids=linked)
    AuditRepository(db).record(actor.id, "archive.event_added", case.assembly_id, case.id)
    return event


def editable_event(db: Session, actor: Person, event_id: int) -> TimelineEvent:
    """An event as a team member who may see it edits it: every link it has (the form shows
    only those they see: `timeline` filters them)."""
    event = TimelineRepository(db).event(event_id)
    if event is None:
        raise NotFound(N_("No such event"))
    _, viewer, _ = seen_by_team(db, actor, event.case_id, event.access, N_("No such event"))
    seen = {i.id for i in ArchiveRepository(db).items_by_id(list(event.items))
            if can_see(viewer, i.access)}
    return replace(event, items=tuple(i for i in event.items if i in seen))


def edit_event(db: Session, vault: Vault, actor: Person, event_id: int, *, happened_on: date,
               happened_at: time | None, description: str, consent: Consent,
               item_ids: Sequence[str] | None = None, now: datetime) -> TimelineEvent:
    """A team member who may see the event changes it; recorded as ``event_edited``.

    ``item_ids`` None keeps the links; otherwise they replace the links the editor sees, and
    links to items beyond the editor's circle stay as they were (nobody drops what they cannot
    see). An edit that changes nothing records nothing. The event is returned as the editor
    sees it (links beyond their circle left out).
    """
    repo = TimelineRepository(db)
    before = repo.event(event_id)
    if before is None:
        raise NotFound(N_("No such event"))
    case, viewer, member = seen_by_team(db, actor, before.case_id, before.access,
                                        N_("No such event"))
    text = _clean(description, happened_on)
    unseen = {i.id for i in ArchiveRepository(db).items_by_id(list(before.items))
              if not can_see(viewer, i.access)}
    linked = (list(before.items) if item_ids is None
              else sorted({*_links(db, viewer, case.id, item_ids), *unseen}))
    after = TimelineEvent(before.id, before.case_id, happened_on, happened_at, text, consent,
                          tuple(sorted(linked)))
    changed = [name for name, old, new in (
        ("happened_on", before.happened_on, after.happened_on),
        ("happened_at", before.happened_at, after.happened_at),
        ("description", before.description, after.description),
        ("consent", before.consent, after.consent),
        ("items", tuple(sorted(before.items)), after.items)) if old != new]
    shown = replace(after, items=tuple(i for i in after.items if i not in unseen))
    if not changed:
        return shown
    repo.update(before.id, happened_on=happened_on, happened_at=happened_at, description=text,
                consent=consent, item_ids=linked)
    custody.record(db, vault.key, case.id, Action.EVENT_EDITED, member.handle,
                   detail={"event": before.id, "changed": list(changed),
                           "from": before.consent.code, "to": consent.code}, now=now)
    return shown


def remove_event(db: Session, vault: Vault, actor: Person, event_id: int, *,
                 now: datetime) -> str:
    """A team member who may see the event removes it (``event_removed``); the case's id."""
    repo = TimelineRepository(db)
    event = repo.event(event_id)
    if event is None:
        raise NotFound(N_("No such event"))
    case, _, member = seen_by_team(db, actor, event.case_id, event.access, N_("No such event"))
    repo.delete(event.id)
    custody.record(db, vault.key, case.id, Action.EVENT_REMOVED, member.handle,
                   detail={"event": event.id, "consent": event.consent.code}, now=now)
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
