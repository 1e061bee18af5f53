"""What the encrypted votes' use cases share: finding the vote, its trustee, its election."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from asamblea.core.crypto.ballot import Election
from asamblea.core.crypto.board import EarlierAttempt
from asamblea.core.crypto.group import decode_point
from asamblea.core.errors import N_, Conflict, Forbidden, Invalid, NotFound
from asamblea.core.federation import Membership
from asamblea.core.ledger.canonical import canonical_json
from asamblea.core.people import Person
from asamblea.core.votes import Vote, can_see
from asamblea.formats.encrypted_board import earlier_attempt_from_json
from asamblea.formats.errors import FormatError
from asamblea.store.encrypted_votes_repository import (
    EncryptedVote,
    EncryptedVoteRepository,
    Trustee,
)
from asamblea.store.federation_repository import AuditRepository, FederationRepository
from asamblea.store.votes_repository import VoteRepository

T = TypeVar("T")


def vote_of(db: Session, vote_id: int, *, lock: bool = False) -> tuple[Vote, EncryptedVote]:
    """The vote and its encrypted part; `NotFound` for a missing or plaintext vote."""
    vote = VoteRepository(db).get(vote_id, lock=lock)
    encrypted = EncryptedVoteRepository(db).get(vote_id) if vote else None
    if vote is None or encrypted is None:
        raise NotFound(N_("That encrypted vote does not exist."))
    return vote, encrypted


def membership(db: Session, assembly_id: int, person: Person | None) -> Membership | None:
    """The person's membership of the assembly, if any."""
    return FederationRepository(db).membership_of(assembly_id, person.id) if person else None


def trustee_of(db: Session, actor: Person, vote_id: int) -> Trustee:
    """The actor as one of the vote's trustees; `Forbidden` for anyone else."""
    for trustee in EncryptedVoteRepository(db).trustees(vote_id):
        if trustee.person_id == actor.id:
            return trustee
    vote = VoteRepository(db).get(vote_id)
    if vote is None or not can_see(vote, membership(db, vote.assembly_id, actor)):
        raise NotFound(N_("That encrypted vote does not exist."))  # as for an unknown id
    raise Forbidden(N_("Only this vote's trustees can do this."))


def election_of(encrypted: EncryptedVote, options: int) -> Election:
    """What ballots are checked against; `Conflict` before the key ceremony is complete."""
    if encrypted.public_key is None or encrypted.manifest is None:
        raise Conflict(N_("The trustees' key ceremony is not complete."))
    return Election(
        election_hash=hashlib.sha256(canonical_json(encrypted.manifest)).digest(),
        public_key=decode_point(bytes.fromhex(encrypted.public_key)),
        options=options,
        min_selections=encrypted.min_selections,
        max_selections=encrypted.max_selections,
    )


def parsed(parse: Callable[[Any], T], value: object, message: str) -> T:
    """``parse(value)``, a malformed value refused as `Invalid` with ``message``."""
    try:
        return parse(value)
    except (FormatError, ValueError, TypeError, KeyError):
        raise Invalid(message) from None


def record(
    db: Session, actor: Person | None, action: str, vote: Vote, details: dict[str, object]
) -> None:
    """An audit-log line for the vote's assembly (no actor: the runner did it)."""
    actor_id = actor.id if actor is not None else None
    AuditRepository(db).record(actor_id, action, vote.assembly_id, f"vote:{vote.id}", details)


def earlier_attempts(db: Session, vote_id: int) -> tuple[EarlierAttempt, ...]:
    """The ceremonies restarted before the current one, as the manifest will hold them."""
    return tuple(
        earlier_attempt_from_json(r, f"earlier_attempts[{i}]")
        for i, r in enumerate(EncryptedVoteRepository(db).earlier_attempts(vote_id))
    )
