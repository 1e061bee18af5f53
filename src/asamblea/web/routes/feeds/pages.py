"""The person's calendars page (/cuenta/calendarios): their private address (see, make a new
one, revoke it) and every feed they may subscribe to. Works without JavaScript."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from asamblea.clock import utcnow
from asamblea.services import feeds
from asamblea.services.federation import accounts
from asamblea.web.context import Ctx, CtxDep
from asamblea.web.render import redirect, render
from asamblea.web.routes.common import posted
from asamblea.web.routes.feeds.files import links

router = APIRouter()
PAGE = "/cuenta/calendarios"


def feed_key(ctx: Ctx) -> bytes:
    """The key private-feed tokens are derived with, from the server's secret."""
    return feeds.feed_key(ctx.state.settings.secret())


@router.get(PAGE)
def calendars_page(ctx: CtxDep) -> Response:
    """My private address and the feeds I may follow."""
    if ctx.person is None:
        return redirect(ctx, f"/entrar?next={PAGE}")
    with ctx.reading() as db:
        address = feeds.feed_address(db, ctx.person, feed_key(ctx))
        assemblies = feeds.feed_assemblies(db, ctx.person)
    return render(
        ctx,
        "feeds_calendars.html",
        token=address.token if address else None,
        assemblies=assemblies,
        base=links(ctx).base,
    )


@router.post(f"{PAGE}/nueva")
async def new_address(ctx: CtxDep) -> Response:
    """Make my private address (or a new one: the old one stops working)."""
    await posted(ctx)
    person = accounts.require(ctx.person)
    with ctx.transaction() as db:
        feeds.rotate(db, person, feed_key(ctx), utcnow())
    return redirect(ctx, PAGE)


@router.post(f"{PAGE}/revocar")
async def revoke_address(ctx: CtxDep) -> Response:
    """Revoke my private address: every private feed stops working."""
    await posted(ctx)
    person = accounts.require(ctx.person)
    with ctx.transaction() as db:
        feeds.revoke(db, person)
    return redirect(ctx, PAGE)
