"""One-click unsubscribe (RFC 8058) with signed tokens.

Every mail carries ``List-Unsubscribe: <https://…/avisos/baja?t=TOKEN>`` and
``List-Unsubscribe-Post: List-Unsubscribe=One-Click``: the mail client POSTs to that URL and the
server stops that kind of notice by mail, without a login. The token is the person's id and the
kind (or ``digest``), signed with the server's secret (itsdangerous, HMAC-SHA1 over a key
derived with the salt below): it cannot be forged or moved to another person or kind, and it
says nothing a reader of the mail does not know already. The GET page only shows what the
button will do (GET only reads); the POST does it, and doing it twice changes nothing.
"""

from __future__ import annotations

from functools import lru_cache

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy.orm import Session

from asamblea.core import notices
from asamblea.core.errors import N_, Invalid
from asamblea.core.notices import Delivery
from asamblea.store.mail_repository import MailRepository
from asamblea.store.notices_repository import NoticesRepository

SALT = "asamblea.mail.unsubscribe"
DIGEST = "digest"
MAX_TOKEN = 200
BAD_TOKEN = N_("This unsubscribe link is not valid. Change your notices in your account.")


@lru_cache(maxsize=4)
def _signer(secret: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret, salt=SALT)


def token(secret: str, person_id: int, kind: str) -> str:
    """The unsubscribe token for ``kind`` (a kind of notice, or ``digest``) of one person."""
    return str(_signer(secret).dumps([person_id, kind]))


def read_token(secret: str, text: str) -> tuple[int, str]:
    """(person id, kind) from a token, or `Invalid` when it is forged, altered or unknown."""
    if not text or len(text) > MAX_TOKEN or not text.isascii():
        raise Invalid(BAD_TOKEN)
    try:
        value = _signer(secret).loads(text)
    except BadSignature:
        raise Invalid(BAD_TOKEN) from None
    match value:
        case [int() as person_id, str() as kind] if kind in {*notices.kinds(), DIGEST}:
            return person_id, kind
    raise Invalid(BAD_TOKEN)


def unsubscribe(db: Session, secret: str, text: str) -> str:
    """Stop the token's kind by mail (the digest: every kind that goes in it). Returns the
    kind. Idempotent; a person who no longer exists is simply not found."""
    person_id, kind = read_token(secret, text)
    repo = NoticesRepository(db)
    chosen = repo.preferences(person_id)
    stop = [kind]
    if kind == DIGEST:
        stop = [
            k
            for k in notices.kinds()
            if notices.delivery(k, {c: Delivery(v) for c, v in chosen.items()}) is Delivery.DAILY
        ]
    if MailRepository(db).address(person_id) is None and not chosen:
        return kind  # nothing to stop (and nothing to create for an account that went away)
    for each in stop:
        repo.set_preference(person_id, each, Delivery.NEVER.value)
    return kind
