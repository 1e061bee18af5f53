"""Federation models: people, sessions, tokens, assemblies, their rules, memberships, vouches and
the audit log. Rows never leave the store: repositories map them to core dataclasses."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from asamblea.clock import utcnow
from asamblea.store.base import Base


class PersonRow(Base):
    """An account. A username (pseudonyms welcome) and a password hash; nothing else required."""

    __tablename__ = "person"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(40))
    username_key: Mapped[str] = mapped_column(String(40), unique=True)
    #: The TS #39 skeleton (`asamblea.core.username`): no two accounts look alike. NULL only for
    #: a look-alike registered before migration 0010.
    username_skeleton: Mapped[str | None] = mapped_column(String(255), unique=True)
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
