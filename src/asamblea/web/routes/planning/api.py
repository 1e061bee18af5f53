"""JSON API for planning rounds: the shipped models, an assembly's rounds, a round with each
base assembly's drafts and the votes deciding them, the published plan; open a round, draft
targets (put to the members as a vote: cast and close it with the votes API), solve, revise.

The same services and visibility as the pages: rounds, drafts and plans are public (the votes
deciding the drafts are public votes; their ballots stay secret). A round is settled before it
is shown, as on its page.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends

from asamblea import i18n
from asamblea.clock import utcnow
from asamblea.core.errors import N_, Conflict
from asamblea.core.votes import Vote
from asamblea.services.federation import accounts
from asamblea.services.planning import rounds as planning
from asamblea.services.planning.rounds import PlanningRound, TargetDraft
from asamblea.services.votes import votes
from asamblea.web.context import Ctx
from asamblea.web.routes.common import Id
from asamblea.web.routes.federation.api import ERRORS, api_context
from asamblea.web.routes.planning.pages import round_view
from asamblea.web.routes.planning.schemas import (
    DraftOut,
    ModelOut,
    ParticipantOut,
    PlanOut,
    RoundDetailOut,
    RoundIn,
    RoundOut,
    TargetsIn,
    VoteBriefOut,
)

router = APIRouter(prefix="/api/v1", responses=ERRORS)
ApiCtx = Depends(api_context)


@router.get("/planning-models", response_model=list[ModelOut])
def list_models(ctx: Ctx = ApiCtx) -> list[ModelOut]:
    """The models a round may plan with (besides an uploaded CSV), with their products."""
    i18n.activate(ctx.locale)
    return [
        ModelOut(
            key=m.key,
            label=i18n.gettext(m.label),
            units=i18n.gettext(m.units),
            products=list(planning.products_of(m.key)),
        )
        for m in planning.shipped_models()
    ]


@router.get("/assemblies/{assembly_id}/planning-rounds", response_model=list[RoundOut])
def list_rounds(assembly_id: Id, ctx: Ctx = ApiCtx) -> list[RoundOut]:
    """The rounds an assembly opened or takes part in (those of the assemblies above it)."""
    with ctx.reading() as db:
        return [_round(r) for r in planning.rounds_for(db, assembly_id)]


@router.post(
    "/assemblies/{assembly_id}/planning-rounds", status_code=201, response_model=RoundDetailOut
)
def open_round(assembly_id: Id, body: RoundIn, ctx: Ctx = ApiCtx) -> RoundDetailOut:
    """Open a round (facilitators of the assembly)."""
    person = accounts.require(ctx.person)
    with ctx.transaction() as db:
        created = planning.open_round(
            db,
            person,
            assembly_id,
            title=body.title,
            model_key=body.model,
            goods=list(body.goods),
            aggregation=body.aggregation,
            model_csv=body.model_csv,
        )
    return _detail(ctx, created.id)


@router.get("/planning-rounds/{round_id}", response_model=RoundDetailOut)
def get_round(round_id: Id, ctx: Ctx = ApiCtx) -> RoundDetailOut:
    """A round: state, participants, each assembly's targets and the state of its vote."""
    return _detail(ctx, round_id)


@router.post("/planning-rounds/{round_id}/targets", status_code=201, response_model=DraftOut)
def draft_targets(round_id: Id, body: TargetsIn, ctx: Ctx = ApiCtx) -> DraftOut:
    """Draft a base assembly's targets (its facilitators); the vote on them opens at once."""
    person = accounts.require(ctx.person)
    with ctx.transaction() as db:
        drafted = planning.draft_targets(
            db,
            person,
            round_id,
            body.assembly_id,
            levels=dict(body.levels),
            changes=dict(body.changes),
            note=body.note,
            now=utcnow(),
            days=body.days,
        )
    with ctx.reading() as db:
        vote = votes.vote_view(db, person, drafted.vote_id).vote if drafted.vote_id else None
    return _draft(drafted, vote)


@router.post("/planning-rounds/{round_id}/solve", response_model=PlanOut)
def solve(round_id: Id, ctx: Ctx = ApiCtx) -> PlanOut:
    """Settle the drafts, aggregate the adopted targets, solve and publish the plan
    (facilitators of the round's assembly)."""
    person = accounts.require(ctx.person)
    with ctx.transaction() as db:
        solved = planning.solve_round(db, person, round_id, now=utcnow())
    return _plan(solved)


@router.get("/planning-rounds/{round_id}/plan", response_model=PlanOut)
def get_plan(round_id: Id, ctx: Ctx = ApiCtx) -> PlanOut:
    """The published plan: fulfilment per target, binding limits with shadow prices, labour
    values, and the comparison with the previous plan (for a revision round)."""
    return _plan(round_view(ctx, round_id).round)


@router.post("/planning-rounds/{round_id}/revision", status_code=201, response_model=RoundDetailOut)
def open_revision(round_id: Id, ctx: Ctx = ApiCtx) -> RoundDetailOut:
    """Open a revision round from the published plan's targets (facilitators)."""
    person = accounts.require(ctx.person)
    with ctx.transaction() as db:
        revision = planning.open_revision(db, person, round_id)
    return _detail(ctx, revision.id)


def _round(r: PlanningRound) -> RoundOut:
    return RoundOut(
        id=r.id,
        assembly_id=r.assembly_id,
        title=r.title,
        model=r.model_key,
        goods=list(r.goods),
        aggregation=r.aggregation,
        state="published" if r.published else "open",
        previous_id=r.previous_id,
        created_at=r.created_at,
        solved_at=r.solved_at,
    )


def _detail(ctx: Ctx, round_id: int) -> RoundDetailOut:
    view = round_view(ctx, round_id)
    i18n.activate(ctx.locale)
    participants = [
        ParticipantOut(
            assembly_id=p.assembly.id,
            name=p.assembly.name,
            active_members=p.active_members,
            draft=_draft(p.draft, p.vote) if p.draft else None,
            earlier=[_draft(d, None) for d in p.earlier],
            counted=p.counted,
            can_draft=p.can_draft,
            can_vote=p.can_vote,
        )
        for p in view.participants
    ]
    return RoundDetailOut(
        **_round(view.round).model_dump(),
        model_label=i18n.gettext(view.model_label),
        model_units=i18n.gettext(view.model_units) if view.model_units else "",
        baseline=dict(view.round.baseline),
        participants=participants,
        adopted=view.adopted,
        aggregated=dict(view.aggregated),
        revision_id=view.revision_id,
    )


def _draft(d: TargetDraft, vote: Vote | None) -> DraftOut:
    brief = None
    if vote is not None:
        brief = VoteBriefOut(
            id=vote.id,
            state=vote.state,
            question=vote.spec.question,
            voters=vote.voters,
            roll_size=vote.roll_size,
            opens_at=vote.spec.opens_at,
            closes_at=vote.spec.closes_at,
        )
    return DraftOut(
        id=d.id,
        assembly_id=d.assembly_id,
        state=d.state,
        levels=dict(d.levels),
        changes=dict(d.changes),
        note=d.note,
        code=d.digest[:12],
        drafted_at=d.drafted_at,
        members=d.members,
        vote_id=d.vote_id,
        vote=brief,
    )


def _plan(r: PlanningRound) -> PlanOut:
    if r.result is None:
        raise Conflict(N_("The plan is published when a facilitator solves the round."))
    return PlanOut.model_validate({**r.result, "round_id": r.id, "title": r.title})
