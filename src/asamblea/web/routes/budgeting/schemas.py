"""JSON shapes of the participatory budgeting API: a process (phase, calendar, ceiling), its
agents and projects with their evaluation, the outcome with one explanation per project, the
Acta's data, and the oversight committee with the progress it records. Money is integer
céntimos (PEN) everywhere, except the shares voters paid, which are floats for display only."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, Field

from asamblea.core.votes import VoteState
from asamblea.services.budgeting import process as budgeting
from asamblea.web.forms import MAX_ID
from asamblea.web.routes.api.schemas import NON_SPACE, In

ProjectId = Annotated[int, Field(ge=1, le=MAX_ID)]
Points = Annotated[int, Field(ge=0, le=budgeting.POINTS_MAX)]


class ProjectIn(In):
    """A project an agent on the final list submits in the workshops (cost in céntimos)."""

    title: str = Field(min_length=1, max_length=budgeting.TITLE_MAX, pattern=NON_SPACE)
    description: str = Field(min_length=1, max_length=budgeting.TEXT_MAX, pattern=NON_SPACE)
    place: str = Field(min_length=1, max_length=budgeting.TITLE_MAX, pattern=NON_SPACE)
    cost: int = Field(ge=1, le=budgeting.BUDGET_MAX)
    beneficiaries: int = Field(default=0, ge=0, le=10**9)


class BallotIn(In):
    """A ballot: points per project id (1 for each approved project on approval ballots)."""

    points: dict[ProjectId, Points] = Field(max_length=budgeting.POINTS_MAX)


class ProcessSummaryOut(BaseModel):
    """A process in an assembly's list."""

    id: int
    assembly_id: int
    title: str
    phase: str
    budget: int
    ballot_kind: str
    rule: str


class AgentOut(BaseModel):
    """A participating agent: an organisation and its accredited delegate."""

    id: int
    organisation: str
    delegate: str
    state: str
    challenge: str
    resolution: str


class EvaluationOut(BaseModel):
    """The technical team's opinion on a project."""

    viable: bool
    reason: str


class ProjectOut(BaseModel):
    """A project with its technical evaluation (None until evaluated)."""

    id: int
    title: str
    description: str
    place: str
    cost: int
    proposed_cost: int
    beneficiaries: int
    organisation: str
    evaluation: EvaluationOut | None
    funded: bool


class ElectionOut(BaseModel):
    """The members' STV vote electing the committee (vote it at /api/v1/votes/{vote_id})."""

    vote_id: int
    seats: int
    state: VoteState
    closes_at: datetime
    candidates: list[str]
    settled: bool


class CommitteeOut(BaseModel):
    """The oversight committee: its members once elected, the candidates, the latest election."""

    members: list[str]
    candidates: list[str]
    election: ElectionOut | None


class ProcessOut(ProcessSummaryOut):
    """A process as an active member of its assembly sees it."""

    assembly_name: str
    calendar: dict[str, date]
    max_choices: int | None
    within_budget: bool
    points: int | None
    voters: int
    has_voted: bool
    agents: list[AgentOut]
    projects: list[ProjectOut]
    committee: CommitteeOut


class PaymentOut(BaseModel):
    """Supporters who paid the same way for a project under Equal Shares."""

    voters: int
    points: int
    share: float
    paid_everything: bool


class ExplanationOut(BaseModel):
    """Why a project was or was not funded (see docs/budgeting.md, Explanations)."""

    project_id: int
    title: str
    cost: int
    funded: bool
    reason: str
    support: int
    supporters: int
    round: int | None
    available: float | None
    remaining: int | None
    payments: list[PaymentOut]


class OutcomeOut(BaseModel):
    """The outcome of the vote by the process's rule."""

    rule: str
    completion: str
    budget: int
    total_cost: int
    voters: int
    selected: list[int]
    voter_budget: float | None
    budget_steps: int
    explanations: list[ExplanationOut]


class AgreementOut(BaseModel):
    """A funded project as the Acta lists it."""

    project_id: int
    title: str
    place: str
    beneficiaries: int
    cost: int


class SignatureOut(BaseModel):
    """A facilitator's signature on the Acta."""

    name: str
    at: datetime


class ActaOut(BaseModel):
    """The data of the Acta de Acuerdos y Compromisos."""

    assembly_name: str
    title: str
    budget: int
    agents: list[AgentOut]
    agreements: list[AgreementOut]
    total_cost: int
    explanations: list[ExplanationOut]
    committee: list[str]
    signatures: list[SignatureOut]


class ProgressOut(BaseModel):
    """A milestone recorded by the committee."""

    on_date: date
    percent: int
    note: str
    recorded_by: str


class FundedProjectOut(BaseModel):
    """A funded project and its milestones, oldest first."""

    project_id: int
    title: str
    cost: int
    progress: list[ProgressOut]


class OversightOut(BaseModel):
    """The committee and the progress of the funded projects."""

    phase: str
    committee: CommitteeOut
    projects: list[FundedProjectOut]
