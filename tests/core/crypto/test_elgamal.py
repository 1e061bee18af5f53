"""Exponential ElGamal: decrypt(encrypt(m)) == m, sums of ciphertexts, and small discrete logs."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from asamblea.core.crypto import elgamal, group
from asamblea.core.errors import Invalid
from tests.core.crypto.strategies import counts, scalars


@settings(max_examples=20, deadline=None)
@given(scalars, counts, scalars)
def test_decrypt_encrypt_is_the_count(secret: group.Scalar, count: int,
                                      nonce: group.Scalar) -> None:
    key = group.base_mul(secret)
    ciphertext = elgamal.encrypt(key, count, nonce)
    assert elgamal.discrete_log(elgamal.decrypt_point(secret, ciphertext), 200) == count


@settings(max_examples=10, deadline=None)
@given(scalars, st.lists(st.tuples(st.integers(0, 1), scalars), max_size=12))
def test_the_sum_of_ciphertexts_encrypts_the_sum(
    secret: group.Scalar, items: list[tuple[int, group.Scalar]]
) -> None:
    key = group.base_mul(secret)
    total = elgamal.sum_ciphertexts(elgamal.encrypt(key, m, r) for m, r in items)
    point = elgamal.decrypt_point(secret, total)
    assert elgamal.discrete_log(point, len(items)) == sum(m for m, _ in items)


@pytest.mark.parametrize("count", [0, 1, 2, 15, 16, 17, 99, 100, 9999, 10000])
def test_discrete_log_finds_every_count_up_to_the_bound(count: int) -> None:
    assert elgamal.discrete_log(group.small_multiple(count), 10000) == count


def test_discrete_log_refuses_beyond_the_bound() -> None:
    with pytest.raises(Invalid):
        elgamal.discrete_log(group.small_multiple(101), 100)
    with pytest.raises(Invalid):
        elgamal.discrete_log(group.hash_to_point(b"not a small multiple"), 1000)
    with pytest.raises(Invalid):
        elgamal.discrete_log(group.IDENTITY, -1)
