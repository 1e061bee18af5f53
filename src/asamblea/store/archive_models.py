"""Models of the archive of testimonies (issue 15): cases, their team, items and their keys,
the custody log, intake links and resumable uploads.

What is in the clear here, on purpose (docs/archive.md, "What each party can learn"): a case's
public name, place and date; item ids, kinds, media types, sizes, SHA-256 of originals, consent
levels; titles and tags only where the team marked an item searchable; the custody log. What is
never here: a testimony's text, a file's bytes, an original file name, a usable key — files live
encrypted in the blob directory (`asamblea.store.archive_blobs`), keys only wrapped.

Rows never leave the store: `asamblea.store.archive_repository` maps them to frozen dataclasses.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from asamblea.clock import utcnow
from asamblea.store.base import Base

_CONSENT = "IN ('public', 'federation', 'team', 'legal')"


class ArchiveMemberKeyRow(Base):
    """A person's archive key pair: the public half, and the private half under their passphrase."""

    __tablename__ = "archive_member_key"

    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), primary_key=True)
    public_key: Mapped[bytes] = mapped_column(LargeBinary(32))
    protected: Mapped[dict[str, Any]]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ArchiveCaseRow(Base):
    """A case: an event (what, where, when) kept by an archive team of an assembly."""

    __tablename__ = "archive_case"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    assembly_id: Mapped[int] = mapped_column(ForeignKey("assembly.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    place: Mapped[str] = mapped_column(String(200))
    occurred_on: Mapped[date]
    memorial: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[int] = mapped_column(ForeignKey("person.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ArchiveTeamRow(Base):
    """A member of a case's archive team (``legal``: also of its legal team)."""

    __tablename__ = "archive_team"
    __table_args__ = (CheckConstraint("role IN ('team', 'legal')", name="role_known"),)

    case_id: Mapped[str] = mapped_column(ForeignKey("archive_case.id"), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), primary_key=True)
    role: Mapped[str] = mapped_column(String(8))
    handle: Mapped[str] = mapped_column(String(40))
    active: Mapped[bool] = mapped_column(default=True)
    joined_at: Mapped[datetime] = mapped_column(default=utcnow)


class ArchiveVictimRow(Base):
    """A victim of a case, named as the family wishes (``name`` null: not named)."""

    __tablename__ = "archive_victim"
    __table_args__ = (CheckConstraint(f"consent {_CONSENT}", name="consent_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("archive_case.id"), index=True)
    name: Mapped[str | None] = mapped_column(String(200))
    consent: Mapped[str] = mapped_column(String(12))


class ArchiveItemRow(Base):
    """A testimony or file of a case; its content lives encrypted in ``blob_id``.

    On withdrawal the blob, the shown copy and every wrapped key are deleted (the content is
    gone for good); the row stays, withdrawn, so the custody log's entries still point somewhere.
    """

    __tablename__ = "archive_item"
    __table_args__ = (
        CheckConstraint(f"consent {_CONSENT}", name="consent_known"),
        CheckConstraint("kind IN ('text', 'photo', 'audio', 'video', 'document')",
                        name="kind_known"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("archive_case.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    media_type: Mapped[str] = mapped_column(String(80))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    consent: Mapped[str] = mapped_column(String(12))
    withdrawn: Mapped[bool] = mapped_column(default=False)
    holder_digest: Mapped[str | None] = mapped_column(String(64), unique=True)
    title: Mapped[str | None] = mapped_column(String(200))
    tags: Mapped[str | None] = mapped_column(String(400))
    name_box: Mapped[bytes | None] = mapped_column(LargeBinary)
    blob_id: Mapped[str | None] = mapped_column(String(32))
    shown_blob_id: Mapped[str | None] = mapped_column(String(32))
    received_seq: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ArchiveWrappedKeyRow(Base):
    """An item's file key sealed to one team member's public key."""

    __tablename__ = "archive_wrapped_key"

    item_id: Mapped[str] = mapped_column(ForeignKey("archive_item.id"), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), primary_key=True)
    wrapped: Mapped[bytes] = mapped_column(LargeBinary(80))


class ArchiveCustodyRow(Base):
    """One record of a case's custody log (`asamblea.core.archive.custody`); append-only."""

    __tablename__ = "archive_custody"

    case_id: Mapped[str] = mapped_column(ForeignKey("archive_case.id"), primary_key=True)
    seq: Mapped[int] = mapped_column(primary_key=True)
    digest: Mapped[str] = mapped_column(String(64))
    head: Mapped[str] = mapped_column(String(64))
    signature: Mapped[str] = mapped_column(String(128))
    entry: Mapped[dict[str, Any]]


class ArchiveIntakeLinkRow(Base):
    """A one-time intake link for a witness without an account (only its token's digest)."""

    __tablename__ = "archive_intake_link"
    __table_args__ = (CheckConstraint(f"consent {_CONSENT}", name="consent_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("archive_case.id"), index=True)
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    consent: Mapped[str] = mapped_column(String(12))
    created_by: Mapped[int] = mapped_column(ForeignKey("person.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class ArchiveUploadRow(Base):
    """A resumable (tus) upload in progress: its offset, its segments, its key held under its
    secret (`asamblea.core.archive.intake`) until it completes."""

    __tablename__ = "archive_upload"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("archive_case.id"), index=True)
    link_id: Mapped[int | None] = mapped_column(ForeignKey("archive_intake_link.id"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    length: Mapped[int] = mapped_column(BigInteger)
    offset: Mapped[int] = mapped_column(BigInteger, default=0)
    segments: Mapped[int] = mapped_column(default=0)
    held_key: Mapped[bytes] = mapped_column(LargeBinary)
    wraps: Mapped[dict[str, Any]]
    name_box: Mapped[bytes | None] = mapped_column(LargeBinary)
    consent: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: The title the sender gave (kept in the clear, like every title; migration 0019).
    title: Mapped[str | None] = mapped_column(String(200))
    #: When it last received bytes (created, then each ``PATCH``): the sweep removes uploads
    #: left untouched for a day (migration 0023).
    touched_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class ArchiveUnlockRow(Base):
    """A member's private key unlocked for one login session, sealed under the session's token
    (which only the browser holds): usable only with that cookie, gone at logout or expiry."""

    __tablename__ = "archive_unlock"

    session_digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    held: Mapped[bytes] = mapped_column(LargeBinary)
    expires_at: Mapped[datetime]


class ArchiveSearchRow(Base):
    """An item's searchable words (title and tags only), each prefixed with its consent circle
    (`asamblea.core.archive.search`). The full-text index over ``terms`` is the database's own:
    an FTS5 table on SQLite, a GIN index on PostgreSQL (migration 0014; not modelled here)."""

    __tablename__ = "archive_search"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[str] = mapped_column(ForeignKey("archive_item.id"), unique=True)
    case_id: Mapped[str] = mapped_column(String(32), index=True)
    created_at: Mapped[datetime]
    terms: Mapped[str] = mapped_column(Text)
    #: The circle every word of ``terms`` is prefixed with (migration 0019): PostgreSQL walks
    #: its index on ``(circle, id + 0)`` backwards, one circle the person may search at a time
    #: (`asamblea.store.archive_search`; the index is the migration's, like the GIN index).
    circle: Mapped[str] = mapped_column(String(17), server_default="")


class ArchiveEventRow(Base):
    """A dated event of a case's timeline (what happened when), with a consent level like an
    item's. Its text is in the clear, like titles (docs/archive.md, "Timeline")."""

    __tablename__ = "archive_event"
    __table_args__ = (CheckConstraint(f"consent {_CONSENT}", name="consent_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("archive_case.id"), index=True)
    happened_on: Mapped[date]
    happened_at: Mapped[time | None]
    description: Mapped[str] = mapped_column(String(500))
    consent: Mapped[str] = mapped_column(String(12))
    created_by: Mapped[int] = mapped_column(ForeignKey("person.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ArchiveEventItemRow(Base):
    """An item linked to a timeline event (shown only to whoever may see the item too)."""

    __tablename__ = "archive_event_item"

    event_id: Mapped[int] = mapped_column(ForeignKey("archive_event.id", ondelete="CASCADE"),
                                          primary_key=True)
    item_id: Mapped[str] = mapped_column(ForeignKey("archive_item.id"), primary_key=True)
