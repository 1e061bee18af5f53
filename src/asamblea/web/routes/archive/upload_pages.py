"""Sending files from the archive's pages, without JavaScript: a plain ``multipart/form-data``
form, read as it streams (`asamblea.web.routes.archive.streamed_form`) and encrypted as it
arrives by the same intake as the tus path (type by content, limits by kind).

- ``POST /archivo/subir/caso/{case}``: a team member adds a file to the case (then the case page);
- ``POST /archivo/subir/entrega/{token}``: a witness sends a file through a one-time link (then
  the signed receipt at ``GET /entrega/recibo``, as for a written testimony).

With JavaScript the same forms upload through tus instead (`static/archive-upload.js`, with the
vendored tus-js-client): progress shown, and resumed after a cut. Both paths live under
``/archivo/subir/``, the one page prefix whose bodies may exceed the general limit
(`asamblea.web.body.BodyLimit`, bounded by the archive's largest file).
"""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import Field

from asamblea import i18n
from asamblea.clock import utcnow
from asamblea.core.archive import Consent
from asamblea.core.errors import N_, Forbidden
from asamblea.services.archive import intake, items
from asamblea.services.archive.custody import Vault, vault_for
from asamblea.services.archive.items import Received
from asamblea.services.federation import accounts
from asamblea.web.context import Ctx, CtxDep, check_csrf
from asamblea.web.forms import Form, parse
from asamblea.web.render import redirect
from asamblea.web.routes.archive.pages import show_receipt
from asamblea.web.routes.archive.paths import CaseId, Token
from asamblea.web.routes.archive.streamed_form import stream_upload

router = APIRouter()
PREFIX = "/archivo/subir/"


class FileForm(Form):
    """The fields sent before the file: its title (optional, kept in the clear) and, from a
    team member, its consent level (a witness's is the link's)."""

    title: str | None = Field(default=None, max_length=200)
    consent: str = Field(default="team", pattern=r"^(public|federation|team|legal)$")


def _vault(ctx: Ctx) -> Vault:
    settings = ctx.state.settings
    return vault_for(settings.secret(), str(settings.instance_dir / "archive"))


def _checked(ctx: Ctx, fields: dict[str, str]) -> FileForm:
    i18n.activate(ctx.locale)
    if not check_csrf(ctx, fields.get("csrf_token")):
        raise Forbidden(N_("This form has expired. Reload the page and try again."))
    return parse(FileForm, fields)


@router.post(PREFIX + "caso/{case_id}")
async def team_upload(case_id: CaseId, request: Request, ctx: CtxDep) -> Response:
    """A team member sends a file to the case from its page."""
    i18n.activate(ctx.locale)

    def consume(fields: dict[str, str], name: str, content: Iterator[bytes]) -> Received:
        form = _checked(ctx, fields)
        person = accounts.require(ctx.person)
        with ctx.transaction() as db:
            return items.add_item(db, _vault(ctx), person, case_id, content, now=utcnow(),
                                  incoming=items.Incoming(Consent.parse(form.consent),
                                                          name or None, form.title))

    await stream_upload(request, consume)
    return redirect(ctx, f"/archivo/casos/{case_id}")


@router.post(PREFIX + "entrega/{token}")
async def witness_upload(token: Token, request: Request, ctx: CtxDep) -> Response:
    """A witness sends a file through their one-time link; then the signed receipt
    (``GET /entrega/recibo``, POST-redirect-GET)."""
    i18n.activate(ctx.locale)
    vault = _vault(ctx)

    def consume(fields: dict[str, str], name: str, content: Iterator[bytes]) -> Received:
        form = _checked(ctx, fields)
        with ctx.transaction() as db:
            return intake.submit_file(db, vault, token, content, file_name=name or None,
                                      title=form.title, now=utcnow())

    return show_receipt(ctx, await stream_upload(request, consume))
