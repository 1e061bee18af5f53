"""JSON shapes of the planning API: rounds, each base assembly's drafts of targets and the votes
deciding them, and the published plan with its trade-offs and the comparison with the last."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from asamblea.core.planning.adoption import DraftState
from asamblea.core.votes import VoteState
from asamblea.services.planning import rounds as planning
from asamblea.web.forms import MAX_ID
from asamblea.web.routes.api.schemas import NON_SPACE, In

Name = Annotated[str, Field(min_length=1, max_length=200, pattern=NON_SPACE)]
Figure = Annotated[float, Field(allow_inf_nan=False)]


class RoundIn(In):
    """Open a round: a shipped model by its key (see /planning-models), or `upload` with the
    model CSV in `model_csv`; the final goods the assemblies vote on."""

    title: str = Field(min_length=1, max_length=planning.TITLE_MAX, pattern=NON_SPACE)
    model: str = Field(min_length=1, max_length=32, pattern=NON_SPACE)
    goods: list[Name] = Field(min_length=1, max_length=planning.MAX_GOODS)
    aggregation: Literal["median", "mean"] = "median"
    model_csv: str | None = Field(default=None, max_length=planning.MODEL_MAX_BYTES)


class TargetsIn(In):
    """A base assembly's targets (a level, or a change in % of the previous level, per good),
    put to its members as a yes/no vote open for `days` days."""

    assembly_id: int = Field(ge=1, le=MAX_ID)
    levels: dict[Name, Figure] = Field(default_factory=dict, max_length=planning.MAX_GOODS)
    changes: dict[Name, Figure] = Field(default_factory=dict, max_length=planning.MAX_GOODS)
    note: str = Field(default="", max_length=planning.NOTE_MAX)
    days: int = Field(default=planning.VOTE_DAYS, ge=1, le=planning.MAX_VOTE_DAYS)


class ModelOut(BaseModel):
    """A shipped model: its key, what it is, its units, and the products one may vote on."""

    key: str
    label: str
    units: str
    products: list[str]


class RoundOut(BaseModel):
    """A round in a list."""

    id: int
    assembly_id: int
    title: str
    model: str
    goods: list[str]
    aggregation: str
    state: Literal["open", "published"]
    previous_id: int | None
    created_at: datetime
    solved_at: datetime | None


class VoteBriefOut(BaseModel):
    """The vote deciding a draft (cast and read it with the votes API)."""

    id: int
    state: VoteState
    question: str
    voters: int
    roll_size: int | None
    opens_at: datetime
    closes_at: datetime


class DraftOut(BaseModel):
    """A draft of targets: `voting`, then `adopted` (it counts, weighing `members`, the roll of
    its vote) or `rejected`. `vote_id` is null only for targets confirmed by two people before
    votes decided them."""

    id: int
    assembly_id: int
    state: DraftState
    levels: dict[str, float]
    changes: dict[str, float]
    note: str
    code: str
    drafted_at: datetime
    members: int | None
    vote_id: int | None
    vote: VoteBriefOut | None = None


class ParticipantOut(BaseModel):
    """A base assembly taking part: its current draft and earlier (rejected) ones; `counted`
    says, once the plan is published, whether its targets went into it."""

    assembly_id: int
    name: str
    active_members: int
    draft: DraftOut | None
    earlier: list[DraftOut]
    counted: bool | None
    can_draft: bool
    can_vote: bool


class RoundDetailOut(RoundOut):
    """A round: its participants, and what the adopted targets add up to under its rule."""

    model_label: str
    model_units: str
    baseline: dict[str, float]
    participants: list[ParticipantOut]
    adopted: int
    aggregated: dict[str, float]
    revision_id: int | None


class NamedValueOut(BaseModel):
    """A resource and an amount of it."""

    name: str
    value: float | None


class PlanGoodOut(BaseModel):
    """A product of the plan: its target, planned net output, fulfilment, labour value and
    resource content (per unit)."""

    name: str
    good: bool
    target: float | None
    net_output: float | None
    fulfilment: float | None
    labour_value: float | None
    resource_content: list[NamedValueOut]


class LimitOut(BaseModel):
    """A limit of the plan; a binding one is fully used, its shadow price what one more unit
    of it would add to the least fulfilment."""

    kind: Literal["labour", "resource", "capacity"]
    name: str
    used: float | None
    available: float | None
    shadow_price: float | None
    binding: bool


class OthersOut(BaseModel):
    """The products not voted on, which keep their previous level as target."""

    count: int
    least: float | None


class CountedOut(BaseModel):
    """Whose adopted targets went into the plan, with what weight, decided by which vote."""

    assembly_id: int
    assembly: str
    members: int
    vote_id: int | None


class GoodChangeOut(BaseModel):
    """A voted good's planned net output before and after."""

    name: str
    before: float | None
    after: float | None
    change: float | None


class ResourceChangeOut(BaseModel):
    """How much more (or less) of a resource the new plan uses."""

    name: str
    change: float | None


class ComparisonOut(BaseModel):
    """The plan beside the last plan (`available` false when one of them has no plan)."""

    previous_id: int
    available: bool
    fulfilment_before: float | None = None
    fulfilment_after: float | None = None
    fulfilment_change: float | None = None
    labour_change: float | None = None
    resources: list[ResourceChangeOut] = Field(default_factory=list)
    goods: list[GoodChangeOut] = Field(default_factory=list)
    binding_before: list[str] = Field(default_factory=list)
    binding_after: list[str] = Field(default_factory=list)


class PlanOut(BaseModel):
    """A published plan: its status said honestly (optimal, feasible with its gap, or no
    plan), fulfilment per target, binding limits and shadow prices, labour values, whose
    targets counted, and the comparison with the last plan."""

    round_id: int
    title: str
    status: str
    method: str
    message: str
    fulfilment: float | None
    gap: float | None
    seconds: float | None
    lexicographic_complete: bool
    aggregation: str
    assemblies: int
    members: int
    counted: list[CountedOut] = Field(default_factory=list)
    targets: dict[str, float]
    goods: list[PlanGoodOut]
    others: OthersOut
    limits: list[LimitOut]
    labour_used: float | None
    labour_limit: float | None
    comparison: ComparisonOut | None
