"""Models for planning rounds (issue 7): a round, and each base assembly's voted targets.

Rows never leave the store: `asamblea.store.planning_repository` maps them to frozen dataclasses.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from asamblea.store.models import Base
from asamblea.store.types import utcnow


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


class PlanningTargetRow(Base):
    """One base assembly's targets in a round: recorded by a facilitator, confirmed by another
    active member (the two-person rule), who confirms the digest of the values they saw."""

    __tablename__ = "planning_target"

    round_id: Mapped[int] = mapped_column(ForeignKey("planning_round.id"), primary_key=True)
    assembly_id: Mapped[int] = mapped_column(ForeignKey("assembly.id"), primary_key=True)
    levels: Mapped[dict[str, Any]]
    changes: Mapped[dict[str, Any]]
    note: Mapped[str] = mapped_column(Text, default="")
    digest: Mapped[str] = mapped_column(String(64))
    recorded_by: Mapped[int] = mapped_column(ForeignKey("person.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    members: Mapped[int | None]
    confirmed_by: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    confirmed_at: Mapped[datetime | None]
