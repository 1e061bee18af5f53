"""The federation tree, assembly pages, founding, joining, vouching, suspending."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter
from fastapi.responses import Response
from sqlalchemy.orm import Session

from asamblea.clock import utcnow
from asamblea.core.errors import DomainError
from asamblea.core.federation import BASE_KINDS, AssemblyKind, WeightRule, rules_to_dict
from asamblea.core.people import Person
from asamblea.i18n import translate_error
from asamblea.services.federation import accounts
from asamblea.services.federation import assemblies as federation
from asamblea.services.federation import rules as assembly_rules
from asamblea.services.votes import votes
from asamblea.web import flash
from asamblea.web.context import CtxDep
from asamblea.web.forms import AssemblyForm, RulesChangeForm, parse
from asamblea.web.render import redirect, render
from asamblea.web.routes.common import Id, posted

router = APIRouter()


@router.get("/federacion")
def tree(ctx: CtxDep) -> Response:
    """The whole federation as a tree."""
    with ctx.reading() as db:
        roots = federation.federation_tree(db)
    return render(ctx, "tree.html", roots=roots)


@router.get("/asambleas/nueva")
def new_assembly_page(ctx: CtxDep, parent: int | None = None) -> Response:
    """The form to found an assembly."""
    if ctx.person is None:
        return redirect(ctx, "/entrar?next=/asambleas/nueva")
    return _assembly_form(ctx, {"parent_id": str(parent or "")})


@router.post("/asambleas")
async def create_assembly(ctx: CtxDep) -> Response:
    """Found an assembly; the founder becomes its first facilitator."""
    data = await posted(ctx)
    person = accounts.require(ctx.person)
    try:
        form = parse(AssemblyForm, data)
        rules = form.rules()
        with ctx.transaction() as db:
            assembly = federation.create_assembly(
                db,
                person,
                name=form.name,
                kind=form.kind,
                parent_id=form.parent_id,
                description=form.description,
                assembly_rules=rules,
            )
    except DomainError as error:
        message = translate_error(error.message, dict(error.params))
        return _assembly_form(ctx, data, status=error.status, error=message)
    return redirect(ctx, f"/asambleas/{assembly.id}")


@router.get("/asambleas/{assembly_id}")
def assembly_page(ctx: CtxDep, assembly_id: Id) -> Response:
    """An assembly: public description; members and requests for its active members."""
    with ctx.reading() as db:
        view = federation.assembly_view(db, ctx.person, assembly_id)
        assembly_votes = votes.votes_of(db, ctx.person, assembly_id)
        status = assembly_rules.rules_status(db, assembly_id)
    return render(ctx, "assembly.html", view=view, votes=assembly_votes, rules_change=status)


@router.get("/asambleas/{assembly_id}/reglas")
def rules_page(ctx: CtxDep, assembly_id: Id) -> Response:
    """The assembly's rules, the change under vote (if any) and, for its facilitators, the
    form to put new rules to the members' vote."""
    if ctx.person is None:
        return redirect(ctx, f"/entrar?next=/asambleas/{assembly_id}/reglas")
    with ctx.reading() as db:
        view = federation.assembly_view(db, ctx.person, assembly_id)
    values = {k: str(v) for k, v in rules_to_dict(view.assembly.rules).items()}
    return _rules_form(ctx, view, values)


@router.post("/asambleas/{assembly_id}/reglas")
async def propose_rules(ctx: CtxDep, assembly_id: Id) -> Response:
    """A facilitator puts new rules to the members: their yes/no vote opens at once, and the
    rules change only if it carries."""
    data = await posted(ctx)
    person = accounts.require(ctx.person)
    try:
        form = parse(RulesChangeForm, data)
        with ctx.transaction() as db:
            assembly_rules.propose_rules(
                db, person, assembly_id, form.rules(), now=utcnow(), days=form.days
            )
    except DomainError as error:
        with ctx.reading() as db:
            view = federation.assembly_view(db, person, assembly_id)
        message = translate_error(error.message, dict(error.params))
        return _rules_form(ctx, view, data, status=error.status, error=message)
    return redirect(ctx, f"/asambleas/{assembly_id}/reglas#cambio-pendiente")


def _rules_form(
    ctx: CtxDep,
    view: federation.AssemblyView,
    values: dict[str, str],
    status: int = 200,
    error: str = "",
) -> Response:
    with ctx.reading() as db:
        change = assembly_rules.rules_status(db, view.assembly.id)
    return render(
        ctx,
        "assembly_rules.html",
        status=status,
        error=error,
        view=view,
        a=view.assembly,
        values=values,
        weights=[w.value for w in WeightRule],
        rules_change=change,
    )


@router.post("/asambleas/{assembly_id}/unirse")
async def join(ctx: CtxDep, assembly_id: Id) -> Response:
    """Ask to join; active members vouch in person."""
    return await _act(
        ctx, lambda db, p: federation.request_to_join(db, p, assembly_id), assembly_id
    )


@router.post("/asambleas/{assembly_id}/salir")
async def leave(ctx: CtxDep, assembly_id: Id) -> Response:
    """Leave the assembly or withdraw a request."""
    return await _act(ctx, lambda db, p: federation.leave(db, p, assembly_id), assembly_id)


@router.post("/membresias/{membership_id}/aval")
async def vouch(ctx: CtxDep, membership_id: Id) -> Response:
    """Vouch for a pending member."""
    return await _act_on_membership(ctx, membership_id, federation.vouch, said="vouched")


@router.post("/membresias/{membership_id}/suspender")
async def suspend(ctx: CtxDep, membership_id: Id) -> Response:
    """Suspend a member (facilitators)."""
    return await _act_on_membership(ctx, membership_id, federation.suspend)


@router.post("/membresias/{membership_id}/reactivar")
async def reinstate(ctx: CtxDep, membership_id: Id) -> Response:
    """Lift a suspension (facilitators)."""
    return await _act_on_membership(ctx, membership_id, federation.reinstate)


@router.post("/membresias/{membership_id}/facilitar")
async def make_facilitator(ctx: CtxDep, membership_id: Id) -> Response:
    """Name another facilitator (facilitators)."""
    return await _act_on_membership(ctx, membership_id, federation.make_facilitator)


async def _act(
    ctx: CtxDep, action: Callable[[Session, Person], object], assembly_id: int
) -> Response:
    await posted(ctx)
    person = accounts.require(ctx.person)
    with ctx.transaction() as db:
        action(db, person)
    return redirect(ctx, f"/asambleas/{assembly_id}")


async def _act_on_membership(
    ctx: CtxDep,
    membership_id: int,
    action: Callable[[Session, Person, int], object],
    said: str = "",
) -> Response:
    await posted(ctx)
    person = accounts.require(ctx.person)
    with ctx.transaction() as db:
        action(db, person, membership_id)
        assembly_id = federation.assembly_of_membership(db, membership_id)
    if said:
        flash.say(ctx, said, "solicitudes")
    return redirect(ctx, f"/asambleas/{assembly_id}")


def _assembly_form(
    ctx: CtxDep, values: dict[str, str], status: int = 200, error: str = ""
) -> Response:
    with ctx.reading() as db:
        parents = [a for a in federation.all_assemblies(db) if a.kind not in BASE_KINDS]
    return render(
        ctx,
        "assembly_new.html",
        status=status,
        error=error,
        values=values,
        parents=parents,
        kinds=list(AssemblyKind),
        base_kinds=BASE_KINDS,
        weights=[w.value for w in WeightRule],
    )
