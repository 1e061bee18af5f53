"""Models for mobilisation (issue 12): struggles, adhesions, actions, tasks, pledges.

Rows never leave the store: `asamblea.store.mobilisation_repository` maps them to frozen
dataclasses. The pledge row deliberately has no timestamp (see docs/mobilisation.md).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from asamblea.clock import utcnow
from asamblea.store.base import Base


class StruggleRow(Base):
    """A struggle a base assembly is in."""

    __tablename__ = "struggle"
    __table_args__ = (
        CheckConstraint("state IN ('active', 'suspended', 'won', 'lost')", name="state_known"),
        CheckConstraint("visibility IN ('public', 'members')", name="visibility_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assembly_id: Mapped[int] = mapped_column(ForeignKey("assembly.id"), index=True)
    title: Mapped[str] = mapped_column(String(160))
    demands: Mapped[str] = mapped_column(Text)
    against: Mapped[str] = mapped_column(String(160))
    region: Mapped[str] = mapped_column(String(2), index=True)
    province: Mapped[str | None] = mapped_column(String(4))
    district: Mapped[str | None] = mapped_column(String(80))
    sector: Mapped[str] = mapped_column(String(24))
    since: Mapped[date]
    state: Mapped[str] = mapped_column(String(16))
    created_by: Mapped[int] = mapped_column(ForeignKey("person.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # migration 0018: a struggle seen only by the members of the assemblies in it
    visibility: Mapped[str] = mapped_column(String(16), default="public", server_default="public")


class StruggleUpdateRow(Base):
    """A dated update of a struggle (and the state it moved to, if it changed)."""

    __tablename__ = "struggle_update"

    id: Mapped[int] = mapped_column(primary_key=True)
    struggle_id: Mapped[int] = mapped_column(ForeignKey("struggle.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    state: Mapped[str | None] = mapped_column(String(16))
    author_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class AdhesionRow(Base):
    """Another assembly's solidarity with (declared) or adhesion to (voted) a struggle or action.

    ``target`` is 'struggle' or 'action'; an adhesion carries the members' vote that decides it.
    """

    __tablename__ = "mobilisation_adhesion"
    __table_args__ = (
        CheckConstraint("target IN ('struggle', 'action')", name="target_known"),
        CheckConstraint("kind IN ('solidarity', 'adhesion')", name="kind_known"),
        CheckConstraint("state IN ('voting', 'joined', 'rejected')", name="state_known"),
        Index("ix_mobilisation_adhesion_target", "target", "target_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    target: Mapped[str] = mapped_column(String(16))
    target_id: Mapped[int]
    assembly_id: Mapped[int] = mapped_column(ForeignKey("assembly.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(16))
    vote_id: Mapped[int | None] = mapped_column(ForeignKey("vote.id"), unique=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)


class ActionRow(Base):
    """A joint action convened by an assembly."""

    __tablename__ = "mobilisation_action"
    __table_args__ = (
        CheckConstraint(
            "state IN ('convened', 'confirmed', 'postponed', 'cancelled', 'held')",
            name="state_known",
        ),
        CheckConstraint("visibility IN ('public', 'members')", name="visibility_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assembly_id: Mapped[int] = mapped_column(ForeignKey("assembly.id"), index=True)
    struggle_id: Mapped[int | None] = mapped_column(ForeignKey("struggle.id"), index=True)
    kind: Mapped[str] = mapped_column(String(24))
    title: Mapped[str] = mapped_column(String(160))
    description: Mapped[str] = mapped_column(Text, default="")
    region: Mapped[str] = mapped_column(String(2), index=True)
    starts_at: Mapped[datetime] = mapped_column(index=True)
    places: Mapped[list[Any]]
    reveal_at: Mapped[datetime | None]
    visibility: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(16))
    report: Mapped[dict[str, Any] | None]
    created_by: Mapped[int] = mapped_column(ForeignKey("person.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ActionTaskRow(Base):
    """A role an action needs filled, and how many people."""

    __tablename__ = "action_task"
    __table_args__ = (UniqueConstraint("action_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("mobilisation_action.id"))
    role: Mapped[str] = mapped_column(String(24))
    needed: Mapped[int]


class TaskSignupRow(Base):
    """A person signed up for a task (coordinators see these; others see counts)."""

    __tablename__ = "task_signup"
    __table_args__ = (UniqueConstraint("task_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("action_task.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)


class ChecklistItemRow(Base):
    """One line of an action's checklist."""

    __tablename__ = "action_checklist_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("mobilisation_action.id"), index=True)
    text: Mapped[str] = mapped_column(String(200))
    done: Mapped[bool] = mapped_column(Boolean, default=False)


class ActionUpdateRow(Base):
    """A short live update by a coordinator (also the notes of postponement and cancellation)."""

    __tablename__ = "action_update"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("mobilisation_action.id"), index=True)
    text: Mapped[str] = mapped_column(String(280))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class PledgeCampaignRow(Base):
    """An action's conditional pledge: its thresholds, and when it triggered (once)."""

    __tablename__ = "pledge_campaign"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("mobilisation_action.id"), unique=True)
    members: Mapped[int]
    assemblies: Mapped[int | None]
    people: Mapped[int | None]
    triggered_at: Mapped[datetime | None]


class PledgeTallyRow(Base):
    """Pledges per (campaign, assembly), kept in step with the pledge rows in the same
    transaction (under the campaign's lock): the trigger reads a few counters, not every pledge.
    """

    __tablename__ = "pledge_tally"

    campaign_id: Mapped[int] = mapped_column(ForeignKey("pledge_campaign.id"), primary_key=True)
    assembly_id: Mapped[int] = mapped_column(ForeignKey("assembly.id"), primary_key=True)
    pledges: Mapped[int]


class PledgeRow(Base):
    """One person's pledge: never shown, no timestamp; unique per campaign and person."""

    __tablename__ = "pledge"
    __table_args__ = (
        UniqueConstraint("campaign_id", "person_id"),
        Index("ix_pledge_campaign_assembly", "campaign_id", "assembly_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("pledge_campaign.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    assembly_id: Mapped[int] = mapped_column(ForeignKey("assembly.id"))
