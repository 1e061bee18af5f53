"""Which recorded events are notices for one person, decided when they read (fan-out on read).

`notice_for` is the rule in plain Python; the services run the same rule as one SQL query over
the audit log (indexed by assembly and id) and the tests check one against the other. A
person's `Standing` is what the rule needs to know about them: their memberships (assembly,
role, state, since which event) and the subjects that name them (``membership:<id>`` of their
own memberships, ``proposal:<id>`` of their proposals).

Rules that hold for every kind:
- nobody is told of their own action (the actor is never in the audience);
- a member hears of an assembly's events only while active, and only of events recorded since
  they joined (the assembly's history is on its pages; the inbox is what happened since);
- the read marker is one number per person: every notice with an event id at or below it is
  read. Marking read is one write, whatever the number of notices.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from asamblea.core.notices.kinds import Audience, NoticeRule, rule_for

ACTIVE = "active"
FACILITATOR = "facilitator"


@dataclass(frozen=True)
class Event:
    """One audit event, as the notices see it."""

    id: int
    at: datetime
    action: str
    assembly_id: int | None
    subject: str
    actor_id: int | None
    details: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Seat:
    """One of the person's memberships: the assembly, role, state and when they joined (events
    recorded before that are the assembly's history, not notices for them)."""

    assembly_id: int
    role: str
    state: str
    since: datetime


@dataclass(frozen=True)
class Standing:
    """What the audience rules need to know about one reader: her memberships, and the
    subjects that name her — her memberships (``membership:<id>``), proposals
    (``proposal:<id>``), the campaigns she pledged to (``pledge_campaign:<id>``) and the actions
    she takes part in through a joined assembly or a task (``action:<id>``)."""

    person_id: int
    seats: tuple[Seat, ...] = ()
    subjects: frozenset[str] = frozenset()

    def seat(self, assembly_id: int | None) -> Seat | None:
        """The person's active membership of ``assembly_id``, if any."""
        for seat in self.seats:
            if seat.assembly_id == assembly_id and seat.state == ACTIVE:
                return seat
        return None


@dataclass(frozen=True)
class Notice:
    """A notice as the inbox shows it: the event, its kind and whether it is read."""

    event: Event
    rule: NoticeRule
    read: bool

    @property
    def kind(self) -> str:
        """The notice's kind (the preferences' key)."""
        return self.rule.kind


def in_audience(rule: NoticeRule, event: Event, standing: Standing) -> bool:
    """True when ``event`` under ``rule`` concerns the reader."""
    if event.actor_id is not None and event.actor_id == standing.person_id:
        return False
    if rule.audience in (Audience.SUBJECT_PERSON, Audience.PLEDGERS):
        return event.subject in standing.subjects
    if rule.audience is Audience.PARTICIPANTS and event.subject in standing.subjects:
        return True
    seat = standing.seat(event.assembly_id)
    if seat is None or event.at < seat.since:
        return False
    if rule.audience is Audience.FACILITATORS:
        return seat.role == FACILITATOR
    return rule.audience in (Audience.MEMBERS, Audience.PARTICIPANTS)


def notice_for(event: Event, standing: Standing, read_marker: int) -> Notice | None:
    """The notice ``event`` is for the reader, or None."""
    rule = rule_for(event.action, event.details)
    if rule is None or not in_audience(rule, event, standing):
        return None
    return Notice(event=event, rule=rule, read=event.id <= read_marker)


def inbox(
    events: list[Event], standing: Standing, read_marker: int, *, limit: int = 50
) -> list[Notice]:
    """The newest ``limit`` notices among ``events`` (any order in, newest first out)."""
    found = (notice_for(e, standing, read_marker) for e in sorted(events, key=lambda e: -e.id))
    out: list[Notice] = []
    for notice in found:
        if notice is not None:
            out.append(notice)
            if len(out) == limit:
                break
    return out


def unread_count(notices: list[Notice]) -> int:
    """How many of ``notices`` are not read yet."""
    return sum(1 for n in notices if not n.read)
