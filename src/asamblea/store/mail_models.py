"""Mail's rows (issue #11): a person's address for notices, the transactional outbox and the
delivery state of each message.

- `mail_address`: one row per person who gave an address (nothing else about them: the address,
  when it was given, and where their daily digest stands). Removing the address deletes the row
  and every message still waiting for it.
- `mail_outbox`: one row per audit event that can be a notice, added by the audit log's writer in
  the event's own transaction (so an event is never recorded without its outbox row, nor the
  other way round). The runner expands it to recipients and deletes it in one transaction.
- `mail_delivery`: one row per message (a notice to one person, or one person's digest of one
  day), with a Message-ID that is unique: expanding or queueing twice is refused by the database,
  and a retry sends the same id. Sent rows keep ids and times only, never the text.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from asamblea.clock import utcnow
from asamblea.store.base import Base
from asamblea.store.federation_models import AuditRow

ADDRESS_LENGTH = 254  # RFC 5321's limit on a forward path


class MailAddressRow(Base):
    """The address a person gave for their notices (shown to nobody, them included only)."""

    __tablename__ = "mail_address"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), primary_key=True
    )
    address: Mapped[str] = mapped_column(String(ADDRESS_LENGTH))
    added_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: The daily digest: the last event id it covered, and when it was queued.
    digest_up_to: Mapped[int] = mapped_column(default=0)
    digest_sent_at: Mapped[datetime | None]


class MailOutboxRow(Base):
    """An event that may be a notice by mail, waiting for the runner to find its recipients."""

    __tablename__ = "mail_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("audit_event.id"), unique=True)
    event: Mapped[AuditRow] = relationship()


class MailDeliveryRow(Base):
    """One message to one person: a notice (``event_id``) or a digest (``digest_on`` and the
    events in ``(after_id, up_to]``), tried until sent."""

    __tablename__ = "mail_delivery"
    __table_args__ = (
        CheckConstraint("(event_id IS NULL) <> (digest_on IS NULL)", name="notice_or_digest"),
        Index("ix_mail_delivery_due", "sent_at", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    message_id: Mapped[str] = mapped_column(String(200), unique=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("audit_event.id"))
    digest_on: Mapped[date | None]
    after_id: Mapped[int] = mapped_column(default=0)
    up_to: Mapped[int] = mapped_column(default=0)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(200))
