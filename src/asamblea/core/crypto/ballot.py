"""Encrypted ballots: one ciphertext per option, each proven to hold 0 or 1, and the number of
options chosen proven within the vote's bounds.

A ballot for a vote with ``k`` options is ``k`` ciphertexts ``(α_i, β_i)`` of ``m_i ∈ {0, 1}``,
each with a disjunctive proof (`proofs.prove_range` over ``0..1``), and, unless the bounds are
``0..k`` (which the option proofs already imply), a proof that ``Σ m_i`` is within
``min..max`` on the sum of the ciphertexts. A choice or yes/no vote is ``0..1`` (one option or a
blank ballot); an approval vote ``0..k`` or the bounds its rule sets.

Every proof of a ballot is bound to the election (its hash) and to the whole ballot: the digest
``SHA-256(α_1 || β_1 || … || α_k || β_k)`` is in each transcript, so an option cannot be lifted
into another ballot without copying all of it — and the board refuses repeated ciphertexts.

The ballot's tracker (the voter's receipt) is the SHA-256 of its bytes (`ballot_bytes`). To audit
an encryption (Benaloh's cast-or-audit), the voter reveals the selections and nonces: anyone can
re-encrypt them (`is_audit_consistent`) and see the ballot said what the voter chose.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from asamblea.core.crypto.elgamal import Ciphertext, encrypt, sum_ciphertexts
from asamblea.core.crypto.group import Point, Scalar, random_scalar, scalar_sum
from asamblea.core.crypto.proofs import Proof, check_range, prove_range
from asamblea.core.crypto.transcript import Transcript, integer
from asamblea.core.errors import N_, Invalid


@dataclass(frozen=True)
class Election:
    """What an encrypted ballot is checked against: the election's hash, key, options, bounds."""

    election_hash: bytes
    public_key: Point
    options: int
    min_selections: int
    max_selections: int

    def __post_init__(self) -> None:
        if len(self.election_hash) != 32:
            raise Invalid(N_("An election hash is 32 bytes"))
        if not 0 <= self.min_selections <= self.max_selections <= self.options or self.options < 1:
            raise Invalid(N_("Need 0 ≤ minimum ≤ maximum ≤ number of options"))

    @property
    def needs_count_proof(self) -> bool:
        """Whether the bounds say more than the option proofs do (anything but ``0..k``)."""
        return (self.min_selections, self.max_selections) != (0, self.options)


@dataclass(frozen=True)
class EncryptedOption:
    """One option's ciphertext and its 0-or-1 proof."""

    ciphertext: Ciphertext
    proof: Proof


@dataclass(frozen=True)
class EncryptedBallot:
    """A ballot as cast and published: its options, and the count proof when one is needed."""

    options: tuple[EncryptedOption, ...]
    count_proof: Proof | None


def ciphertexts_digest(ciphertexts: Sequence[Ciphertext]) -> bytes:
    """``SHA-256(α_1 || β_1 || … || α_k || β_k)``: what binds each proof to its whole ballot."""
    return hashlib.sha256(b"".join(c.alpha + c.beta for c in ciphertexts)).digest()


def option_context(election: Election, digest: bytes, index: int) -> Transcript:
    """The transcript prefix of option ``index``'s 0-or-1 proof."""
    return (Transcript("option").append("election", election.election_hash)
            .append("ballot", digest).append("index", integer(index)))


def count_context(election: Election, digest: bytes) -> Transcript:
    """The transcript prefix of the count proof."""
    return Transcript("count").append("election", election.election_hash).append("ballot", digest)


def check_selections(election: Election, selections: Sequence[int]) -> None:
    """Refuse selections that are not one 0 or 1 per option within the bounds (`Invalid`)."""
    if len(selections) != election.options or any(m not in (0, 1) for m in selections):
        raise Invalid(N_("A ballot says 0 or 1 for each of the {n} options"), n=election.options)
    if not election.min_selections <= sum(selections) <= election.max_selections:
        raise Invalid(N_("Choose from {lo} to {hi} options"), lo=election.min_selections,
                      hi=election.max_selections)


def encrypt_ballot(
    election: Election, selections: Sequence[int], nonces: Sequence[Scalar] | None = None
) -> tuple[EncryptedBallot, tuple[Scalar, ...]]:
    """The encrypted, proven ballot, and the nonces used (kept only to audit it)."""
    check_selections(election, selections)
    used = tuple(nonces) if nonces is not None else tuple(
        random_scalar() for _ in selections)
    key = election.public_key
    ciphertexts = [encrypt(key, m, r) for m, r in zip(selections, used, strict=True)]
    digest = ciphertexts_digest(ciphertexts)
    options = tuple(
        EncryptedOption(c, prove_range(option_context(election, digest, i), key, c, m, r,
                                       lo=0, hi=1))
        for i, (c, m, r) in enumerate(zip(ciphertexts, selections, used, strict=True))
    )
    count_proof = None
    if election.needs_count_proof:
        count_proof = prove_range(
            count_context(election, digest), key, sum_ciphertexts(ciphertexts),
            sum(selections), scalar_sum(list(used)),
            lo=election.min_selections, hi=election.max_selections)
    return EncryptedBallot(options, count_proof), used


def is_valid_ballot(election: Election, ballot: EncryptedBallot) -> bool:
    """Whether every proof of ``ballot`` holds for ``election`` (points already decoded)."""
    if len(ballot.options) != election.options:
        return False
    if (ballot.count_proof is None) == election.needs_count_proof:
        return False
    ciphertexts = [option.ciphertext for option in ballot.options]
    digest = ciphertexts_digest(ciphertexts)
    key = election.public_key
    for i, option in enumerate(ballot.options):
        if not check_range(option_context(election, digest, i), key, option.ciphertext,
                           option.proof, lo=0, hi=1):
            return False
    if ballot.count_proof is None:
        return True
    return check_range(count_context(election, digest), key, sum_ciphertexts(ciphertexts),
                       ballot.count_proof, lo=election.min_selections,
                       hi=election.max_selections)


def ballot_bytes(ballot: EncryptedBallot) -> bytes:
    """The ballot's bytes: per option ``α || β || c_0 || s_0 || c_1 || s_1``, then the count
    proof's pairs ``c_j || s_j`` (none when absent)."""
    parts: list[bytes] = []
    for option in ballot.options:
        parts += [option.ciphertext.alpha, option.ciphertext.beta]
        parts += [value for pair in option.proof for value in pair]
    parts += [value for pair in ballot.count_proof or () for value in pair]
    return b"".join(parts)


def tracker(ballot: EncryptedBallot) -> bytes:
    """The ballot tracker: ``SHA-256(ballot_bytes)``, the voter's receipt (32 bytes)."""
    return hashlib.sha256(ballot_bytes(ballot)).digest()


def is_audit_consistent(election: Election, ballot: EncryptedBallot,
                        selections: Sequence[int], nonces: Sequence[Scalar]) -> bool:
    """Whether re-encrypting ``selections`` with the revealed ``nonces`` gives the ballot's
    ciphertexts (a Benaloh audit: the device encrypted what the voter chose)."""
    if len(selections) != election.options or len(nonces) != election.options:
        return False
    if any(m not in (0, 1) for m in selections):
        return False
    return all(
        encrypt(election.public_key, m, r) == option.ciphertext
        for m, r, option in zip(selections, nonces, ballot.options, strict=True)
    )
