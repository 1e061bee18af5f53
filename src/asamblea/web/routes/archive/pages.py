"""The archive's pages: the public memorial of a case (built only from what is consented public),
and the page where a witness without an account sends a written testimony through a one-time
intake link. The link's token is in the path: it is the link; the server keeps only its digest.
Files go through the resumable upload API (`asamblea.web.routes.archive.api`), never through a
form (a form's file would be spooled to a temporary file in the clear)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from fastapi.responses import Response
from pydantic import Field

from asamblea.clock import utcnow
from asamblea.services.archive import intake, items
from asamblea.services.archive.custody import vault_for
from asamblea.web.context import CtxDep
from asamblea.web.forms import Form, parse
from asamblea.web.render import render
from asamblea.web.routes.common import posted

router = APIRouter()
CaseId = Annotated[str, Path(pattern=r"^[0-9a-f]{32}$")]
Token = Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{43}$")]


class TestimonyForm(Form):
    """A witness's written testimony."""

    testimony: str = Field(min_length=1, max_length=20_000)
    title: str | None = Field(default=None, max_length=200)


@router.get("/memoria/{case_id}")
def memorial(case_id: CaseId, ctx: CtxDep) -> Response:
    """A case's public memorial: its facts, the victims the families name publicly, and the items
    consented as public — the same page for everyone, logged in or not."""
    with ctx.state.readers.begin() as db:
        view = items.case_view(db, None, case_id)
        public = items.visible_items(db, None, case_id)
    return render(ctx, "archive_memorial.html", view=view, items=public)


@router.get("/entrega/{token}")
def intake_page(token: Token, ctx: CtxDep) -> Response:
    """The witness's page: what the link is for, and the form."""
    with ctx.state.readers.begin() as db:
        link, title = intake.open_link(db, token, utcnow())
    return render(ctx, "archive_intake.html", title=title, consent=link.consent.code,
                  token=token, receipt=None)


@router.post("/entrega/{token}")
async def intake_submit(token: Token, ctx: CtxDep) -> Response:
    """Receive the testimony: encrypted at once; the page shows the signed receipt."""
    form = parse(TestimonyForm, await posted(ctx))
    settings = ctx.state.settings
    vault = vault_for(settings.secret(), str(settings.instance_dir / "archive"))
    with ctx.transaction() as db:
        received = intake.submit_text(db, vault, token, form.testimony, title=form.title,
                                      now=utcnow())
    return render(ctx, "archive_intake.html", title=None, consent=received.item.consent.code,
                  token=None, receipt=received, public_key=vault.key.verify_key.encode().hex())
