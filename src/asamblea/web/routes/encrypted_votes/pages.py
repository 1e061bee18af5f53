"""The trustee's page of an encrypted vote: the key ceremony and the decryption share, done by
the trustee's browser (web/static/trustee.js) through the API; the page says plainly that it
needs JavaScript, and that ``asamblea trustee`` does the same on the trustee's own computer."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from asamblea.core.errors import N_, Invalid
from asamblea.services.encrypted_votes import ceremony, trustees
from asamblea.services.federation import accounts
from asamblea.web.context import CtxDep
from asamblea.web.render import redirect, render
from asamblea.web.routes.common import Id, posted

router = APIRouter()


@router.get("/votaciones/{vote_id}/custodia")
def trustee_page(ctx: CtxDep, vote_id: Id) -> Response:
    """A trustee's steps in the vote's key ceremony and decryption (its trustees only)."""
    if ctx.person is None:
        return redirect(ctx, f"/entrar?next=/votaciones/{vote_id}/custodia")
    with ctx.reading() as db:
        page = trustees.trustee_page(db, ctx.person, vote_id)
    return render(ctx, "encrypted_votes_trustee.html", page=page, v=page.vote)


@router.post("/votaciones/{vote_id}/ceremonia/reiniciar")
async def restart_ceremony(ctx: CtxDep, vote_id: Id) -> Response:
    """A facilitator restarts a key ceremony stopped by a complaint, with the trustees ticked on
    the vote page (in the page's order) and the threshold typed there."""
    data = await posted(ctx)
    person = accounts.require(ctx.person)
    chosen = [key.removeprefix("trustee_") for key in data if key.startswith("trustee_")]
    try:  # ids and threshold are then checked by the service, before anything is written
        ids = [int(k) for k in chosen]
        threshold = int(data.get("threshold", ""))
    except ValueError:
        raise Invalid(
            N_("Tick the new trustees and give a threshold between 1 and their number.")
        ) from None
    with ctx.transaction() as db:
        ceremony.restart_ceremony(db, person, vote_id, ids, threshold)
    return redirect(ctx, f"/votaciones/{vote_id}#ceremonia")
