"""Outbound webhooks, the pure part: the Standard Webhooks signature, which addresses a webhook
may never reach, and which kinds of notice a webhook may carry.

- `signature` — ``webhook-id``, ``webhook-timestamp`` and ``webhook-signature`` headers
  (https://www.standardwebhooks.com), the ``whsec_`` secret format;
- `target` — the URL a facilitator gives, and the addresses refused by default (loopback,
  private, link-local… : a webhook must not become a way into the server's own network).
"""

from asamblea.core.webhooks.notice import WEBHOOK_DISABLED
from asamblea.core.webhooks.signature import (
    SECRET_PREFIX,
    encode_secret,
    headers,
    parse_secret,
    sign,
)
from asamblea.core.webhooks.target import (
    MAX_KINDS,
    MAX_URL,
    check_kinds,
    check_url,
    is_public_address,
    webhook_kinds,
)

__all__ = [
    "MAX_KINDS",
    "MAX_URL",
    "SECRET_PREFIX",
    "WEBHOOK_DISABLED",
    "check_kinds",
    "check_url",
    "encode_secret",
    "headers",
    "is_public_address",
    "parse_secret",
    "sign",
    "webhook_kinds",
]
