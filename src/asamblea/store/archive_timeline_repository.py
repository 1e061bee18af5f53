"""Queries of a case's timeline: dated events and the items linked to them."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, time

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from asamblea.core.archive import Consent
from asamblea.core.archive.case import TimelineEvent
from asamblea.store.archive_models import ArchiveEventItemRow, ArchiveEventRow


class TimelineRepository:
    """Add, list, change and delete a case's timeline events."""

    def __init__(self, db: Session) -> None:
        self.db = db

    def add(self, case_id: str, *, happened_on: date, happened_at: time | None,
            description: str, consent: Consent, created_by: int,
            item_ids: Iterable[str]) -> TimelineEvent:
        """A new event with its linked items (the caller checked they are of the case)."""
        row = ArchiveEventRow(case_id=case_id, happened_on=happened_on, happened_at=happened_at,
                              description=description, consent=consent.code,
                              created_by=created_by)
        self.db.add(row)
        self.db.flush()
        linked = tuple(dict.fromkeys(item_ids))
        self.db.add_all(ArchiveEventItemRow(event_id=row.id, item_id=i) for i in linked)
        self.db.flush()
        return TimelineEvent(row.id, case_id, happened_on, happened_at, description, consent,
                             linked)

    def events(self, case_id: str, levels: Iterable[Consent]) -> list[TimelineEvent]:
        """The case's events at these consent levels, in the order they happened.

        The levels come from the viewer's clearance, so the query never reads other events.
        """
        rows = list(self.db.scalars(
            select(ArchiveEventRow)
            .where(ArchiveEventRow.case_id == case_id,
                   ArchiveEventRow.consent.in_([level.code for level in levels]))
            .order_by(ArchiveEventRow.happened_on, ArchiveEventRow.happened_at.is_not(None),
                      ArchiveEventRow.happened_at, ArchiveEventRow.id)))
        links: dict[int, list[str]] = {row.id: [] for row in rows}
        if rows:
            for event_id, item_id in self.db.execute(
                    select(ArchiveEventItemRow.event_id, ArchiveEventItemRow.item_id)
                    .where(ArchiveEventItemRow.event_id.in_(list(links)))
                    .order_by(ArchiveEventItemRow.item_id)):
                links[event_id].append(item_id)
        return [TimelineEvent(r.id, r.case_id, r.happened_on, r.happened_at, r.description,
                              Consent.parse(r.consent), tuple(links[r.id])) for r in rows]

    def event(self, event_id: int) -> TimelineEvent | None:
        """One event, with its links."""
        row = self.db.get(ArchiveEventRow, event_id)
        if row is None:
            return None
        linked = tuple(self.db.scalars(select(ArchiveEventItemRow.item_id)
                                       .where(ArchiveEventItemRow.event_id == event_id)
                                       .order_by(ArchiveEventItemRow.item_id)))
        return TimelineEvent(row.id, row.case_id, row.happened_on, row.happened_at,
                             row.description, Consent.parse(row.consent), linked)

    def update(self, event_id: int, *, happened_on: date, happened_at: time | None,
               description: str, consent: Consent, item_ids: Iterable[str]) -> None:
        """Replace an event's fields and links (the caller checked the links)."""
        self.db.execute(update(ArchiveEventRow).where(ArchiveEventRow.id == event_id).values(
            happened_on=happened_on, happened_at=happened_at, description=description,
            consent=consent.code))
        self.db.execute(delete(ArchiveEventItemRow)
                        .where(ArchiveEventItemRow.event_id == event_id))
        self.db.add_all(ArchiveEventItemRow(event_id=event_id, item_id=i)
                        for i in dict.fromkeys(item_ids))
        self.db.flush()

    def delete(self, event_id: int) -> None:
        """Remove an event and its links."""
        self.db.execute(delete(ArchiveEventItemRow)
                        .where(ArchiveEventItemRow.event_id == event_id))
        self.db.execute(delete(ArchiveEventRow).where(ArchiveEventRow.id == event_id))
