"""The homomorphic tally, the trustees' decryption shares, and the result they determine.

The tally of option ``i`` is the sum of every ballot's ciphertext for ``i``: it encrypts the
number of ballots that chose ``i`` and is never decrypted alone. Each trustee ``j`` who takes part
publishes, per option, ``D_ij = x_j·α_i`` with a Chaum–Pedersen proof (`make_share`). With the
shares of ``t`` trustees ``S``, ``count_i·G = β_i − Σ_{j∈S} λ_j·D_ij`` and the count is found by
baby-step giant-step up to the number of ballots (`decrypt_tally`). `check_result` recomputes
``β_i − Σ λ_j·D_ij`` and compares it with ``count_i·G`` for the published counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from asamblea.core.crypto.elgamal import Ciphertext, discrete_log, sum_ciphertexts
from asamblea.core.crypto.group import Point, Scalar, small_multiple, sub
from asamblea.core.crypto.proofs import Response, check_equal_logs, prove_equal_logs
from asamblea.core.crypto.threshold import combine_points
from asamblea.core.crypto.transcript import Transcript, integer
from asamblea.core.errors import N_, Invalid


@dataclass(frozen=True)
class DecryptionShare:
    """Trustee ``trustee``'s ``D_i = x_j·α_i`` for every option, each with its proof."""

    trustee: int
    parts: tuple[Point, ...]
    proofs: tuple[Response, ...]


def tally_ciphertexts(ballots: Sequence[Sequence[Ciphertext]], options: int) -> tuple[
        Ciphertext, ...]:
    """Per option, the sum of the ballots' ciphertexts (each ballot: one ciphertext an option)."""
    return tuple(sum_ciphertexts(ballot[i] for ballot in ballots) for i in range(options))


def share_context(election_hash: bytes, trustee: int, option: int) -> Transcript:
    """The transcript prefix of trustee ``trustee``'s proof for option ``option``."""
    return (Transcript("decryption").append("election", election_hash)
            .append("trustee", integer(trustee)).append("option", integer(option)))


def make_share(election_hash: bytes, trustee: int, secret: Scalar,
               tally: Sequence[Ciphertext]) -> DecryptionShare:
    """Trustee ``trustee``'s decryption share of the tally, with its proofs."""
    made = [prove_equal_logs(share_context(election_hash, trustee, i), secret, c.alpha)
            for i, c in enumerate(tally)]
    return DecryptionShare(trustee, tuple(d for d, _ in made), tuple(p for _, p in made))


def is_valid_share(election_hash: bytes, verification_key: Point, tally: Sequence[Ciphertext],
                   share: DecryptionShare) -> bool:
    """Whether each part of ``share`` is ``x_j·α_i`` for the ``x_j`` of ``verification_key``."""
    if len(share.parts) != len(tally) or len(share.proofs) != len(tally):
        return False
    return all(
        check_equal_logs(share_context(election_hash, share.trustee, i), verification_key,
                         c.alpha, d, proof)
        for i, (c, d, proof) in enumerate(zip(tally, share.parts, share.proofs, strict=True))
    )


def _count_points(tally: Sequence[Ciphertext], shares: Sequence[DecryptionShare]) -> list[Point]:
    """``β_i − Σ λ_j·D_ij`` per option."""
    return [
        sub(c.beta, combine_points([(share.trustee, share.parts[i]) for share in shares]))
        for i, c in enumerate(tally)
    ]


def decrypt_tally(tally: Sequence[Ciphertext], shares: Sequence[DecryptionShare],
                  threshold: int, bound: int) -> tuple[int, ...]:
    """The counts, from ``threshold`` (or more) verified shares; `Invalid` with fewer."""
    if len({share.trustee for share in shares}) < threshold:
        raise Invalid(N_("{t} trustees must take part to decrypt"), t=threshold)
    return tuple(discrete_log(point, bound) for point in _count_points(tally, shares))


def check_result(tally: Sequence[Ciphertext], shares: Sequence[DecryptionShare],
                 counts: Sequence[int]) -> list[int]:
    """The options whose published count does not match the shares (empty when all match)."""
    if len(counts) != len(tally):
        return list(range(max(len(counts), len(tally))))
    return [i for i, (point, count) in enumerate(zip(_count_points(tally, shares), counts,
                                                     strict=True))
            if not isinstance(count, int) or count < 0 or small_multiple(count) != point]
