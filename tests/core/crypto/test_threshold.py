"""Dealerless t-of-n keys: shares checked against commitments; any t decrypt, t − 1 do not."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from asamblea.core.crypto import elgamal, group, threshold
from asamblea.core.errors import Invalid

CEREMONY = b"c" * 32


def _ceremony(t: int, n: int) -> tuple[list[threshold.Dealing], dict[int, group.Scalar]]:
    dealt = [threshold.deal(CEREMONY, i, t) for i in range(1, n + 1)]
    for coefficients, dealing in dealt:
        assert threshold.is_valid_dealing(CEREMONY, dealing, t)
        for j in range(1, n + 1):
            assert threshold.is_valid_share(dealing, j, threshold.evaluate(coefficients, j))
    secrets = {j: threshold.combine_shares([threshold.evaluate(c, j) for c, _ in dealt])
               for j in range(1, n + 1)}
    return [d for _, d in dealt], secrets


@settings(max_examples=6, deadline=None)
@given(st.integers(1, 4).flatmap(lambda t: st.tuples(st.just(t), st.integers(t, 5))),
       st.integers(0, 50))
def test_any_t_trustees_decrypt_and_t_minus_1_do_not(tn: tuple[int, int], count: int) -> None:
    t, n = tn
    dealings, secrets = _ceremony(t, n)
    key = threshold.election_key(dealings)
    for j, secret in secrets.items():
        assert threshold.verification_key(dealings, j) == group.base_mul(secret)
    ciphertext = elgamal.encrypt(key, count, group.random_scalar())
    for subset in itertools.combinations(secrets, t):
        parts = [(j, group.mul(secrets[j], ciphertext.alpha)) for j in subset]
        point = group.sub(ciphertext.beta, threshold.combine_points(parts))
        assert elgamal.discrete_log(point, 50) == count
    if t > 1:
        for subset in itertools.combinations(secrets, t - 1):
            parts = [(j, group.mul(secrets[j], ciphertext.alpha)) for j in subset]
            point = group.sub(ciphertext.beta, threshold.combine_points(parts))
            assert point != group.small_multiple(count)


def test_a_share_off_the_polynomial_is_refused() -> None:
    coefficients, dealing = threshold.deal(CEREMONY, 1, 2)
    good = threshold.evaluate(coefficients, 3)
    assert threshold.is_valid_share(dealing, 3, good)
    assert not threshold.is_valid_share(dealing, 3, group.scalar_add(good, group.ONE))
    assert not threshold.is_valid_share(dealing, 2, good)


def test_a_dealing_with_a_bad_proof_or_wrong_size_is_refused() -> None:
    _, dealing = threshold.deal(CEREMONY, 1, 2)
    assert not threshold.is_valid_dealing(b"d" * 32, dealing, 2)
    assert not threshold.is_valid_dealing(CEREMONY, dealing, 3)
    moved = threshold.Dealing(2, dealing.commitments, dealing.proof)
    assert not threshold.is_valid_dealing(CEREMONY, moved, 2)


def test_lagrange_coefficients_sum_to_one_and_refuse_bad_sets() -> None:
    indices = [1, 3, 4]
    total = group.scalar_sum([threshold.lagrange_at_zero(indices, j) for j in indices])
    assert total == group.ONE
    for bad in ([1, 1, 3], [0, 1], [2, 3]):
        with pytest.raises(Invalid):
            threshold.lagrange_at_zero(bad, 1)
    with pytest.raises(Invalid):
        threshold.check_parameters(3, 2)
    threshold.check_parameters(2, 3)
