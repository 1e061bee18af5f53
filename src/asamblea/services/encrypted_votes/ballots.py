"""Casting and auditing encrypted ballots.

Casting keeps the plaintext vote's guarantees: under the vote's lock, in the caller's one
transaction, the voter is marked on the roll and the ballot appended to the chain, with nothing
that links the two (no voter, no time on the ballot). The server checks every proof before it
accepts a ballot, refuses a ciphertext already cast (a copied or replayed ballot), and answers
with the ballot's tracker and the signed head after it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from nacl.signing import SigningKey
from sqlalchemy.orm import Session

from asamblea.core import votes as rules
from asamblea.core.crypto.ballot import (
    Election,
    EncryptedBallot,
    is_audit_consistent,
    is_valid_ballot,
    tracker,
)
from asamblea.core.crypto.board import AuditedBallot, ballot_json
from asamblea.core.errors import N_, Conflict, Forbidden, Invalid, NotFound
from asamblea.core.ledger import HeadStatement, sign
from asamblea.core.people import Person
from asamblea.core.votes import Vote
from asamblea.formats.encrypted_board import ballot_from_json, nonces_from_json
from asamblea.services.encrypted_votes.common import election_of, membership, parsed, vote_of
from asamblea.store.encrypted_votes_repository import EncryptedVoteRepository, StoredBallot
from asamblea.store.votes_repository import VoteRepository


@dataclass(frozen=True)
class EncryptedReceipt:
    """What a voter keeps: the tracker, and the signed chain head right after their ballot."""

    vote_id: int
    tracker: str
    statement: HeadStatement
    signature: str
    public_key: str


def election_for(
    db: Session, viewer: Person | None, vote_id: int
) -> tuple[dict[str, Any], Election]:
    """The frozen manifest (what a voter's device encrypts against) and the election it gives."""
    vote, encrypted = vote_of(db, vote_id)
    if not rules.can_see(vote, membership(db, vote.assembly_id, viewer)):
        raise NotFound(N_("That encrypted vote does not exist."))
    election = election_of(encrypted, len(vote.spec.options))
    assert encrypted.manifest is not None  # noqa: S101 - election_of checked it
    return encrypted.manifest, election


def cast_encrypted(
    db: Session, voter: Person, vote_id: int, ballot: object, *, now: datetime, key: SigningKey
) -> EncryptedReceipt:
    """Check an encrypted ballot's proofs, mark the voter, append the ballot (one transaction)."""
    vote, election = _open_vote(db, vote_id, now)
    found = _checked(election, ballot)
    repo, votes = EncryptedVoteRepository(db), VoteRepository(db)
    mark = tracker(found).hex()
    standing = votes.on_roll(vote.id, voter.id)
    if standing is None:
        raise Forbidden(N_("You are not on this vote's roll."))
    if standing:
        raise Conflict(N_("You have already voted in this vote."))
    if repo.has_tracker(vote.id, mark) or not repo.add_alphas(
        vote.id, [o.ciphertext.alpha.hex() for o in found.options]
    ):
        raise Conflict(N_("That ballot has already been cast: encrypt your choice again."))
    if not votes.mark_voted(vote.id, voter.id):
        raise Conflict(N_("You have already voted in this vote."))
    assert vote.head is not None  # noqa: S101 - the election hash, set when the vote opened
    assert vote.genesis is not None  # noqa: S101
    head = hashlib.sha256(bytes.fromhex(vote.head) + bytes.fromhex(mark)).hexdigest()
    position = vote.length + 1
    repo.append(vote.id, StoredBallot(position, vote.head, head, mark, ballot_json(found)))
    statement = HeadStatement(vote.header().vote_id, vote.genesis, position, head)
    return EncryptedReceipt(
        vote.id, mark, statement, sign(key, statement), bytes(key.verify_key).hex()
    )


def audit_ballot(
    db: Session,
    voter: Person,
    vote_id: int,
    ballot: object,
    *,
    selections: list[int],
    nonces: object,
    now: datetime,
) -> AuditedBallot:
    """Publish a ballot its voter chose to audit (Benaloh): its proofs hold, and re-encrypting
    the revealed selections with the revealed nonces gives it. It is never cast."""
    vote, election = _open_vote(db, vote_id, now)
    if VoteRepository(db).on_roll(vote.id, voter.id) is None:
        raise Forbidden(N_("You are not on this vote's roll."))
    found = _checked(election, ballot)
    secrets = parsed(nonces_from_json, nonces, N_("Those audit nonces are malformed."))
    if not is_audit_consistent(election, found, selections, secrets):
        raise Invalid(N_("The revealed choices and nonces do not give this ballot."))
    repo = EncryptedVoteRepository(db)
    if repo.has_tracker(vote.id, tracker(found).hex()):
        raise Conflict(N_("A ballot that was cast cannot be audited."))
    audited = AuditedBallot(found, tuple(selections), secrets)
    repo.add_audit(vote.id, ballot_json(found), list(selections), [n.hex() for n in secrets])
    return audited


def _open_vote(db: Session, vote_id: int, now: datetime) -> tuple[Vote, Election]:
    vote, encrypted = vote_of(db, vote_id, lock=True)
    rules.check_cast(vote, now)
    return vote, election_of(encrypted, len(vote.spec.options))


def _checked(election: Election, ballot: object) -> EncryptedBallot:
    found = parsed(ballot_from_json, ballot, N_("That encrypted ballot is malformed."))
    if not is_valid_ballot(election, found):
        raise Invalid(N_("The ballot's proofs do not hold; it was not cast."))
    return found


def is_encrypted(db: Session, vote_id: int) -> bool:
    """Whether the vote's ballots are cast encrypted (its page then encrypts in the browser)."""
    return EncryptedVoteRepository(db).is_encrypted(vote_id)
