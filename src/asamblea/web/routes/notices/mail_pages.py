"""Mail for notices: my address (/avisos/correo) and the one-click unsubscribe (/avisos/baja).

The address page is the person's own: nobody else's page or API ever shows an address. The
unsubscribe URL is the one every mail carries in ``List-Unsubscribe`` (RFC 8058): a mail client
POSTs ``List-Unsubscribe=One-Click`` to it, without a login or a CSRF token (the signed token in
the URL is the authority, and it can only stop mail). A person who opens the link gets a page
that says what the button will do; the GET itself changes nothing.
"""

from __future__ import annotations

from fastapi import APIRouter, Query
from fastapi.responses import Response

from asamblea import i18n
from asamblea.clock import utcnow
from asamblea.core.errors import N_, DomainError
from asamblea.i18n import translate_error
from asamblea.services.notices import address as mail_address
from asamblea.services.notices import unsubscribe
from asamblea.web.context import Ctx, CtxDep
from asamblea.web.forms import read_form
from asamblea.web.render import redirect, render
from asamblea.web.routes.common import posted
from asamblea.web.routes.notices.pages import KIND_NAMES

router = APIRouter()

DIGEST_NAME = N_("The daily digest")
PAGE = "/avisos/correo"


def _kind_name(kind: str) -> str:
    return DIGEST_NAME if kind == unsubscribe.DIGEST else KIND_NAMES.get(kind, kind)


@router.get(PAGE)
def address_page(ctx: CtxDep) -> Response:
    """My address for notices (or a form to give one)."""
    if ctx.person is None:
        return redirect(ctx, f"/entrar?next={PAGE}")
    with ctx.reading() as db:
        current = mail_address.my_address(db, ctx.person)
    return _address(ctx, current)


@router.post(PAGE)
async def save_address(ctx: CtxDep) -> Response:
    """Give or change my address (refused with a clear message, nothing saved, when invalid)."""
    data = await posted(ctx)
    person = ctx.person
    if person is None:
        return redirect(ctx, f"/entrar?next={PAGE}")
    try:
        with ctx.transaction() as db:
            mail_address.set_address(db, person, data.get("address", ""), utcnow())
    except DomainError as error:
        with ctx.reading() as db:
            current = mail_address.my_address(db, person)
        message = translate_error(error.message, dict(error.params))
        return _address(ctx, current, status=error.status, error=message)
    return redirect(ctx, f"{PAGE}?guardado=1")


@router.post(f"{PAGE}/quitar")
async def remove_address(ctx: CtxDep) -> Response:
    """Forget my address and every mail still waiting for it."""
    await posted(ctx)
    person = ctx.person
    if person is None:
        return redirect(ctx, f"/entrar?next={PAGE}")
    with ctx.transaction() as db:
        mail_address.remove_address(db, person)
    return redirect(ctx, f"{PAGE}?quitado=1")


def _address(ctx: Ctx, current: str | None, *, status: int = 200, error: str = "") -> Response:
    query = ctx.request.query_params
    return render(
        ctx,
        "notices_mail.html",
        status=status,
        address=current,
        saved="guardado" in query,
        removed="quitado" in query,
        error=error,
    )


@router.get("/avisos/baja")
def unsubscribe_page(ctx: CtxDep, t: str | None = Query(default=None, max_length=400)) -> Response:
    """What the button will stop (reads only: a link scanner that opens it changes nothing).
    Without a token: where to find the link, and the preferences."""
    if t is None:
        return render(ctx, "notices_unsubscribe.html", token="", kind="", done=False)
    _, kind = unsubscribe.read_token(ctx.state.settings.secret(), t)
    return render(ctx, "notices_unsubscribe.html", token=t, kind=_kind_name(kind), done=False)


@router.post("/avisos/baja")
async def unsubscribe_now(ctx: CtxDep, t: str = Query(default="", max_length=400)) -> Response:
    """RFC 8058 one-click: stop that kind of notice by mail, without a login."""
    i18n.activate(ctx.locale)
    data = await read_form(ctx.request)
    token = t or data.get("t", "")
    with ctx.transaction() as db:
        kind = unsubscribe.unsubscribe(db, ctx.state.settings.secret(), token)
    return render(ctx, "notices_unsubscribe.html", token="", kind=_kind_name(kind), done=True)
