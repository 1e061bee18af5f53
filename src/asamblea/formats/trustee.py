"""A trustee's files for `asamblea trustee`: the passphrase-protected secret, the public dealing,
and the shares sent to the other trustees, sealed so that only their recipient can open them.

- **Secret file** (``asamblea-trustee-secret/1``, kept on the trustee's own computer): JSON with
  the Argon2id parameters and salt, and ``box`` = libsodium ``secretbox`` (XSalsa20-Poly1305,
  random nonce prepended) of the canonical JSON of the secret part — the ceremony, the trustee's
  number, the threshold, the polynomial's coefficients, the X25519 key that receives shares, the
  public dealing, and, once the shares are combined, ``x_j``. The key is Argon2id (libsodium's
  ``crypto_pwhash``, moderate limits by default) over the passphrase. A wrong passphrase and an
  altered file are refused alike (the box's tag fails).
- **Dealing file** (``asamblea-trustee-dealing/1``, public): the dealing (§5 of
  docs/encrypted-votes.md) and the X25519 public key to which the others seal their shares.
- **Shares file** (``asamblea-trustee-shares/1``, relayed by anyone): for each other trustee
  ``j``, ``crypto_box_seal(f_i(j))`` to ``j``'s X25519 key.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import Any

import nacl.exceptions
from nacl.public import PrivateKey, PublicKey, SealedBox
from nacl.pwhash import argon2id
from nacl.secret import SecretBox
from nacl.utils import random

from asamblea.core.crypto.board import dealing_json
from asamblea.core.crypto.group import Scalar, is_scalar
from asamblea.core.crypto.threshold import Dealing, deal, evaluate
from asamblea.core.ledger.canonical import canonical_json
from asamblea.formats.encrypted_board import dealing_from_json
from asamblea.formats.errors import FormatError

SECRET_SCHEMA = "asamblea-trustee-secret/1"  # noqa: S105 - a schema name, not a password
DEALING_SCHEMA = "asamblea-trustee-dealing/1"
SHARES_SCHEMA = "asamblea-trustee-shares/1"


@dataclass(frozen=True)
class TrusteeSecret:
    """What only trustee ``index`` holds."""

    ceremony: bytes
    index: int
    threshold: int
    coefficients: tuple[Scalar, ...]
    box_key: bytes
    dealing: Dealing
    secret: Scalar | None = None

    def public_box_key(self) -> bytes:
        """The X25519 public key the others seal their shares to."""
        return bytes(PrivateKey(self.box_key).public_key)

    def with_secret(self, secret: Scalar) -> TrusteeSecret:
        """The same trustee once its shares are combined into ``x_j``."""
        return replace(self, secret=secret)


def new_trustee(ceremony: bytes, index: int, threshold: int) -> TrusteeSecret:
    """A fresh polynomial, its dealing, and a fresh X25519 key."""
    coefficients, dealing = deal(ceremony, index, threshold)
    return TrusteeSecret(ceremony, index, threshold, coefficients,
                         bytes(PrivateKey.generate()), dealing)


def _secret_json(secret: TrusteeSecret) -> dict[str, Any]:
    return {"ceremony": secret.ceremony.hex(), "index": secret.index,
            "threshold": secret.threshold,
            "coefficients": [c.hex() for c in secret.coefficients],
            "box_key": secret.box_key.hex(), "dealing": dealing_json(secret.dealing),
            "secret": None if secret.secret is None else secret.secret.hex()}


def seal_secret(secret: TrusteeSecret, passphrase: str, *,
                opslimit: int = argon2id.OPSLIMIT_MODERATE,
                memlimit: int = argon2id.MEMLIMIT_MODERATE) -> bytes:
    """The secret file's bytes, locked with ``passphrase``."""
    salt = random(argon2id.SALTBYTES)
    key = argon2id.kdf(SecretBox.KEY_SIZE, passphrase.encode("utf-8"), salt,
                       opslimit=opslimit, memlimit=memlimit)
    box = SecretBox(key).encrypt(canonical_json(_secret_json(secret)))
    return json.dumps({"schema": SECRET_SCHEMA, "kdf": "argon2id13", "opslimit": opslimit,
                       "memlimit": memlimit, "salt": salt.hex(), "box": bytes(box).hex()},
                      indent=1).encode() + b"\n"


def open_secret(data: bytes, passphrase: str) -> TrusteeSecret:
    """The secret in a secret file; `FormatError` for a wrong passphrase or an altered file."""
    raw = _document(data, SECRET_SCHEMA)
    try:
        key = argon2id.kdf(SecretBox.KEY_SIZE, passphrase.encode("utf-8"),
                           bytes.fromhex(raw["salt"]), opslimit=int(raw["opslimit"]),
                           memlimit=int(raw["memlimit"]))
        plain = json.loads(SecretBox(key).decrypt(bytes.fromhex(raw["box"])))
    except nacl.exceptions.CryptoError:
        raise FormatError("frase de paso incorrecta, o archivo de custodia alterado") from None
    except (KeyError, ValueError, TypeError):
        raise FormatError("archivo de custodia mal formado") from None
    return TrusteeSecret(
        ceremony=bytes.fromhex(plain["ceremony"]), index=plain["index"],
        threshold=plain["threshold"],
        coefficients=tuple(_scalar(c) for c in plain["coefficients"]),
        box_key=bytes.fromhex(plain["box_key"]), dealing=dealing_from_json(plain["dealing"]),
        secret=None if plain["secret"] is None else _scalar(plain["secret"]))


def dealing_file(secret: TrusteeSecret) -> bytes:
    """The public dealing file."""
    return json.dumps({"schema": DEALING_SCHEMA, "ceremony": secret.ceremony.hex(),
                       "box_public_key": secret.public_box_key().hex(),
                       "dealing": dealing_json(secret.dealing)}, indent=1).encode() + b"\n"


def read_dealing(data: bytes) -> tuple[bytes, bytes, Dealing]:
    """``(ceremony, box public key, dealing)`` of a dealing file."""
    raw = _document(data, DEALING_SCHEMA)
    try:
        return (bytes.fromhex(raw["ceremony"]), bytes.fromhex(raw["box_public_key"]),
                dealing_from_json(raw["dealing"]))
    except (KeyError, ValueError, TypeError):
        raise FormatError("archivo de reparto mal formado") from None


def shares_file(secret: TrusteeSecret, recipients: dict[int, bytes]) -> bytes:
    """``f_i(j)`` sealed to each other trustee ``j``'s box key."""
    sealed = {str(j): SealedBox(PublicKey(key)).encrypt(
        evaluate(secret.coefficients, j)).hex()
        for j, key in sorted(recipients.items()) if j != secret.index}
    return json.dumps({"schema": SHARES_SCHEMA, "ceremony": secret.ceremony.hex(),
                       "from": secret.index, "shares": sealed}, indent=1).encode() + b"\n"


def open_share(secret: TrusteeSecret, data: bytes) -> tuple[int, Scalar]:
    """``(sender, f_sender(my index))`` from a shares file; `FormatError` if none is mine."""
    raw = _document(data, SHARES_SCHEMA)
    if raw.get("ceremony") != secret.ceremony.hex():
        raise FormatError("el archivo de partes es de otra ceremonia")
    try:
        sealed = bytes.fromhex(raw["shares"][str(secret.index)])
        share = SealedBox(PrivateKey(secret.box_key)).decrypt(sealed)
        return int(raw["from"]), _scalar(share.hex())
    except (KeyError, ValueError, TypeError, nacl.exceptions.CryptoError):
        raise FormatError("el archivo de partes no trae una parte para esta persona") from None


def own_share(secret: TrusteeSecret) -> Scalar:
    """``f_i(i)``: the share a trustee keeps from its own polynomial."""
    return evaluate(secret.coefficients, secret.index)


def _scalar(text: str) -> Scalar:
    data = bytes.fromhex(text)
    if not is_scalar(data):
        raise FormatError("escalar no reducido en un archivo de custodia")
    return Scalar(data)


def _document(data: bytes, schema: str) -> dict[str, Any]:
    try:
        raw = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        raise FormatError("no es JSON válido") from None
    if not isinstance(raw, dict) or raw.get("schema") != schema:
        raise FormatError(f"schema: se esperaba {schema!r}")
    return raw
