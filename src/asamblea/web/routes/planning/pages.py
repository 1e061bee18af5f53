"""Planning pages: open a round, draft each base assembly's targets (put to its members as a
vote), solve and publish the plan, open a revision; the round, the voted targets, the plan and
the comparison.

Settling: a draft whose vote is published is settled (adopted or rejected) when a page of its
round is shown, in a short write transaction, as the proposal pages do; `solve_round` settles
too, so nobody has to press a button and the outcome is the same whoever looks first."""

from __future__ import annotations

import math
from datetime import timedelta

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import Field

from asamblea import i18n
from asamblea.clock import utcnow
from asamblea.core import edge
from asamblea.core.errors import N_, DomainError, Forbidden, Invalid
from asamblea.i18n import translate_error
from asamblea.services.federation import accounts
from asamblea.services.federation import assemblies as federation
from asamblea.services.planning import rounds as planning
from asamblea.web import flash
from asamblea.web.context import Ctx, CtxDep, check_csrf
from asamblea.web.forms import MAX_FIELD, MAX_ID, Form, OptionalId, parse
from asamblea.web.render import redirect, render
from asamblea.web.routes.common import Id, posted

router = APIRouter()
NUMBER_MAX = 30
FORM_OVERHEAD = 100_000
"""Bytes a round form may carry besides the model file (title, goods, boundaries)."""


class TooLarge(DomainError):
    """A request body larger than the route accepts (checked before it is read)."""

    status = 413


class RoundForm(Form):
    """Open a planning round."""

    title: str = Field(min_length=1, max_length=planning.TITLE_MAX)
    model: str = Field(default="", max_length=32)
    goods: str = Field(default="", max_length=12_000)
    aggregation: str = Field(default="median", max_length=8)


class TargetsForm(Form):
    """Draft an assembly's targets (the values come as level_N and change_N) and how many days
    its members have to vote on them."""

    assembly_id: OptionalId
    note: str = Field(default="", max_length=planning.NOTE_MAX)
    days: int = Field(default=planning.VOTE_DAYS, ge=1, le=planning.MAX_VOTE_DAYS)


@router.get("/asambleas/{assembly_id}/planificacion")
def rounds_page(ctx: CtxDep, assembly_id: Id) -> Response:
    """The planning rounds an assembly opened or takes part in."""
    with ctx.reading() as db:
        view = federation.assembly_view(db, ctx.person, assembly_id)
        rounds = planning.rounds_for(db, assembly_id)
    return render(ctx, "planning_list.html", view=view, rounds=rounds)


@router.get("/asambleas/{assembly_id}/planificacion/nueva")
def new_round_page(ctx: CtxDep, assembly_id: Id) -> Response:
    """The form to open a planning round (facilitators)."""
    if ctx.person is None:
        return redirect(ctx, f"/entrar?next=/asambleas/{assembly_id}/planificacion/nueva")
    with ctx.reading() as db:
        federation.assembly_view(db, ctx.person, assembly_id)  # NotFound for unknown assemblies
    return _round_form(ctx, assembly_id, {"aggregation": "median", "model": "aldea"})


@router.post("/asambleas/{assembly_id}/planificacion")
async def open_round(ctx: CtxDep, assembly_id: Id) -> Response:
    """Open a round with a shipped table or an uploaded model (CSV, size-limited)."""
    i18n.activate(ctx.locale)
    length = ctx.request.headers.get("content-length", "")
    try:
        edge.parse_natural(length, maximum=planning.MODEL_MAX_BYTES + FORM_OVERHEAD)
    except Invalid:
        raise TooLarge(N_("What you sent is too large.")) from None
    data: dict[str, str] = {}
    raw: bytes | None = None
    async with ctx.request.form(max_files=1, max_fields=20) as form:  # closes the upload
        for key, value in form.multi_items():
            if isinstance(value, str):
                if len(value) > MAX_FIELD:
                    raise Invalid(N_("A field is too long."))
                data.setdefault(key, value)
            elif key == "model_file" and raw is None and value.filename:
                raw = await value.read(planning.MODEL_MAX_BYTES + 1)
    if not check_csrf(ctx, data.get("csrf_token")):
        raise Forbidden(N_("This form has expired. Reload the page and try again."))
    person = accounts.require(ctx.person)
    try:
        fields = parse(RoundForm, data)
        model_key, text = fields.model, None
        if raw is not None:
            model_key, text = planning.UPLOAD, _decode(raw)
        with ctx.transaction() as db:
            created = planning.open_round(
                db,
                person,
                assembly_id,
                title=fields.title,
                model_key=model_key,
                goods=fields.goods.splitlines()[: planning.MAX_GOODS + 1],
                aggregation=fields.aggregation,
                model_csv=text,
            )
    except DomainError as error:
        message = translate_error(error.message, dict(error.params))
        return _round_form(ctx, assembly_id, data, status=error.status, error=message)
    return redirect(ctx, f"/planificacion/{created.id}")


def round_view(ctx: Ctx, round_id: int) -> planning.RoundView:
    """A round as the viewer may see it (its drafts were settled when their votes were
    published: services.closing)."""
    with ctx.reading() as db:
        return planning.round_view(db, ctx.person, round_id)


@router.get("/planificacion/{round_id}")
def round_page(
    ctx: CtxDep, round_id: Id, desde: int | None = Query(default=None, ge=1, le=MAX_ID)
) -> Response:
    """A round: its model, goods and rule, each assembly's draft and its vote, and the forms
    to take part. `desde`: the taking-part assembly the person came from, which the
    breadcrumb leads back to (ignored unless it takes part)."""
    view = round_view(ctx, round_id)
    home = next((p.assembly for p in view.participants if p.assembly.id == desde), None)
    return render(ctx, "planning_round.html", view=view, r=view.round, from_assembly=home)


@router.get("/planificacion/{round_id}/metas")
def targets_page(ctx: CtxDep, round_id: Id) -> Response:
    """The targets each assembly adopted (and those under vote), and what they add up to."""
    view = round_view(ctx, round_id)
    return render(ctx, "planning_targets.html", view=view, r=view.round)


@router.post("/planificacion/{round_id}/metas/vista-previa")
async def preview_targets(ctx: CtxDep, round_id: Id) -> Response:
    """Before a vote of several days opens: what would be put to it, beside the previous
    levels, with the button that confirms (the same fields, posted to the drafting route).
    Every check of drafting runs; nothing is written."""
    data = await posted(ctx)
    person = accounts.require(ctx.person)
    form = parse(TargetsForm, data)
    if form.assembly_id is None:
        raise Invalid(N_("Say which assembly these targets are from."))
    with ctx.reading() as db:
        levels, changes = _targets(data, planning.round_goods(db, round_id))
        preview = planning.preview_targets(
            db,
            person,
            round_id,
            form.assembly_id,
            levels=levels,
            changes=changes,
            note=form.note,
            days=form.days,
        )
    closes = utcnow() + timedelta(days=preview.days)
    return render(ctx, "planning_preview.html", preview=preview, r=preview.round, closes=closes)


@router.post("/planificacion/{round_id}/metas")
async def draft_targets(ctx: CtxDep, round_id: Id) -> Response:
    """A facilitator of a base assembly drafts its targets; its members vote on them."""
    data = await posted(ctx)
    person = accounts.require(ctx.person)
    form = parse(TargetsForm, data)
    if form.assembly_id is None:
        raise Invalid(N_("Say which assembly these targets are from."))
    with ctx.transaction() as db:
        levels, changes = _targets(data, planning.round_goods(db, round_id))
        planning.draft_targets(
            db,
            person,
            round_id,
            form.assembly_id,
            levels=levels,
            changes=changes,
            note=form.note,
            now=utcnow(),
            days=form.days,
        )
    flash.say(ctx, "targets", f"votar-{form.assembly_id}")
    return redirect(ctx, f"/planificacion/{round_id}")


@router.post("/planificacion/{round_id}/resolver")
async def solve(ctx: CtxDep, round_id: Id) -> Response:
    """Settle the drafts, aggregate the adopted targets, solve and publish the plan."""
    await posted(ctx)
    person = accounts.require(ctx.person)
    with ctx.transaction() as db:
        planning.solve_round(db, person, round_id, now=utcnow())
    return redirect(ctx, f"/planificacion/{round_id}/plan")


@router.get("/planificacion/{round_id}/plan")
def plan_page(ctx: CtxDep, round_id: Id) -> Response:
    """The published plan: fulfilment per target, binding limits, labour values."""
    view = round_view(ctx, round_id)
    return render(ctx, "planning_plan.html", view=view, r=view.round, result=view.round.result)


@router.post("/planificacion/{round_id}/revision")
async def open_revision(ctx: CtxDep, round_id: Id) -> Response:
    """Open a revision round that starts from the published plan's targets."""
    await posted(ctx)
    person = accounts.require(ctx.person)
    with ctx.transaction() as db:
        revision = planning.open_revision(db, person, round_id)
    return redirect(ctx, f"/planificacion/{revision.id}")


@router.get("/planificacion/{round_id}/comparacion")
def comparison_page(ctx: CtxDep, round_id: Id) -> Response:
    """The plan beside the last plan (for a revision round)."""
    view = round_view(ctx, round_id)
    result = view.round.result
    comparison = result.get("comparison") if result else None
    return render(ctx, "planning_compare.html", view=view, r=view.round, comparison=comparison)


def _targets(
    data: dict[str, str], goods: tuple[str, ...] | list[str]
) -> tuple[dict[str, float], dict[str, float]]:
    """The levels and % changes typed for each good (level_N, change_N in the round's order)."""
    levels, changes = {}, {}
    for index, good in enumerate(goods):
        level = _number(data.get(f"level_{index}", ""))
        change = _number(data.get(f"change_{index}", ""))
        if level is not None:
            levels[good] = level
        if change is not None:
            changes[good] = change
    return levels, changes


def _number(text: str) -> float | None:
    """A target from a form field: blank is none; '12,5' and '12.5' are the same."""
    text = text.strip().replace(" ", "")
    if not text:
        return None
    if text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")
    try:
        value = float(text) if len(text) <= NUMBER_MAX else math.nan
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise Invalid(N_("Targets must be numbers, like 120 or 12.5."))
    return value


def _decode(raw: bytes) -> str:
    if len(raw) > planning.MODEL_MAX_BYTES:
        raise Invalid(
            N_("The model file is too large (at most {max} bytes)."), max=planning.MODEL_MAX_BYTES
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    if "\x00" in text:
        raise Invalid(N_("The model could not be read: {reason}"), reason="NUL")
    return text


def _round_form(
    ctx: Ctx, assembly_id: int, values: dict[str, str], status: int = 200, error: str = ""
) -> Response:
    models = planning.shipped_models()
    return render(
        ctx,
        "planning_new.html",
        status=status,
        error=error,
        values=values,
        assembly_id=assembly_id,
        models=models,
        products={m.key: planning.products_of(m.key) for m in models},
        max_bytes=planning.MODEL_MAX_BYTES,
        max_goods=planning.MAX_GOODS,
    )
