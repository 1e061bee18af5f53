"""Votes models: a vote, its frozen roll, its ballot box and in-person counts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from asamblea.clock import utcnow
from asamblea.store.base import Base


class VoteRow(Base):
    """A vote: its question, rule and times; its chain head while open; its seal once published."""

    __tablename__ = "vote"
    __table_args__ = (
        CheckConstraint("seats >= 1", name="seats_positive"),
        CheckConstraint("quorum_percent BETWEEN 0 AND 100", name="quorum_percent_range"),
        CheckConstraint("voters >= length", name="voters_at_least_ballots"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assembly_id: Mapped[int] = mapped_column(ForeignKey("assembly.id"), index=True)
    question: Mapped[str] = mapped_column(String(300))
    options: Mapped[list[Any]]
    rule: Mapped[str] = mapped_column(String(32))
    seats: Mapped[int] = mapped_column(default=1)
    threshold: Mapped[str] = mapped_column(String(32), default="simple")
    quorum_percent: Mapped[int] = mapped_column(default=0)
    mode: Mapped[str] = mapped_column(String(16))
    public: Mapped[bool] = mapped_column(Boolean, default=False)
    state: Mapped[str] = mapped_column(String(16))
    opens_at: Mapped[datetime]
    closes_at: Mapped[datetime]
    created_by: Mapped[int] = mapped_column(ForeignKey("person.id"))
    roll_size: Mapped[int | None]
    length: Mapped[int] = mapped_column(default=0)
    voters: Mapped[int] = mapped_column(default=0)
    genesis: Mapped[str | None] = mapped_column(String(64))
    head: Mapped[str | None] = mapped_column(String(64))
    seed: Mapped[str | None] = mapped_column(String(64))
    closed_at: Mapped[datetime | None]
    head_signature: Mapped[str | None] = mapped_column(String(128))
    seal_signature: Mapped[str | None] = mapped_column(String(128))
    result: Mapped[dict[str, Any] | None]


class RollRow(Base):
    """The roll (*padrón*) frozen when a vote opens, and whether each person has voted.

    No id, no time, no order: nothing here can be paired with a ballot.
    """

    __tablename__ = "vote_roll"

    vote_id: Mapped[int] = mapped_column(ForeignKey("vote.id"), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), primary_key=True)
    voted: Mapped[bool] = mapped_column(Boolean, default=False)


class BallotRow(Base):
    """A ballot in the box: its place in the chain, its receipt, its selection, the new head.

    No voter and no time. Only a public roll-call vote names the voter (``voter_id``).
    """

    __tablename__ = "ballot"
    __table_args__ = (UniqueConstraint("vote_id", "receipt"),)

    vote_id: Mapped[int] = mapped_column(ForeignKey("vote.id"), primary_key=True)
    position: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    receipt: Mapped[str] = mapped_column(String(24))
    selection: Mapped[list[Any]]
    head: Mapped[str] = mapped_column(String(64))
    voter_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))


class InPersonRow(Base):
    """A count by show of hands or on paper, with its minutes (*acta*) and the two-person rule."""

    __tablename__ = "in_person_count"

    vote_id: Mapped[int] = mapped_column(ForeignKey("vote.id"), primary_key=True)
    counts: Mapped[list[Any]]
    attendance: Mapped[int]
    acta: Mapped[str] = mapped_column(Text)
    recorded_by: Mapped[int] = mapped_column(ForeignKey("person.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    confirmed_by: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    confirmed_at: Mapped[datetime | None]
