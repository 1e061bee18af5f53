"""The trustee's page of an encrypted vote: the key ceremony and the decryption share, done by
the trustee's browser (web/static/trustee.js) through the API; the page says plainly that it
needs JavaScript, and that ``asamblea trustee`` does the same on the trustee's own computer."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from asamblea.services.encrypted_votes import trustees
from asamblea.web.context import CtxDep
from asamblea.web.render import redirect, render
from asamblea.web.routes.common import Id

router = APIRouter()


@router.get("/votaciones/{vote_id}/custodia")
def trustee_page(ctx: CtxDep, vote_id: Id) -> Response:
    """A trustee's steps in the vote's key ceremony and decryption (its trustees only)."""
    if ctx.person is None:
        return redirect(ctx, f"/entrar?next=/votaciones/{vote_id}/custodia")
    with ctx.reading() as db:
        page = trustees.trustee_page(db, ctx.person, vote_id)
    return render(ctx, "encrypted_votes_trustee.html", page=page, v=page.vote)
