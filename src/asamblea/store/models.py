"""SQLAlchemy models. Rows never leave the store: repositories map them to core dataclasses."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from asamblea.store.types import UTCDateTime, utcnow

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base with a constraint naming convention (stable migration names)."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON(), list[Any]: JSON()}  # noqa: RUF012 - read once by SQLAlchemy


class PersonRow(Base):
    """An account. A username (pseudonyms welcome) and a password hash; nothing else required."""

    __tablename__ = "person"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(40))
    username_key: Mapped[str] = mapped_column(String(40), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    locale: Mapped[str | None] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SessionRow(Base):
    """A login session; the cookie carries the signed id, the row carries the CSRF token."""

    __tablename__ = "login_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime]


class ApiTokenRow(Base):
    """A bearer token for the JSON API; only its hash is kept."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    expires_at: Mapped[datetime]


class LoginAttemptRow(Base):
    """A failed login, keyed by a keyed hash of the account name or the address (no raw IPs)."""

    __tablename__ = "login_attempt"
    __table_args__ = (Index("ix_login_attempt_key_at", "key", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class AssemblyRow(Base):
    """An assembly in the federation tree, with its own rules."""

    __tablename__ = "assembly"
    __table_args__ = (
        CheckConstraint("vouches_needed BETWEEN 1 AND 20", name="vouches_needed_range"),
        CheckConstraint("quorum_percent BETWEEN 1 AND 100", name="quorum_percent_range"),
        CheckConstraint("recall_percent BETWEEN 1 AND 100", name="recall_percent_range"),
        CheckConstraint("delegate_ratio >= 1", name="delegate_ratio_positive"),
        CheckConstraint("support_percent BETWEEN 1 AND 100", name="support_percent_range"),
        CheckConstraint("escalation_percent BETWEEN 1 AND 100", name="escalation_percent_range"),
        CheckConstraint(
            "delegate_weight IN ('one_each', 'members_represented')", name="delegate_weight_known"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(32))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("assembly.id"), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    vouches_needed: Mapped[int] = mapped_column(default=2)
    quorum_percent: Mapped[int] = mapped_column(default=50)
    delegate_ratio: Mapped[int] = mapped_column(default=50)
    recall_percent: Mapped[int] = mapped_column(default=20)
    # Added by migration 0006: the server defaults gave existing assemblies the defaults.
    support_percent: Mapped[int] = mapped_column(default=10, server_default="10")
    escalation_percent: Mapped[int] = mapped_column(default=50, server_default="50")
    delegate_weight: Mapped[str] = mapped_column(
        String(32), default="one_each", server_default="one_each"
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class RulesChangeRow(Base):
    """New rules a facilitator put to the assembly's members (migration 0009): a yes/no vote
    decides them, and they apply only if it carries.

    ``pending_assembly_id`` holds the assembly's id while the vote is under way and is cleared
    when the change is settled: its unique constraint keeps one pending change per assembly
    even if two proposals raced past the service's lock."""

    __tablename__ = "rules_change"
    __table_args__ = (
        CheckConstraint("state IN ('voting', 'adopted', 'rejected')", name="state_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assembly_id: Mapped[int] = mapped_column(ForeignKey("assembly.id"), index=True)
    vote_id: Mapped[int] = mapped_column(ForeignKey("vote.id"), unique=True)
    rules: Mapped[dict[str, Any]]
    before: Mapped[dict[str, Any]]
    state: Mapped[str] = mapped_column(String(16))
    pending_assembly_id: Mapped[int | None] = mapped_column(unique=True)
    proposed_by: Mapped[int] = mapped_column(ForeignKey("person.id"))
    proposed_at: Mapped[datetime] = mapped_column(default=utcnow)
    settled_at: Mapped[datetime | None]


class MembershipRow(Base):
    """One person's membership of one assembly."""

    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("assembly_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assembly_id: Mapped[int] = mapped_column(ForeignKey("assembly.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    state: Mapped[str] = mapped_column(String(16))
    role: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class VouchRow(Base):
    """An *aval*: an active member vouches, in person, for a pending one."""

    __tablename__ = "vouch"
    __table_args__ = (UniqueConstraint("membership_id", "voucher_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    membership_id: Mapped[int] = mapped_column(
        ForeignKey("membership.id", ondelete="CASCADE"), index=True
    )
    voucher_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AuditRow(Base):
    """Append-only record of every state change: who, what, when (triggers refuse edits)."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    action: Mapped[str] = mapped_column(String(64))
    assembly_id: Mapped[int | None] = mapped_column(ForeignKey("assembly.id"), index=True)
    subject: Mapped[str] = mapped_column(String(64), default="")
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)


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
