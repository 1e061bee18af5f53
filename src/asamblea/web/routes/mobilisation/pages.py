"""Struggles' pages: the federation's map and list, a struggle, registering, updates,
solidarity and joining (by a vote of the joining assembly's members).

The map is the shipped SVG of Peru's regions (no tiles or scripts from elsewhere), drawn in the
page with each region shaded by its number of struggles and linked to the list filtered by it;
a plain list of regions with counts stands beside it, so nothing needs the picture or JS.
"""

from __future__ import annotations

import re
from functools import cache
from importlib.resources import files

from fastapi import APIRouter, Query
from fastapi.responses import Response

from asamblea.clock import utcnow
from asamblea.core.mobilisation.struggles import Place, Sector, StruggleState
from asamblea.formats import places
from asamblea.services.mobilisation import access, platform, struggles, views
from asamblea.web.context import CtxDep
from asamblea.web.render import redirect, render
from asamblea.web.routes.common import Id, posted_form
from asamblea.web.routes.mobilisation.forms import (
    AdhesionForm,
    AssemblyChoiceForm,
    StruggleForm,
    StruggleUpdateForm,
    day,
)

router = APIRouter()
SHADES = ("#d9d9d9", "#f2c4b8", "#e08a72", "#c5533a", "#9b2d1c")
_PATH = re.compile(r'<path id="r(\d\d)" d="([^"]+)"><title>([^<]+)</title>')
#: Region and sector filters: short codes only (anything else is a 422 from FastAPI).
RegionQuery = Query(default=None, min_length=2, max_length=2, pattern=r"^\d\d$")
SectorQuery = Query(default=None, max_length=24)


@cache
def region_shapes() -> tuple[str, tuple[tuple[str, str, str], ...]]:
    """The shipped map's viewBox and (code, path, name) per region."""
    text = (files("asamblea") / "web/static/map/peru-regions.svg").read_text(encoding="utf-8")
    view_box = re.search(r'viewBox="([^"]+)"', text)
    return (view_box.group(1) if view_box else "0 0 480 705"), tuple(_PATH.findall(text))


def shade(count: int, top: int) -> str:
    """A fill from pale (none) to dark red (the most struggles)."""
    if count <= 0 or top <= 0:
        return SHADES[0]
    return SHADES[min(len(SHADES) - 1, 1 + (count - 1) * (len(SHADES) - 1) // top)]


@router.get("/luchas")
def struggles_page(
    ctx: CtxDep, region: str | None = RegionQuery, sector: str | None = SectorQuery
) -> Response:
    """The federation's struggles: the map, counts by region and sector, the list."""
    with ctx.reading() as db:
        found = struggles.overview(db, region=region, sector=sector, viewer=ctx.person)
    view_box, shapes = region_shapes()
    top = max(found.by_region.values(), default=0)
    regions = [(r.code, r.name, found.by_region.get(r.code, 0)) for r in places.regions()]
    return render(
        ctx,
        "mobilisation_struggles.html",
        overview=found,
        view_box=view_box,
        shapes=[(c, d, n, shade(found.by_region.get(c, 0), top)) for c, d, n in shapes],
        regions=regions,
        region=region,
        region_name=places.region_name(region) if region else None,
        sector=sector,
        sectors=list(Sector),
        names={r.code: r.name for r in places.regions()},
    )


@router.get("/luchas/{struggle_id}")
def struggle_page(ctx: CtxDep, struggle_id: Id) -> Response:
    """One struggle: demands, updates, who stands with it, its actions; facilitators' forms."""
    with ctx.reading() as db:
        view = views.struggle_view(db, ctx.person, struggle_id)
        mine = access.facilitated(db, ctx.person)
        demands = platform.demands_of_struggle(db, struggle_id)
    return render(
        ctx,
        "mobilisation_struggle.html",
        v=view,
        s=view.struggle,
        mine=mine,
        demands=demands,
        owns=any(a.id == view.struggle.assembly_id for a in mine),
        names={r.code: r.name for r in places.regions()},
        states=list(StruggleState),
    )


@router.get("/movilizacion")
def mobilise_page(ctx: CtxDep) -> Response:
    """Forms to register a struggle and convene an action, for one's assemblies."""
    with ctx.reading() as db:
        mine = access.facilitated(db, ctx.person)
        known = struggles.overview(db, viewer=ctx.person).struggles
    return render(
        ctx,
        "mobilisation_new.html",
        mine=mine,
        regions=places.regions(),
        sectors=list(Sector),
        struggles=[s for s in known if any(a.id == s.assembly_id for a in mine)],
    )


@router.post("/luchas")
async def register_struggle(ctx: CtxDep) -> Response:
    """A facilitator of a base assembly registers a struggle."""
    person, form = await posted_form(ctx, StruggleForm)
    entered = struggles.StruggleForm(
        title=form.title,
        demands=form.demands,
        against=form.against,
        place=Place(form.region, form.province or None),
        sector=form.sector,
        since=day(form.since),
        district=form.district or None,
        visibility=form.visibility,
    )
    with ctx.transaction() as db:
        created = struggles.register(db, person, form.assembly_id, entered, now=utcnow())
    return redirect(ctx, f"/luchas/{created.id}")


@router.post("/luchas/{struggle_id}/novedades")
async def update_struggle(ctx: CtxDep, struggle_id: Id) -> Response:
    """A dated update (maybe a change of state) by the struggle's facilitators."""
    person, form = await posted_form(ctx, StruggleUpdateForm)
    with ctx.transaction() as db:
        struggles.post_update(
            db, person, struggle_id, text=form.text, state=form.state, now=utcnow()
        )
    return redirect(ctx, f"/luchas/{struggle_id}")


@router.post("/luchas/{struggle_id}/solidaridad")
async def solidarity(ctx: CtxDep, struggle_id: Id) -> Response:
    """A facilitator declares their assembly's solidarity."""
    person, form = await posted_form(ctx, AssemblyChoiceForm)
    with ctx.transaction() as db:
        struggles.declare_solidarity(db, person, struggle_id, form.assembly_id, now=utcnow())
    return redirect(ctx, f"/luchas/{struggle_id}")


@router.post("/luchas/{struggle_id}/adhesion")
async def join_struggle(ctx: CtxDep, struggle_id: Id) -> Response:
    """A facilitator puts joining the struggle to their members (a vote opens)."""
    person, form = await posted_form(ctx, AdhesionForm)
    with ctx.transaction() as db:
        adhesion = struggles.propose_adhesion(
            db, person, "struggle", struggle_id, form.assembly_id, now=utcnow(), days=form.days
        )
    return redirect(ctx, f"/votaciones/{adhesion.vote_id}")
