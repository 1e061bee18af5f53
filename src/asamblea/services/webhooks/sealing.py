"""Webhook signing secrets at rest: sealed (XSalsa20-Poly1305, libsodium's secretbox) with a
key derived from the server's secret. The sender must hold the secret to sign, so it cannot be
stored as a hash; sealing keeps a copy of the database alone from signing as the server."""

from __future__ import annotations

import base64
import hashlib
import hmac

from nacl.exceptions import CryptoError
from nacl.secret import SecretBox


class Sealer:
    """Seals and opens webhook secrets with one server secret."""

    def __init__(self, server_secret: str) -> None:
        key = hmac.new(server_secret.encode(), b"asamblea webhook secrets v1", hashlib.sha256)
        self._box = SecretBox(key.digest())

    def seal(self, secret: bytes) -> str:
        """The sealed secret, as text for the database."""
        return base64.b64encode(bytes(self._box.encrypt(secret))).decode("ascii")

    def open(self, sealed: str) -> bytes:
        """The secret back (ValueError when sealed with another server secret)."""
        try:
            return bytes(self._box.decrypt(base64.b64decode(sealed)))
        except CryptoError as error:
            raise ValueError(str(error)) from None
