"""Models for participatory budgeting processes (issue 6): the process and its calendar, the
participating agents and their challenges, projects and their technical evaluation, who voted
(apart from the ballots), the committee (its candidates, its election by the members and the
seats it filled) and the progress it records.

Rows never leave the store: `asamblea.store.budgeting_repository` maps them to frozen dataclasses.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Boolean, CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from asamblea.clock import utcnow
from asamblea.store.base import Base


class BudgetProcessRow(Base):
    """A process: its ceiling (céntimos), calendar, current phase, ballot and rule, outcome."""

    __tablename__ = "budget_process"
    __table_args__ = (
        CheckConstraint("budget > 0", name="budget_positive"),
        CheckConstraint(
            "phase IN ('preparation', 'workshops', 'evaluation', 'prioritisation', "
            "'formalisation', 'oversight')",
            name="phase_known",
        ),
        CheckConstraint("ballot_kind IN ('approval', 'cumulative')", name="ballot_kind_known"),
        CheckConstraint("rule IN ('greedy', 'mes')", name="rule_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assembly_id: Mapped[int] = mapped_column(ForeignKey("assembly.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    budget: Mapped[int] = mapped_column(BigInteger)
    calendar: Mapped[dict[str, Any]]
    phase: Mapped[str] = mapped_column(String(16))
    ballot_kind: Mapped[str] = mapped_column(String(16))
    max_choices: Mapped[int | None]
    within_budget: Mapped[bool] = mapped_column(Boolean, default=False)
    points: Mapped[int | None]
    rule: Mapped[str] = mapped_column(String(16))
    created_by: Mapped[int] = mapped_column(ForeignKey("person.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    result: Mapped[dict[str, Any] | None]
    signed_by: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    signed_at: Mapped[datetime | None]
    cosigned_by: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    cosigned_at: Mapped[datetime | None]


class BudgetAgentRow(Base):
    """A participating agent: an organisation and its accredited delegate (a member)."""

    __tablename__ = "budget_agent"
    __table_args__ = (
        CheckConstraint("state IN ('listed', 'challenged', 'excluded')", name="state_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[int] = mapped_column(ForeignKey("budget_process.id"), index=True)
    organisation: Mapped[str] = mapped_column(String(200))
    delegate_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    state: Mapped[str] = mapped_column(String(16))
    challenge: Mapped[str] = mapped_column(Text, default="")
    challenged_by: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    resolution: Mapped[str] = mapped_column(Text, default="")
    resolved_by: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class BudgetProjectRow(Base):
    """A project submitted in the workshops, with its technical evaluation."""

    __tablename__ = "budget_project"
    __table_args__ = (
        CheckConstraint("cost > 0", name="cost_positive"),
        CheckConstraint("beneficiaries >= 0", name="beneficiaries_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[int] = mapped_column(ForeignKey("budget_process.id"), index=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("budget_agent.id"))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    place: Mapped[str] = mapped_column(String(200))
    cost: Mapped[int] = mapped_column(BigInteger)
    proposed_cost: Mapped[int] = mapped_column(BigInteger)
    beneficiaries: Mapped[int] = mapped_column(BigInteger)
    viable: Mapped[bool | None] = mapped_column(Boolean)
    evaluation: Mapped[str] = mapped_column(Text, default="")
    evaluated_by: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class BudgetTechnicianRow(Base):
    """A member a facilitator named to the technical team (facilitators are on it anyway)."""

    __tablename__ = "budget_technician"

    process_id: Mapped[int] = mapped_column(ForeignKey("budget_process.id"), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), primary_key=True)


class BudgetVoterRow(Base):
    """Who has voted in a process: no time, no order, nothing that pairs with a ballot."""

    __tablename__ = "budget_voter"

    process_id: Mapped[int] = mapped_column(ForeignKey("budget_process.id"), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), primary_key=True)


class BudgetBallotRow(Base):
    """A ballot: points per project id (1 for approval). No voter and no time."""

    __tablename__ = "budget_ballot"

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[int] = mapped_column(ForeignKey("budget_process.id"), index=True)
    points: Mapped[dict[str, Any]]


class BudgetCommitteeRow(Base):
    """A seat on the oversight committee, won in the election (an STV vote) ``vote_id``.

    Seats chosen before committees were elected (proposed and confirmed by two people) were
    carried over by migration 0008 without a vote.
    """

    __tablename__ = "budget_committee"

    process_id: Mapped[int] = mapped_column(ForeignKey("budget_process.id"), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), primary_key=True)
    vote_id: Mapped[int | None] = mapped_column(ForeignKey("vote.id"))


class BudgetCandidateRow(Base):
    """An active member standing for the committee (they may withdraw until an election opens)."""

    __tablename__ = "budget_candidate"

    process_id: Mapped[int] = mapped_column(ForeignKey("budget_process.id"), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), primary_key=True)


class BudgetElectionRow(Base):
    """An STV vote of the members electing the committee; candidates in option order.

    ``settled`` once its published winners took their seats (settling is idempotent).
    """

    __tablename__ = "budget_election"

    vote_id: Mapped[int] = mapped_column(ForeignKey("vote.id"), primary_key=True)
    process_id: Mapped[int] = mapped_column(ForeignKey("budget_process.id"), index=True)
    candidates: Mapped[list[Any]]
    settled: Mapped[bool] = mapped_column(Boolean, default=False)


class BudgetProgressRow(Base):
    """A milestone of a funded project, recorded by a member of the committee."""

    __tablename__ = "budget_progress"
    __table_args__ = (CheckConstraint("percent BETWEEN 0 AND 100", name="percent_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("budget_project.id"), index=True)
    percent: Mapped[int]
    note: Mapped[str] = mapped_column(Text)
    on_date: Mapped[str] = mapped_column(String(10))
    recorded_by: Mapped[int] = mapped_column(ForeignKey("person.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
