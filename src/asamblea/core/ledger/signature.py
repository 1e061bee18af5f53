"""Ed25519 signatures over chain heads and over the published board, with PyNaCl (libsodium).

Two statements are signed, each as canonical JSON with its own schema name (so a signature
on one can never be passed off as the other):

- a **head** ``{"schema": "asamblea-head/1", "vote_id", "genesis", "length", "head"}`` — what
  a voter's receipt page shows after their ballot is appended, and what the vote page shows;
- the **seal** ``{"schema": "asamblea-seal/1", "vote_id", "genesis", "length", "head",
  "voters", "closed_at", "seed", "result_sha256", "in_person_sha256"}`` — signed once at
  publication, it binds everything on the board that the chain does not: the number who voted,
  the closing time, the tie-break seed (drawn after closing), the published result and any
  in-person count (digests: SHA-256 of their canonical JSON, or null when absent).

Other areas sign their own statements through the same two functions (`Statement`: anything
whose canonical JSON carries a schema name of its own, e.g. the archive's custody heads).

Hashes are lowercase hex; keys and signatures are lowercase hex too (32 and 64 bytes).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from nacl.exceptions import BadSignatureError, CryptoError
from nacl.signing import SigningKey, VerifyKey

from asamblea.core.errors import N_, Invalid
from asamblea.core.ledger.canonical import JsonValue, canonical_json, is_hex

HEAD_SCHEMA = "asamblea-head/1"
SEAL_SCHEMA = "asamblea-seal/1"
SIGNATURE_SIZE = 64
KEY_SIZE = 32


class Statement(Protocol):
    """Anything signed: its canonical JSON must carry a ``schema`` name of its own."""

    def to_json(self) -> dict[str, JsonValue]:
        """The statement as plain JSON (with its ``schema``)."""
        ...


@dataclass(frozen=True)
class HeadStatement:
    """The chain of vote ``vote_id`` had ``length`` ballots and head ``head`` (hex)."""

    vote_id: str
    genesis: str
    length: int
    head: str

    def to_json(self) -> dict[str, JsonValue]:
        """The statement as plain JSON."""
        return {
            "schema": HEAD_SCHEMA,
            "vote_id": self.vote_id,
            "genesis": self.genesis,
            "length": self.length,
            "head": self.head,
        }


@dataclass(frozen=True)
class SealStatement:
    """The closing statement: the final head plus digests of what the chain does not cover."""

    head: HeadStatement
    voters: int
    closed_at: str
    seed: str
    result_sha256: str | None
    in_person_sha256: str | None

    def to_json(self) -> dict[str, JsonValue]:
        """The statement as plain JSON."""
        return {
            **self.head.to_json(),
            "schema": SEAL_SCHEMA,
            "voters": self.voters,
            "closed_at": self.closed_at,
            "seed": self.seed,
            "result_sha256": self.result_sha256,
            "in_person_sha256": self.in_person_sha256,
        }


def new_signing_key() -> SigningKey:
    """A fresh Ed25519 key (the server keeps it secret; its public half goes on every board)."""
    return SigningKey.generate()


def signing_key_from_seed(seed: bytes) -> SigningKey:
    """The key stored as its 32-byte seed."""
    if len(seed) != KEY_SIZE:
        raise Invalid(N_("An Ed25519 seed is 32 bytes"))
    return SigningKey(seed)


def public_key_hex(key: SigningKey) -> str:
    """The public half of ``key`` as lowercase hex."""
    return bytes(key.verify_key).hex()


def sign(key: SigningKey, statement: Statement) -> str:
    """The detached Ed25519 signature of the statement's canonical JSON, as hex."""
    signed = key.sign(canonical_json(statement.to_json()))
    return bytes(signed.signature).hex()


def is_signed(public_key: str, statement: Statement, signature: str) -> bool:
    """Whether ``signature`` (hex) is a valid signature of ``statement`` under ``public_key``."""
    if not is_hex(public_key, KEY_SIZE) or not is_hex(signature, SIGNATURE_SIZE):
        return False  # only lowercase hex: one written form per value, so no silent edits
    try:
        VerifyKey(bytes.fromhex(public_key)).verify(
            canonical_json(statement.to_json()), bytes.fromhex(signature)
        )
    except (BadSignatureError, CryptoError):
        return False
    return True
