"""JSON API for mobilisation: struggles, actions, tasks, joining (a members' vote), pledges.

The same services and visibility as the pages (docs/mobilisation.md, "Who sees what"):
struggles are public; an action answers 404 to whom it is hidden; places are null while hidden
from the asker; who signed up is listed for coordinators only; pledges are counts only.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from asamblea.clock import utcnow
from asamblea.core.mobilisation.actions import ActionKind, Task
from asamblea.core.mobilisation.pledges import Thresholds
from asamblea.core.mobilisation.struggles import Place, Sector
from asamblea.services.federation import accounts
from asamblea.services.mobilisation import actions, pledge_batch, struggles, views
from asamblea.services.mobilisation.pledge_batch import Kind
from asamblea.web.context import Ctx
from asamblea.web.routes.common import Id
from asamblea.web.routes.federation.api import ERRORS, api_context, writer_context
from asamblea.web.routes.mobilisation.schemas import (
    REGION,
    ActionDetailOut,
    ActionIn,
    ActionOut,
    AdhesionIn,
    AdhesionOut,
    AssemblyIn,
    CancelIn,
    LiveUpdateIn,
    PledgedOut,
    PledgeOut,
    PostponeIn,
    StruggleDetailOut,
    StruggleIn,
    StruggleOut,
    StrugglesOut,
    StruggleUpdateIn,
    TaskOut,
)
from asamblea.web.routes.mobilisation.writer import through_writer

router = APIRouter(prefix="/api/v1", responses=ERRORS)
ApiCtx = Depends(api_context)
WriterCtx = Depends(writer_context)
RegionQuery = Query(default=None, min_length=2, max_length=2, pattern=REGION)
SectorQuery = Query(default=None)
KindQuery = Query(default=None)  # one Query object per name: FastAPI sets aliases


def _struggle(s: views.Struggle) -> StruggleOut:
    return StruggleOut(**{k: getattr(s, k) for k in StruggleOut.model_fields})


def _action(a: views.Action) -> ActionOut:
    return ActionOut(**{k: getattr(a, k) for k in ActionOut.model_fields})


def _pledge(p: pledge_batch.PledgeView) -> PledgeOut:
    t, s = p.thresholds, p.standing
    return PledgeOut(
        members=t.members,
        assemblies=t.assemblies,
        people=t.people,
        pledges=s.pledges,
        assemblies_met=s.assemblies_met,
        regions_met=s.regions_met,
        people_counted=s.people_counted,
        progress=s.progress,
        triggered=s.triggered,
        triggered_at=p.triggered_at,
        mine=p.mine,
    )


def _detail(v: views.ActionView) -> ActionDetailOut:
    a = v.action
    tasks = [
        TaskOut(
            id=t.id,
            role=t.role,
            needed=t.needed,
            signed=t.signed,
            still_needed=v.still_needed[t.id],
            mine=t.id in v.my_tasks,
            signed_up=v.signups.get(t.id) if v.signups else None,
        )
        for t in v.tasks
    ]
    return ActionDetailOut(
        **_action(a).model_dump(),
        description=a.description,
        viewer=v.viewer.value,
        convener=v.convener,
        joined=v.joined,
        places=None if v.places is None else list(v.places),
        place_hidden_until=v.place_hidden_until,
        tasks=tasks,
        checklist=[(i.text, i.done) for i in v.checklist],
        live_updates=v.live_updates,
        pledge=None if v.pledge is None else _pledge(v.pledge),
        report=a.report,
    )


@router.get("/struggles", response_model=StrugglesOut)
def list_struggles(
    region: str | None = RegionQuery, sector: Sector | None = SectorQuery, ctx: Ctx = ApiCtx
) -> StrugglesOut:
    """The federation's struggles (filtered by region or sector), with counts."""
    with ctx.reading() as db:
        found = struggles.overview(
            db, region=region, sector=sector and sector.value, viewer=ctx.person
        )
    return StrugglesOut(
        struggles=[_struggle(s) for s in found.struggles],
        by_region=found.by_region,
        by_sector=found.by_sector,
    )


@router.get("/struggles/{struggle_id}", response_model=StruggleDetailOut)
def get_struggle(struggle_id: Id, ctx: Ctx = ApiCtx) -> StruggleDetailOut:
    """A struggle, its updates, who stands with it and the actions the asker may see."""
    with ctx.reading() as db:
        v = views.struggle_view(db, ctx.person, struggle_id)
    return StruggleDetailOut(
        **_struggle(v.struggle).model_dump(),
        updates=[(u.at, u.text, u.state) for u in v.updates],
        solidarity=v.solidarity,
        joined=v.joined,
        actions=[a.id for a in v.actions],
    )


@router.post("/struggles", status_code=201, response_model=StruggleOut)
def register_struggle(body: StruggleIn, ctx: Ctx = ApiCtx) -> StruggleOut:
    """A facilitator of a base assembly registers a struggle."""
    person = accounts.require(ctx.person)
    form = struggles.StruggleForm(
        title=body.title,
        demands=body.demands,
        against=body.against,
        place=Place(body.region, body.province),
        sector=body.sector,
        since=body.since,
        district=body.district,
        visibility=body.visibility,
    )
    with ctx.transaction() as db:
        return _struggle(struggles.register(db, person, body.assembly_id, form, now=utcnow()))


@router.post("/struggles/{struggle_id}/updates", response_model=StruggleOut)
def update_struggle(struggle_id: Id, body: StruggleUpdateIn, ctx: Ctx = ApiCtx) -> StruggleOut:
    """A dated update by the struggle's facilitators (maybe a new state)."""
    person = accounts.require(ctx.person)
    with ctx.transaction() as db:
        updated = struggles.post_update(
            db, person, struggle_id, text=body.text, state=body.state, now=utcnow()
        )
    return _struggle(updated)


@router.post("/struggles/{struggle_id}/solidarity", status_code=204)
def solidarity(struggle_id: Id, body: AssemblyIn, ctx: Ctx = ApiCtx) -> Response:
    """A facilitator declares their assembly's solidarity."""
    person = accounts.require(ctx.person)
    with ctx.transaction() as db:
        struggles.declare_solidarity(db, person, struggle_id, body.assembly_id, now=utcnow())
    return Response(status_code=204)


@router.post("/struggles/{struggle_id}/adhesion", status_code=201, response_model=AdhesionOut)
def join_struggle(struggle_id: Id, body: AdhesionIn, ctx: Ctx = ApiCtx) -> AdhesionOut:
    """Put joining the struggle to the assembly's members: a vote opens now."""
    return _join(ctx, "struggle", struggle_id, body)


@router.post("/actions/{action_id}/adhesion", status_code=201, response_model=AdhesionOut)
def join_action(action_id: Id, body: AdhesionIn, ctx: Ctx = ApiCtx) -> AdhesionOut:
    """Put joining the action to the assembly's members: a vote opens now."""
    return _join(ctx, "action", action_id, body)


def _join(ctx: Ctx, target: str, target_id: int, body: AdhesionIn) -> AdhesionOut:
    person = accounts.require(ctx.person)
    with ctx.transaction() as db:
        if target == "action":
            views.action_view(db, person, target_id, utcnow())  # hidden stays hidden
        a = struggles.propose_adhesion(
            db, person, target, target_id, body.assembly_id, now=utcnow(), days=body.days
        )
    return AdhesionOut(id=a.id, assembly_id=a.assembly_id, state=a.state, vote_id=a.vote_id)


@router.get("/actions", response_model=list[ActionOut])
def list_actions(
    region: str | None = RegionQuery, kind: ActionKind | None = KindQuery, ctx: Ctx = ApiCtx
) -> list[ActionOut]:
    """The actions the asker may see, soonest first (filter by region and kind)."""
    with ctx.reading() as db:
        return [
            _action(a)
            for a in views.visible_actions(db, ctx.person, region=region, kind=kind and kind.value)
        ]


@router.get("/actions/{action_id}", response_model=ActionDetailOut)
def get_action(action_id: Id, ctx: Ctx = ApiCtx) -> ActionDetailOut:
    """An action as the asker may see it."""
    with ctx.reading() as db:
        return _detail(views.action_view(db, ctx.person, action_id, utcnow()))


@router.post("/actions", status_code=201, response_model=ActionDetailOut)
def convene(body: ActionIn, ctx: Ctx = ApiCtx) -> ActionDetailOut:
    """A facilitator convenes an action (tasks, checklist, a conditional pledge)."""
    person = accounts.require(ctx.person)
    rule = body.pledge
    spec = actions.Convening(
        kind=body.kind,
        title=body.title,
        region=body.region,
        starts_at=body.starts_at,
        places=body.places,
        description=body.description,
        visibility=body.visibility,
        reveal_at=body.reveal_at,
        struggle_id=body.struggle_id,
        tasks=[Task(t.role, t.needed) for t in body.tasks],
        checklist=body.checklist,
        pledge=None if rule is None else Thresholds(rule.members, rule.assemblies, rule.people),
    )
    now = utcnow()
    with ctx.transaction() as db:
        created = actions.convene(db, person, body.assembly_id, spec, now=now)
        return _detail(views.action_view(db, person, created.id, now))


@router.post("/actions/{action_id}/pledge", status_code=201, response_model=PledgedOut)
async def pledge(action_id: Id, body: AssemblyIn, ctx: Ctx = WriterCtx) -> PledgedOut:
    """Pledge to join if the threshold is met (counted, never listed); answered once the
    pledge is durably written (in a batch with the others that came meanwhile)."""
    outcome = await through_writer(ctx, Kind.PLEDGE, action_id, body.assembly_id)
    if not isinstance(outcome, pledge_batch.Pledged):
        raise TypeError("a pledge is answered with its counts")
    return PledgedOut(triggered_now=outcome.fired, pledge=_pledge(outcome.view))


@router.post("/actions/{action_id}/pledge/withdraw", status_code=204)
async def withdraw(action_id: Id, ctx: Ctx = WriterCtx) -> Response:
    """Withdraw one's pledge (only before the threshold is met)."""
    await through_writer(ctx, Kind.WITHDRAW, action_id)
    return Response(status_code=204)


@router.post("/actions/{action_id}/tasks/{task_id}/signup", status_code=204)
def sign_up(action_id: Id, task_id: Id, ctx: Ctx = ApiCtx) -> Response:
    """Sign up for a task."""
    person = accounts.require(ctx.person)
    with ctx.transaction() as db:
        actions.sign_up(db, person, action_id, task_id)
    return Response(status_code=204)


@router.post("/actions/{action_id}/tasks/{task_id}/leave", status_code=204)
def leave_task(action_id: Id, task_id: Id, ctx: Ctx = ApiCtx) -> Response:
    """Take one's name off a task."""
    person = accounts.require(ctx.person)
    with ctx.transaction() as db:
        actions.leave_task(db, person, action_id, task_id)
    return Response(status_code=204)


@router.post("/actions/{action_id}/postpone", response_model=ActionOut)
def postpone(action_id: Id, body: PostponeIn, ctx: Ctx = ApiCtx) -> ActionOut:
    """Coordinators move the action to a new start."""
    person = accounts.require(ctx.person)
    with ctx.transaction() as db:
        moved = actions.postpone(
            db, person, action_id, starts_at=body.starts_at, note=body.note, now=utcnow()
        )
    return _action(moved)


@router.post("/actions/{action_id}/cancel", response_model=ActionOut)
def cancel(action_id: Id, body: CancelIn, ctx: Ctx = ApiCtx) -> ActionOut:
    """Coordinators cancel the action."""
    person = accounts.require(ctx.person)
    with ctx.transaction() as db:
        return _action(actions.cancel(db, person, action_id, reason=body.reason, now=utcnow()))


@router.post("/actions/{action_id}/updates", status_code=204)
def live_update(action_id: Id, body: LiveUpdateIn, ctx: Ctx = ApiCtx) -> Response:
    """Coordinators post a short live update."""
    person = accounts.require(ctx.person)
    with ctx.transaction() as db:
        actions.live_update(db, person, action_id, text=body.text, now=utcnow())
    return Response(status_code=204)
