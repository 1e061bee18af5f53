"""The page where a witness or family changes who may see what they sent, or withdraws it.

No account: the person types the code printed on their intake receipt (the *holder token*). The
code is posted in a form body, never put in an address, so it is in no log, history or
``Referer``; the answer is a signed cookie for ``/consentimiento`` only, valid 30 minutes, and
every page here says ``Cache-Control: no-store``. The steps, all POST-redirect-GET and without
JavaScript:

- ``GET /consentimiento``: the form for the code, or, with the cookie, the item's state (title,
  when it was received, its SHA-256 and consent) and the form to change it;
- ``POST /consentimiento/codigo``: check the code, set the cookie;
- ``POST /consentimiento/nivel``: a new level — or, for withdrawal, the confirmation step;
- ``GET /consentimiento/retirar`` and ``POST /consentimiento/retirar``: withdraw, once confirmed;
- ``POST /consentimiento/olvidar``: forget the code in this browser.

The change itself is `asamblea.services.archive.items.change_consent`, the same as the API's.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response
from pydantic import Field

from asamblea.clock import utcnow
from asamblea.core.archive import Consent
from asamblea.core.errors import N_, Forbidden
from asamblea.services.archive import items
from asamblea.services.archive.custody import Vault, vault_for
from asamblea.web import flash
from asamblea.web.context import Ctx, CtxDep
from asamblea.web.forms import Form, parse
from asamblea.web.render import redirect, render
from asamblea.web.routes.archive import passes
from asamblea.web.routes.common import posted

router = APIRouter()
PAGE = "/consentimiento"
COOKIE = "asamblea_titular"
SECONDS = 30 * 60
LEVELS = (Consent.PUBLIC, Consent.FEDERATION, Consent.TEAM, Consent.LEGAL)


class CodeForm(Form):
    """The code from the intake receipt (``secrets.token_urlsafe(24)``: 32 characters)."""

    code: str = Field(min_length=1, max_length=64)


class LevelForm(Form):
    """The level chosen, or ``withdrawn``."""

    consent: str = Field(pattern=r"^(public|federation|team|legal|withdrawn)$")


def _vault(ctx: Ctx) -> Vault:
    settings = ctx.state.settings
    return vault_for(settings.secret(), str(settings.instance_dir / "archive"))


def _code(ctx: Ctx) -> str:
    """The holder's code this browser was given; `Forbidden` when it has none (or a forged or
    expired one)."""
    code = passes.read(ctx, COOKIE)
    if not isinstance(code, str):
        raise Forbidden(N_("Enter your receipt's code again (this browser keeps it 30 minutes)"))
    return code


@router.get(PAGE)
def consent_page(ctx: CtxDep) -> Response:
    """The code form, or the item of the code this browser holds and the choices."""
    code = passes.read(ctx, COOKIE)
    item = None
    if isinstance(code, str):
        with ctx.reading() as db:
            item = items.held_item(db, code)
    return passes.no_store(render(ctx, "archive_consent.html", item=item, levels=LEVELS))


@router.post(PAGE + "/codigo")
async def enter_code(ctx: CtxDep) -> Response:
    """Check the code; the browser keeps it (signed, this path only) for 30 minutes."""
    form = parse(CodeForm, await posted(ctx))
    code = form.code.strip()
    with ctx.reading() as db:
        items.held_item(db, code)
    response = redirect(ctx, PAGE)
    passes.give(ctx, response, COOKIE, code, path=PAGE, seconds=SECONDS)
    return passes.no_store(response)


@router.post(PAGE + "/nivel")
async def change_level(ctx: CtxDep) -> Response:
    """Set the level chosen; withdrawal goes to its confirmation first."""
    form = parse(LevelForm, await posted(ctx))
    code = _code(ctx)
    if form.consent == "withdrawn":
        with ctx.reading() as db:
            items.held_item(db, code)
        return passes.no_store(redirect(ctx, PAGE + "/retirar"))
    with ctx.transaction() as db:
        item = items.held_item(db, code)
        items.change_consent(
            db, _vault(ctx), item.id, Consent.parse(form.consent), holder_token=code, now=utcnow()
        )
    flash.say(ctx, "consent", "consentimiento")
    return passes.no_store(redirect(ctx, PAGE))


@router.get(PAGE + "/retirar")
def confirm_withdrawal(ctx: CtxDep) -> Response:
    """Ask once more before withdrawing: it cannot be undone. Without a code in this browser
    (none yet, or forgotten after 30 minutes), the form that asks for it."""
    code = passes.read(ctx, COOKIE)
    if not isinstance(code, str):
        return passes.no_store(render(ctx, "archive_consent.html", item=None, levels=LEVELS))
    with ctx.reading() as db:
        item = items.held_item(db, code)
    if item.withdrawn:
        return passes.no_store(redirect(ctx, PAGE))
    return passes.no_store(render(ctx, "archive_consent_withdraw.html", item=item))


@router.post(PAGE + "/retirar")
async def withdraw(ctx: CtxDep) -> Response:
    """Withdraw the item (its content can never be read again; the custody log keeps that it
    was withdrawn)."""
    await posted(ctx)
    code = _code(ctx)
    with ctx.transaction() as db:
        item = items.held_item(db, code)
        items.change_consent(db, _vault(ctx), item.id, None, holder_token=code, now=utcnow())
    flash.say(ctx, "withdrawn", "consentimiento")
    return passes.no_store(redirect(ctx, PAGE))


@router.post(PAGE + "/olvidar")
async def forget(ctx: CtxDep) -> Response:
    """Forget the code in this browser (on a shared phone, for instance)."""
    await posted(ctx)
    response = redirect(ctx, PAGE)
    passes.take_back(ctx, response, COOKIE, path=PAGE)
    return passes.no_store(response)
