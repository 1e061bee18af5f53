"""The feed files themselves (iCalendar and Atom), public and private.

Public: ``/asambleas/{id}/calendario.ics``, ``/asambleas/{id}/decisiones.atom`` and the
federation's actions ``/acciones.ics?region=15&kind=march``. Private, at the person's secret
address: the same under ``/privado/{token}/…`` plus ``/privado/{token}/calendario.ics`` (all
of theirs). Calendar applications fetch these without cookies: the token is the credential.
Private answers are never cached by shared caches; an unknown or revoked token is a 404.
"""

from __future__ import annotations

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from asamblea import i18n
from asamblea.clock import utcnow
from asamblea.core.errors import N_, Invalid
from asamblea.core.mobilisation.actions import ActionKind
from asamblea.core.people import Person
from asamblea.formats import places
from asamblea.services import feeds
from asamblea.web.context import Ctx, CtxDep
from asamblea.web.routes.common import Id
from asamblea.web.routes.mobilisation.pages import RegionQuery

router = APIRouter()

ICS = "text/calendar; charset=utf-8"
ATOM = "application/atom+xml; charset=utf-8"
KindQuery = Query(default=None, max_length=24)
Token = Path(min_length=1, max_length=64)


def links(ctx: Ctx) -> feeds.Links:
    """Absolute links as this server is reached (or as configured)."""
    configured = ctx.state.settings.public_url.rstrip("/")
    return feeds.Links(configured or str(ctx.request.base_url).rstrip("/"))


def _answer(data: bytes, media: str, *, private: bool) -> Response:
    cache = "private, no-store" if private else "public, max-age=300"
    headers = {"cache-control": cache}
    if private:
        headers["x-robots-tag"] = "noindex"
    return Response(data, media_type=media, headers=headers)


def _filters(region: str | None, kind: str | None) -> None:
    if region is not None and places.region_name(region) is None:
        raise Invalid(N_("Unknown place code: {code}."), code=region)
    if kind is not None and kind not in {k.value for k in ActionKind}:
        raise Invalid(N_("Unknown kind of action."))


def _owner(ctx: Ctx, token: str) -> Person:
    with ctx.reading() as db:
        person = feeds.person_for_token(db, token)
    i18n.activate(person.locale or ctx.locale)
    return person


@router.get("/asambleas/{assembly_id}/calendario.ics")
def assembly_calendar(ctx: CtxDep, assembly_id: Id) -> Response:
    """The assembly's public calendar."""
    i18n.activate(ctx.locale)
    with ctx.reading() as db:
        data = feeds.assembly_calendar(db, assembly_id, links(ctx), utcnow())
    return _answer(data, ICS, private=False)


@router.get("/asambleas/{assembly_id}/decisiones.atom")
def assembly_decisions(ctx: CtxDep, assembly_id: Id) -> Response:
    """The assembly's published decisions (public)."""
    i18n.activate(ctx.locale)
    with ctx.reading() as db:
        data = feeds.decisions_feed(
            db,
            assembly_id,
            links(ctx),
            utcnow(),
            self_url=str(ctx.request.url),
            language=ctx.locale,
        )
    return _answer(data, ATOM, private=False)


@router.get("/acciones.ics")
def actions_calendar(
    ctx: CtxDep, region: str | None = RegionQuery, kind: str | None = KindQuery
) -> Response:
    """The federation's public actions, by region and kind."""
    i18n.activate(ctx.locale)
    _filters(region, kind)
    with ctx.reading() as db:
        data = feeds.actions_calendar(db, links(ctx), utcnow(), region=region, kind=kind)
    return _answer(data, ICS, private=False)


@router.get("/privado/{token}/calendario.ics")
def my_calendar(ctx: CtxDep, token: str = Token) -> Response:
    """Everything the address's owner reads as a member."""
    person = _owner(ctx, token)
    with ctx.reading() as db:
        data = feeds.person_calendar(db, person, links(ctx), utcnow())
    return _answer(data, ICS, private=True)


@router.get("/privado/{token}/asambleas/{assembly_id}/calendario.ics")
def private_assembly_calendar(ctx: CtxDep, assembly_id: Id, token: str = Token) -> Response:
    """One assembly's calendar with its members-only items (active members only)."""
    person = _owner(ctx, token)
    with ctx.reading() as db:
        feeds.private_assembly(db, person, assembly_id)
        data = feeds.assembly_calendar(db, assembly_id, links(ctx), utcnow(), person=person)
    return _answer(data, ICS, private=True)


@router.get("/privado/{token}/asambleas/{assembly_id}/decisiones.atom")
def private_assembly_decisions(ctx: CtxDep, assembly_id: Id, token: str = Token) -> Response:
    """One assembly's decisions with its members-only votes (active members only)."""
    person = _owner(ctx, token)
    with ctx.reading() as db:
        feeds.private_assembly(db, person, assembly_id)
        data = feeds.decisions_feed(
            db,
            assembly_id,
            links(ctx),
            utcnow(),
            self_url=str(ctx.request.url),
            person=person,
            language=person.locale or ctx.locale,
        )
    return _answer(data, ATOM, private=True)


@router.get("/privado/{token}/acciones.ics")
def private_actions_calendar(
    ctx: CtxDep,
    token: str = Token,
    region: str | None = RegionQuery,
    kind: str | None = KindQuery,
) -> Response:
    """The federation's actions as the owner may read them, by region and kind."""
    _filters(region, kind)
    person = _owner(ctx, token)
    with ctx.reading() as db:
        data = feeds.actions_calendar(
            db, links(ctx), utcnow(), person=person, region=region, kind=kind
        )
    return _answer(data, ICS, private=True)
