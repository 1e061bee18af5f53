"""Notices' own rows (issue #11): one reader row per person and their choices per kind.

Notices themselves are not stored: they are audit events read through the person's memberships
(docs/notices.md). Two indexes on the audit log make that read a few index ranges: by assembly
and id (an assembly's newest events) and by subject and id (events that name the person).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from asamblea.store.base import Base
from asamblea.store.federation_models import AuditRow


class NoticeReaderRow(Base):
    """What one person has read and been sent: event ids up to which (0: none yet)."""

    __tablename__ = "notice_reader"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), primary_key=True
    )
    read_up_to: Mapped[int] = mapped_column(default=0)
    digest_sent_at: Mapped[datetime | None]


class NoticePreferenceRow(Base):
    """How a person wants one kind of notice by mail (a kind without a row: its default)."""

    __tablename__ = "notice_preference"
    __table_args__ = (
        CheckConstraint("delivery IN ('at_once', 'daily', 'never')", name="delivery_known"),
    )

    person_id: Mapped[int] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(48), primary_key=True)
    delivery: Mapped[str] = mapped_column(String(16))


AUDIT_BY_ASSEMBLY = Index("ix_audit_event_assembly_id_id", AuditRow.assembly_id, AuditRow.id)
AUDIT_BY_SUBJECT = Index("ix_audit_event_subject_id", AuditRow.subject, AuditRow.id)
