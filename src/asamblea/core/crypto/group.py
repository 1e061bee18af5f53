"""The prime-order group ristretto255 and its scalar field, from libsodium through `pysodium`.

No curve or field arithmetic is written here: every operation on points and scalars is one call
into libsodium (``crypto_core_ristretto255_*``, ``crypto_scalarmult_ristretto255*``). PyNaCl
(1.6) does not expose these functions, so the binding is `pysodium`, a thin ctypes wrapper over
the system's libsodium (>= 1.0.18); docs/encrypted-votes.md says why it was chosen.

Points and scalars are kept as their canonical 32-byte encodings (`Point`, `Scalar`), exactly
as they are hashed and published:

- a point is the RFC 9496 encoding; the identity is 32 zero bytes; `decode_point` refuses every
  non-canonical or invalid encoding (libsodium's ``is_valid_point``);
- a scalar is an integer modulo the group order ``L`` in 32 bytes little-endian, reduced
  (``< L``); `decode_scalar` refuses unreduced ones.

libsodium's scalar multiplication refuses to *return* the identity (it answers -1 for a zero
scalar); `mul` and `base_mul` map that case back to the identity after checking the operands,
since exponential ElGamal needs ``0·G`` (a vote for no) like any other multiple.
"""

from __future__ import annotations

import ctypes
import hashlib
from functools import lru_cache
from typing import Any, NewType

import pysodium

from asamblea.core.errors import N_, Invalid

Point = NewType("Point", bytes)
Scalar = NewType("Scalar", bytes)

SIZE = 32
ORDER = 2**252 + 27742317777372353535851937790883648493  # L, the order of ristretto255
IDENTITY = Point(bytes(SIZE))
ZERO = Scalar(bytes(SIZE))
ONE = Scalar((1).to_bytes(SIZE, "little"))
GENERATOR = Point(bytes.fromhex(
    "e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76"
))


_SODIUM = pysodium.sodium  # the ctypes handle on libsodium that pysodium loaded (>= 1.0.18)
_valid_point = _SODIUM.crypto_core_ristretto255_is_valid_point
_scalarmult = _SODIUM.crypto_scalarmult_ristretto255
_scalarmult_base = _SODIUM.crypto_scalarmult_ristretto255_base
_point_add = _SODIUM.crypto_core_ristretto255_add
_point_sub = _SODIUM.crypto_core_ristretto255_sub
_buffer = ctypes.c_char * SIZE  # a fresh 32-byte output buffer: _buffer()


def is_point(data: bytes) -> bool:
    """Whether ``data`` is the canonical encoding of a ristretto255 element (identity included)."""
    return (len(data) == SIZE and
            (data == IDENTITY or _valid_point(bytes(data)) == 1))


def decode_point(data: bytes) -> Point:
    """``data`` as a `Point`, or `Invalid` when it is not a canonical ristretto255 encoding."""
    if not is_point(data):
        raise Invalid(N_("Not a ristretto255 point"))
    return Point(bytes(data))


def is_scalar(data: bytes) -> bool:
    """Whether ``data`` is a reduced scalar: 32 bytes little-endian, less than ``L``."""
    return len(data) == SIZE and int.from_bytes(data, "little") < ORDER


def decode_scalar(data: bytes) -> Scalar:
    """``data`` as a `Scalar`, or `Invalid` when it is not reduced modulo ``L``."""
    if not is_scalar(data):
        raise Invalid(N_("Not a scalar modulo the order of ristretto255"))
    return Scalar(bytes(data))


def scalar(value: int) -> Scalar:
    """The scalar of a small non-negative integer (a count, a trustee index)."""
    if not 0 <= value < ORDER:
        raise Invalid(N_("Integer out of the scalar range"))
    return Scalar(value.to_bytes(SIZE, "little"))


def random_scalar() -> Scalar:
    """A uniformly random non-zero scalar (libsodium's ``scalar_random``)."""
    return Scalar(pysodium.crypto_core_ristretto255_scalar_random())


def hash_to_scalar(digest: bytes) -> Scalar:
    """A 64-byte digest reduced modulo ``L`` (``crypto_core_ristretto255_scalar_reduce``)."""
    return Scalar(pysodium.crypto_core_ristretto255_scalar_reduce(digest))


def hash_to_point(label: bytes) -> Point:
    """``from_hash(SHA-512(label))``: RFC 9496's element derivation from 64 uniform bytes."""
    return Point(pysodium.crypto_core_ristretto255_from_hash(hashlib.sha512(label).digest()))


# Points go to libsodium directly through ctypes (pysodium's wrappers add a version check, length
# checks and a call layer to each of the ~100 calls a ballot check makes). Each call gets its own
# output buffer: ctypes releases the GIL during the call, so a shared buffer would not be
# thread-safe. Inputs are `Point`/`Scalar` values of 32 bytes (the NewTypes' invariant); `bytes()`
# guards against a bytearray or memoryview slipping through, which ctypes would not pass as-is.

def add(p: Point, q: Point) -> Point:
    """``p + q``."""
    return _combine(_point_add, p, q)


def sub(p: Point, q: Point) -> Point:
    """``p - q``."""
    return _combine(_point_sub, p, q)


def _combine(operation: Any, p: Point, q: Point) -> Point:
    """libsodium's ``crypto_core_ristretto255_add`` or ``_sub`` on two encodings (it refuses
    one that is not a valid point)."""
    out = _buffer()
    if len(p) != SIZE or len(q) != SIZE or operation(out, bytes(p), bytes(q)) != 0:
        raise Invalid(N_("Not a ristretto255 point"))
    return Point(out.raw)


def mul(k: Scalar, p: Point) -> Point:
    """``k · p``, the identity when ``k`` is zero or ``p`` is the identity."""
    if len(k) != SIZE or len(p) != SIZE:
        raise Invalid(N_("Not a ristretto255 point"))
    out = _buffer()
    if _scalarmult(out, bytes(k), bytes(p)) == 0:
        return Point(out.raw)
    # libsodium answers -1 when the product is the identity, or when p is not a valid encoding
    if k == ZERO or p == IDENTITY:
        return IDENTITY
    if not is_point(p) or not is_scalar(k):
        raise Invalid(N_("Not a ristretto255 point"))
    return IDENTITY  # pragma: no cover - k·p = 0 needs k ≡ 0 mod L for a valid p


def base_mul(k: Scalar) -> Point:
    """``k · G``, the identity when ``k`` is zero."""
    if k == ZERO:
        return IDENTITY
    if len(k) != SIZE:
        raise Invalid(N_("Not a scalar modulo the order of ristretto255"))
    out = _buffer()
    if _scalarmult_base(out, bytes(k)) != 0:
        return IDENTITY  # k ≡ 0 mod L (an unreduced multiple of L)
    return Point(out.raw)


@lru_cache(maxsize=4096)
def small_multiple(count: int) -> Point:
    """``count · G`` for a small non-negative count (a plaintext of exponential ElGamal), cached."""
    return base_mul(scalar(count))


def scalar_add(a: Scalar, b: Scalar) -> Scalar:
    """``a + b mod L``."""
    return Scalar(pysodium.crypto_core_ristretto255_scalar_add(a, b))


def scalar_sub(a: Scalar, b: Scalar) -> Scalar:
    """``a - b mod L``."""
    return Scalar(pysodium.crypto_core_ristretto255_scalar_sub(a, b))


def scalar_mul(a: Scalar, b: Scalar) -> Scalar:
    """``a · b mod L``."""
    return Scalar(pysodium.crypto_core_ristretto255_scalar_mul(a, b))


def scalar_negate(a: Scalar) -> Scalar:
    """``-a mod L``."""
    return Scalar(pysodium.crypto_core_ristretto255_scalar_negate(a))


def scalar_invert(a: Scalar) -> Scalar:
    """``a⁻¹ mod L``; `Invalid` for zero."""
    if a == ZERO:
        raise Invalid(N_("Zero has no inverse"))
    return Scalar(pysodium.crypto_core_ristretto255_scalar_invert(a))


def scalar_sum(values: list[Scalar]) -> Scalar:
    """The sum of ``values`` modulo ``L`` (zero for none)."""
    total = ZERO
    for value in values:
        total = scalar_add(total, value)
    return total
