"""An assembly's facilitators register, change, turn on and off, and remove webhooks, and read
their delivery log. Use cases take a `Session` and never commit; refusals raise before anything
is written. The signing secret is returned once, when the webhook is made."""

from __future__ import annotations

import secrets
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from asamblea.core.errors import N_, Conflict, Forbidden, NotFound
from asamblea.core.people import Person
from asamblea.core.webhooks import check_kinds, check_url, encode_secret
from asamblea.core.webhooks.signature import KEY_BYTES
from asamblea.services.webhooks.sealing import Sealer
from asamblea.store.federation_repository import AuditRepository, FederationRepository
from asamblea.store.webhooks_repository import Delivery, Webhook, WebhooksRepository

MAX_PER_ASSEMBLY = 10
LOG_LENGTH = 100


@dataclass(frozen=True)
class Registered:
    """A new webhook and its secret (``whsec_…``), which is shown this once."""

    webhook: Webhook
    secret: str


def check_facilitator(db: Session, person: Person, assembly_id: int) -> None:
    """Only an active facilitator of the assembly manages its webhooks."""
    federation = FederationRepository(db)
    if federation.assembly(assembly_id) is None:
        raise NotFound(N_("That assembly does not exist."))
    membership = federation.membership_of(assembly_id, person.id)
    if membership is None or not membership.is_active or not membership.is_facilitator:
        raise Forbidden(N_("Only a facilitator of this assembly can do this."))


def _owned(db: Session, person: Person, webhook_id: int, *, lock: bool = False) -> Webhook:
    webhook = WebhooksRepository(db).get(webhook_id, lock=lock)
    if webhook is None:
        raise NotFound(N_("That webhook does not exist."))
    check_facilitator(db, person, webhook.assembly_id)
    return webhook


def _audit(db: Session, actor: Person, action: str, webhook: Webhook) -> None:
    AuditRepository(db).record(
        actor.id, action, webhook.assembly_id, f"webhook:{webhook.id}", {"webhook": webhook.id}
    )


def register(
    db: Session,
    actor: Person,
    assembly_id: int,
    *,
    url: str,
    kinds: Collection[str],
    sealer: Sealer,
    now: datetime,
    allow_private: bool = False,
) -> Registered:
    """A facilitator registers a webhook for some kinds of the assembly's notices."""
    check_facilitator(db, actor, assembly_id)
    url = check_url(url.strip(), allow_private=allow_private)
    chosen = check_kinds(kinds)
    repo = WebhooksRepository(db)
    if len(repo.of_assembly(assembly_id)) >= MAX_PER_ASSEMBLY:
        raise Conflict(N_("An assembly has at most {most} webhooks."), most=MAX_PER_ASSEMBLY)
    key = secrets.token_bytes(KEY_BYTES)
    webhook = repo.add(
        assembly_id=assembly_id,
        url=url,
        kinds=chosen,
        sealed_secret=sealer.seal(key),
        created_by=actor.id,
        now=now,
    )
    _audit(db, actor, "webhook.created", webhook)
    return Registered(webhook, encode_secret(key))


def webhooks_of(db: Session, actor: Person, assembly_id: int) -> list[Webhook]:
    """The assembly's webhooks, for its facilitators."""
    check_facilitator(db, actor, assembly_id)
    return WebhooksRepository(db).of_assembly(assembly_id)


def webhook(db: Session, actor: Person, webhook_id: int) -> Webhook:
    """One webhook, for the facilitators of its assembly."""
    return _owned(db, actor, webhook_id)


def change(
    db: Session,
    actor: Person,
    webhook_id: int,
    *,
    url: str | None = None,
    kinds: Collection[str] | None = None,
    enabled: bool | None = None,
    allow_private: bool = False,
) -> Webhook:
    """Change the URL or kinds, or turn the webhook on (its failure count starts again) or off."""
    found = _owned(db, actor, webhook_id, lock=True)
    values: dict[str, object] = {}
    if url is not None:
        values["url"] = check_url(url.strip(), allow_private=allow_private)
    if kinds is not None:
        values["kinds"] = list(check_kinds(kinds))
    if enabled is True and not found.enabled:
        values.update(enabled=True, failures=0, disabled_at=None)
    elif enabled is False and found.enabled:
        values.update(enabled=False)
    repo = WebhooksRepository(db)
    if values:
        repo.update_webhook(webhook_id, **values)
        _audit(db, actor, "webhook.changed", found)
    changed = repo.get(webhook_id)
    if changed is None:  # it was locked above: only a concurrent removal could do this
        raise NotFound(N_("That webhook does not exist."))
    return changed


def remove(db: Session, actor: Person, webhook_id: int) -> None:
    """Delete the webhook and its delivery log."""
    found = _owned(db, actor, webhook_id, lock=True)
    WebhooksRepository(db).remove(webhook_id)
    _audit(db, actor, "webhook.deleted", found)


def deliveries(db: Session, actor: Person, webhook_id: int) -> list[Delivery]:
    """The webhook's newest `LOG_LENGTH` deliveries, for the facilitators of its assembly."""
    _owned(db, actor, webhook_id)
    return WebhooksRepository(db).deliveries(webhook_id, LOG_LENGTH)
