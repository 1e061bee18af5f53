"""Intake secrets: one-time intake links, and a file key held across a resumable upload.

- An **intake link** carries a random token (32 bytes, URL-safe base64). The server stores only
  ``SHA-256("asamblea-intake-link/1" || token)``: a seized database cannot be used to submit, nor
  to find the links that were handed out.
- During a resumable upload the server needs the new file's key at every ``PATCH`` (it encrypts
  each body as it arrives, so no plaintext touches the disk), but must not keep it usable. The
  key is stored *held* under the upload's secret — the random part of the upload URL, known only
  to the uploading client: ``crypto_secretbox(file_key, BLAKE2b-256(secret, salt=upload id,
  person="asamblea-upload"))``. The secret is high-entropy, so no slow KDF is needed. When the
  upload completes, the held copy is deleted; only the wraps to the team remain.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from nacl.exceptions import CryptoError
from nacl.secret import SecretBox

from asamblea.core.errors import N_, Invalid

TOKEN_BYTES = 32
_LINK = b"asamblea-intake-link/1"


def new_secret() -> str:
    """A fresh URL-safe secret (an intake link's token, or an upload's secret)."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_digest(token: str) -> str:
    """What the server stores of a link token (hex)."""
    return hashlib.sha256(_LINK + token.encode("utf-8")).hexdigest()


def token_matches(token: str, digest: str) -> bool:
    """Whether ``token`` is the one whose digest is stored (constant time)."""
    return hmac.compare_digest(token_digest(token), digest)


def _box(secret: str, upload_id: str) -> SecretBox:
    key = hashlib.blake2b(secret.encode("utf-8"), digest_size=32,
                          salt=bytes.fromhex(upload_id)[:16], person=b"asamblea-upload").digest()
    return SecretBox(key)


def hold_key(file_key: bytes, secret: str, upload_id: str) -> bytes:
    """``file_key`` sealed under the upload's secret (stored while the upload runs)."""
    return bytes(_box(secret, upload_id).encrypt(file_key))


def release_key(held: bytes, secret: str, upload_id: str) -> bytes:
    """The file key held for this upload; `Invalid` when the secret is not the upload's."""
    try:
        return bytes(_box(secret, upload_id).decrypt(held))
    except (CryptoError, ValueError) as error:
        raise Invalid(N_("Unknown upload")) from error
