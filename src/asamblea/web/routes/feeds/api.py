"""JSON API for feeds: my feed addresses, and making, rotating and revoking my private one."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from asamblea.clock import utcnow
from asamblea.services import feeds
from asamblea.services.federation import accounts
from asamblea.web.context import Ctx
from asamblea.web.routes.federation.api import ERRORS, api_context
from asamblea.web.routes.feeds.files import links
from asamblea.web.routes.feeds.pages import feed_key
from asamblea.web.routes.feeds.schemas import AssemblyFeedsOut, FeedsOut

router = APIRouter(prefix="/api/v1", responses=ERRORS)
ApiCtx = Depends(api_context)


def _out(base: str, token: str | None, assemblies: list[tuple[int, str]]) -> FeedsOut:
    private = f"{base}/privado/{token}" if token else None
    return FeedsOut(
        token=token,
        calendar=f"{private}/calendario.ics" if private else None,
        actions=f"{base}/acciones.ics",
        private_actions=f"{private}/acciones.ics" if private else None,
        assemblies=[
            AssemblyFeedsOut(
                assembly_id=i,
                name=name,
                calendar=f"{base}/asambleas/{i}/calendario.ics",
                decisions=f"{base}/asambleas/{i}/decisiones.atom",
                private_calendar=f"{private}/asambleas/{i}/calendario.ics" if private else None,
                private_decisions=f"{private}/asambleas/{i}/decisiones.atom" if private else None,
            )
            for i, name in assemblies
        ],
    )


@router.get("/feeds", response_model=FeedsOut)
def my_feeds(ctx: Ctx = ApiCtx) -> FeedsOut:
    """My feeds, and my private address if I have one."""
    person = accounts.require(ctx.person)
    with ctx.reading() as db:
        address = feeds.feed_address(db, person, feed_key(ctx))
        assemblies = feeds.feed_assemblies(db, person)
    return _out(links(ctx).base, address.token if address else None, assemblies)


@router.post("/feeds/token", status_code=201, response_model=FeedsOut)
def rotate_token(ctx: Ctx = ApiCtx) -> FeedsOut:
    """Make my private address, or a new one (the old one stops working at once)."""
    person = accounts.require(ctx.person)
    with ctx.transaction() as db:
        address = feeds.rotate(db, person, feed_key(ctx), utcnow())
        assemblies = feeds.feed_assemblies(db, person)
    return _out(links(ctx).base, address.token, assemblies)


@router.delete("/feeds/token", status_code=204)
def revoke_token(ctx: Ctx = ApiCtx) -> None:
    """Revoke my private address (idempotent)."""
    person = accounts.require(ctx.person)
    with ctx.transaction() as db:
        feeds.revoke(db, person)
