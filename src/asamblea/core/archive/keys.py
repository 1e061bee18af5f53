"""Keys of the archive: file keys wrapped to team members, members' keys under a passphrase.

- Each team member has an X25519 key pair. The public half is stored in the clear; the private
  half is stored only *protected*: encrypted with XSalsa20-Poly1305 (``crypto_secretbox``) under
  a key derived from the member's passphrase by Argon2id (``crypto_pwhash``, salt of 16 random
  bytes, the limits stored beside it so they can be raised later).
- Each file key is *wrapped* to every member of the case team: ``crypto_box_seal(file_key,
  member_public)`` (an anonymous sealed box: 48 bytes of overhead; only the member's private key
  opens it; the server, holding only public keys, can wrap but never unwrap).
- When a member leaves, a remaining member unlocks each file key and wraps it again to the team
  without the leaver (`rewrap`); the old wraps are deleted. That stops the leaver's *future*
  access through the server; it cannot take back a key they already unwrapped (docs/archive.md).

Pure functions over bytes (libsodium through PyNaCl); no storage, no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TypeVar

from nacl import pwhash
from nacl.exceptions import CryptoError
from nacl.public import PrivateKey, PublicKey, SealedBox
from nacl.secret import SecretBox
from nacl.utils import random

from asamblea.core.errors import N_, Invalid
from asamblea.core.ledger import JsonValue

MIN_PASSPHRASE = 10
SALT_BYTES = pwhash.argon2id.SALTBYTES
#: Argon2id limits for new keys: libsodium's "interactive" (2 passes, 64 MiB).
OPSLIMIT = pwhash.argon2id.OPSLIMIT_INTERACTIVE
MEMLIMIT = pwhash.argon2id.MEMLIMIT_INTERACTIVE
WRAPPED_BYTES = 32 + 48
Member = TypeVar("Member")  # how a caller names members: a handle, a person id


@dataclass(frozen=True)
class ProtectedKey:
    """A member's private key, encrypted under their passphrase (safe to store on the server)."""

    salt: bytes
    opslimit: int
    memlimit: int
    ciphertext: bytes  # secretbox nonce (24 bytes) || ciphertext of the 32-byte private key

    def to_json(self) -> dict[str, JsonValue]:
        """Plain JSON (bytes in hex) for storage."""
        return {"kdf": "argon2id13", "salt": self.salt.hex(), "opslimit": self.opslimit,
                "memlimit": self.memlimit, "box": self.ciphertext.hex()}


def new_member_key() -> PrivateKey:
    """A fresh X25519 key pair for a team member."""
    return PrivateKey.generate()


def public_bytes(private: PrivateKey) -> bytes:
    """The 32 bytes of the public half."""
    return bytes(private.public_key)


def _derive(passphrase: str, salt: bytes, opslimit: int, memlimit: int) -> bytes:
    if (opslimit < pwhash.argon2id.OPSLIMIT_MIN or memlimit < pwhash.argon2id.MEMLIMIT_MIN
            or len(salt) != SALT_BYTES):
        raise Invalid(N_("Key protection parameters out of range"))
    return pwhash.argon2id.kdf(SecretBox.KEY_SIZE, passphrase.encode("utf-8"), salt,
                               opslimit=opslimit, memlimit=memlimit)


def protect(private: PrivateKey, passphrase: str, *, opslimit: int = OPSLIMIT,
            memlimit: int = MEMLIMIT) -> ProtectedKey:
    """``private`` encrypted under a key derived from ``passphrase``."""
    if len(passphrase) < MIN_PASSPHRASE:
        raise Invalid(N_("A passphrase needs at least {n} characters"), n=MIN_PASSPHRASE)
    salt = random(SALT_BYTES)
    box = SecretBox(_derive(passphrase, salt, opslimit, memlimit))
    return ProtectedKey(salt, opslimit, memlimit, bytes(box.encrypt(bytes(private))))


def unlock(protected: ProtectedKey, passphrase: str) -> PrivateKey:
    """The private key, or `Invalid` when the passphrase is wrong (or the box was changed)."""
    box = SecretBox(_derive(passphrase, protected.salt, protected.opslimit, protected.memlimit))
    try:
        return PrivateKey(box.decrypt(protected.ciphertext))
    except CryptoError as error:
        raise Invalid(N_("Wrong passphrase")) from error


def wrap(file_key: bytes, member_public: bytes) -> bytes:
    """``crypto_box_seal(file_key, member_public)``: 80 bytes only that member can open."""
    if len(file_key) != 32 or len(member_public) != 32:
        raise Invalid(N_("A file key and a public key are 32 bytes each"))
    return bytes(SealedBox(PublicKey(member_public)).encrypt(file_key))


def unwrap(wrapped: bytes, private: PrivateKey) -> bytes:
    """The file key from its wrap for this member; `Invalid` when it is not theirs."""
    try:
        key = SealedBox(private).decrypt(wrapped)
    except CryptoError as error:
        raise Invalid(N_("This file key is not wrapped for this member")) from error
    if len(key) != 32:
        raise Invalid(N_("This file key is not wrapped for this member"))
    return bytes(key)


def wrap_for_team(file_key: bytes, team: Mapping[Member, bytes]) -> dict[Member, bytes]:
    """The file key wrapped to each member of ``team`` (member handle → public key)."""
    return {member: wrap(file_key, public) for member, public in team.items()}


def rewrap(mine: bytes, private: PrivateKey, team: Mapping[Member, bytes]) -> dict[Member, bytes]:
    """Fresh wraps of the key in ``mine`` (this member's wrap) for exactly ``team``.

    Called by a remaining member when someone leaves, with ``team`` the members who stay: the
    result replaces every wrap of this file key, so the leaver's is gone.
    """
    return wrap_for_team(unwrap(mine, private), team)
