"""An assembly's dates as an iCalendar file (RFC 5545), through the `icalendar` library.

One ``VEVENT`` per dated item: a vote (from its opening to its closing time), a budgeting
deadline, and later an action. Each event's ``UID`` is stable (``vote-12@host``), so a calendar
application that subscribes updates the event in place when a date moves instead of adding a
copy; ``DTSTAMP`` is when the item last changed. Times are written in UTC (``...Z``): the
application shows them in the reader's zone. Nothing personal goes in: no attendee, no
organiser, no member's name — only what the assembly's page shows to whoever may read the feed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from icalendar import Calendar, Event

PRODID = "-//Asamblea//asamblea//ES"


@dataclass(frozen=True)
class CalendarItem:
    """One dated item: ``starts`` (and ``ends``, or a moment when None), a summary, a link."""

    uid: str
    summary: str
    starts: datetime
    ends: datetime | None
    url: str
    changed: datetime
    description: str = ""
    location: str = ""
    cancelled: bool = False


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _event(item: CalendarItem) -> Event:
    event = Event()
    event.add("uid", item.uid)
    event.add("dtstamp", _utc(item.changed))
    event.add("dtstart", _utc(item.starts))
    event.add("dtend", _utc(item.ends if item.ends is not None else item.starts))
    event.add("summary", item.summary)
    event.add("url", item.url)
    if item.description:
        event.add("description", item.description)
    if item.location:
        event.add("location", item.location)
    event.add("status", "CANCELLED" if item.cancelled else "CONFIRMED")
    return event


def dump_calendar(name: str, items: Iterable[CalendarItem]) -> bytes:
    """The calendar ``name`` holding ``items``, as the bytes of a ``text/calendar`` file."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    for item in items:
        calendar.add_component(_event(item))
    data: bytes = calendar.to_ical()
    return data
