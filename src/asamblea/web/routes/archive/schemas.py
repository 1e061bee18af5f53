"""JSON shapes of the archive API: a case as a person may see it, its items, a consent change."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from asamblea.web.forms import Verbatim
from asamblea.web.routes.api.schemas import In

ConsentCode = Literal["public", "federation", "team", "legal"]


class VictimOut(BaseModel):
    """A victim as the family wishes: ``name`` null when they asked for no name."""

    name: str | None


class CaseOut(BaseModel):
    """A case's public facts, the victims this person may see, and their circle."""

    id: str
    title: str
    place: str
    occurred_on: date
    victims: list[VictimOut]
    your_circle: ConsentCode


class ItemOut(BaseModel):
    """An item this person may see (its content only through the pages, unlocked)."""

    id: str
    kind: str
    media_type: str
    size: int
    sha256: str
    consent: ConsentCode
    withdrawn: bool
    title: str | None
    tags: str | None
    received_at: datetime


class ConsentIn(In):
    """A new consent level, or ``withdrawn``. The witness or family sends their holder token
    (given at intake); a team member sends none and may only narrow or withdraw."""

    consent: Literal["public", "federation", "team", "legal", "withdrawn"]
    holder_token: Verbatim | None = Field(default=None, min_length=20, max_length=64)


class FoundItem(ItemOut):
    """A search result: an item this person may see, and its case."""

    case_id: str


class SearchOut(BaseModel):
    """Up to 50 items the person may see whose title and tags hold every word, the last received
    or re-consented first; ``more`` when there are more of those. Nothing about items they may
    not see."""

    results: list[FoundItem]
    more: bool


class EventOut(BaseModel):
    """A timeline event this person may see; ``items`` only the linked items they may see."""

    id: int
    happened_on: date
    happened_at: str | None
    description: str
    consent: ConsentCode
    items: list[str]


class EventIn(In):
    """A new timeline event (a team member): the day (``2026-12-12``), the hour if known
    (``18:30``), what happened, its consent level and the case's items it refers to."""

    happened_on: str = Field(min_length=10, max_length=10, pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
    happened_at: str | None = Field(default=None, pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")
    description: str = Field(min_length=1, max_length=500)
    consent: ConsentCode
    items: list[Annotated[str, Field(pattern=r"^[0-9a-f]{32}$")]] = Field(default=[],
                                                                        max_length=20)


class LinkIn(In):
    """A one-time intake link for a witness: the consent level their material starts at."""

    consent: ConsentCode = "team"


class LinkOut(BaseModel):
    """The link just made: its token and address, shown this once (only a digest is kept)."""

    token: str = Field(min_length=43, max_length=43)
    url: str
    consent: ConsentCode
    expires_at: datetime
