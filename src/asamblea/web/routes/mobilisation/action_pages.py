"""Actions' pages: the federation's list (by region and kind), an action as its viewer may see
it, and the forms — convene, join (a members' vote), sign up for tasks, pledge and withdraw,
and the coordinators' postpone, cancel, live updates, checklist and report."""

from __future__ import annotations

from fastapi import APIRouter, Query
from fastapi.responses import Response

from asamblea.clock import utcnow
from asamblea.core.errors import N_, Invalid
from asamblea.core.mobilisation.actions import ActionKind
from asamblea.formats import places
from asamblea.services.federation import accounts
from asamblea.services.mobilisation import access, actions, struggles, views
from asamblea.services.mobilisation.pledge_batch import Kind
from asamblea.web.context import CtxDep
from asamblea.web.forms import parse
from asamblea.web.render import redirect, render
from asamblea.web.routes.common import Id, posted, posted_form
from asamblea.web.routes.mobilisation.forms import (
    AdhesionForm,
    AssemblyChoiceForm,
    ConveneForm,
    LiveUpdateForm,
    PostponeForm,
    ReasonForm,
    ReportForm,
    TickForm,
    lima_moment,
    lines,
    tasks_from,
    thresholds_from,
    turnout_from,
)
from asamblea.web.routes.mobilisation.pages import RegionQuery
from asamblea.web.routes.mobilisation.writer import through_writer

router = APIRouter()
KindQuery = Query(default=None, max_length=24)


@router.get("/acciones")
def actions_page(
    ctx: CtxDep, region: str | None = RegionQuery, kind: str | None = KindQuery
) -> Response:
    """Every action the viewer may see, soonest first, filterable by region and kind."""
    if kind is not None and kind not in {k.value for k in ActionKind}:
        raise Invalid(N_("Unknown kind of action."))
    wanted = kind
    with ctx.reading() as db:
        shown = views.visible_actions(db, ctx.person, region=region, kind=wanted)
    return render(
        ctx,
        "mobilisation_actions.html",
        shown=shown,
        region=region,
        kind=wanted,
        regions=places.regions(),
        names={r.code: r.name for r in places.regions()},
    )


@router.get("/acciones/{action_id}")
def action_page(ctx: CtxDep, action_id: Id) -> Response:
    """One action as the viewer may see it (docs/mobilisation.md, "Who sees what")."""
    with ctx.reading() as db:
        view = views.action_view(db, ctx.person, action_id, utcnow())
        mine = access.facilitated(db, ctx.person)
    return render(
        ctx,
        "mobilisation_action.html",
        v=view,
        a=view.action,
        others=[x for x in mine if x.id != view.action.assembly_id],
        region_name=places.region_name(view.action.region),
    )


@router.post("/acciones")
async def convene(ctx: CtxDep) -> Response:
    """A facilitator convenes an action."""
    person, form = await posted_form(ctx, ConveneForm)
    spec = actions.Convening(
        kind=form.kind,
        title=form.title,
        region=form.region,
        starts_at=lima_moment(form.starts_at),
        places=lines(form.places),
        description=form.description,
        visibility=form.visibility,
        reveal_at=lima_moment(form.reveal_at) if form.reveal_at else None,
        struggle_id=form.struggle_id,
        tasks=tasks_from(form.needed()),
        checklist=lines(form.checklist),
        pledge=thresholds_from(form.pledge_members, form.pledge_assemblies, form.pledge_people),
    )
    with ctx.transaction() as db:
        created = actions.convene(db, person, form.assembly_id, spec, now=utcnow())
    return redirect(ctx, f"/acciones/{created.id}")


@router.post("/acciones/{action_id}/adhesion")
async def join_action(ctx: CtxDep, action_id: Id) -> Response:
    """A facilitator puts joining the action to their members (a vote opens)."""
    person, form = await posted_form(ctx, AdhesionForm)
    with ctx.transaction() as db:
        views.action_view(db, person, action_id, utcnow())  # hidden actions stay hidden
        adhesion = struggles.propose_adhesion(
            db, person, "action", action_id, form.assembly_id, now=utcnow(), days=form.days
        )
    return redirect(ctx, f"/votaciones/{adhesion.vote_id}")


@router.post("/acciones/{action_id}/compromiso")
async def pledge(ctx: CtxDep, action_id: Id) -> Response:
    """Pledge to join if the threshold is met (counted, never listed)."""
    _person, form = await posted_form(ctx, AssemblyChoiceForm)
    await through_writer(ctx, Kind.PLEDGE, action_id, form.assembly_id)
    return redirect(ctx, f"/acciones/{action_id}#compromiso")


@router.post("/acciones/{action_id}/compromiso/retirar")
async def withdraw(ctx: CtxDep, action_id: Id) -> Response:
    """Withdraw one's pledge (only before the threshold is met)."""
    await posted(ctx)
    await through_writer(ctx, Kind.WITHDRAW, action_id)
    return redirect(ctx, f"/acciones/{action_id}#compromiso")


@router.post("/acciones/{action_id}/tareas/{task_id}")
async def sign_up(ctx: CtxDep, action_id: Id, task_id: Id) -> Response:
    """Sign up for a task."""
    await posted(ctx)
    person = accounts.require(ctx.person)
    with ctx.transaction() as db:
        actions.sign_up(db, person, action_id, task_id)
    return redirect(ctx, f"/acciones/{action_id}#tareas")


@router.post("/acciones/{action_id}/tareas/{task_id}/dejar")
async def leave_task(ctx: CtxDep, action_id: Id, task_id: Id) -> Response:
    """Take one's name off a task."""
    await posted(ctx)
    person = accounts.require(ctx.person)
    with ctx.transaction() as db:
        actions.leave_task(db, person, action_id, task_id)
    return redirect(ctx, f"/acciones/{action_id}#tareas")


@router.post("/acciones/{action_id}/aplazar")
async def postpone(ctx: CtxDep, action_id: Id) -> Response:
    """Coordinators move the action to a new start."""
    person, form = await posted_form(ctx, PostponeForm)
    with ctx.transaction() as db:
        actions.postpone(
            db,
            person,
            action_id,
            starts_at=lima_moment(form.starts_at),
            note=form.note,
            now=utcnow(),
        )
    return redirect(ctx, f"/acciones/{action_id}")


@router.post("/acciones/{action_id}/cancelar")
async def cancel(ctx: CtxDep, action_id: Id) -> Response:
    """Coordinators cancel the action."""
    person, form = await posted_form(ctx, ReasonForm)
    with ctx.transaction() as db:
        actions.cancel(db, person, action_id, reason=form.reason, now=utcnow())
    return redirect(ctx, f"/acciones/{action_id}")


@router.post("/acciones/{action_id}/novedades")
async def live_update(ctx: CtxDep, action_id: Id) -> Response:
    """Coordinators post a short live update."""
    person, form = await posted_form(ctx, LiveUpdateForm)
    with ctx.transaction() as db:
        actions.live_update(db, person, action_id, text=form.text, now=utcnow())
    return redirect(ctx, f"/acciones/{action_id}#novedades")


@router.post("/acciones/{action_id}/lista/{item_id}")
async def tick(ctx: CtxDep, action_id: Id, item_id: Id) -> Response:
    """Coordinators tick a checklist line."""
    person, form = await posted_form(ctx, TickForm)
    with ctx.transaction() as db:
        actions.tick(db, person, action_id, item_id, done=form.done)
    return redirect(ctx, f"/acciones/{action_id}#lista")


@router.post("/acciones/{action_id}/informe")
async def report(ctx: CtxDep, action_id: Id) -> Response:
    """Coordinators report afterwards: turnout by assembly, incidents, next steps."""
    data = await posted(ctx)
    person = accounts.require(ctx.person)
    form = parse(ReportForm, data)
    with ctx.transaction() as db:
        actions.report(
            db,
            person,
            action_id,
            turnout=turnout_from(data),
            incidents=form.incidents,
            next_steps=form.next_steps,
            now=utcnow(),
        )
    return redirect(ctx, f"/acciones/{action_id}#informe")
