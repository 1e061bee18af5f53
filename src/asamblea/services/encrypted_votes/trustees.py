"""The trustees' own side of an encrypted vote: their page, their list, their complaints.

A trustee's secret never reaches the server in clear (docs/encrypted-votes.md, §9): the
browser page (web/static/trustee.js) and ``asamblea trustee`` draw the polynomial, seal the
shares, check those received and make the decryption share on the trustee's own device, and
talk to the server through the ceremony's API. This module serves what they read and the one
thing they add here: a complaint, when a share sealed to them fails its sender's commitments.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from asamblea.core.errors import N_, Conflict, Invalid
from asamblea.core.people import Person
from asamblea.core.votes import Vote, VoteState
from asamblea.services.encrypted_votes.common import record, trustee_of, vote_of
from asamblea.store.encrypted_votes_repository import EncryptedVoteRepository


@dataclass(frozen=True)
class TrusteePage:
    """What the trustee page shows before its script takes over."""

    vote: Vote
    number: int
    trustees: int
    threshold: int
    complaints: list[tuple[int, int]]


def trustee_page(db: Session, actor: Person, vote_id: int) -> TrusteePage:
    """The vote as one of its trustees sees it (`Forbidden` for anyone else)."""
    vote, encrypted = vote_of(db, vote_id)
    me = trustee_of(db, actor, vote_id)
    complaints = EncryptedVoteRepository(db).complaints(vote_id)
    return TrusteePage(vote, me.number, encrypted.trustees, encrypted.threshold, complaints)


@dataclass(frozen=True)
class CeremonyStatus:
    """How far a draft encrypted vote's key ceremony is, for anyone who may see the vote."""

    trustees: int
    threshold: int
    published: int
    confirmed: int
    complaints: list[tuple[int, int]]


def ceremony_status(db: Session, vote_id: int) -> CeremonyStatus | None:
    """The ceremony's progress (numbers only: no secret, no person), or None if not encrypted.
    The caller has already checked that the viewer may see the vote."""
    repo = EncryptedVoteRepository(db)
    encrypted = repo.get(vote_id)
    if encrypted is None:
        return None
    trustees = repo.trustees(vote_id)
    return CeremonyStatus(
        encrypted.trustees,
        encrypted.threshold,
        sum(t.dealing is not None for t in trustees),
        sum(t.confirmed for t in trustees),
        repo.complaints(vote_id),
    )


def trustee_number(db: Session, person: Person | None, vote_id: int) -> int | None:
    """The person's trustee number in this vote, or None (not a trustee, or not encrypted)."""
    if person is None:
        return None
    for trustee in EncryptedVoteRepository(db).trustees(vote_id):
        if trustee.person_id == person.id:
            return trustee.number
    return None


def complain(db: Session, actor: Person, vote_id: int, accused: int) -> None:
    """A trustee says the share ``accused`` sealed to them fails ``accused``'s commitments.

    The server cannot check it (the share is sealed); the complaint is public to the ceremony
    and the complainant never confirms, so the vote cannot open with that key.
    """
    vote, _ = vote_of(db, vote_id, lock=True)
    if vote.state is not VoteState.DRAFT:
        raise Conflict(N_("The key ceremony happens before the vote opens."))
    me = trustee_of(db, actor, vote_id)
    repo = EncryptedVoteRepository(db)
    if me.confirmed:
        raise Conflict(N_("You have already confirmed your shares."))
    if accused == me.number or accused not in repo.sealed_for(vote_id, me.number):
        raise Invalid(N_("You can only complain about a share another trustee sent you."))
    repo.complain(vote_id, me.number, accused)
    record(db, actor, "vote.trustee.complaint", vote, {"trustee": me.number, "against": accused})
