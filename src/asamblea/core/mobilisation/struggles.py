"""Struggles (luchas): what a base assembly is fighting for, where, and how it goes.

A base assembly registers a struggle it is in: its demands, against whom, where (a region and
optionally a province and district, by INEI ubigeo code), its sector, since when and its state,
with dated updates. Other assemblies declare solidarity (a facilitator's statement) or adhere
(a decision of their members, by a vote: see the services). The order of calls:

- register: `check_struggle(...)` → store in ``ACTIVE``;
- update: `check_update(text)`; change of state: `check_transition(state, new)`;
- solidarity: `check_solidarity(struggle_assembly, assembly, already)`; adhesion likewise, then
  a members' vote whose passing records the adhesion.
"""

from __future__ import annotations

import itertools
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from asamblea.core.errors import N_, Conflict, Invalid

MAX_TITLE = 160
MAX_TEXT = 4000
MAX_UPDATE = 1000


class StruggleState(StrEnum):
    """Where a struggle stands."""

    ACTIVE = "active"
    SUSPENDED = "suspended"
    WON = "won"
    LOST = "lost"


class Sector(StrEnum):
    """The sector a struggle belongs to, for the federation's page and filters."""

    WORKERS = "workers"
    PEASANTS = "peasants"
    INDIGENOUS = "indigenous"
    STUDENTS = "students"
    NEIGHBOURHOOD = "neighbourhood"
    WATER_ENVIRONMENT = "water_environment"
    HEALTH = "health"
    EDUCATION = "education"
    OTHER = "other"


S = StruggleState
TRANSITIONS: Mapping[StruggleState, frozenset[StruggleState]] = {
    S.ACTIVE: frozenset({S.SUSPENDED, S.WON, S.LOST}),
    S.SUSPENDED: frozenset({S.ACTIVE, S.WON, S.LOST}),
    S.WON: frozenset({S.ACTIVE}),  # a won demand can be broken: the struggle reopens
    S.LOST: frozenset({S.ACTIVE}),
}


def check_transition(current: StruggleState, new: StruggleState) -> StruggleState:
    """Refuse a change of state the struggle cannot make (including staying where it is)."""
    if new not in TRANSITIONS[current]:
        raise Conflict(
            N_("A struggle cannot go from {current} to {new}."), current=current, new=new
        )
    return new


@dataclass(frozen=True)
class Place:
    """Where: a region, optionally a province and a district, by INEI ubigeo code (2/4/6 digits)."""

    region: str
    province: str | None = None
    district: str | None = None


def check_place(place: Place, known: Collection[str]) -> Place:
    """The codes exist (`known` holds every valid code) and nest: a province inside its region."""
    codes = [c for c in (place.region, place.province, place.district) if c is not None]
    for code, width in zip(codes, (2, 4, 6), strict=False):
        if len(code) != width or code not in known:
            raise Invalid(N_("Unknown place code: {code}."), code=code)
    for outer, inner in itertools.pairwise(codes):
        if not inner.startswith(outer):
            raise Invalid(N_("{inner} does not lie in {outer}."), inner=inner, outer=outer)
    return place


def check_text(text: str, *, most: int) -> str:
    """Strip; refuse empty or longer than `most` characters."""
    text = text.strip()
    if not text:
        raise Invalid(N_("Fill in every required text."))
    if len(text) > most:
        raise Invalid(N_("A text is longer than {most} characters."), most=most)
    return text


def check_since(since: date, today: date) -> date:
    """A struggle cannot have started in the future."""
    if since > today:
        raise Invalid(N_("A struggle cannot start in the future."))
    return since


def check_solidarity(struggle_assembly: int, assembly: int, already: Collection[int]) -> None:
    """An assembly supports another's struggle once, and not its own."""
    if assembly == struggle_assembly:
        raise Conflict(N_("An assembly cannot declare solidarity with its own struggle."))
    if assembly in already:
        raise Conflict(N_("This assembly has already done so."))
