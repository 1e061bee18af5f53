"""Fiat–Shamir transcripts: every challenge is a hash of a domain name and labelled values.

The bytes hashed, so that any verifier can reproduce them (docs/encrypted-votes.md, §3)::

    challenge = reduce_L( SHA-512( frame("asamblea-ev/1") || frame(domain)
                                   || frame(label_1) || frame(value_1) || ... ) )

where ``frame(x) = len(x) as 4 bytes big-endian || x`` and ``reduce_L`` is libsodium's
``crypto_core_ristretto255_scalar_reduce`` of the 64-byte digest. Labels and domains are ASCII;
points and scalars are their 32-byte encodings; integers are 8 bytes big-endian (`integer`).
Length framing makes the encoding injective, so two different statements never hash alike.
"""

from __future__ import annotations

import hashlib

from asamblea.core.crypto.group import Scalar, hash_to_scalar
from asamblea.core.errors import N_, Invalid

PROTOCOL = b"asamblea-ev/1"


def frame(value: bytes) -> bytes:
    """``len(value)`` as 4 bytes big-endian, then ``value``."""
    return len(value).to_bytes(4, "big") + value


def integer(value: int) -> bytes:
    """A non-negative integer as 8 bytes big-endian."""
    if not 0 <= value < 2**64:
        raise Invalid(N_("Integer out of range in a transcript"))
    return value.to_bytes(8, "big")


class Transcript:
    """An append-only list of labelled values under one domain; `challenge` hashes them."""

    __slots__ = ("_parts",)

    def __init__(self, domain: str) -> None:
        self._parts: list[bytes] = [frame(PROTOCOL), frame(domain.encode("ascii"))]

    def append(self, label: str, value: bytes) -> Transcript:
        """Add ``frame(label) || frame(value)``; returns self so appends can be chained."""
        self._parts.append(frame(label.encode("ascii")))
        self._parts.append(frame(value))
        return self

    def copy(self) -> Transcript:
        """An independent transcript holding the same values (a shared context, then a proof)."""
        twin = Transcript.__new__(Transcript)
        twin._parts = list(self._parts)
        return twin

    def digest(self) -> bytes:
        """SHA-512 over everything appended so far (64 bytes)."""
        return hashlib.sha512(b"".join(self._parts)).digest()

    def challenge(self) -> Scalar:
        """The challenge scalar: the digest reduced modulo the group order."""
        return hash_to_scalar(self.digest())
