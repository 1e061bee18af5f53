"""Models for planning rounds (issue 7): a round, and the targets each base assembly drafts
and adopts by a vote of its members.

Rows never leave the store: `asamblea.store.planning_repository` maps them to frozen dataclasses.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from asamblea.clock import utcnow
from asamblea.store.base import Base


class PlanningRoundRow(Base):
    """A planning round: an assembly's model, the goods voted on, the rule and the plan."""

    __tablename__ = "planning_round"
    __table_args__ = (
        CheckConstraint("aggregation IN ('median', 'mean')", name="aggregation_known"),
        CheckConstraint("state IN ('open', 'published')", name="state_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assembly_id: Mapped[int] = mapped_column(ForeignKey("assembly.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    model_key: Mapped[str] = mapped_column(String(32))
    model_csv: Mapped[str | None] = mapped_column(Text)
    goods: Mapped[list[Any]]
    baseline: Mapped[dict[str, Any]]
    aggregation: Mapped[str] = mapped_column(String(8))
    state: Mapped[str] = mapped_column(String(16))
    previous_id: Mapped[int | None] = mapped_column(ForeignKey("planning_round.id"), index=True)
    created_by: Mapped[int] = mapped_column(ForeignKey("person.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    solved_by: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    solved_at: Mapped[datetime | None]
    result: Mapped[dict[str, Any] | None]


class PlanningDraftRow(Base):
    """A base assembly's draft of targets in a round, put to its members as a yes/no vote.

    Every draft is kept (a rejected one stays beside the vote that rejected it); at most one
    per assembly and round is ``voting`` or ``adopted`` (`asamblea.core.planning.adoption`).
    ``members`` is the weight of adopted targets: the roll of the vote that adopted them.
    ``vote_id`` is null only for targets confirmed by two people before votes decided them
    (rows carried over by migration 0007).
    """

    __tablename__ = "planning_draft"
    __table_args__ = (
        CheckConstraint("state IN ('voting', 'adopted', 'rejected')", name="state_known"),
        Index("ix_planning_draft_round_assembly", "round_id", "assembly_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("planning_round.id"))
    assembly_id: Mapped[int] = mapped_column(ForeignKey("assembly.id"))
    levels: Mapped[dict[str, Any]]
    changes: Mapped[dict[str, Any]]
    note: Mapped[str] = mapped_column(Text, default="")
    digest: Mapped[str] = mapped_column(String(64))
    drafted_by: Mapped[int] = mapped_column(ForeignKey("person.id"))
    drafted_at: Mapped[datetime] = mapped_column(default=utcnow)
    vote_id: Mapped[int | None] = mapped_column(ForeignKey("vote.id"), unique=True)
    state: Mapped[str] = mapped_column(String(16))
    members: Mapped[int | None]
    settled_at: Mapped[datetime | None]
