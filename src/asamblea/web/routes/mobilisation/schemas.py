"""JSON shapes of the mobilisation API: struggles, actions, tasks, pledges (counts only)."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from asamblea.core.mobilisation.actions import (
    MAX_LIVE_UPDATE,
    ActionKind,
    ActionState,
    TaskRole,
    Visibility,
)
from asamblea.core.mobilisation.pledges import MAX_THRESHOLD
from asamblea.core.mobilisation.struggles import Sector, StruggleState
from asamblea.web.forms import MAX_ID
from asamblea.web.routes.api.schemas import In

Code2 = Field(min_length=2, max_length=2, pattern=r"^\d\d$")


class StruggleIn(In):
    """Register a struggle of a base assembly (region and province by INEI code)."""

    assembly_id: int = Field(ge=1, le=MAX_ID)
    title: str = Field(min_length=1, max_length=160)
    demands: str = Field(min_length=1, max_length=4000)
    against: str = Field(min_length=1, max_length=160)
    region: str = Code2
    province: str | None = Field(default=None, min_length=4, max_length=4, pattern=r"^\d{4}$")
    district: str | None = Field(default=None, max_length=80)
    sector: Sector
    since: date
    visibility: Visibility = Visibility.PUBLIC


class StruggleUpdateIn(In):
    """A dated update; maybe a new state."""

    text: str = Field(min_length=1, max_length=1000)
    state: StruggleState | None = None


class AssemblyIn(In):
    """Act for one of one's assemblies."""

    assembly_id: int = Field(ge=1, le=MAX_ID)


class AdhesionIn(AssemblyIn):
    """Put joining to the assembly's members, for `days` days."""

    days: int = Field(default=3, ge=1, le=30)


class TaskIn(In):
    """A role and the people it needs."""

    role: TaskRole
    needed: int = Field(ge=1, le=100_000)


class PledgeRuleIn(In):
    """N members per assembly; optionally M assemblies of a region, T people in all."""

    members: int = Field(ge=1, le=MAX_THRESHOLD)
    assemblies: int | None = Field(default=None, ge=1, le=MAX_THRESHOLD)
    people: int | None = Field(default=None, ge=1, le=MAX_THRESHOLD)


class ActionIn(In):
    """Convene an action."""

    assembly_id: int = Field(ge=1, le=MAX_ID)
    kind: ActionKind
    title: str = Field(min_length=1, max_length=160)
    description: str = Field(default="", max_length=4000)
    region: str = Code2
    starts_at: datetime
    places: list[str] = Field(min_length=1, max_length=10)
    visibility: Visibility = Visibility.PUBLIC
    reveal_at: datetime | None = None
    struggle_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    tasks: list[TaskIn] = Field(default_factory=list, max_length=20)
    checklist: list[str] = Field(default_factory=list, max_length=30)
    pledge: PledgeRuleIn | None = None


class PostponeIn(In):
    """A new start and why."""

    starts_at: datetime
    note: str = Field(min_length=1, max_length=MAX_LIVE_UPDATE)


class CancelIn(In):
    """Why the action is cancelled."""

    reason: str = Field(min_length=1, max_length=MAX_LIVE_UPDATE)


class LiveUpdateIn(In):
    """A short update during the action."""

    text: str = Field(min_length=1, max_length=MAX_LIVE_UPDATE)


class StruggleOut(BaseModel):
    """A struggle (public, or members-only: then answered only to those who may see it)."""

    id: int
    assembly_id: int
    title: str
    demands: str
    against: str
    region: str
    province: str | None
    district: str | None
    sector: Sector
    since: date
    state: StruggleState
    visibility: Visibility


class StrugglesOut(BaseModel):
    """Struggles (filtered as asked), with counts over all of them by region and sector."""

    struggles: list[StruggleOut]
    by_region: dict[str, int]
    by_sector: dict[str, int]


class StruggleDetailOut(StruggleOut):
    """A struggle with its updates and who stands with it."""

    updates: list[tuple[datetime, str, StruggleState | None]]
    solidarity: list[str]
    joined: list[str]
    actions: list[int]


class ActionOut(BaseModel):
    """An action as listed (no place: see its detail)."""

    id: int
    assembly_id: int
    struggle_id: int | None
    kind: ActionKind
    title: str
    region: str
    starts_at: datetime
    visibility: Visibility
    state: ActionState


class TaskOut(BaseModel):
    """A task: counts for everyone; `signed_up` names for coordinators only (else null)."""

    id: int
    role: TaskRole
    needed: int
    signed: int
    still_needed: int
    mine: bool
    signed_up: list[str] | None


class PledgeOut(BaseModel):
    """A conditional pledge: counts only, and whether the asker pledged."""

    members: int
    assemblies: int | None
    people: int | None
    pledges: int
    assemblies_met: int
    regions_met: int
    people_counted: int
    progress: float
    triggered: bool
    triggered_at: datetime | None
    mine: bool


class ActionDetailOut(ActionOut):
    """An action as the asker may see it: `places` is null while hidden from them."""

    description: str
    viewer: str
    convener: str
    joined: list[str]
    places: list[str] | None
    place_hidden_until: datetime | None
    tasks: list[TaskOut]
    checklist: list[tuple[str, bool]]
    live_updates: list[tuple[datetime, str]]
    pledge: PledgeOut | None
    report: dict[str, object] | None


class PledgedOut(BaseModel):
    """After pledging: whether this pledge met the threshold, and the counts."""

    triggered_now: bool
    pledge: PledgeOut


class AdhesionOut(BaseModel):
    """Joining put to the members: the vote deciding it (cast and close it with the votes API)."""

    id: int
    assembly_id: int
    state: str
    vote_id: int | None
