"""Reads and writes for outbound webhooks: endpoints, the events they wait for, the deliveries
the runner takes (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, as `runner_repository` does), and
the delivery log."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select, true, update
from sqlalchemy.orm import Session

from asamblea.core.notices import Event
from asamblea.store.federation_models import AuditRow
from asamblea.store.locking import for_update
from asamblea.store.webhooks_models import WebhookDeliveryRow, WebhookRow


@dataclass(frozen=True)
class Webhook:
    """An endpoint as the services see it (its sealed secret stays in the store's row)."""

    id: int
    assembly_id: int
    url: str
    kinds: tuple[str, ...]
    enabled: bool
    failures: int
    cursor: int
    created_at: datetime
    disabled_at: datetime | None


@dataclass(frozen=True)
class Delivery:
    """One line of the delivery log."""

    id: int
    webhook_id: int
    event_id: int
    msg_id: str
    kind: str
    state: str
    attempts: int
    next_attempt_at: datetime
    last_status: int | None
    last_error: str
    created_at: datetime
    delivered_at: datetime | None


@dataclass(frozen=True)
class Claimed:
    """A delivery taken by a runner: what it needs to post it, outside any transaction."""

    id: int
    webhook_id: int
    url: str
    sealed_secret: str
    msg_id: str
    body: bytes
    attempts: int


def _webhook(row: WebhookRow) -> Webhook:
    return Webhook(
        row.id,
        row.assembly_id,
        row.url,
        tuple(row.kinds),
        row.enabled,
        row.failures,
        row.cursor,
        row.created_at,
        row.disabled_at,
    )


def _delivery(row: WebhookDeliveryRow) -> Delivery:
    return Delivery(
        row.id,
        row.webhook_id,
        row.event_id,
        row.msg_id,
        row.kind,
        row.state,
        row.attempts,
        row.next_attempt_at,
        row.last_status,
        row.last_error,
        row.created_at,
        row.delivered_at,
    )


class WebhooksRepository:
    """Queries over webhooks and their deliveries."""

    def __init__(self, db: Session) -> None:
        self.db = db

    # ------------------------------------------------------------ endpoints

    def add(
        self,
        *,
        assembly_id: int,
        url: str,
        kinds: Collection[str],
        sealed_secret: str,
        created_by: int,
        now: datetime,
    ) -> Webhook:
        """A new endpoint, which starts after the newest event recorded so far."""
        cursor = int(self.db.scalar(select(func.max(AuditRow.id))) or 0)
        row = WebhookRow(
            assembly_id=assembly_id,
            url=url,
            kinds=list(kinds),
            sealed_secret=sealed_secret,
            enabled=True,
            failures=0,
            cursor=cursor,
            created_by=created_by,
            created_at=now,
        )
        self.db.add(row)
        self.db.flush()
        return _webhook(row)

    def get(self, webhook_id: int, *, lock: bool = False) -> Webhook | None:
        """One endpoint (locked when asked)."""
        query = select(WebhookRow).where(WebhookRow.id == webhook_id)
        row = self.db.scalar(for_update(query) if lock else query)
        return None if row is None else _webhook(row)

    def of_assembly(self, assembly_id: int) -> list[Webhook]:
        """The assembly's endpoints, oldest first."""
        query = select(WebhookRow).where(WebhookRow.assembly_id == assembly_id)
        return [_webhook(row) for row in self.db.scalars(query.order_by(WebhookRow.id))]

    def update_webhook(self, webhook_id: int, **values: object) -> None:
        """Change an endpoint's columns."""
        self.db.execute(update(WebhookRow).where(WebhookRow.id == webhook_id).values(**values))

    def remove(self, webhook_id: int) -> None:
        """Delete an endpoint and its log."""
        self.db.execute(
            delete(WebhookDeliveryRow).where(WebhookDeliveryRow.webhook_id == webhook_id)
        )
        self.db.execute(delete(WebhookRow).where(WebhookRow.id == webhook_id))

    def sealed_secret(self, webhook_id: int) -> str:
        """The endpoint's sealed signing secret."""
        found = self.db.scalar(select(WebhookRow.sealed_secret).where(WebhookRow.id == webhook_id))
        return found or ""

    # ------------------------------------------------------------ turning events into deliveries

    def take_enabled(self, limit: int) -> list[Webhook]:
        """Lock up to ``limit`` enabled endpoints (skipping those another runner holds)."""
        query = (
            select(WebhookRow)
            .where(WebhookRow.enabled.is_(True))
            .order_by(WebhookRow.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return [_webhook(row) for row in self.db.scalars(query)]

    def events_after(
        self,
        assembly_id: int,
        after_id: int,
        actions: Collection[str],
        limit: int,
        *,
        unqueued_for: int | None = None,
    ) -> list[Event]:
        """The assembly's events of ``actions`` after ``after_id``, oldest first; with
        ``unqueued_for``, only those with no delivery to that endpoint yet (so that recent
        events the cursor has not passed do not fill the ``limit`` again and again)."""
        queued = select(WebhookDeliveryRow.id).where(
            WebhookDeliveryRow.webhook_id == unqueued_for,
            WebhookDeliveryRow.event_id == AuditRow.id,
        )
        query = (
            select(
                AuditRow.id,
                AuditRow.at,
                AuditRow.action,
                AuditRow.assembly_id,
                AuditRow.subject,
                AuditRow.actor_id,
                AuditRow.details,
            )
            .where(
                AuditRow.assembly_id == assembly_id,
                AuditRow.id > after_id,
                AuditRow.action.in_(list(actions)),
                ~queued.exists() if unqueued_for is not None else true(),
            )
            .order_by(AuditRow.id)
            .limit(limit)
        )
        return [
            Event(id_, at, action, assembly, subject, actor, dict(details))
            for id_, at, action, assembly, subject, actor, details in self.db.execute(query)
        ]

    def queued_events(self, webhook_id: int, event_ids: Collection[int]) -> set[int]:
        """Which of ``event_ids`` already have a delivery to the endpoint."""
        if not event_ids:
            return set()
        query = select(WebhookDeliveryRow.event_id).where(
            WebhookDeliveryRow.webhook_id == webhook_id,
            WebhookDeliveryRow.event_id.in_(list(event_ids)),
        )
        return set(self.db.scalars(query))

    def add_delivery(
        self, webhook_id: int, event_id: int, *, msg_id: str, kind: str, body: str, now: datetime
    ) -> None:
        """Queue one event for one endpoint (due at once)."""
        self.db.add(
            WebhookDeliveryRow(
                webhook_id=webhook_id,
                event_id=event_id,
                msg_id=msg_id,
                kind=kind,
                body=body,
                state="pending",
                attempts=0,
                next_attempt_at=now,
                last_error="",
                created_at=now,
            )
        )

    # ------------------------------------------------------------ posting

    def claim_due(self, now: datetime, until: datetime, limit: int) -> list[Claimed]:
        """Take up to ``limit`` due deliveries of enabled endpoints and push their next attempt
        to ``until`` (a lease: a runner that dies mid-post leaves them due again then)."""
        query = (
            select(WebhookDeliveryRow)
            .join(WebhookRow, WebhookRow.id == WebhookDeliveryRow.webhook_id)
            .where(
                WebhookDeliveryRow.state == "pending",
                WebhookDeliveryRow.next_attempt_at <= now,
                WebhookRow.enabled.is_(True),
            )
            .order_by(WebhookDeliveryRow.next_attempt_at, WebhookDeliveryRow.id)
            .limit(limit)
            .with_for_update(of=WebhookDeliveryRow, skip_locked=True)
        )
        rows = list(self.db.scalars(query))
        endpoints = {
            row.id: row
            for row in self.db.scalars(
                select(WebhookRow).where(WebhookRow.id.in_({r.webhook_id for r in rows}))
            )
        }
        claimed = []
        for row in rows:
            row.next_attempt_at = until
            endpoint = endpoints[row.webhook_id]
            claimed.append(
                Claimed(
                    row.id,
                    row.webhook_id,
                    endpoint.url,
                    endpoint.sealed_secret,
                    row.msg_id,
                    row.body.encode("utf-8"),
                    row.attempts,
                )
            )
        self.db.flush()
        return claimed

    def delivery(self, delivery_id: int, *, lock: bool = False) -> Delivery | None:
        """One delivery (locked when asked)."""
        query = select(WebhookDeliveryRow).where(WebhookDeliveryRow.id == delivery_id)
        row = self.db.scalar(for_update(query) if lock else query)
        return None if row is None else _delivery(row)

    def set_delivery(self, delivery_id: int, **values: object) -> None:
        """Change a delivery's columns."""
        self.db.execute(
            update(WebhookDeliveryRow).where(WebhookDeliveryRow.id == delivery_id).values(**values)
        )

    def deliveries(self, webhook_id: int, limit: int) -> list[Delivery]:
        """The endpoint's newest deliveries."""
        query = (
            select(WebhookDeliveryRow)
            .where(WebhookDeliveryRow.webhook_id == webhook_id)
            .order_by(WebhookDeliveryRow.id.desc())
            .limit(limit)
        )
        return [_delivery(row) for row in self.db.scalars(query)]
