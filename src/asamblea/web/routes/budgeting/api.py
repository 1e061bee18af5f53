"""JSON API for participatory budgeting processes: a process (phase, calendar, ceiling, agents,
projects with their evaluation, committee), its outcome with per-project explanations, the
Acta's data, the committee and the progress it records; an agent submits a project, a member
casts a ballot. The same services as the pages, so the same visibility: only the assembly's
active members see a process (anyone else gets 404, as on the pages). The committee's election
is a vote: read and cast it through the votes API (/api/v1/votes/{vote_id})."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends
from fastapi.responses import Response

from asamblea.core.errors import N_, Conflict
from asamblea.services.budgeting import process as budgeting
from asamblea.services.budgeting.committee import Committee
from asamblea.services.budgeting.process import Agent, BudgetProject, Process, ProcessView
from asamblea.services.federation import accounts
from asamblea.web.context import Ctx
from asamblea.web.routes.budgeting.pages import process_view
from asamblea.web.routes.budgeting.schemas import (
    ActaOut,
    AgentOut,
    AgreementOut,
    BallotIn,
    CommitteeOut,
    ElectionOut,
    EvaluationOut,
    ExplanationOut,
    FundedProjectOut,
    OutcomeOut,
    OversightOut,
    PaymentOut,
    ProcessOut,
    ProcessSummaryOut,
    ProgressOut,
    ProjectIn,
    ProjectOut,
    SignatureOut,
)
from asamblea.web.routes.common import Id
from asamblea.web.routes.federation.api import ERRORS, api_context

router = APIRouter(prefix="/api/v1", responses=ERRORS)
ApiCtx = Depends(api_context)


@router.get("/assemblies/{assembly_id}/budget-processes", response_model=list[ProcessSummaryOut])
def list_processes(assembly_id: Id, ctx: Ctx = ApiCtx) -> list[ProcessSummaryOut]:
    """The assembly's processes, newest first (empty unless I am an active member)."""
    with ctx.reading() as db:
        return [_summary(p) for p in budgeting.processes_of(db, ctx.person, assembly_id)]


@router.get("/budget-processes/{process_id}", response_model=ProcessOut)
def get_process(process_id: Id, ctx: Ctx = ApiCtx) -> ProcessOut:
    """A process: phase, calendar, ceiling, agents, projects with evaluation, committee."""
    return _process(process_view(ctx, process_id))


@router.get("/budget-processes/{process_id}/outcome", response_model=OutcomeOut)
def get_outcome(process_id: Id, ctx: Ctx = ApiCtx) -> OutcomeOut:
    """The outcome of the vote, with why each project was or was not funded (from the
    formalisation on)."""
    with ctx.reading() as db:
        view = budgeting.process_view(db, ctx.person, process_id)
    result = _result(view)
    return OutcomeOut(
        rule=str(result["rule"]),
        completion=str(result["completion"]),
        budget=int(result["budget"]),
        total_cost=int(result["total_cost"]),
        voters=int(result["voters"]),
        selected=[int(i) for i in result["selected"]],
        voter_budget=result.get("voter_budget_float"),
        budget_steps=int(result.get("budget_steps") or 0),
        explanations=_explanations(view, result),
    )


@router.get("/budget-processes/{process_id}/acta", response_model=ActaOut)
def get_acta(process_id: Id, ctx: Ctx = ApiCtx) -> ActaOut:
    """The data of the Acta de Acuerdos y Compromisos (from the formalisation on)."""
    view = process_view(ctx, process_id)
    result = _result(view)
    p = view.process
    signatures = [
        SignatureOut(name=view.names.get(who, ""), at=at)
        for who, at in ((p.signed_by, p.signed_at), (p.cosigned_by, p.cosigned_at))
        if who is not None and at is not None
    ]
    return ActaOut(
        assembly_name=view.assembly_name,
        title=p.title,
        budget=p.budget,
        agents=[_agent(view, a) for a in view.final_agents],
        agreements=[
            AgreementOut(
                project_id=j.id,
                title=j.title,
                place=j.place,
                beneficiaries=j.beneficiaries,
                cost=j.cost,
            )
            for j in view.projects
            if j.id in view.funded
        ],
        total_cost=int(result["total_cost"]),
        explanations=_explanations(view, result),
        committee=[view.names.get(s.person_id, "") for s in view.committee.seats],
        signatures=signatures,
    )


@router.get("/budget-processes/{process_id}/oversight", response_model=OversightOut)
def get_oversight(process_id: Id, ctx: Ctx = ApiCtx) -> OversightOut:
    """The oversight committee (candidates, election, members) and each funded project's
    milestones."""
    view = process_view(ctx, process_id)
    projects = []
    for j in view.projects:
        if j.id not in view.funded:
            continue
        progress = [
            ProgressOut(
                on_date=g.on_date,
                percent=g.percent,
                note=g.note,
                recorded_by=view.names.get(g.recorded_by, ""),
            )
            for g in view.progress
            if g.project_id == j.id
        ]
        projects.append(
            FundedProjectOut(project_id=j.id, title=j.title, cost=j.cost, progress=progress)
        )
    return OversightOut(
        phase=view.process.phase, committee=_committee(view, view.committee), projects=projects
    )


@router.post("/budget-processes/{process_id}/projects", status_code=201, response_model=ProjectOut)
def submit_project(process_id: Id, body: ProjectIn, ctx: Ctx = ApiCtx) -> ProjectOut:
    """An agent on the final list submits a project in the workshops (cost in céntimos)."""
    person = accounts.require(ctx.person)
    with ctx.transaction() as db:
        project = budgeting.submit_project(
            db,
            person,
            process_id,
            title=body.title,
            description=body.description,
            place=body.place,
            cost=body.cost,
            beneficiaries=body.beneficiaries,
        )
        view = budgeting.process_view(db, person, process_id)
    return _project(view, project)


@router.post("/budget-processes/{process_id}/ballot", status_code=204)
def cast_ballot(process_id: Id, body: BallotIn, ctx: Ctx = ApiCtx) -> Response:
    """Cast my ballot, once, in the prioritisation: points per project id (1 per approval)."""
    person = accounts.require(ctx.person)
    with ctx.transaction() as db:
        budgeting.cast_ballot(db, person, process_id, body.points)
    return Response(status_code=204)


def _summary(p: Process) -> ProcessSummaryOut:
    return ProcessSummaryOut(
        id=p.id,
        assembly_id=p.assembly_id,
        title=p.title,
        phase=p.phase,
        budget=p.budget,
        ballot_kind=p.ballot_kind,
        rule=p.rule,
    )


def _process(view: ProcessView) -> ProcessOut:
    p = view.process
    return ProcessOut(
        **_summary(p).model_dump(),
        assembly_name=view.assembly_name,
        calendar=dict(p.calendar),
        max_choices=p.max_choices,
        within_budget=p.within_budget,
        points=p.points,
        voters=view.voters,
        has_voted=view.has_voted,
        agents=[_agent(view, a) for a in view.agents],
        projects=[_project(view, j) for j in view.projects],
        committee=_committee(view, view.committee),
    )


def _agent(view: ProcessView, a: Agent) -> AgentOut:
    return AgentOut(
        id=a.id,
        organisation=a.organisation,
        delegate=view.names.get(a.delegate_id, ""),
        state=a.state,
        challenge=a.challenge,
        resolution=a.resolution,
    )


def _project(view: ProcessView, j: BudgetProject) -> ProjectOut:
    organisations = {a.id: a.organisation for a in view.agents}
    evaluation = None if j.viable is None else EvaluationOut(viable=j.viable, reason=j.evaluation)
    return ProjectOut(
        id=j.id,
        title=j.title,
        description=j.description,
        place=j.place,
        cost=j.cost,
        proposed_cost=j.proposed_cost,
        beneficiaries=j.beneficiaries,
        organisation=organisations.get(j.agent_id, ""),
        evaluation=evaluation,
        funded=j.id in view.funded,
    )


def _committee(view: ProcessView, c: Committee) -> CommitteeOut:
    election = None
    if c.election is not None and c.vote is not None:
        election = ElectionOut(
            vote_id=c.election.vote_id,
            seats=c.vote.spec.seats,
            state=c.vote.state,
            closes_at=c.vote.spec.closes_at,
            candidates=[view.names.get(i, "") for i in c.election.candidates],
            settled=c.election.settled,
        )
    return CommitteeOut(
        members=[view.names.get(s.person_id, "") for s in c.seats],
        candidates=[view.names.get(i, "") for i in c.candidates],
        election=election,
    )


def _result(view: ProcessView) -> dict[str, Any]:
    if not view.process.result:
        raise Conflict(N_("The results are published when the vote closes."))
    return dict(view.process.result)


def _explanations(view: ProcessView, result: dict[str, Any]) -> list[ExplanationOut]:
    titles = {str(j.id): j.title for j in view.projects}
    return [
        ExplanationOut(
            project_id=int(e["project"]),
            title=titles.get(str(e["project"]), ""),
            cost=int(e["cost"]),
            funded=bool(e["funded"]),
            reason=str(e["reason"]),
            support=int(e["support"]),
            supporters=int(e["supporters"]),
            round=e.get("round"),
            available=e.get("available"),
            remaining=e.get("remaining"),
            payments=[
                PaymentOut(
                    voters=int(g["voters"]),
                    points=int(g["points"]),
                    share=float(g["share"]),
                    paid_everything=bool(g["paid_everything"]),
                )
                for g in e.get("payments") or []
            ],
        )
        for e in result["explanations"]
    ]
