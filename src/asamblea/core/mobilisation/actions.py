"""Joint actions: strikes, sit-ins, marches... convened by an assembly, joined by others.

An action has a kind, a start (and for a strike its length), one or more places, a visibility
(public or members-only), tasks with the number of people each needs, and a state. The exact
place may be hidden until a set time; then it is shown to members only (`can_see_place`).
Nobody outside the coordinators sees who signed up for a task: others see counts
(`still_needed`). Pledges are never shown to anyone (see `pledges`).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from asamblea.core.errors import N_, Conflict, Invalid

MAX_PLACES = 10
MAX_TASKS = 20
MAX_NEEDED = 100_000
MAX_LIVE_UPDATE = 280  # text first, read on a phone during the action
MAX_AHEAD = timedelta(days=366)


class ActionKind(StrEnum):
    """What kind of action: the repertoire of the movement."""

    STRIKE_24H = "strike_24h"  # paro de 24 horas
    STRIKE_48H = "strike_48h"  # paro de 48 horas
    STRIKE_INDEFINITE = "strike_indefinite"  # paro indefinido
    SIT_IN = "sit_in"  # plantón
    MARCH = "march"  # marcha, movilización
    ROAD_BLOCK = "road_block"  # bloqueo de vía
    RALLY = "rally"  # mitin
    PUBLIC_ASSEMBLY = "public_assembly"  # asamblea pública
    OLLA_COMUN = "olla_comun"  # olla común


#: How long a kind lasts when it has a fixed length (others end when the coordinators say).
DURATION: Mapping[ActionKind, timedelta] = {
    ActionKind.STRIKE_24H: timedelta(hours=24),
    ActionKind.STRIKE_48H: timedelta(hours=48),
}


class ActionState(StrEnum):
    """An action's life: convened (maybe confirmed by a pledge), postponed, cancelled, held."""

    CONVENED = "convened"
    CONFIRMED = "confirmed"  # its conditional pledge met the threshold
    POSTPONED = "postponed"  # moved to a new date; still going ahead
    CANCELLED = "cancelled"
    HELD = "held"  # it took place; the report can be written


A = ActionState
TRANSITIONS: Mapping[ActionState, frozenset[ActionState]] = {
    A.CONVENED: frozenset({A.CONFIRMED, A.POSTPONED, A.CANCELLED, A.HELD}),
    A.CONFIRMED: frozenset({A.POSTPONED, A.CANCELLED, A.HELD}),
    A.POSTPONED: frozenset({A.CONFIRMED, A.POSTPONED, A.CANCELLED, A.HELD}),
    A.CANCELLED: frozenset(),
    A.HELD: frozenset(),
}


def check_transition(current: ActionState, new: ActionState) -> ActionState:
    """Refuse a change the action cannot make (a cancelled or held action is over)."""
    if new not in TRANSITIONS[current]:
        raise Conflict(N_("An action cannot go from {current} to {new}."), current=current, new=new)
    return new


def is_over(state: ActionState) -> bool:
    """Cancelled or held: no more sign-ups, pledges or live updates."""
    return not TRANSITIONS[state]


class Visibility(StrEnum):
    """Who sees the action at all."""

    PUBLIC = "public"
    MEMBERS = "members"  # members of the convening and adhering assemblies


class TaskRole(StrEnum):
    """The roles an action needs filled."""

    LOGISTICS = "logistics"
    FIRST_AID = "first_aid"
    LEGAL_OBSERVER = "legal_observer"
    PRESS = "press"
    SECURITY = "security"
    KITCHEN = "kitchen"


@dataclass(frozen=True)
class Task:
    """A role and how many people it needs."""

    role: TaskRole
    needed: int


def check_tasks(tasks: Sequence[Task]) -> tuple[Task, ...]:
    """At most `MAX_TASKS`, each role once, each needing 1..`MAX_NEEDED` people."""
    if len(tasks) > MAX_TASKS:
        raise Invalid(N_("An action has at most {most} tasks."), most=MAX_TASKS)
    if len({t.role for t in tasks}) != len(tasks):
        raise Invalid(N_("Each role appears once among the tasks."))
    for task in tasks:
        if not 1 <= task.needed <= MAX_NEEDED:
            raise Invalid(N_("A task needs from 1 to {most} people."), most=MAX_NEEDED)
    return tuple(tasks)


def still_needed(needed: int, signed: int) -> int:
    """People a task still needs (never below zero: more hands are welcome)."""
    return max(0, needed - signed)


def check_signup(state: ActionState, person: int, signed: Collection[int]) -> None:
    """A person signs up for a task once, and only while the action is not over."""
    if is_over(state):
        raise Conflict(N_("This action is over."))
    if person in signed:
        raise Conflict(N_("You have already signed up for this task."))


def check_schedule(starts_at: datetime, now: datetime, places: Sequence[str]) -> None:
    """Starts in the future (within a year), at 1..`MAX_PLACES` places, none empty."""
    if starts_at <= now:
        raise Invalid(N_("The action must start in the future."))
    if starts_at - now > MAX_AHEAD:
        raise Invalid(N_("The action must start within a year."))
    if not 1 <= len(places) <= MAX_PLACES:
        raise Invalid(N_("Give from 1 to {most} places."), most=MAX_PLACES)
    if any(not p.strip() for p in places):
        raise Invalid(N_("A place cannot be empty."))


def check_reveal(reveal_at: datetime | None, starts_at: datetime) -> None:
    """A hidden place is revealed at the latest when the action starts."""
    if reveal_at is not None and reveal_at > starts_at:
        raise Invalid(N_("The place must be revealed before the action starts."))


class Viewer(StrEnum):
    """Who is looking, as the action sees them."""

    ANYONE = "anyone"  # not logged in, or in no assembly taking part
    MEMBER = "member"  # active member of the convening or an adhering assembly
    COORDINATOR = "coordinator"  # facilitator of the convening assembly


def can_see_action(visibility: Visibility, viewer: Viewer) -> bool:
    """A members-only action is invisible to anyone else."""
    return visibility is Visibility.PUBLIC or viewer is not Viewer.ANYONE


def can_see_place(
    visibility: Visibility, viewer: Viewer, reveal_at: datetime | None, now: datetime
) -> bool:
    """Coordinators always; a hidden place to members from `reveal_at`, never to anyone else."""
    if viewer is Viewer.COORDINATOR:
        return True
    if reveal_at is None:
        return can_see_action(visibility, viewer)
    return viewer is Viewer.MEMBER and now >= reveal_at


def can_see_signups(viewer: Viewer) -> bool:
    """Only coordinators see who signed up for which task; others see counts."""
    return viewer is Viewer.COORDINATOR
