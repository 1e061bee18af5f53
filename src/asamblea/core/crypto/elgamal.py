"""Exponential ElGamal over ristretto255, and recovering a small count from ``m·G``.

A count ``m`` is encrypted under the election key ``Y`` with a random ``r`` as
``(α, β) = (r·G, m·G + r·Y)``. Ciphertexts add component-wise, and the sum encrypts the sum
of the counts: this is what lets the tally be computed without decrypting any ballot.
Decrypting gives ``m·G``; `discrete_log` recovers ``m`` by baby-step giant-step, which is
cheap because ``m`` is at most the number of ballots (``O(√bound)`` additions).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import NamedTuple

from asamblea.core.crypto.group import (
    GENERATOR,
    IDENTITY,
    Point,
    Scalar,
    add,
    base_mul,
    mul,
    scalar,
    small_multiple,
    sub,
)
from asamblea.core.errors import N_, Invalid


class Ciphertext(NamedTuple):
    """``(α, β) = (r·G, m·G + r·Y)``."""

    alpha: Point
    beta: Point


ZERO_CIPHERTEXT = Ciphertext(IDENTITY, IDENTITY)


def encrypt(public_key: Point, count: int, nonce: Scalar) -> Ciphertext:
    """Encrypt ``count`` under ``public_key`` with the randomness ``nonce``."""
    return Ciphertext(base_mul(nonce), add(small_multiple(count), mul(nonce, public_key)))


def add_ciphertexts(first: Ciphertext, second: Ciphertext) -> Ciphertext:
    """The ciphertext of the sum of the two counts."""
    return Ciphertext(add(first.alpha, second.alpha), add(first.beta, second.beta))


def sum_ciphertexts(ciphertexts: Iterable[Ciphertext]) -> Ciphertext:
    """The ciphertext of the sum of all the counts (the zero ciphertext for none)."""
    items = iter(ciphertexts)
    total = next(items, ZERO_CIPHERTEXT)  # the first as it is: no addition to the identity
    for ciphertext in items:
        total = add_ciphertexts(total, ciphertext)
    return total


def decrypt_point(secret: Scalar, ciphertext: Ciphertext) -> Point:
    """``β − x·α = m·G`` with the whole secret key ``x`` (tests and single-trustee votes)."""
    return sub(ciphertext.beta, mul(secret, ciphertext.alpha))


def discrete_log(point: Point, bound: int) -> int:
    """The ``m`` in ``0..bound`` with ``m·G == point`` (baby-step giant-step); `Invalid` if none."""
    if bound < 0:
        raise Invalid(N_("The bound of a count cannot be negative"))
    step = math.isqrt(bound) + 1
    baby: dict[bytes, int] = {}
    current = IDENTITY
    for i in range(step):
        baby.setdefault(current, i)
        current = add(current, GENERATOR)
    giant = base_mul(scalar(step))
    current = point
    for k in range(step + 1):
        found = baby.get(current)
        if found is not None and k * step + found <= bound:
            return k * step + found
        current = sub(current, giant)
    raise Invalid(N_("The decrypted count is not between 0 and {bound}"), bound=bound)
