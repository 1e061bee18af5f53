"""JSON API for webhooks: an assembly's facilitators register, list, change and remove them,
and read the delivery log."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from asamblea.clock import utcnow
from asamblea.services import webhooks
from asamblea.services.federation import accounts
from asamblea.web.context import Ctx
from asamblea.web.routes.common import Id
from asamblea.web.routes.federation.api import ERRORS, api_context
from asamblea.web.routes.webhooks.schemas import (
    DeliveryOut,
    WebhookCreatedOut,
    WebhookIn,
    WebhookOut,
    WebhookPatch,
)

router = APIRouter(prefix="/api/v1", responses=ERRORS)
ApiCtx = Depends(api_context)


def sealer(ctx: Ctx) -> webhooks.Sealer:
    """Seals webhook secrets with the server's secret."""
    return webhooks.Sealer(ctx.state.settings.secret())


def _out(found: webhooks.Webhook) -> WebhookOut:
    return WebhookOut(
        id=found.id,
        assembly_id=found.assembly_id,
        url=found.url,
        kinds=list(found.kinds),
        enabled=found.enabled,
        failures=found.failures,
        created_at=found.created_at,
        disabled_at=found.disabled_at,
    )


@router.get("/assemblies/{assembly_id}/webhooks", response_model=list[WebhookOut])
def list_webhooks(assembly_id: Id, ctx: Ctx = ApiCtx) -> list[WebhookOut]:
    """The assembly's webhooks (its facilitators only)."""
    person = accounts.require(ctx.person)
    with ctx.reading() as db:
        return [_out(w) for w in webhooks.webhooks_of(db, person, assembly_id)]


@router.post(
    "/assemblies/{assembly_id}/webhooks", status_code=201, response_model=WebhookCreatedOut
)
def create_webhook(assembly_id: Id, body: WebhookIn, ctx: Ctx = ApiCtx) -> WebhookCreatedOut:
    """Register a webhook; the answer holds its secret, which is not shown again."""
    person = accounts.require(ctx.person)
    with ctx.transaction() as db:
        made = webhooks.register(
            db,
            person,
            assembly_id,
            url=body.url,
            kinds=body.kinds,
            sealer=sealer(ctx),
            now=utcnow(),
            allow_private=ctx.state.settings.webhooks_allow_private,
        )
    return WebhookCreatedOut(**_out(made.webhook).model_dump(), secret=made.secret)


@router.get("/webhooks/{webhook_id}", response_model=WebhookOut)
def get_webhook(webhook_id: Id, ctx: Ctx = ApiCtx) -> WebhookOut:
    """One webhook (the facilitators of its assembly only)."""
    person = accounts.require(ctx.person)
    with ctx.reading() as db:
        return _out(webhooks.webhook(db, person, webhook_id))


@router.patch("/webhooks/{webhook_id}", response_model=WebhookOut)
def change_webhook(webhook_id: Id, body: WebhookPatch, ctx: Ctx = ApiCtx) -> WebhookOut:
    """Change the URL or kinds, or turn the webhook on or off."""
    person = accounts.require(ctx.person)
    with ctx.transaction() as db:
        changed = webhooks.change(
            db,
            person,
            webhook_id,
            url=body.url,
            kinds=body.kinds,
            enabled=body.enabled,
            allow_private=ctx.state.settings.webhooks_allow_private,
        )
    return _out(changed)


@router.delete("/webhooks/{webhook_id}", status_code=204)
def delete_webhook(webhook_id: Id, ctx: Ctx = ApiCtx) -> None:
    """Remove the webhook and its delivery log."""
    person = accounts.require(ctx.person)
    with ctx.transaction() as db:
        webhooks.remove(db, person, webhook_id)


@router.get("/webhooks/{webhook_id}/deliveries", response_model=list[DeliveryOut])
def list_deliveries(webhook_id: Id, ctx: Ctx = ApiCtx) -> list[DeliveryOut]:
    """The webhook's newest deliveries: state, attempts, last answer."""
    person = accounts.require(ctx.person)
    with ctx.reading() as db:
        found = webhooks.deliveries(db, person, webhook_id)
    return [
        DeliveryOut(
            id=d.id,
            event_id=d.event_id,
            msg_id=d.msg_id,
            kind=d.kind,
            state=d.state,
            attempts=d.attempts,
            next_attempt_at=d.next_attempt_at,
            last_status=d.last_status,
            last_error=d.last_error,
            created_at=d.created_at,
            delivered_at=d.delivered_at,
        )
        for d in found
    ]
