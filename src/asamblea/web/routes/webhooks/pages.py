"""Webhook pages for an assembly's facilitators (/asambleas/{id}/webhooks, /webhooks/{id}):
register one (its secret is shown once, on the page that answers the form), see the delivery
log, turn a webhook on or off, remove it. Plain forms: no JavaScript needed."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from asamblea.clock import utcnow
from asamblea.core.errors import DomainError, Forbidden
from asamblea.core.webhooks import webhook_kinds
from asamblea.i18n import translate_error
from asamblea.services import webhooks
from asamblea.services.federation import accounts
from asamblea.web.context import Ctx, CtxDep
from asamblea.web.render import redirect, render
from asamblea.web.routes.common import Id, posted
from asamblea.web.routes.notices.pages import KIND_NAMES
from asamblea.web.routes.webhooks.api import sealer

router = APIRouter()


def _list(
    ctx: Ctx,
    assembly_id: int,
    *,
    status: int = 200,
    error: str = "",
    secret: str = "",
    form: dict[str, str] | None = None,
) -> Response:
    person = accounts.require(ctx.person)
    with ctx.reading() as db:
        found = webhooks.webhooks_of(db, person, assembly_id)
    return render(
        ctx,
        "webhooks.html",
        status=status,
        assembly_id=assembly_id,
        hooks=found,
        kinds=webhook_kinds(),
        kind_names=KIND_NAMES,
        error=error,
        secret=secret,
        form=form or {},
        allowed=True,
    )


@router.get("/asambleas/{assembly_id}/webhooks")
def webhooks_page(ctx: CtxDep, assembly_id: Id) -> Response:
    """The assembly's webhooks and the form to add one (facilitators only: anyone else is told
    so, and sees none of them)."""
    if ctx.person is None:
        return redirect(ctx, f"/entrar?next=/asambleas/{assembly_id}/webhooks")
    try:
        return _list(ctx, assembly_id)
    except Forbidden:
        return render(ctx, "webhooks.html", assembly_id=assembly_id, allowed=False)


@router.post("/asambleas/{assembly_id}/webhooks")
async def add_webhook(ctx: CtxDep, assembly_id: Id) -> Response:
    """Register a webhook; the answer shows its secret, once."""
    data = await posted(ctx)
    person = accounts.require(ctx.person)
    chosen = [kind for kind in webhook_kinds() if data.get(f"kind_{kind}")]
    try:
        with ctx.transaction() as db:
            made = webhooks.register(
                db,
                person,
                assembly_id,
                url=data.get("url", ""),
                kinds=chosen,
                sealer=sealer(ctx),
                now=utcnow(),
                allow_private=ctx.state.settings.webhooks_allow_private,
            )
    except DomainError as error:
        if error.status in {403, 404}:
            raise
        message = translate_error(error.message, dict(error.params))
        return _list(ctx, assembly_id, status=error.status, error=message, form=data)
    return _list(ctx, assembly_id, status=201, secret=made.secret)


@router.get("/webhooks/{webhook_id}")
def webhook_page(ctx: CtxDep, webhook_id: Id) -> Response:
    """One webhook and its delivery log."""
    if ctx.person is None:
        return redirect(ctx, f"/entrar?next=/webhooks/{webhook_id}")
    with ctx.reading() as db:
        found = webhooks.webhook(db, ctx.person, webhook_id)
        log = webhooks.deliveries(db, ctx.person, webhook_id)
    return render(ctx, "webhook.html", hook=found, log=log, kind_names=KIND_NAMES)


async def _change(ctx: Ctx, webhook_id: int, *, enabled: bool) -> Response:
    await posted(ctx)
    person = accounts.require(ctx.person)
    with ctx.transaction() as db:
        webhooks.change(db, person, webhook_id, enabled=enabled)
    return redirect(ctx, f"/webhooks/{webhook_id}")


@router.post("/webhooks/{webhook_id}/activar")
async def enable(ctx: CtxDep, webhook_id: Id) -> Response:
    """Turn the webhook on (its failure count starts over)."""
    return await _change(ctx, webhook_id, enabled=True)


@router.post("/webhooks/{webhook_id}/desactivar")
async def disable(ctx: CtxDep, webhook_id: Id) -> Response:
    """Turn the webhook off (its pending deliveries wait)."""
    return await _change(ctx, webhook_id, enabled=False)


@router.post("/webhooks/{webhook_id}/borrar")
async def delete(ctx: CtxDep, webhook_id: Id) -> Response:
    """Remove the webhook and its log."""
    await posted(ctx)
    person = accounts.require(ctx.person)
    with ctx.transaction() as db:
        found = webhooks.webhook(db, person, webhook_id)
        webhooks.remove(db, person, webhook_id)
    return redirect(ctx, f"/asambleas/{found.assembly_id}/webhooks")
