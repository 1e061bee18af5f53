"""Encrypted votes models: the ceremony, its trustees and sealed shares, ballots, audits, shares.

Nothing here is secret in clear: the server keeps public dealings, shares sealed to trustees'
own keys (it cannot open them), encrypted ballots and decryption shares
(docs/encrypted-votes.md, §9). No table links a person to a ballot.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from asamblea.store.base import Base


class EncryptedVoteRow(Base):
    """A vote cast encrypted: its bounds, its trustees' number and threshold, its frozen manifest.

    The row's presence is the vote's ``encrypted`` flag.
    """

    __tablename__ = "encrypted_vote"
    __table_args__ = (
        CheckConstraint(
            "threshold >= 1 AND threshold <= trustees AND trustees <= 64", name="threshold_range"
        ),
        CheckConstraint(
            "min_selections >= 0 AND min_selections <= max_selections", name="selections_range"
        ),
    )

    vote_id: Mapped[int] = mapped_column(ForeignKey("vote.id"), primary_key=True)
    trustees: Mapped[int]
    threshold: Mapped[int]
    min_selections: Mapped[int]
    max_selections: Mapped[int]
    ceremony: Mapped[str] = mapped_column(String(64))
    public_key: Mapped[str | None] = mapped_column(String(64))
    manifest: Mapped[dict[str, Any] | None]
    tally: Mapped[list[Any] | None]
    counts: Mapped[list[Any] | None]


class EncryptedTrusteeRow(Base):
    """A trustee: their number, who they are, their box key and public dealing once published."""

    __tablename__ = "encrypted_trustee"
    __table_args__ = (
        UniqueConstraint("vote_id", "person_id"),
        CheckConstraint("number >= 1 AND number <= 64", name="number_range"),
    )

    vote_id: Mapped[int] = mapped_column(ForeignKey("vote.id"), primary_key=True)
    number: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    box_key: Mapped[str | None] = mapped_column(String(64))
    dealing: Mapped[dict[str, Any] | None]
    confirmed: Mapped[bool] = mapped_column(Boolean, default=False)


class EncryptedSealedShareRow(Base):
    """``f_from(to)`` sealed to trustee ``to``'s box key: relayed, never readable here."""

    __tablename__ = "encrypted_sealed_share"

    vote_id: Mapped[int] = mapped_column(ForeignKey("vote.id"), primary_key=True)
    sender: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    recipient: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    sealed: Mapped[str] = mapped_column(Text)


class EncryptedBallotRow(Base):
    """An encrypted ballot in the box: its place, the head before and after it, its tracker.

    No voter and no time.
    """

    __tablename__ = "encrypted_ballot"
    __table_args__ = (
        UniqueConstraint("vote_id", "previous"),
        UniqueConstraint("vote_id", "tracker"),
    )

    vote_id: Mapped[int] = mapped_column(ForeignKey("vote.id"), primary_key=True)
    position: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    previous: Mapped[str] = mapped_column(String(64))
    head: Mapped[str] = mapped_column(String(64))
    tracker: Mapped[str] = mapped_column(String(64))
    ballot: Mapped[dict[str, Any]]


class EncryptedAuditRow(Base):
    """A ballot the voter audited: never cast, published with its selections and nonces."""

    __tablename__ = "encrypted_audit"

    id: Mapped[int] = mapped_column(primary_key=True)
    vote_id: Mapped[int] = mapped_column(ForeignKey("vote.id"), index=True)
    ballot: Mapped[dict[str, Any]]
    selections: Mapped[list[Any]]
    nonces: Mapped[list[Any]]


class EncryptedShareRow(Base):
    """A trustee's decryption share of the tally, kept only once its proofs verified."""

    __tablename__ = "encrypted_share"

    vote_id: Mapped[int] = mapped_column(ForeignKey("vote.id"), primary_key=True)
    trustee: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    share: Mapped[dict[str, Any]]


class EncryptedAlphaRow(Base):
    """Every ``α`` of every cast ballot: a ciphertext copied from another ballot is refused."""

    __tablename__ = "encrypted_alpha"

    vote_id: Mapped[int] = mapped_column(ForeignKey("vote.id"), primary_key=True)
    alpha: Mapped[str] = mapped_column(String(64), primary_key=True)


class EncryptedComplaintRow(Base):
    """Trustee ``complainant`` found that ``accused``'s sealed share to them does not match
    ``accused``'s commitments (migration 0020). Public to the vote's trustees and facilitators;
    a vote with a complaint cannot open (its complainant never confirms)."""

    __tablename__ = "encrypted_complaint"

    vote_id: Mapped[int] = mapped_column(ForeignKey("vote.id"), primary_key=True)
    complainant: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    accused: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)


class EncryptedAttemptRow(Base):
    """A key ceremony that a complaint stopped and the facilitators restarted (migration 0021):
    its public record as the manifest's ``earlier_attempts`` holds it. Attempts are numbered
    1, 2, … in order; the current one lives in the other tables."""

    __tablename__ = "encrypted_attempt"

    vote_id: Mapped[int] = mapped_column(ForeignKey("vote.id"), primary_key=True)
    attempt: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    record: Mapped[dict[str, Any]]
