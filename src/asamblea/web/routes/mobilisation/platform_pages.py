"""The unified platform's pages: the platforms of the upper assemblies, one platform with its
points (who stands behind each, the demands it gathers, its merges), the merge form for the
upper assembly's facilitators, and raising a struggle's demand as a proposal.

Merging opens a yes/no vote of the upper assembly's members; the form posts points to merge as
``merge_<point id>`` check boxes, so it needs no JavaScript.
"""

from __future__ import annotations

from collections.abc import Mapping

from fastapi import APIRouter
from fastapi.responses import Response

from asamblea.clock import utcnow
from asamblea.core.errors import N_, Invalid
from asamblea.core.mobilisation.platform import MAX_MERGED
from asamblea.services.federation import accounts
from asamblea.services.mobilisation import access, platform
from asamblea.web.context import CtxDep
from asamblea.web.forms import MAX_ID, parse
from asamblea.web.render import redirect, render
from asamblea.web.routes.common import Id, posted, posted_form
from asamblea.web.routes.mobilisation.forms import DemandForm, MergeForm

router = APIRouter()


def merged_from(data: Mapping[str, str]) -> list[int]:
    """The ``merge_<point id>`` boxes ticked in a merge form."""
    found: list[int] = []
    for key in data:
        if not key.startswith("merge_"):
            continue
        ident = key.removeprefix("merge_")
        if not (ident.isascii() and ident.isdecimal() and len(ident) <= 10):
            raise Invalid(N_("Only points of this platform not merged yet can be merged."))
        if not 1 <= int(ident) <= MAX_ID:
            raise Invalid(N_("Only points of this platform not merged yet can be merged."))
        found.append(int(ident))
    if len(found) > MAX_MERGED:
        raise Invalid(N_("At most {most} points can be merged at once."), most=MAX_MERGED)
    return found


@router.get("/plataformas")
def platforms_page(ctx: CtxDep) -> Response:
    """The upper assemblies whose platforms have points, the national one first."""
    with ctx.reading() as db:
        found = platform.platforms(db)
    return render(ctx, "mobilisation_platforms.html", platforms=found)


@router.get("/plataformas/{assembly_id}")
def platform_page(ctx: CtxDep, assembly_id: Id) -> Response:
    """One platform: its points, most backed first, each with its backers and history."""
    with ctx.reading() as db:
        view = platform.platform_view(db, assembly_id, ctx.person)
        mine = access.facilitated(db, ctx.person)
    return render(
        ctx,
        "mobilisation_platform.html",
        v=view,
        can_merge=any(a.id == assembly_id for a in mine) and len(view.points) > 1,
    )


@router.post("/plataformas/{assembly_id}/fusiones")
async def propose_merge(ctx: CtxDep, assembly_id: Id) -> Response:
    """A facilitator puts merging duplicate points to the members (a vote opens)."""
    data = await posted(ctx)
    person = accounts.require(ctx.person)
    form = parse(MergeForm, data)
    merged = merged_from(data)
    with ctx.transaction() as db:
        record = platform.propose_merge(
            db, person, assembly_id, into=form.into, merged=merged, now=utcnow(), days=form.days
        )
    return redirect(ctx, f"/votaciones/{record.vote_id}")


@router.post("/luchas/{struggle_id}/demandas")
async def raise_demand(ctx: CtxDep, struggle_id: Id) -> Response:
    """A facilitator of the struggle's assembly raises one of its demands as a proposal."""
    person, form = await posted_form(ctx, DemandForm)
    with ctx.transaction() as db:
        proposal = platform.raise_demand(db, person, struggle_id, title=form.title, text=form.text)
    return redirect(ctx, f"/propuestas/{proposal.id}")
