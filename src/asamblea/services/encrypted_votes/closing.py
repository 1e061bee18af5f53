"""Closing an encrypted vote: the server adds the ballots up encrypted; trustees decrypt the sum.

At closing the server computes the homomorphic tally (one ciphertext per option) and signs the
chain's final head. Each trustee's tool fetches the board, checks every ballot, recomputes the
tally and posts a decryption share of that tally only, with its proofs; the server checks each
share against the trustee's verification key and, once ``t`` verified shares are in, decrypts
the counts, seals the board (`asamblea.core.crypto.board.seal_board`) and publishes the result.
An absent trustee blocks nothing while ``t`` remain. No share of a single ballot is ever asked.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime

from nacl.signing import SigningKey
from sqlalchemy.orm import Session

from asamblea.core import votes as rules
from asamblea.core.crypto.board import (
    AuditedBallot,
    EncryptedBoard,
    Manifest,
    seal_board,
    share_json,
)
from asamblea.core.crypto.elgamal import Ciphertext
from asamblea.core.crypto.group import decode_point
from asamblea.core.crypto.tally import decrypt_tally, is_valid_share, tally_ciphertexts
from asamblea.core.crypto.threshold import verification_key
from asamblea.core.errors import N_, Conflict, Invalid, NotFound
from asamblea.core.ledger import Board, HeadStatement, JsonValue, format_utc, recount, sign
from asamblea.core.ledger.chain import BallotKind
from asamblea.core.people import Person
from asamblea.core.votes import Vote, VoteState
from asamblea.formats.encrypted_board import (
    ballot_from_json,
    dealing_from_json,
    nonces_from_json,
    share_from_json,
)
from asamblea.services.encrypted_votes.common import (
    earlier_attempts,
    election_of,
    membership,
    parsed,
    record,
    trustee_of,
    vote_of,
)
from asamblea.store.encrypted_votes_repository import EncryptedVote, EncryptedVoteRepository
from asamblea.store.votes_repository import VoteRepository


def close_encrypted(
    db: Session, actor: Person, vote_id: int, now: datetime, key: SigningKey
) -> Vote:
    """A facilitator closes the vote: the tally is computed and kept, the final head signed."""
    vote, _ = vote_of(db, vote_id, lock=True)
    rules.check_facilitator(membership(db, vote.assembly_id, actor), vote.assembly_id)
    rules.check_close(vote, now)
    return _close(db, vote, now, key, actor)


def close_due_encrypted(db: Session, vote_id: int, now: datetime, key: SigningKey) -> Vote | None:
    """The runner's close of an encrypted vote past its closing time, with no person as the
    audit's actor; None (and nothing written) when it is not, or no longer, due."""
    vote, _ = vote_of(db, vote_id, lock=True)
    if vote.state is not VoteState.OPEN or now < vote.spec.closes_at:
        return None
    return _close(db, vote, now, key, None)


def _close(db: Session, vote: Vote, now: datetime, key: SigningKey, actor: Person | None) -> Vote:
    """Compute and keep the homomorphic tally, sign the final head, record who closed."""
    repo = EncryptedVoteRepository(db)
    ballots = [ballot_from_json(b.ballot) for b in repo.ballots(vote.id)]
    tally = tally_ciphertexts(
        [[o.ciphertext for o in b.options] for b in ballots], len(vote.spec.options)
    )
    repo.set_tally(vote.id, [{"alpha": c.alpha.hex(), "beta": c.beta.hex()} for c in tally])
    assert vote.genesis is not None  # noqa: S101 - set when the vote opened
    assert vote.head is not None  # noqa: S101
    statement = HeadStatement(vote.header().vote_id, vote.genesis, vote.length, vote.head)
    VoteRepository(db).publish(
        vote.id,
        state=VoteState.CLOSED,
        seed="",
        closed_at=now.replace(microsecond=0),
        head_signature=sign(key, statement),
        seal_signature="",
        result=None,
    )
    record(db, actor, "vote.closed", vote, {"ballots": len(ballots)})
    return vote_of(db, vote.id)[0]


def submit_share(db: Session, actor: Person, vote_id: int, share: object, key: SigningKey) -> Vote:
    """A trustee's decryption share of the tally, kept once its proofs hold; with ``t`` of them
    the counts are decrypted and the result published."""
    vote, encrypted = vote_of(db, vote_id, lock=True)
    me = trustee_of(db, actor, vote_id)
    if vote.state is not VoteState.CLOSED or encrypted.tally is None:
        raise Conflict(N_("Decryption shares are taken after closing, until the result is out."))
    found = parsed(share_from_json, share, N_("That decryption share is malformed."))
    repo = EncryptedVoteRepository(db)
    if found.trustee != me.number:
        raise Invalid(N_("That decryption share is not for your trustee number."))
    if me.number in {s["trustee"] for s in repo.shares(vote_id)}:
        raise Conflict(N_("You have already sent your decryption share."))
    election = election_of(encrypted, len(vote.spec.options))
    dealings = [dealing_from_json(t.dealing) for t in repo.trustees(vote_id)]
    if not is_valid_share(
        election.election_hash, verification_key(dealings, me.number), tally_of(encrypted), found
    ):
        raise Invalid(N_("That decryption share's proofs do not hold for this vote's tally."))
    repo.add_share(vote_id, me.number, share_json(found))
    record(db, actor, "vote.trustee.decryption", vote, {"trustee": me.number})
    if len(repo.shares(vote_id)) >= encrypted.threshold:
        _publish(db, vote, encrypted, key)
    return vote_of(db, vote_id)[0]


def board(db: Session, viewer: Person | None, vote_id: int, key: SigningKey) -> EncryptedBoard:
    """The encrypted board, once the vote has closed (trustees need it to make their shares)."""
    vote, encrypted = vote_of(db, vote_id)
    if not rules.can_see(vote, membership(db, vote.assembly_id, viewer)):
        raise NotFound(N_("That encrypted vote does not exist."))
    if vote.state not in {VoteState.CLOSED, VoteState.PUBLISHED}:
        raise Conflict(N_("The board is published when the vote closes."))
    return build_board(db, vote, encrypted, key)


def tally_of(encrypted: EncryptedVote) -> tuple[Ciphertext, ...]:
    """The stored homomorphic tally."""
    return tuple(
        Ciphertext(decode_point(bytes.fromhex(c["alpha"])), decode_point(bytes.fromhex(c["beta"])))
        for c in encrypted.tally or []
    )


def build_board(
    db: Session, vote: Vote, encrypted: EncryptedVote, key: SigningKey
) -> EncryptedBoard:
    """The board from what is stored, sealed with the server's key."""
    repo = EncryptedVoteRepository(db)
    dealings = tuple(dealing_from_json(t.dealing) for t in repo.trustees(vote.id))
    assert encrypted.public_key is not None  # noqa: S101 - frozen when the vote opened
    assert vote.closed_at is not None  # noqa: S101 - the board exists once closed
    manifest = Manifest(
        header=vote.header(),
        min_selections=encrypted.min_selections,
        max_selections=encrypted.max_selections,
        threshold=encrypted.threshold,
        ceremony=bytes.fromhex(encrypted.ceremony),
        dealings=dealings,
        public_key=decode_point(bytes.fromhex(encrypted.public_key)),
        earlier=earlier_attempts(db, vote.id),
    )
    audited = [
        AuditedBallot(
            ballot_from_json(a["ballot"]), tuple(a["selections"]), nonces_from_json(a["nonces"])
        )
        for a in repo.audits(vote.id)
    ]
    unsealed = EncryptedBoard(
        manifest=manifest,
        voters=vote.voters,
        closed_at=format_utc(vote.closed_at),
        ballots=[ballot_from_json(b.ballot) for b in repo.ballots(vote.id)],
        audited=audited,
        genesis="",
        heads=[],
        tally=tally_of(encrypted),
        shares=tuple(share_from_json(s) for s in repo.shares(vote.id)),
        counts=None if encrypted.counts is None else tuple(encrypted.counts),
        signing_key="",
        head_signature="",
        seal_signature="",
    )
    return seal_board(unsealed, key)


def _publish(db: Session, vote: Vote, encrypted: EncryptedVote, key: SigningKey) -> None:
    repo = EncryptedVoteRepository(db)
    shares = [share_from_json(s) for s in repo.shares(vote.id)]
    counts = decrypt_tally(tally_of(encrypted), shares, encrypted.threshold, vote.length)
    repo.set_counts(vote.id, list(counts))
    sealed = build_board(db, vote, replace(encrypted, counts=list(counts)), key)
    assert vote.closed_at is not None  # noqa: S101 - closed before any share is taken
    VoteRepository(db).publish(
        vote.id,
        state=VoteState.PUBLISHED,
        seed="",
        closed_at=vote.closed_at,
        head_signature=sealed.head_signature,
        seal_signature=sealed.seal_signature,
        result=outcome(vote, counts),
    )


def outcome(vote: Vote, counts: tuple[int, ...]) -> dict[str, JsonValue]:
    """The vote's rule over the decrypted counts, as its plaintext count would give it.

    Plurality, majority and approval count per-option sums, so one single-option ballot per
    approval (blank ballots for the rest of a choice vote) gives the same outcome; ties at the
    last seat are broken by lot from the public seed of the final head, as for plaintext votes.
    """
    selections: list[list[int]] = [[i] for i, n in enumerate(counts) for _ in range(n)]
    if vote.spec.kind is BallotKind.CHOICE:
        selections += [[] for _ in range(max(0, vote.length - sum(counts)))]
    assert vote.head is not None  # noqa: S101 - opened votes have a head
    board = Board(
        header=vote.header(),
        voters=vote.voters,
        closed_at="",
        seed=rules.seed_for(vote.head),
        receipts=[""] * len(selections),
        selections=selections,
        genesis="",
        heads=[],
        public_key="",
        head_signature="",
        seal_signature="",
        result=None,
        in_person=None,
    )
    result: Mapping[str, JsonValue] = recount(board)
    return dict(result) | {"encrypted": {"ballots": vote.length, "counts": list(counts)}}
