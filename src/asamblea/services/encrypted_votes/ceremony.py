"""The key ceremony through the server: it names the trustees, relays what they publish and the
shares they seal to each other, and never holds a secret (docs/encrypted-votes.md, §5 and §9).

Each trustee's own tool (`asamblea trustee` or the browser) draws the polynomial, seals the
shares and checks the ones it receives against their senders' commitments; the server checks
what it can check in public (each dealing's proof, each sealed share's size) and, once every
trustee has confirmed their shares, fixes the manifest when the vote opens.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from asamblea.core import votes as rules
from asamblea.core.crypto.board import EarlierAttempt, Manifest, dealing_json
from asamblea.core.crypto.threshold import check_parameters, election_key, is_valid_dealing
from asamblea.core.errors import N_, Conflict, Invalid, NotFound
from asamblea.core.ledger.chain import BallotKind
from asamblea.core.people import Person
from asamblea.core.votes import Mode, Vote, VoteState
from asamblea.formats.encrypted_board import dealing_from_json
from asamblea.services.encrypted_votes.common import (
    earlier_attempts,
    membership,
    parsed,
    record,
    trustee_of,
    vote_of,
)
from asamblea.services.federation.assemblies import members
from asamblea.store.encrypted_votes_repository import (
    EncryptedVote,
    EncryptedVoteRepository,
    Trustee,
)
from asamblea.store.votes_repository import VoteRepository

#: Rules whose count is the per-option sums a homomorphic tally gives.
ENCRYPTABLE_RULES = frozenset({"plurality", "majority", "approval"})
SEALED_SHARE_BYTES = 80  # crypto_box_seal of a 32-byte scalar: 32 + 16 + 32


@dataclass(frozen=True)
class CeremonyView:
    """What a trustee sees: every trustee's public part, and the shares sealed to them."""

    encrypted: EncryptedVote
    trustees: list[Trustee]
    me: Trustee
    sealed_for_me: dict[int, str]
    senders: set[int]
    complaints: list[tuple[int, int]]
    state: VoteState


def make_encrypted(
    db: Session, actor: Person, vote_id: int, trustee_ids: list[int], threshold: int
) -> EncryptedVote:
    """A facilitator makes a draft vote encrypted and names its trustees (numbered in order)."""
    repo = VoteRepository(db)
    vote = repo.get(vote_id, lock=True)
    if vote is None:
        raise NotFound(N_("That vote does not exist."))
    rules.check_facilitator(membership(db, vote.assembly_id, actor), vote.assembly_id)
    if vote.state is not VoteState.DRAFT or EncryptedVoteRepository(db).is_encrypted(vote_id):
        raise Conflict(N_("Only a draft vote that is not encrypted yet can be made encrypted."))
    if vote.spec.rule not in ENCRYPTABLE_RULES or vote.spec.mode is not Mode.SECRET:
        raise Invalid(N_("Only secret choice, approval or yes/no votes can be encrypted."))
    _check_trustees(repo, vote, trustee_ids, threshold)
    options = len(vote.spec.options)
    most = 1 if vote.spec.kind is BallotKind.CHOICE else options
    encrypted = EncryptedVote(
        vote_id, len(trustee_ids), threshold, 0, most, secrets.token_hex(32), None, None, None, None
    )
    EncryptedVoteRepository(db).add(encrypted, trustee_ids)
    details = {"trustees": len(trustee_ids), "threshold": threshold}
    record(db, actor, "vote.encrypted", vote, dict(details))
    return encrypted


def restart_ceremony(
    db: Session, actor: Person, vote_id: int, trustee_ids: list[int], threshold: int
) -> EncryptedVote:
    """A facilitator restarts a key ceremony that a complaint stopped (§5, §9).

    The server cannot tell who is right (the disputed share is sealed), so neither the accused
    nor the complainant is trusted with the new key by default: the facilitators name the new
    trustees (they may leave either out) and the threshold. The stopped attempt's public record —
    its id, threshold, number of trustees, published dealings and complaints — is kept and goes
    into the manifest (``earlier_attempts``), so the board shows every restart; its sealed
    shares, which nobody can use any more, are dropped. The new attempt has a new ceremony id,
    so no dealing, proof or share of the old one holds in it.
    """
    vote, encrypted = _draft(db, vote_id)
    rules.check_facilitator(membership(db, vote.assembly_id, actor), vote.assembly_id)
    repo = EncryptedVoteRepository(db)
    complaints = repo.complaints(vote_id)
    if not complaints:
        raise Conflict(N_("Only a key ceremony stopped by a complaint can be restarted."))
    _check_trustees(VoteRepository(db), vote, trustee_ids, threshold)
    dealings = tuple(
        dealing_from_json(t.dealing) for t in repo.trustees(vote_id) if t.dealing is not None
    )
    stopped = EarlierAttempt(
        bytes.fromhex(encrypted.ceremony),
        encrypted.threshold,
        encrypted.trustees,
        dealings,
        tuple(complaints),
    )
    fresh = secrets.token_hex(32)
    repo.restart(vote_id, _json(stopped.to_json()), fresh, threshold, trustee_ids)
    details = {
        "attempt": len(repo.earlier_attempts(vote_id)) + 1,
        "trustees": len(trustee_ids),
        "threshold": threshold,
        "complaints": [list(c) for c in complaints],
    }
    record(db, actor, "vote.ceremony.restarted", vote, dict(details))
    restarted = repo.get(vote_id)
    assert restarted is not None  # noqa: S101 - locked and encrypted above
    return restarted


def restart_candidates(db: Session, actor: Person, vote_id: int) -> list[tuple[int, str]]:
    """For the facilitators' restart form: the assembly's active members ``(person id, name)``;
    empty unless the actor facilitates and the draft's ceremony has a complaint."""
    vote, _ = vote_of(db, vote_id)
    found = membership(db, vote.assembly_id, actor)
    repo = EncryptedVoteRepository(db)
    if (
        vote.state is not VoteState.DRAFT
        or found is None
        or not found.is_facilitator
        or not repo.complaints(vote_id)
    ):
        return []
    active = set(VoteRepository(db).active_member_ids(vote.assembly_id))
    return sorted(
        (
            (m.person_id, name)
            for m, name in members(db, actor, vote.assembly_id)
            if m.person_id in active
        ),
        key=lambda pair: pair[1].casefold(),
    )


def _check_trustees(
    repo: VoteRepository, vote: Vote, trustee_ids: list[int], threshold: int
) -> None:
    if len(set(trustee_ids)) != len(trustee_ids):
        raise Invalid(N_("Name each trustee once."))
    check_parameters(threshold, len(trustee_ids))
    if not set(trustee_ids) <= set(repo.active_member_ids(vote.assembly_id)):
        raise Invalid(N_("Trustees must be active members of the assembly."))


def publish_dealing(
    db: Session, actor: Person, vote_id: int, box_key: str, dealing: object
) -> Trustee:
    """A trustee publishes their box key and dealing (commitments and proof, checked here)."""
    vote, encrypted = _draft(db, vote_id)
    me = trustee_of(db, actor, vote_id)
    if me.dealing is not None:
        raise Conflict(N_("You have already published your dealing."))
    key = parsed(bytes.fromhex, box_key, N_("A box key is 64 hexadecimal digits."))
    if len(key) != 32:  # an X25519 public key
        raise Invalid(N_("A box key is 64 hexadecimal digits."))
    found = parsed(dealing_from_json, dealing, N_("That dealing is malformed."))
    ceremony = bytes.fromhex(encrypted.ceremony)
    if found.index != me.number or not is_valid_dealing(ceremony, found, encrypted.threshold):
        raise Invalid(N_("That dealing's proof does not hold for your trustee number."))
    EncryptedVoteRepository(db).publish_dealing(
        vote_id, me.number, key.hex(), _json(dealing_json(found))
    )
    record(db, actor, "vote.trustee.dealing", vote, {"trustee": me.number})
    return trustee_of(db, actor, vote_id)


def send_shares(db: Session, actor: Person, vote_id: int, sealed: dict[int, str]) -> None:
    """A trustee sends ``f_i(j)`` sealed to each other trustee ``j`` (unreadable here)."""
    vote, _ = _draft(db, vote_id)
    me = trustee_of(db, actor, vote_id)
    repo = EncryptedVoteRepository(db)
    trustees = repo.trustees(vote_id)
    if any(t.dealing is None for t in trustees):
        raise Conflict(N_("Every trustee must publish their dealing first."))
    if me.number in repo.senders(vote_id):
        raise Conflict(N_("You have already sent your shares."))
    if set(sealed) != {t.number for t in trustees} - {me.number}:
        raise Invalid(N_("Send one sealed share to each other trustee."))
    for text in sealed.values():
        data = parsed(bytes.fromhex, text, N_("A sealed share is hexadecimal."))
        if len(data) != SEALED_SHARE_BYTES:
            raise Invalid(N_("A sealed share is hexadecimal."))
    repo.add_sealed(vote_id, me.number, {j: s.lower() for j, s in sealed.items()})
    record(db, actor, "vote.trustee.shares", vote, {"trustee": me.number})


def ceremony_view(db: Session, actor: Person, vote_id: int) -> CeremonyView:
    """A trustee's view of the ceremony."""
    vote, encrypted = vote_of(db, vote_id)
    me = trustee_of(db, actor, vote_id)
    repo = EncryptedVoteRepository(db)
    return CeremonyView(
        encrypted,
        repo.trustees(vote_id),
        me,
        repo.sealed_for(vote_id, me.number),
        repo.senders(vote_id),
        repo.complaints(vote_id),
        vote.state,
    )


def confirm_shares(db: Session, actor: Person, vote_id: int) -> None:
    """A trustee says every share sent to them matched its sender's commitments (their tool
    checked it; a bad share is never confirmed, and the vote cannot open without it)."""
    vote, _ = _draft(db, vote_id)
    me = trustee_of(db, actor, vote_id)
    repo = EncryptedVoteRepository(db)
    if any(complainant == me.number for complainant, _ in repo.complaints(vote_id)):
        raise Conflict(N_("You complained about a share: this key cannot be confirmed."))
    if repo.senders(vote_id) - {me.number} != {t.number for t in repo.trustees(vote_id)} - {
        me.number
    }:
        raise Conflict(N_("Every other trustee must send their shares first."))
    repo.confirm(vote_id, me.number)
    record(db, actor, "vote.trustee.confirmed", vote, {"trustee": me.number})


def check_ready(db: Session, vote_id: int) -> None:
    """Before an encrypted vote opens: every trustee has confirmed their shares."""
    repo = EncryptedVoteRepository(db)
    if repo.is_encrypted(vote_id) and not all(t.confirmed for t in repo.trustees(vote_id)):
        raise Conflict(N_("The trustees' key ceremony is not complete."))


def freeze(db: Session, opened: Vote) -> None:
    """When an encrypted vote opens: fix its manifest; its chain starts at the election hash."""
    repo = EncryptedVoteRepository(db)
    encrypted = repo.get(opened.id)
    if encrypted is None:
        return
    dealings = tuple(dealing_from_json(t.dealing) for t in repo.trustees(opened.id))
    manifest = Manifest(
        header=opened.header(),
        min_selections=encrypted.min_selections,
        max_selections=encrypted.max_selections,
        threshold=encrypted.threshold,
        ceremony=bytes.fromhex(encrypted.ceremony),
        dealings=dealings,
        public_key=election_key(dealings),
        earlier=earlier_attempts(db, opened.id),
    )
    repo.freeze(
        opened.id,
        manifest.public_key.hex(),
        _json(manifest.to_json()),
        manifest.election_hash().hex(),
    )


def _draft(db: Session, vote_id: int) -> tuple[Vote, EncryptedVote]:
    vote, encrypted = vote_of(db, vote_id, lock=True)
    if vote.state is not VoteState.DRAFT:
        raise Conflict(N_("The key ceremony happens before the vote opens."))
    return vote, encrypted


def _json(value: object) -> dict[str, Any]:
    assert isinstance(value, dict)  # noqa: S101 - parsed or built as an object
    return value
