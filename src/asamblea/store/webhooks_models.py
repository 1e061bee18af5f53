"""Outbound webhooks (issue #11): an assembly's endpoints and the delivery log.

An endpoint keeps a cursor over the audit log (the last event it has looked at); the runner
turns the assembly's new events of the chosen kinds into delivery rows (one per event, the
same ``msg_id`` on every retry) and posts them. The signing secret is stored sealed with a key
derived from the server's secret, so a copy of the database alone cannot sign.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from asamblea.clock import utcnow
from asamblea.store.base import Base


class WebhookRow(Base):
    """One endpoint registered by a facilitator of an assembly."""

    __tablename__ = "webhook"

    id: Mapped[int] = mapped_column(primary_key=True)
    assembly_id: Mapped[int] = mapped_column(ForeignKey("assembly.id"), index=True)
    url: Mapped[str] = mapped_column(String(500))
    kinds: Mapped[list[Any]]
    sealed_secret: Mapped[str] = mapped_column(Text)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    failures: Mapped[int] = mapped_column(default=0)
    cursor: Mapped[int] = mapped_column(default=0)
    created_by: Mapped[int] = mapped_column(ForeignKey("person.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    disabled_at: Mapped[datetime | None]


class WebhookDeliveryRow(Base):
    """One event to post to one endpoint: its body, attempts and last answer."""

    __tablename__ = "webhook_delivery"
    __table_args__ = (
        UniqueConstraint("webhook_id", "event_id"),
        CheckConstraint("state IN ('pending', 'delivered', 'dropped')", name="state_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    webhook_id: Mapped[int] = mapped_column(ForeignKey("webhook.id", ondelete="CASCADE"))
    event_id: Mapped[int] = mapped_column(ForeignKey("audit_event.id"))
    msg_id: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[str] = mapped_column(String(48))
    body: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime]
    last_status: Mapped[int | None]
    last_error: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    delivered_at: Mapped[datetime | None]


DELIVERIES_DUE = Index(
    "ix_webhook_delivery_state_next", WebhookDeliveryRow.state, WebhookDeliveryRow.next_attempt_at
)
DELIVERIES_BY_WEBHOOK = Index(
    "ix_webhook_delivery_webhook_id", WebhookDeliveryRow.webhook_id, WebhookDeliveryRow.id
)
