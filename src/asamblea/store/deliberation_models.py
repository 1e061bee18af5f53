"""Models for deliberation, escalation and the charter (issue 5).

Rows never leave the store: `asamblea.store.deliberation_repository` maps them to the frozen
dataclasses of `asamblea.core.deliberation`, and `charter`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from asamblea.clock import utcnow
from asamblea.store.base import Base


class ProposalRow(Base):
    """A proposal in an assembly (one that came up from below is an escalation's agenda item)."""

    __tablename__ = "proposal"
    __table_args__ = (CheckConstraint("version >= 1", name="version_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assembly_id: Mapped[int] = mapped_column(ForeignKey("assembly.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    kind: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16))
    version: Mapped[int] = mapped_column(default=1)
    vote_id: Mapped[int | None] = mapped_column(ForeignKey("vote.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ProposalTextRow(Base):
    """Every text a proposal has had, by version (amendments never erase the old text)."""

    __tablename__ = "proposal_text"

    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id"), primary_key=True)
    version: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    text: Mapped[str] = mapped_column(Text)
    amendment_id: Mapped[int | None] = mapped_column(ForeignKey("amendment.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SupportRow(Base):
    """One member's support for an open proposal."""

    __tablename__ = "proposal_support"

    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id"), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ArgumentRow(Base):
    """An argument for or against, or a reply to one; hidden with a reason, never deleted."""

    __tablename__ = "argument"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    side: Mapped[str | None] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("argument.id"))
    hidden_reason: Mapped[str | None] = mapped_column(String(500))
    hidden_by: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AmendmentRow(Base):
    """New wording for a proposal's text, made against one version of it."""

    __tablename__ = "amendment"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    text: Mapped[str] = mapped_column(Text)
    base_version: Mapped[int]
    state: Mapped[str] = mapped_column(String(16))
    vote_id: Mapped[int | None] = mapped_column(ForeignKey("vote.id"), index=True)
    hidden_reason: Mapped[str | None] = mapped_column(String(500))
    hidden_by: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class EscalationRow(Base):
    """An adopted proposal sent up to the parent; ``agenda_proposal_id`` once on its agenda."""

    __tablename__ = "escalation"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id"), unique=True)
    from_assembly_id: Mapped[int] = mapped_column(ForeignKey("assembly.id"))
    parent_id: Mapped[int] = mapped_column(ForeignKey("assembly.id"), index=True)
    state: Mapped[str] = mapped_column(String(16))
    # unique since migration 0009: an agenda item comes from one escalation
    agenda_proposal_id: Mapped[int | None] = mapped_column(ForeignKey("proposal.id"), unique=True)
    sent_by: Mapped[int] = mapped_column(ForeignKey("person.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AdoptionRow(Base):
    """One assembly adopting (or withdrawing from) an escalated proposal; kept in order."""

    __tablename__ = "escalation_adoption"

    id: Mapped[int] = mapped_column(primary_key=True)
    escalation_id: Mapped[int] = mapped_column(ForeignKey("escalation.id"), index=True)
    assembly_id: Mapped[int] = mapped_column(ForeignKey("assembly.id"))
    withdrawn: Mapped[bool] = mapped_column(Boolean, default=False)
    recorded_by: Mapped[int] = mapped_column(ForeignKey("person.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CharterRow(Base):
    """The constituent text held by one assembly."""

    __tablename__ = "charter"

    id: Mapped[int] = mapped_column(primary_key=True)
    assembly_id: Mapped[int] = mapped_column(ForeignKey("assembly.id"), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ArticleVersionRow(Base):
    """One adopted wording of one article; every version is kept."""

    __tablename__ = "article_version"
    __table_args__ = (
        UniqueConstraint("charter_id", "number", "version"),
        CheckConstraint("number >= 1 AND version >= 1", name="numbers_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    charter_id: Mapped[int] = mapped_column(ForeignKey("charter.id"), index=True)
    number: Mapped[int]
    version: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    proposed_by: Mapped[int | None] = mapped_column(ForeignKey("proposal.id"))
    backed_by: Mapped[list[Any]]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class WordingRow(Base):
    """What a charter-amendment proposal puts forward (its text is the proposal's text)."""

    __tablename__ = "charter_wording"

    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id"), primary_key=True)
    charter_id: Mapped[int] = mapped_column(ForeignKey("charter.id"), index=True)
    target: Mapped[int | None]
    title: Mapped[str] = mapped_column(String(200))
