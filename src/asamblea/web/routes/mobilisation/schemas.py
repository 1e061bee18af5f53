"""JSON shapes of the mobilisation API: struggles, actions, tasks, pledges (counts only)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, Field

from asamblea.core.mobilisation.actions import (
    MAX_LIVE_UPDATE,
    MAX_NEEDED,
    MAX_PLACES,
    MAX_TASKS,
    ActionKind,
    ActionState,
    TaskRole,
    Visibility,
)
from asamblea.core.mobilisation.pledges import MAX_THRESHOLD
from asamblea.core.mobilisation.struggles import Sector, StruggleState
from asamblea.services.mobilisation.actions import MAX_CHECKLIST
from asamblea.web.forms import MAX_ID
from asamblea.web.routes.api.schemas import NON_SPACE, In
from asamblea.web.routes.votes.schemas import MOMENT

#: A region by INEI code: the 25 regions are numbered 01 to 25.
REGION = r"^(0[1-9]|1[0-9]|2[0-5])$"
#: A place or a checklist line: said in at most 200 characters (`check_text`), not blank.
Line = Annotated[str, Field(min_length=1, max_length=200, pattern=NON_SPACE)]


class StruggleIn(In):
    """Register a struggle of a base assembly (region and province by INEI code)."""

    assembly_id: int = Field(ge=1, le=MAX_ID)
    title: str = Field(min_length=1, max_length=160, pattern=NON_SPACE)
    demands: str = Field(min_length=1, max_length=4000, pattern=NON_SPACE)
    against: str = Field(min_length=1, max_length=160, pattern=NON_SPACE)
    region: str = Field(min_length=2, max_length=2, pattern=REGION)
    province: str | None = Field(default=None, min_length=4, max_length=4, pattern=r"^\d{4}$")
    district: str | None = Field(default=None, max_length=80)
    sector: Sector
    since: date
    visibility: Visibility = Visibility.PUBLIC


class StruggleUpdateIn(In):
    """A dated update; maybe a new state."""

    text: str = Field(min_length=1, max_length=1000, pattern=NON_SPACE)
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
    needed: int = Field(ge=1, le=MAX_NEEDED)


class PledgeRuleIn(In):
    """N members per assembly; optionally M assemblies of a region, T people in all."""

    members: int = Field(ge=1, le=MAX_THRESHOLD)
    assemblies: int | None = Field(default=None, ge=1, le=MAX_THRESHOLD)
    people: int | None = Field(default=None, ge=1, le=MAX_THRESHOLD)


class ActionIn(In):
    """Convene an action."""

    assembly_id: int = Field(ge=1, le=MAX_ID)
    kind: ActionKind
    title: str = Field(min_length=1, max_length=160, pattern=NON_SPACE)
    description: str = Field(default="", max_length=4000)
    region: str = Field(min_length=2, max_length=2, pattern=REGION)
    starts_at: datetime = Field(description=f"Within the coming year. {MOMENT}")
    places: list[Line] = Field(min_length=1, max_length=MAX_PLACES)
    visibility: Visibility = Visibility.PUBLIC
    reveal_at: datetime | None = Field(
        default=None, description=f"At the latest when the action starts. {MOMENT}"
    )
    struggle_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    tasks: list[TaskIn] = Field(default_factory=list, max_length=MAX_TASKS)
    checklist: list[Line] = Field(default_factory=list, max_length=MAX_CHECKLIST)
    pledge: PledgeRuleIn | None = None


class PostponeIn(In):
    """A new start and why."""

    starts_at: datetime = Field(description=f"Within the coming year. {MOMENT}")
    note: str = Field(min_length=1, max_length=MAX_LIVE_UPDATE, pattern=NON_SPACE)


class CancelIn(In):
    """Why the action is cancelled."""

    reason: str = Field(min_length=1, max_length=MAX_LIVE_UPDATE, pattern=NON_SPACE)


class LiveUpdateIn(In):
    """A short update during the action."""

    text: str = Field(min_length=1, max_length=MAX_LIVE_UPDATE, pattern=NON_SPACE)


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
