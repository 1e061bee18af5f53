"""JSON shapes of the unified platform: points with who stands behind them, and merges."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from asamblea.core.deliberation import TITLE_MAX, TITLE_MIN, ProposalState
from asamblea.core.mobilisation.platform import MAX_MERGED
from asamblea.web.forms import MAX_ID
from asamblea.web.routes.api.schemas import NON_SPACE, In, trimmed_at_least


class DemandIn(In):
    """Raise one of a struggle's demands as a proposal of kind demand."""

    title: str = Field(
        min_length=TITLE_MIN, max_length=TITLE_MAX, pattern=trimmed_at_least(TITLE_MIN)
    )
    text: str = Field(min_length=1, max_length=4000, pattern=NON_SPACE)


class DemandOut(BaseModel):
    """The proposal the demand became (published: it gathers supports now)."""

    proposal_id: int
    state: ProposalState


class MergeIn(In):
    """Merge the points ``merged`` into ``into`` by a vote of the members open ``days`` days."""

    into: int = Field(ge=1, le=MAX_ID)
    merged: list[int] = Field(
        min_length=1, max_length=MAX_MERGED, json_schema_extra={"uniqueItems": True}
    )
    days: int = Field(default=3, ge=1, le=30)


class MergeOut(BaseModel):
    """A merge put to the members' vote, and how it stands."""

    id: int
    into: int
    merged: list[int]
    vote_id: int
    state: str


class BackerOut(BaseModel):
    """An assembly behind a point; ``counted`` false when an assembly above it counts its
    members already."""

    assembly_id: int
    name: str
    members: int
    counted: bool


class DemandLineOut(BaseModel):
    """A demand as first raised below, and the struggle it came from (if any)."""

    proposal_id: int
    assembly: str
    title: str
    struggle_id: int | None


class MergeLineOut(BaseModel):
    """One merge in a point's history."""

    vote_id: int
    at: datetime
    into: int
    merged: list[int]


class PointOut(BaseModel):
    """A point of the platform (its id is its escalation's)."""

    id: int
    proposal_id: int
    title: str
    text: str
    state: ProposalState
    assemblies: int
    members: int
    backers: list[BackerOut]
    demands: list[DemandLineOut]
    history: list[MergeLineOut]


class PlatformOut(BaseModel):
    """An upper assembly's platform, most backed points first, and the merges being voted."""

    assembly_id: int
    name: str
    points: list[PointOut]
    merges_voting: list[int]  # their votes' ids


class PlatformSummaryOut(BaseModel):
    """An upper assembly whose platform has points."""

    assembly_id: int
    name: str
    points: int
