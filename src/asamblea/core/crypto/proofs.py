"""Non-interactive zero-knowledge proofs (Fiat–Shamir over `Transcript`), in the style of Belenios.

Every proof is a list of ``(challenge, response)`` pairs of scalars; the verifier recomputes the
prover's commitments from them and checks that the challenges add up to the hash of the
statement and the commitments. Three proofs (docs/encrypted-votes.md, §4):

- `prove_range` / `check_range` — the disjunctive Chaum–Pedersen proof that ``(α, β)`` encrypts
  one of ``lo..hi`` under ``Y``: for each ``j``, ``A_j = s_j·G − c_j·α`` and
  ``B_j = s_j·Y − c_j·(β − j·G)``, with ``Σ c_j = H(statement, A_lo, B_lo, …, A_hi, B_hi)``.
  With ``lo..hi = 0..1`` it is the proof that one option is chosen or not.
- `prove_equal_logs` / `check_equal_logs` — Chaum–Pedersen: ``log_G X = log_α D``, i.e. a
  decryption share ``D = x·α`` made with the secret behind the verification key ``X``:
  ``A = s·G − c·X``, ``B = s·α − c·D``, ``c = H(statement, A, B)``.
- `prove_knowledge` / `check_knowledge` — Schnorr: the trustee knows the ``a`` of ``C = a·G``:
  ``A = s·G − c·C``, ``c = H(statement, A)``.

Responses are ``s = w + c·secret`` for the real branch, where ``w`` is a fresh random scalar.
The range prover simulates the other branches from its nonce (§4's second way: ``c_j, s_j``
from random ``t_j, e_j``), which has the same distribution and needs no multiplication by
``α`` or ``β``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from asamblea.core.crypto.elgamal import Ciphertext
from asamblea.core.crypto.group import (
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
    scalar_negate,
    scalar_sub,
    scalar_sum,
    small_multiple,
    sub,
)
from asamblea.core.crypto.transcript import Transcript, integer
from asamblea.core.errors import N_, Invalid


class Response(NamedTuple):
    """One ``(challenge, response)`` pair of a proof."""

    challenge: Scalar
    response: Scalar


Proof = tuple[Response, ...]


def _range_statement(context: Transcript, key: Point, ciphertext: Ciphertext,
                     lo: int, hi: int) -> Transcript:
    return (context.copy().append("key", key).append("alpha", ciphertext.alpha)
            .append("beta", ciphertext.beta).append("lo", integer(lo)).append("hi", integer(hi)))


def _commitments(key: Point, ciphertext: Ciphertext, j: int,
                 pair: Response) -> tuple[Point, Point]:
    """``A_j = s·G − c·α`` and ``B_j = s·Y − c·(β − j·G)``."""
    c, s = pair
    shifted = ciphertext.beta if j == 0 else sub(ciphertext.beta, small_multiple(j))
    return (sub(base_mul(s), mul(c, ciphertext.alpha)), sub(mul(s, key), mul(c, shifted)))


def prove_range(context: Transcript, key: Point, ciphertext: Ciphertext, count: int,
                nonce: Scalar, *, lo: int, hi: int) -> Proof:
    """Prove that ``ciphertext = (r·G, count·G + r·Y)`` holds some count in ``lo..hi``."""
    if not lo <= count <= hi:
        raise Invalid(N_("The count {count} is outside {lo}..{hi}"), count=count, lo=lo, hi=hi)
    statement = _range_statement(context, key, ciphertext, lo, hi)
    pairs: dict[int, Response] = {}
    commit = random_scalar()
    for j in range(lo, hi + 1):
        if j == count:
            a, b = base_mul(commit), mul(commit, key)
        else:
            # §4's second way of simulating (the prover knows the nonce r): draw t, e; then
            # c = e·(j − m)⁻¹, s = t + c·r make the verifier's A_j = t·G, B_j = t·Y + e·G —
            # multiplications by G and Y only, instead of by α and β − j·G.
            t, e = random_scalar(), random_scalar()
            offset = scalar(j - count) if j > count else scalar_negate(scalar(count - j))
            c = scalar_mul(e, scalar_invert(offset))
            pairs[j] = Response(c, scalar_add(t, scalar_mul(c, nonce)))
            a, b = base_mul(t), add(mul(t, key), base_mul(e))
        statement.append("A", a).append("B", b)
    real = scalar_sub(statement.challenge(), scalar_sum(
        [pair.challenge for pair in pairs.values()]))
    pairs[count] = Response(real, scalar_add(commit, scalar_mul(real, nonce)))
    return tuple(pairs[j] for j in range(lo, hi + 1))


def check_range(context: Transcript, key: Point, ciphertext: Ciphertext,
                proof: Sequence[Response], *, lo: int, hi: int) -> bool:
    """Whether ``proof`` shows that ``ciphertext`` holds a count in ``lo..hi``."""
    if len(proof) != hi - lo + 1:
        return False
    statement = _range_statement(context, key, ciphertext, lo, hi)
    for j, pair in zip(range(lo, hi + 1), proof, strict=True):
        a, b = _commitments(key, ciphertext, j, pair)
        statement.append("A", a).append("B", b)
    return statement.challenge() == scalar_sum([pair.challenge for pair in proof])


def _dleq_statement(context: Transcript, verification_key: Point, base: Point,
                    result: Point) -> Transcript:
    return (context.copy().append("X", verification_key).append("alpha", base)
            .append("D", result))


def prove_equal_logs(context: Transcript, secret: Scalar, base: Point) -> tuple[Point, Response]:
    """``D = x·base`` with a proof that ``log_G X = log_base D`` (``X = x·G``)."""
    verification_key, result = base_mul(secret), mul(secret, base)
    commit = random_scalar()
    statement = _dleq_statement(context, verification_key, base, result)
    statement.append("A", base_mul(commit)).append("B", mul(commit, base))
    challenge = statement.challenge()
    return result, Response(challenge, scalar_add(commit, scalar_mul(challenge, secret)))


def check_equal_logs(context: Transcript, verification_key: Point, base: Point, result: Point,
                     proof: Response) -> bool:
    """Whether ``proof`` shows ``log_G verification_key == log_base result``."""
    c, s = proof
    statement = _dleq_statement(context, verification_key, base, result)
    statement.append("A", sub(base_mul(s), mul(c, verification_key)))
    statement.append("B", sub(mul(s, base), mul(c, result)))
    return statement.challenge() == c


def prove_knowledge(context: Transcript, secret: Scalar) -> Response:
    """A Schnorr proof of knowledge of ``a`` in ``C = a·G``."""
    commit = random_scalar()
    statement = context.copy().append("C", base_mul(secret)).append("A", base_mul(commit))
    challenge = statement.challenge()
    return Response(challenge, scalar_add(commit, scalar_mul(challenge, secret)))


def check_knowledge(context: Transcript, commitment: Point, proof: Response) -> bool:
    """Whether ``proof`` shows knowledge of the discrete logarithm of ``commitment``."""
    c, s = proof
    statement = context.copy().append("C", commitment)
    statement.append("A", sub(base_mul(s), mul(c, commitment)))
    return statement.challenge() == c
