"""The Standard Webhooks signature (https://www.standardwebhooks.com, "Signature scheme").

A delivery carries three headers:

- ``webhook-id``: the message's id, the same on every retry (receivers drop duplicates by it);
- ``webhook-timestamp``: seconds since the epoch when this attempt was signed;
- ``webhook-signature``: ``v1,`` + base64(HMAC-SHA256(key, "{id}.{timestamp}.{body}")).

The key is 24 random bytes (the scheme asks for 24 to 64), shown to the facilitator once as
``whsec_`` + base64(key): the same text a Standard Webhooks library takes to verify.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac

from asamblea.core.errors import N_, Invalid

SECRET_PREFIX = "whsec_"  # noqa: S105 - the format's prefix, not a secret
KEY_BYTES = 24


def encode_secret(key: bytes) -> str:
    """The secret as shown once to the facilitator: ``whsec_`` + base64 of the key."""
    return SECRET_PREFIX + base64.b64encode(key).decode("ascii")


def parse_secret(secret: str) -> bytes:
    """The key of a ``whsec_…`` secret (Invalid when it is not one)."""
    if not secret.startswith(SECRET_PREFIX):
        raise Invalid(N_("That is not a webhook secret."))
    try:
        key = base64.b64decode(secret[len(SECRET_PREFIX) :], validate=True)
    except (binascii.Error, ValueError):
        raise Invalid(N_("That is not a webhook secret.")) from None
    if not 24 <= len(key) <= 64:
        raise Invalid(N_("That is not a webhook secret."))
    return key


def sign(key: bytes, msg_id: str, timestamp: int, body: bytes) -> str:
    """The ``webhook-signature`` value of one attempt."""
    content = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(key, content, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


def headers(key: bytes, msg_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    """Every header of one attempt (the content type included)."""
    return {
        "content-type": "application/json",
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(key, msg_id, timestamp, body),
    }
