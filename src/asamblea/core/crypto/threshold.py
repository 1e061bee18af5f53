"""Threshold keys without a dealer: Pedersen's joint Feldman VSS, as in Belenios's threshold mode.

Trustees are numbered ``1..n``; any ``t`` of them can decrypt, fewer cannot.

1. Each trustee ``i`` draws a random polynomial ``f_i(z) = a_i0 + a_i1·z + … + a_i,t−1·z^(t−1)``
   (`deal`) and publishes its commitments ``C_ik = a_ik·G`` with a Schnorr proof of knowledge
   of ``a_i0`` (so nobody can choose their ``C_i0`` to cancel the others').
2. It sends ``s_ij = f_i(j)`` to each trustee ``j``, encrypted to ``j`` (the transport is not
   this module's: the services and ``asamblea trustee`` seal it with libsodium boxes).
3. Trustee ``j`` checks every share it receives against the commitments (`is_valid_share`:
   ``s_ij·G == Σ_k j^k·C_ik``) and complains about a bad one instead of using it.
4. The election key is ``Y = Σ_i C_i0`` (`election_key`); trustee ``j``'s secret is
   ``x_j = Σ_i s_ij`` (`combine_shares`) and anyone can compute its verification key
   ``X_j = x_j·G = Σ_i Σ_k j^k·C_ik`` (`verification_key`) from the public commitments.

Decryption by a set ``S`` of at least ``t`` trustees: each publishes ``D_j = x_j·α`` with a
Chaum–Pedersen proof against ``X_j``; then ``x·α = Σ_{j∈S} λ_j·D_j`` with the Lagrange
coefficients at zero ``λ_j = Π_{k∈S, k≠j} k / (k − j)`` (`lagrange_at_zero`), all in the scalar
field through libsodium.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from asamblea.core.crypto.group import (
    IDENTITY,
    Point,
    Scalar,
    add,
    base_mul,
    mul,
    random_scalar,
    scalar,
    scalar_add,
    scalar_invert,
    scalar_mul,
    scalar_sub,
    scalar_sum,
)
from asamblea.core.crypto.proofs import Response, check_knowledge, prove_knowledge
from asamblea.core.crypto.transcript import Transcript, integer
from asamblea.core.errors import N_, Invalid

MAX_TRUSTEES = 64


@dataclass(frozen=True)
class Dealing:
    """What trustee ``index`` publishes in step 1: commitments and a proof for the first."""

    index: int
    commitments: tuple[Point, ...]
    proof: Response


def check_parameters(threshold: int, trustees: int) -> None:
    """Refuse a threshold and a number of trustees that cannot work (`Invalid`)."""
    if not 1 <= threshold <= trustees <= MAX_TRUSTEES:
        raise Invalid(N_("Need 1 ≤ threshold ≤ trustees ≤ {most}"), most=MAX_TRUSTEES)


def ceremony_context(ceremony: bytes, index: int) -> Transcript:
    """The transcript of trustee ``index``'s proof of knowledge in one key ceremony."""
    return Transcript("dealing").append("ceremony", ceremony).append("trustee", integer(index))


def deal(ceremony: bytes, index: int, threshold: int) -> tuple[tuple[Scalar, ...], Dealing]:
    """A fresh secret polynomial (its ``t`` coefficients) and the public `Dealing` for it."""
    coefficients = tuple(random_scalar() for _ in range(threshold))
    commitments = tuple(base_mul(a) for a in coefficients)
    proof = prove_knowledge(ceremony_context(ceremony, index), coefficients[0])
    return coefficients, Dealing(index, commitments, proof)


def evaluate(coefficients: Sequence[Scalar], at: int) -> Scalar:
    """``f(at)`` by Horner's rule in the scalar field: the share sent to trustee ``at``."""
    x, value = scalar(at), scalar(0)
    for coefficient in reversed(coefficients):
        value = scalar_add(scalar_mul(value, x), coefficient)
    return value


def committed_value(commitments: Sequence[Point], at: int) -> Point:
    """``f(at)·G = Σ_k at^k·C_k``, by Horner's rule in the group."""
    x, value = scalar(at), IDENTITY
    for commitment in reversed(commitments):
        value = add(mul(x, value), commitment)
    return value


def is_valid_dealing(ceremony: bytes, dealing: Dealing, threshold: int) -> bool:
    """Whether the dealing has ``t`` commitments and a valid proof for the first."""
    return (len(dealing.commitments) == threshold and
            check_knowledge(ceremony_context(ceremony, dealing.index),
                            dealing.commitments[0], dealing.proof))


def is_valid_share(dealing: Dealing, recipient: int, share: Scalar) -> bool:
    """Whether ``share`` is ``f_i(recipient)`` for the polynomial committed in ``dealing``."""
    return base_mul(share) == committed_value(dealing.commitments, recipient)


def combine_shares(shares: Sequence[Scalar]) -> Scalar:
    """Trustee ``j``'s secret ``x_j``: the sum of the shares it received (its own included)."""
    return scalar_sum(list(shares))


def election_key(dealings: Sequence[Dealing]) -> Point:
    """``Y = Σ_i C_i0``."""
    key = IDENTITY
    for dealing in dealings:
        key = add(key, dealing.commitments[0])
    return key


def verification_key(dealings: Sequence[Dealing], trustee: int) -> Point:
    """``X_j = Σ_i f_i(j)·G``, computed from the public commitments alone."""
    key = IDENTITY
    for dealing in dealings:
        key = add(key, committed_value(dealing.commitments, trustee))
    return key


def lagrange_at_zero(indices: Sequence[int], trustee: int) -> Scalar:
    """``λ_j = Π_{k≠j} k / (k − j)`` over the trustees ``indices`` taking part."""
    if trustee not in indices or len(set(indices)) != len(indices) or min(indices) < 1:
        raise Invalid(N_("Trustee numbers must be distinct, positive and include the one asked"))
    numerator, denominator = scalar(1), scalar(1)
    for other in indices:
        if other != trustee:
            numerator = scalar_mul(numerator, scalar(other))
            denominator = scalar_mul(denominator, scalar_sub(scalar(other), scalar(trustee)))
    return scalar_mul(numerator, scalar_invert(denominator))


def combine_points(parts: Sequence[tuple[int, Point]]) -> Point:
    """``Σ λ_j·P_j`` over ``(j, P_j)``: ``x·α`` from the decryption shares ``D_j = x_j·α``."""
    indices = [index for index, _ in parts]
    total = IDENTITY
    for index, point in parts:
        total = add(total, mul(lagrange_at_zero(indices, index), point))
    return total
