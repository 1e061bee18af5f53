"""Zero-knowledge proofs: they verify when honest and fail when anything in them is altered."""

from __future__ import annotations

import pytest

from asamblea.core.crypto import elgamal, group, proofs
from asamblea.core.crypto.proofs import Response
from asamblea.core.crypto.transcript import Transcript, frame, integer
from asamblea.core.errors import Invalid

CONTEXT = Transcript("test").append("election", b"e" * 32)
SECRET = group.random_scalar()
KEY = group.base_mul(SECRET)


def _bumped(pair: Response, which: int) -> Response:
    values = list(pair)
    values[which] = group.scalar_add(values[which], group.ONE)
    return Response(*values)


@pytest.mark.parametrize(("lo", "hi", "count"), [(0, 1, 0), (0, 1, 1), (1, 3, 2), (0, 5, 5),
                                                 (2, 2, 2)])
def test_range_proof_holds_for_the_count_and_no_other(lo: int, hi: int, count: int) -> None:
    nonce = group.random_scalar()
    ciphertext = elgamal.encrypt(KEY, count, nonce)
    proof = proofs.prove_range(CONTEXT, KEY, ciphertext, count, nonce, lo=lo, hi=hi)
    assert proofs.check_range(CONTEXT, KEY, ciphertext, proof, lo=lo, hi=hi)
    other = Transcript("test").append("election", b"f" * 32)
    assert not proofs.check_range(other, KEY, ciphertext, proof, lo=lo, hi=hi)
    assert not proofs.check_range(CONTEXT, KEY, ciphertext, proof, lo=lo, hi=hi + 1)
    for i in range(len(proof)):
        for which in (0, 1):
            altered = list(proof)
            altered[i] = _bumped(proof[i], which)
            assert not proofs.check_range(CONTEXT, KEY, ciphertext, altered, lo=lo, hi=hi)
    shifted = elgamal.Ciphertext(ciphertext.alpha,
                                 group.add(ciphertext.beta, group.GENERATOR))
    assert not proofs.check_range(CONTEXT, KEY, shifted, proof, lo=lo, hi=hi)


def test_range_proof_cannot_be_made_for_a_count_outside() -> None:
    nonce = group.random_scalar()
    ciphertext = elgamal.encrypt(KEY, 2, nonce)
    with pytest.raises(Invalid):
        proofs.prove_range(CONTEXT, KEY, ciphertext, 2, nonce, lo=0, hi=1)
    # A cheating prover who claims 1 for an encryption of 2 produces a proof that fails.
    forged = proofs.prove_range(CONTEXT, KEY, ciphertext, 1, nonce, lo=0, hi=1)
    assert not proofs.check_range(CONTEXT, KEY, ciphertext, forged, lo=0, hi=1)


def test_equal_logs_proof() -> None:
    alpha = group.base_mul(group.random_scalar())
    result, proof = proofs.prove_equal_logs(CONTEXT, SECRET, alpha)
    assert result == group.mul(SECRET, alpha)
    assert proofs.check_equal_logs(CONTEXT, KEY, alpha, result, proof)
    assert not proofs.check_equal_logs(CONTEXT, KEY, alpha, group.add(result, alpha), proof)
    assert not proofs.check_equal_logs(CONTEXT, group.GENERATOR, alpha, result, proof)
    assert not proofs.check_equal_logs(CONTEXT, KEY, alpha, result, _bumped(proof, 1))
    assert not proofs.check_equal_logs(CONTEXT, KEY, alpha, result, _bumped(proof, 0))


def test_knowledge_proof() -> None:
    proof = proofs.prove_knowledge(CONTEXT, SECRET)
    assert proofs.check_knowledge(CONTEXT, KEY, proof)
    assert not proofs.check_knowledge(CONTEXT, group.GENERATOR, proof)
    assert not proofs.check_knowledge(CONTEXT, KEY, _bumped(proof, 1))


def test_transcript_framing_is_injective() -> None:
    one = Transcript("d").append("ab", b"c").digest()
    two = Transcript("d").append("a", b"bc").digest()
    assert one != two
    assert frame(b"xy") == b"\x00\x00\x00\x02xy"
    assert integer(258) == b"\x00" * 6 + b"\x01\x02"
    with pytest.raises(Invalid):
        integer(-1)
