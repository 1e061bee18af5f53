"""Models for the unified platform of demands (issue 12): where a demand comes from, and the
merges its upper assembly's members vote.

A platform's points are not stored: each is an escalated demand on the upper assembly's
agenda (`escalation`). What is stored is what cannot be derived: which struggle a demand
was raised from (`demand_source`) and every merge put to a vote (`platform_merge`, with its
points in `platform_merge_point`). Nothing is deleted: a merged point keeps its escalation,
its proposal and its merge, which are the point's history.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from asamblea.clock import utcnow
from asamblea.store.base import Base


class DemandSourceRow(Base):
    """A demand proposal raised from a struggle by the struggle's assembly."""

    __tablename__ = "demand_source"

    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id"), primary_key=True)
    struggle_id: Mapped[int] = mapped_column(ForeignKey("struggle.id"), index=True)


class PlatformMergeRow(Base):
    """A merge of duplicate points of ``assembly_id``'s platform, decided by ``vote_id``."""

    __tablename__ = "platform_merge"
    __table_args__ = (
        CheckConstraint(
            "state IN ('voting', 'merged', 'rejected', 'superseded')", name="state_known"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assembly_id: Mapped[int] = mapped_column(ForeignKey("assembly.id"), index=True)
    into_id: Mapped[int] = mapped_column(ForeignKey("escalation.id"))
    vote_id: Mapped[int] = mapped_column(ForeignKey("vote.id"), unique=True)
    state: Mapped[str] = mapped_column(String(16))
    proposed_at: Mapped[datetime] = mapped_column(default=utcnow)
    settled_at: Mapped[datetime | None]


class PlatformMergePointRow(Base):
    """One point going into a merge's ``into`` point."""

    __tablename__ = "platform_merge_point"

    merge_id: Mapped[int] = mapped_column(ForeignKey("platform_merge.id"), primary_key=True)
    escalation_id: Mapped[int] = mapped_column(
        ForeignKey("escalation.id"), primary_key=True, index=True
    )
