"""JSON API for my address for notices: read, give or change, remove (mine alone)."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from asamblea.clock import utcnow
from asamblea.services.federation import accounts
from asamblea.services.notices import address as mail_address
from asamblea.web.context import Ctx
from asamblea.web.routes.federation.api import ERRORS, api_context
from asamblea.web.routes.notices.schemas import AddressIn, AddressOut

router = APIRouter(prefix="/api/v1", responses=ERRORS)
ApiCtx = Depends(api_context)


@router.get("/notices/address", response_model=AddressOut)
def get_address(ctx: Ctx = ApiCtx) -> AddressOut:
    """My address for notices (null: none given)."""
    person = accounts.require(ctx.person)
    with ctx.reading() as db:
        return AddressOut(address=mail_address.my_address(db, person))


@router.put("/notices/address", response_model=AddressOut)
def put_address(body: AddressIn, ctx: Ctx = ApiCtx) -> AddressOut:
    """Give or change my address (422 with a message when it is not an address)."""
    person = accounts.require(ctx.person)
    with ctx.transaction() as db:
        saved = mail_address.set_address(db, person, body.address, utcnow())
    return AddressOut(address=saved)


@router.delete("/notices/address", status_code=204)
def delete_address(ctx: Ctx = ApiCtx) -> None:
    """Forget my address and every mail still waiting for it."""
    person = accounts.require(ctx.person)
    with ctx.transaction() as db:
        mail_address.remove_address(db, person)
