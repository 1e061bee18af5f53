"""Casting and auditing encrypted ballots.

Casting keeps the plaintext vote's guarantees: under the vote's lock, in the caller's one
transaction, the voter is marked on the roll and the ballot appended to the chain, with nothing
that links the two (no voter, no time on the ballot). The server checks every proof before it
accepts a ballot, refuses a ciphertext already cast (a copied or replayed ballot), and answers
with the ballot's tracker and the signed head after it.

Over the web, a ballot is checked (`checked_ballot`, ~3 ms of proofs) in a worker thread, then
written by the group-commit writer with the plaintext votes' casts (`cast_encrypted_many`,
services/votes/casting.py): many ballots, one lock and one durable commit.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
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
from asamblea.core.errors import N_, Conflict, DomainError, Forbidden, Invalid, NotFound
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


@dataclass(frozen=True)
class CheckedBallot:
    """A ballot whose proofs hold for the election whose hash it carries: checked before it
    reaches the vote's lock (about 3 ms of curve work that must not hold up the writer)."""

    election_hash: bytes
    ballot: EncryptedBallot


def checked_ballot(election: Election, ballot: object) -> CheckedBallot:
    """Parse a posted ballot and check its proofs (`Invalid` when they do not hold). Pure CPU
    work with no database: the web calls it in a worker thread, off the event loop."""
    return CheckedBallot(election.election_hash, _checked(election, ballot))


def election_to_cast(db: Session, vote_id: int, now: datetime) -> Election:
    """The election a ballot is checked against, once the vote is seen to be open to casts
    (read without the vote's lock: the manifest is frozen while the vote is open). Who may
    cast is the writer's question, as for a plaintext ballot (the roll, under the lock)."""
    vote, encrypted = vote_of(db, vote_id)
    rules.check_cast(vote, now)
    return election_of(encrypted, len(vote.spec.options))


def cast_encrypted(
    db: Session, voter: Person, vote_id: int, ballot: object, *, now: datetime, key: SigningKey
) -> EncryptedReceipt:
    """Check an encrypted ballot's proofs, mark the voter, append the ballot (one transaction)."""
    vote, encrypted = vote_of(db, vote_id)
    checked = checked_ballot(election_of(encrypted, len(vote.spec.options)), ballot)
    [outcome] = cast_encrypted_many(db, vote_id, [(voter, checked)], now=now, key=key)
    if isinstance(outcome, DomainError):
        raise outcome
    return outcome


def cast_encrypted_many(
    db: Session,
    vote_id: int,
    casts: Sequence[tuple[Person, CheckedBallot]],
    *,
    now: datetime,
    key: SigningKey,
) -> list[EncryptedReceipt | DomainError]:
    """Cast checked ballots in one vote, in order, as `cast_encrypted` would one after another
    (the group-commit writer's batch, services/votes/casting.py). Every refusal is decided
    before anything is written, so it never affects another ballot; then one lock, one roll
    read, one roll update and one insert per table."""
    try:
        vote, _ = vote_of(db, vote_id, lock=True)
    except DomainError as error:
        return [error for _ in casts]
    votes = VoteRepository(db)
    standing = votes.standings(vote.id, [voter.id for voter, _ in casts])
    active = votes.active_among(vote.assembly_id, list(standing))
    repo = EncryptedVoteRepository(db)
    marks = [tracker(checked.ballot).hex() for _, checked in casts]
    alphas = [[o.ciphertext.alpha.hex() for o in c.ballot.options] for _, c in casts]
    taken_marks = repo.taken_trackers(vote.id, marks)
    taken_alphas = repo.taken_alphas(vote.id, [a for some in alphas for a in some])
    outcomes: list[EncryptedReceipt | DomainError | None] = []  # None: admitted
    admitted: list[tuple[int, Person, str, EncryptedBallot]] = []
    for index, (voter, checked) in enumerate(casts):
        try:
            _admit(vote, now, voter, checked, standing=standing, active=active)
            if (
                marks[index] in taken_marks
                or len(set(alphas[index])) != len(alphas[index])
                or (taken_alphas.intersection(alphas[index]))
            ):
                raise Conflict(N_("That ballot has already been cast: encrypt your choice again."))
        except DomainError as error:
            outcomes.append(error)
            continue
        standing[voter.id] = True
        taken_marks.add(marks[index])
        taken_alphas.update(alphas[index])
        admitted.append((index, voter, marks[index], checked.ballot))
        outcomes.append(None)
    if admitted:
        _append_admitted(votes, repo, vote, admitted, outcomes, key=key)
    return [outcome for outcome in outcomes if outcome is not None]


def _admit(
    vote: Vote,
    now: datetime,
    voter: Person,
    checked: CheckedBallot,
    *,
    standing: dict[int, bool],
    active: set[int],
) -> None:
    """`cast_encrypted`'s checks, in its order, against the batch's view of the roll."""
    rules.check_cast(vote, now)
    if vote.genesis != checked.election_hash.hex():  # cannot happen: the manifest is frozen
        raise Conflict(N_("That ballot was encrypted for another election."))
    if voter.id not in standing:
        raise Forbidden(N_("You are not on this vote's roll."))
    rules.check_still_member(voter.id in active)
    if standing[voter.id]:
        raise Conflict(N_("You have already voted in this vote."))


def _append_admitted(
    votes: VoteRepository,
    repo: EncryptedVoteRepository,
    vote: Vote,
    admitted: list[tuple[int, Person, str, EncryptedBallot]],
    outcomes: list[EncryptedReceipt | DomainError | None],
    *,
    key: SigningKey,
) -> None:
    if votes.mark_many_voted(vote.id, [voter.id for _, voter, _, _ in admitted]) != len(admitted):
        msg = f"vote {vote.id}: the roll changed under the vote's lock"
        raise RuntimeError(msg)  # cannot happen: every cast takes the vote's lock first
    assert vote.head is not None  # noqa: S101 - the election hash, set when the vote opened
    assert vote.genesis is not None  # noqa: S101
    head, position, public_key = vote.head, vote.length, bytes(key.verify_key).hex()
    vote_key = vote.header().vote_id
    stored: list[StoredBallot] = []
    for index, _, mark, ballot in admitted:
        previous, position = head, position + 1
        head = hashlib.sha256(bytes.fromhex(previous) + bytes.fromhex(mark)).hexdigest()
        stored.append(StoredBallot(position, previous, head, mark, ballot_json(ballot)))
        statement = HeadStatement(vote_key, vote.genesis, position, head)
        outcomes[index] = EncryptedReceipt(
            vote.id, mark, statement, sign(key, statement), public_key
        )
    repo.append_many(vote.id, stored)


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
