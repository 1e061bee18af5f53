"""A team member makes a one-time intake link for a witness without an account (issue 15).

``POST /archivo/casos/{case}/enlaces`` makes the link (`asamblea.services.archive.intake`
stores only its token's digest) and sends the browser to ``GET /archivo/casos/{case}/enlace``,
which shows the full link right after it is made and never later: it travels in a signed cookie
for that path alone, tied to the person who made it and kept ten minutes (never in an address; the
page is ``no-store``). A reload within those minutes shows it again, as the witness's receipt
does, so a slip of the finger does not leave a valid link nobody holds; after them, the server
cannot show it again (it keeps only the digest).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from fastapi import APIRouter
from fastapi.responses import Response
from pydantic import Field

from asamblea.clock import utcnow
from asamblea.core.archive import Consent
from asamblea.core.errors import N_, NotFound
from asamblea.services.archive import intake
from asamblea.services.archive.access import case_for, team_member
from asamblea.services.federation import accounts
from asamblea.web.context import Ctx, CtxDep
from asamblea.web.forms import Form, parse
from asamblea.web.render import redirect, render
from asamblea.web.routes.archive import passes
from asamblea.web.routes.archive.paths import CaseId
from asamblea.web.routes.common import posted

router = APIRouter()
LINK_COOKIE = "asamblea_enlace"
LINK_SECONDS = 10 * 60


class LinkForm(Form):
    """The consent level the witness's material starts at (they may change it later)."""

    consent: str = Field(default="team", pattern=r"^(public|federation|team|legal)$")


def intake_url(ctx: Ctx, token: str) -> str:
    """The witness's address for a token, as this server is reached (or as configured)."""
    base = ctx.state.settings.public_url.rstrip("/") or str(ctx.request.base_url).rstrip("/")
    return f"{base}/entrega/{token}"


def make_link(ctx: Ctx, case_id: str, consent: Consent) -> tuple[str, datetime]:
    """Make the link as the logged-in person (a team member); its token and expiry."""
    person = accounts.require(ctx.person)
    now = utcnow()
    with ctx.transaction() as db:
        token = intake.create_link(db, person, case_id, consent, now=now)
    return token, now + timedelta(days=intake.LINK_DAYS)


def _path(case_id: str) -> str:
    return f"/archivo/casos/{case_id}/enlace"


@router.post("/archivo/casos/{case_id}/enlaces")
async def create(case_id: CaseId, ctx: CtxDep) -> Response:
    """Make the link, then show it once (POST-redirect-GET)."""
    form = parse(LinkForm, await posted(ctx))
    person = accounts.require(ctx.person)
    token, expires = make_link(ctx, case_id, Consent.parse(form.consent))
    response = redirect(ctx, _path(case_id))
    passes.give(
        ctx,
        response,
        LINK_COOKIE,
        [person.id, case_id, token, form.consent, expires.date().isoformat()],
        path=_path(case_id),
        seconds=LINK_SECONDS,
    )
    return passes.no_store(response)


@router.get("/archivo/casos/{case_id}/enlace")
def show(case_id: CaseId, ctx: CtxDep) -> Response:
    """The link just made, shown to the team member who made it while the cookie lasts."""
    person = accounts.require(ctx.person)
    with ctx.reading() as db:
        case = case_for(db, person, case_id)
        team_member(db, person, case)
    held = passes.read(ctx, LINK_COOKIE)
    if (
        not isinstance(held, list)
        or len(held) != 5
        or held[:2] != [person.id, case_id]
        or not all(isinstance(v, str) for v in held[2:])
    ):
        raise NotFound(N_("This link is no longer shown here; make a new one if you need it"))
    token, consent, expires = (str(v) for v in held[2:])
    return passes.no_store(
        render(
            ctx,
            "archive_link.html",
            case=case,
            url=intake_url(ctx, token),
            consent=consent,
            expires=expires,
        )
    )
