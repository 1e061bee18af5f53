"""Mobilisation's forms and the edge parsers they share with the API (dates, lines, tasks)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from pydantic import BeforeValidator, Field

from asamblea.core.deliberation import TITLE_MAX, TITLE_MIN
from asamblea.core.errors import N_, Invalid
from asamblea.core.mobilisation.actions import (
    MAX_LIVE_UPDATE,
    ActionKind,
    Task,
    TaskRole,
    Visibility,
)
from asamblea.core.mobilisation.pledges import MAX_THRESHOLD, Thresholds
from asamblea.core.mobilisation.struggles import Sector, StruggleState
from asamblea.web.forms import Form, OptionalId

LIMA = ZoneInfo("America/Lima")
MAX_LINES = 30


def lima_moment(text: str) -> datetime:
    """A date and time as typed (Lima's time unless it says otherwise), or Invalid."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise Invalid(N_("Give dates and times like 2026-11-28 18:30.")) from None
    return moment.replace(tzinfo=LIMA) if moment.tzinfo is None else moment


def day(text: str) -> date:
    """A date like 2026-11-28, or Invalid."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise Invalid(N_("Give dates like 2026-11-28.")) from None


def lines(text: str) -> list[str]:
    """Non-empty lines of a text area (at most `MAX_LINES`)."""
    found = [line.strip() for line in text.splitlines() if line.strip()]
    if len(found) > MAX_LINES:
        raise Invalid(N_("At most {most} lines."), most=MAX_LINES)
    return found


def tasks_from(needed: Mapping[str, int]) -> list[Task]:
    """Tasks from role → people needed (roles needing nobody left out)."""
    return [Task(TaskRole(role), n) for role, n in needed.items() if n > 0]


def thresholds_from(
    members: int | None, assemblies: int | None, people: int | None
) -> Thresholds | None:
    """A conditional pledge's thresholds, or None when N is not given."""
    if members is None:
        if assemblies is not None or people is not None:
            raise Invalid(N_("Give N, the members of each assembly, for a conditional pledge."))
        return None
    return Thresholds(members, assemblies, people)


def _blank_to_none(value: object) -> object:
    return None if isinstance(value, str) and not value.strip() else value


#: An optional threshold: blank in a form means not set (bounds on the int, not on None).
OptionalCount = Annotated[
    Annotated[int, Field(ge=1, le=MAX_THRESHOLD)] | None,
    BeforeValidator(_blank_to_none),
    Field(default=None),
]
OptionalState = Annotated[
    StruggleState | None, BeforeValidator(_blank_to_none), Field(default=None)
]


class StruggleForm(Form):
    """Register a struggle."""

    assembly_id: int = Field(ge=1, le=2**31 - 1)
    title: str = Field(min_length=1, max_length=160)
    demands: str = Field(min_length=1, max_length=4000)
    against: str = Field(min_length=1, max_length=160)
    region: str = Field(min_length=2, max_length=2)
    province: str = Field(default="", max_length=4)
    district: str = Field(default="", max_length=80)
    sector: Sector
    since: str = Field(max_length=20)
    visibility: Visibility = Visibility.PUBLIC


class StruggleUpdateForm(Form):
    """A dated update of a struggle; maybe a new state."""

    text: str = Field(min_length=1, max_length=1000)
    state: OptionalState


class AssemblyChoiceForm(Form):
    """Act for one of one's assemblies (solidarity, pledging)."""

    assembly_id: int = Field(ge=1, le=2**31 - 1)


class AdhesionForm(AssemblyChoiceForm):
    """Put joining to one's members: how many days the vote stays open."""

    days: int = Field(default=3, ge=1, le=30)


class ConveneForm(Form):
    """Convene an action (tasks come as need_<role>)."""

    assembly_id: int = Field(ge=1, le=2**31 - 1)
    kind: ActionKind
    title: str = Field(min_length=1, max_length=160)
    description: str = Field(default="", max_length=4000)
    region: str = Field(min_length=2, max_length=2)
    starts_at: str = Field(max_length=25)
    places: str = Field(min_length=1, max_length=2000)
    visibility: Visibility = Visibility.PUBLIC
    reveal_at: str = Field(default="", max_length=25)
    struggle_id: OptionalId
    checklist: str = Field(default="", max_length=6000)
    pledge_members: OptionalCount
    pledge_assemblies: OptionalCount
    pledge_people: OptionalCount
    need_logistics: int = Field(default=0, ge=0, le=100_000)
    need_first_aid: int = Field(default=0, ge=0, le=100_000)
    need_legal_observer: int = Field(default=0, ge=0, le=100_000)
    need_press: int = Field(default=0, ge=0, le=100_000)
    need_security: int = Field(default=0, ge=0, le=100_000)
    need_kitchen: int = Field(default=0, ge=0, le=100_000)

    def needed(self) -> dict[str, int]:
        return {role.value: int(getattr(self, f"need_{role.value}")) for role in TaskRole}


class PostponeForm(Form):
    """Move an action."""

    starts_at: str = Field(max_length=25)
    note: str = Field(min_length=1, max_length=MAX_LIVE_UPDATE)


class ReasonForm(Form):
    """Cancel an action."""

    reason: str = Field(min_length=1, max_length=MAX_LIVE_UPDATE)


class LiveUpdateForm(Form):
    """A short update during the action."""

    text: str = Field(min_length=1, max_length=MAX_LIVE_UPDATE)


class TickForm(Form):
    """Mark a checklist line."""

    done: bool = False


class ReportForm(Form):
    """After the action (turnout comes as turnout_<assembly id>)."""

    incidents: str = Field(default="", max_length=4000)
    next_steps: str = Field(default="", max_length=4000)


def turnout_from(data: Mapping[str, str]) -> dict[int, int]:
    """turnout_<assembly id>=<people> fields of a report form."""
    found: dict[int, int] = {}
    for key, value in data.items():
        if not key.startswith("turnout_") or not value.strip():
            continue
        ident, text = key.removeprefix("turnout_"), value.strip()
        if not (ident.isascii() and ident.isdecimal() and text.isascii() and text.isdecimal()):
            raise Invalid(N_("Turnout must be a whole number from 0 up."))
        if len(ident) > 10 or len(text) > 8:
            raise Invalid(N_("Turnout must be a whole number from 0 up."))
        found[int(ident)] = int(text)
    return found


class DemandForm(Form):
    """Raise one of a struggle's demands as a proposal of kind demand."""

    title: str = Field(min_length=TITLE_MIN, max_length=TITLE_MAX)
    text: str = Field(min_length=1, max_length=4000)


class MergeForm(Form):
    """Merge ticked points (``merge_<id>``) into ``into``, by a vote open for ``days``."""

    into: int = Field(ge=1, le=2**31 - 1)
    days: int = Field(default=3, ge=1, le=30)
