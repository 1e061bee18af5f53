"""Encrypted votes: the ceremony's rows, the encrypted ballot box, audits and decryption shares.

Rows hold public values only (hex and plain JSON as `asamblea.core.crypto.board` writes them);
parsing and checking them is the services' work.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from asamblea.store.encrypted_votes_models import (
    EncryptedAlphaRow,
    EncryptedAttemptRow,
    EncryptedAuditRow,
    EncryptedBallotRow,
    EncryptedComplaintRow,
    EncryptedSealedShareRow,
    EncryptedShareRow,
    EncryptedTrusteeRow,
    EncryptedVoteRow,
)
from asamblea.store.votes_models import VoteRow


@dataclass(frozen=True)
class EncryptedVote:
    """An encrypted vote's parameters and what is fixed or computed so far."""

    vote_id: int
    trustees: int
    threshold: int
    min_selections: int
    max_selections: int
    ceremony: str
    public_key: str | None
    manifest: dict[str, Any] | None
    tally: list[Any] | None
    counts: list[Any] | None


@dataclass(frozen=True)
class Trustee:
    """A trustee as stored: number, person, box key and dealing once published."""

    number: int
    person_id: int
    box_key: str | None
    dealing: dict[str, Any] | None
    confirmed: bool


@dataclass(frozen=True)
class StoredBallot:
    """An encrypted ballot in chain order."""

    position: int
    previous: str
    head: str
    tracker: str
    ballot: dict[str, Any]


class EncryptedVoteRepository:
    """Persistence of encrypted votes (the vote itself is `VoteRepository`'s)."""

    def __init__(self, db: Session) -> None:
        self.db = db

    def add(self, vote: EncryptedVote, trustee_ids: list[int]) -> None:
        """Mark a vote encrypted and name its trustees, numbered 1..n in the given order."""
        self.db.add(EncryptedVoteRow(**vote.__dict__))
        self.db.add_all(
            EncryptedTrusteeRow(vote_id=vote.vote_id, number=i, person_id=p, confirmed=False)
            for i, p in enumerate(trustee_ids, start=1)
        )
        self.db.flush()

    def get(self, vote_id: int) -> EncryptedVote | None:
        """The encrypted vote, or None for a plaintext one."""
        row = self.db.get(EncryptedVoteRow, vote_id)
        if row is None:
            return None
        return EncryptedVote(
            row.vote_id,
            row.trustees,
            row.threshold,
            row.min_selections,
            row.max_selections,
            row.ceremony,
            row.public_key,
            row.manifest,
            row.tally,
            row.counts,
        )

    def is_encrypted(self, vote_id: int) -> bool:
        """Whether the vote is cast encrypted."""
        return self.db.get(EncryptedVoteRow, vote_id) is not None

    def trustees(self, vote_id: int) -> list[Trustee]:
        """The trustees, by number."""
        rows = self.db.scalars(
            select(EncryptedTrusteeRow)
            .where(EncryptedTrusteeRow.vote_id == vote_id)
            .order_by(EncryptedTrusteeRow.number)
        )
        return [Trustee(r.number, r.person_id, r.box_key, r.dealing, r.confirmed) for r in rows]

    def publish_dealing(
        self, vote_id: int, number: int, box_key: str, dealing: dict[str, Any]
    ) -> None:
        """Record a trustee's box key and public dealing."""
        self.db.execute(
            update(EncryptedTrusteeRow)
            .where(EncryptedTrusteeRow.vote_id == vote_id, EncryptedTrusteeRow.number == number)
            .values(box_key=box_key, dealing=dealing)
        )

    def confirm(self, vote_id: int, number: int) -> None:
        """A trustee has checked every share sent to them against its sender's commitments."""
        self.db.execute(
            update(EncryptedTrusteeRow)
            .where(EncryptedTrusteeRow.vote_id == vote_id, EncryptedTrusteeRow.number == number)
            .values(confirmed=True)
        )

    def add_sealed(self, vote_id: int, sender: int, sealed: dict[int, str]) -> None:
        """Keep the shares one trustee sealed to each other trustee."""
        self.db.add_all(
            EncryptedSealedShareRow(vote_id=vote_id, sender=sender, recipient=r, sealed=s)
            for r, s in sorted(sealed.items())
        )
        self.db.flush()

    def senders(self, vote_id: int) -> set[int]:
        """The trustees who have sent their sealed shares."""
        rows = self.db.scalars(
            select(EncryptedSealedShareRow.sender).where(EncryptedSealedShareRow.vote_id == vote_id)
        )
        return set(rows)

    def sealed_for(self, vote_id: int, recipient: int) -> dict[int, str]:
        """The sealed shares addressed to one trustee, by sender."""
        rows = self.db.execute(
            select(EncryptedSealedShareRow.sender, EncryptedSealedShareRow.sealed).where(
                EncryptedSealedShareRow.vote_id == vote_id,
                EncryptedSealedShareRow.recipient == recipient,
            )
        )
        return {row[0]: row[1] for row in rows}

    def complain(self, vote_id: int, complainant: int, accused: int) -> None:
        """Keep a trustee's complaint about the share another trustee sealed to them."""
        self.db.merge(
            EncryptedComplaintRow(vote_id=vote_id, complainant=complainant, accused=accused)
        )
        self.db.flush()

    def complaints(self, vote_id: int) -> list[tuple[int, int]]:
        """``(complainant, accused)`` pairs of a vote's ceremony."""
        rows = self.db.execute(
            select(EncryptedComplaintRow.complainant, EncryptedComplaintRow.accused)
            .where(EncryptedComplaintRow.vote_id == vote_id)
            .order_by(EncryptedComplaintRow.complainant, EncryptedComplaintRow.accused)
        )
        return [(row[0], row[1]) for row in rows]

    def restart(
        self,
        vote_id: int,
        record: dict[str, Any],
        ceremony: str,
        threshold: int,
        trustee_ids: list[int],
    ) -> None:
        """Keep the stopped ceremony's public ``record`` as the next earlier attempt, drop its
        trustees, sealed shares and complaints, and start a new ceremony with new trustees."""
        done = len(self.earlier_attempts(vote_id))
        self.db.add(EncryptedAttemptRow(vote_id=vote_id, attempt=done + 1, record=record))
        for table in (EncryptedSealedShareRow, EncryptedComplaintRow, EncryptedTrusteeRow):
            self.db.execute(delete(table).where(table.vote_id == vote_id))
        self.db.execute(
            update(EncryptedVoteRow)
            .where(EncryptedVoteRow.vote_id == vote_id)
            .values(ceremony=ceremony, threshold=threshold, trustees=len(trustee_ids))
        )
        self.db.add_all(
            EncryptedTrusteeRow(vote_id=vote_id, number=i, person_id=p, confirmed=False)
            for i, p in enumerate(trustee_ids, start=1)
        )
        self.db.flush()

    def earlier_attempts(self, vote_id: int) -> list[dict[str, Any]]:
        """The public records of the ceremonies restarted before the current one, in order."""
        rows = self.db.scalars(
            select(EncryptedAttemptRow.record)
            .where(EncryptedAttemptRow.vote_id == vote_id)
            .order_by(EncryptedAttemptRow.attempt)
        )
        return list(rows)

    def freeze(self, vote_id: int, public_key: str, manifest: dict[str, Any], genesis: str) -> None:
        """Fix the election key and manifest; the vote's chain starts at the election hash."""
        self.db.execute(
            update(EncryptedVoteRow)
            .where(EncryptedVoteRow.vote_id == vote_id)
            .values(public_key=public_key, manifest=manifest)
        )
        self.db.execute(
            update(VoteRow).where(VoteRow.id == vote_id).values(genesis=genesis, head=genesis)
        )

    def append(self, vote_id: int, ballot: StoredBallot) -> None:
        """Append a ballot and move the vote's head; the caller holds the vote's lock."""
        self.db.add(EncryptedBallotRow(vote_id=vote_id, **ballot.__dict__))
        self.db.execute(
            update(VoteRow)
            .where(VoteRow.id == vote_id)
            .values(head=ballot.head, length=ballot.position, voters=VoteRow.voters + 1)
        )
        self.db.flush()

    def append_many(self, vote_id: int, ballots: Sequence[StoredBallot]) -> None:
        """Append ballots in chain order, their ciphertexts' ``α`` with them, and move the
        vote's head past the last one (the group-commit writer's batch: one insert per table,
        one update); the caller holds the vote's lock and has refused repeated ``α``."""
        self.db.execute(
            insert(EncryptedBallotRow), [{"vote_id": vote_id, **b.__dict__} for b in ballots]
        )
        self.db.execute(
            insert(EncryptedAlphaRow),
            [
                {"vote_id": vote_id, "alpha": option["alpha"]}
                for b in ballots
                for option in b.ballot["options"]
            ],
        )
        last = ballots[-1]
        self.db.execute(
            update(VoteRow)
            .where(VoteRow.id == vote_id)
            .values(head=last.head, length=last.position, voters=VoteRow.voters + len(ballots)),
            execution_options={"synchronize_session": False},
        )

    def taken_alphas(self, vote_id: int, alphas: Sequence[str]) -> set[str]:
        """Which of these ``α`` are already in the box (one query)."""
        return set(
            self.db.scalars(
                select(EncryptedAlphaRow.alpha).where(
                    EncryptedAlphaRow.vote_id == vote_id, EncryptedAlphaRow.alpha.in_(set(alphas))
                )
            )
        )

    def taken_trackers(self, vote_id: int, trackers: Sequence[str]) -> set[str]:
        """Which of these trackers are already in the box (one query)."""
        return set(
            self.db.scalars(
                select(EncryptedBallotRow.tracker).where(
                    EncryptedBallotRow.vote_id == vote_id,
                    EncryptedBallotRow.tracker.in_(set(trackers)),
                )
            )
        )

    def add_alphas(self, vote_id: int, alphas: list[str]) -> bool:
        """Record a ballot's ciphertexts; False (nothing written) when one was already cast."""
        if len(set(alphas)) != len(alphas):
            return False
        taken = self.db.scalar(
            select(EncryptedAlphaRow.alpha)
            .where(EncryptedAlphaRow.vote_id == vote_id, EncryptedAlphaRow.alpha.in_(alphas))
            .limit(1)
        )
        if taken is not None:
            return False
        self.db.add_all(EncryptedAlphaRow(vote_id=vote_id, alpha=a) for a in alphas)
        return True

    def has_tracker(self, vote_id: int, tracker: str) -> bool:
        """Whether a ballot with this tracker is already in the box."""
        found = self.db.scalar(
            select(EncryptedBallotRow.position).where(
                EncryptedBallotRow.vote_id == vote_id, EncryptedBallotRow.tracker == tracker
            )
        )
        return found is not None

    def ballots(self, vote_id: int) -> list[StoredBallot]:
        """Every cast ballot, in chain order."""
        rows = self.db.scalars(
            select(EncryptedBallotRow)
            .where(EncryptedBallotRow.vote_id == vote_id)
            .order_by(EncryptedBallotRow.position)
        )
        return [StoredBallot(r.position, r.previous, r.head, r.tracker, r.ballot) for r in rows]

    def add_audit(
        self, vote_id: int, ballot: dict[str, Any], selections: list[int], nonces: list[str]
    ) -> None:
        """Publish an audited (spoiled) ballot."""
        self.db.add(
            EncryptedAuditRow(vote_id=vote_id, ballot=ballot, selections=selections, nonces=nonces)
        )
        self.db.flush()

    def audits(self, vote_id: int) -> list[dict[str, Any]]:
        """Audited ballots, in the order they came, as `AuditedBallot.to_json` writes them."""
        rows = self.db.scalars(
            select(EncryptedAuditRow)
            .where(EncryptedAuditRow.vote_id == vote_id)
            .order_by(EncryptedAuditRow.id)
        )
        return [{"ballot": r.ballot, "selections": r.selections, "nonces": r.nonces} for r in rows]

    def set_tally(self, vote_id: int, tally: list[Any]) -> None:
        """Keep the homomorphic tally computed at closing."""
        self.db.execute(
            update(EncryptedVoteRow).where(EncryptedVoteRow.vote_id == vote_id).values(tally=tally)
        )

    def set_counts(self, vote_id: int, counts: list[int]) -> None:
        """Keep the decrypted counts."""
        self.db.execute(
            update(EncryptedVoteRow)
            .where(EncryptedVoteRow.vote_id == vote_id)
            .values(counts=counts)
        )

    def add_share(self, vote_id: int, trustee: int, share: dict[str, Any]) -> None:
        """Keep a verified decryption share."""
        self.db.add(EncryptedShareRow(vote_id=vote_id, trustee=trustee, share=share))
        self.db.flush()

    def shares(self, vote_id: int) -> list[dict[str, Any]]:
        """Verified decryption shares, by trustee."""
        rows = self.db.scalars(
            select(EncryptedShareRow)
            .where(EncryptedShareRow.vote_id == vote_id)
            .order_by(EncryptedShareRow.trustee)
        )
        return [r.share for r in rows]
