"""ristretto255 through libsodium: RFC 9496's published vectors, and the group's laws."""

from __future__ import annotations

import hashlib
import json

import pysodium
import pytest
from hypothesis import given, settings

from asamblea.core.crypto import group
from asamblea.core.errors import Invalid
from tests.core.crypto.strategies import scalars
from tests.datasets import TEST_DATA

VECTORS = json.loads((TEST_DATA / "ristretto255" / "vectors.json").read_text())


@pytest.mark.parametrize(("k", "encoding"), list(enumerate(VECTORS["generator_multiples"])))
def test_small_multiples_of_the_generator_match_rfc_9496(k: int, encoding: str) -> None:
    assert group.base_mul(group.scalar(k)).hex() == encoding
    assert group.small_multiple(k).hex() == encoding
    assert group.is_point(bytes.fromhex(encoding))


def test_adding_the_generator_walks_the_multiples() -> None:
    current = group.IDENTITY
    for encoding in VECTORS["generator_multiples"]:
        assert current.hex() == encoding
        current = group.add(current, group.GENERATOR)


@pytest.mark.parametrize("encoding", VECTORS["invalid_encodings"])
def test_invalid_encodings_are_refused(encoding: str) -> None:
    assert not group.is_point(bytes.fromhex(encoding))
    with pytest.raises(Invalid):
        group.decode_point(bytes.fromhex(encoding))


@pytest.mark.parametrize(("label", "encoding"), VECTORS["hash_to_group"])
def test_hash_to_group_matches_rfc_9496(label: str, encoding: str) -> None:
    assert group.hash_to_point(label.encode()).hex() == encoding


def test_first_hash_input_is_the_rfc_input() -> None:
    label = VECTORS["hash_to_group"][0][0].encode()
    assert hashlib.sha512(label).hexdigest() == VECTORS["hash_to_group_first_input"]


def test_scalars_must_be_reduced() -> None:
    assert group.is_scalar(group.scalar(group.ORDER - 1))
    assert not group.is_scalar((group.ORDER).to_bytes(32, "little"))
    assert not group.is_scalar(b"\x01" * 31)
    with pytest.raises(Invalid):
        group.decode_scalar(b"\xff" * 32)
    with pytest.raises(Invalid):
        group.scalar(-1)


def test_the_order_sends_the_generator_to_the_identity() -> None:
    minus_one = group.scalar(group.ORDER - 1)
    assert group.add(group.base_mul(minus_one), group.GENERATOR) == group.IDENTITY
    assert group.mul(group.ZERO, group.GENERATOR) == group.IDENTITY
    assert group.mul(group.random_scalar(), group.IDENTITY) == group.IDENTITY
    with pytest.raises(Invalid):
        group.scalar_invert(group.ZERO)


@settings(max_examples=15, deadline=None)
@given(scalars, scalars)
def test_scalar_multiplication_distributes(a: group.Scalar, b: group.Scalar) -> None:
    p = group.base_mul(a)
    assert group.mul(b, p) == group.base_mul(group.scalar_mul(a, b))
    assert group.add(group.base_mul(a), group.base_mul(b)) == group.base_mul(
        group.scalar_add(a, b))
    assert group.sub(p, group.base_mul(b)) == group.base_mul(group.scalar_sub(a, b))
    assert group.scalar_mul(a, group.scalar_invert(a)) == group.ONE
    assert group.scalar_add(a, group.scalar_negate(a)) == group.ZERO


@settings(max_examples=15, deadline=None)
@given(scalars, scalars)
def test_direct_libsodium_calls_agree_with_pysodiums_wrappers(a: group.Scalar,
                                                               b: group.Scalar) -> None:
    """`group` calls libsodium's point functions through ctypes directly; pysodium's own
    wrappers of the same functions are the oracle."""
    p, q = group.base_mul(a), group.base_mul(b)
    assert p == pysodium.crypto_scalarmult_ristretto255_base(a)
    assert group.mul(b, p) == pysodium.crypto_scalarmult_ristretto255(b, p)
    assert group.add(p, q) == pysodium.crypto_core_ristretto255_add(p, q)
    assert group.sub(p, q) == pysodium.crypto_core_ristretto255_sub(p, q)


@pytest.mark.parametrize("encoding", VECTORS["invalid_encodings"])
def test_point_operations_refuse_invalid_encodings(encoding: str) -> None:
    bad = group.Point(bytes.fromhex(encoding))
    for operation in (lambda: group.add(bad, group.GENERATOR),
                      lambda: group.sub(group.GENERATOR, bad),
                      lambda: group.mul(group.random_scalar(), bad)):
        with pytest.raises(Invalid):
            operation()
    with pytest.raises(Invalid):
        group.mul(group.ONE, group.Point(b"\x01" * 31))
