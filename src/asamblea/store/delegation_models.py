"""Delegation models: delegates, their elections, mandates, recall petitions and roll-call weights.

Rows never leave the store: `asamblea.store.delegation_repository` maps them to the frozen
dataclasses of `asamblea.core.delegation`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from asamblea.clock import utcnow
from asamblea.store.base import Base


class DelegateRow(Base):
    """A person sent by a child assembly to sit in its parent, for a term."""

    __tablename__ = "delegate"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("assembly.id"), index=True)
    parent_id: Mapped[int] = mapped_column(ForeignKey("assembly.id"), index=True)
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    state: Mapped[str] = mapped_column(String(16))
    election_vote_id: Mapped[int | None] = mapped_column(ForeignKey("vote.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class DelegateElectionRow(Base):
    """An STV vote of a child electing delegates to its parent; candidates in option order."""

    __tablename__ = "delegate_election"

    vote_id: Mapped[int] = mapped_column(ForeignKey("vote.id"), primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("assembly.id"), index=True)
    parent_id: Mapped[int] = mapped_column(ForeignKey("assembly.id"))
    candidates: Mapped[list[Any]]
    term_starts: Mapped[datetime]
    term_ends: Mapped[datetime]
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("delegate.id"))
    settled: Mapped[bool] = mapped_column(Boolean, default=False)


class MandateRow(Base):
    """A child's instruction to its delegates on one vote of the parent."""

    __tablename__ = "mandate"

    vote_id: Mapped[int] = mapped_column(ForeignKey("vote.id"), primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("assembly.id"), primary_key=True)
    choice: Mapped[str] = mapped_column(String(16))
    set_by: Mapped[int] = mapped_column(ForeignKey("person.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class RecallPetitionRow(Base):
    """A petition to recall a delegate; its motion vote once the signatures are in.

    ``recall_percent`` is the child's recall share when the petition opened (migration 0009):
    the signatures are counted against it, so a later change of the rules never moves the bar
    for a petition under way."""

    __tablename__ = "recall_petition"
    __table_args__ = (
        CheckConstraint("recall_percent BETWEEN 1 AND 100", name="recall_percent_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    delegate_id: Mapped[int] = mapped_column(ForeignKey("delegate.id"), index=True)
    opened_by: Mapped[int] = mapped_column(ForeignKey("person.id"))
    state: Mapped[str] = mapped_column(String(16))
    recall_percent: Mapped[int]
    vote_id: Mapped[int | None] = mapped_column(ForeignKey("vote.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class RecallSignatureRow(Base):
    """One member's signature on a recall petition."""

    __tablename__ = "recall_signature"

    petition_id: Mapped[int] = mapped_column(ForeignKey("recall_petition.id"), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class RollCallWeightRow(Base):
    """How a roll call upstairs weighs one child's delegates, frozen when the vote opened
    (migration 0009): the parent's weight rule then, the child's active members then, and how
    many of its delegates sat in the vote. The roll-call record reads weights from here, so a
    child gaining members or the parent changing its rule never changes a record."""

    __tablename__ = "roll_call_weight"
    __table_args__ = (
        CheckConstraint("members >= 0 AND delegates >= 1", name="counts_valid"),
        CheckConstraint(
            "weight_rule IN ('one_each', 'members_represented')", name="weight_rule_known"
        ),
    )

    vote_id: Mapped[int] = mapped_column(ForeignKey("vote.id"), primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("assembly.id"), primary_key=True)
    weight_rule: Mapped[str] = mapped_column(String(32))
    members: Mapped[int]
    delegates: Mapped[int]
