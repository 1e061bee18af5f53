"""A person's private-feed secret (issue #11): the random nonce it is derived from, and its
hash for the lookup. The token itself is never stored (docs/feeds-and-webhooks.md)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from asamblea.clock import utcnow
from asamblea.store.base import Base


class FeedTokenRow(Base):
    """One person's private-feed token: ``token = HMAC(server secret, nonce)``; the row keeps
    the nonce (to show the address again) and SHA-256 of the token (to find the person)."""

    __tablename__ = "feed_token"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), primary_key=True
    )
    nonce: Mapped[str] = mapped_column(String(64))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
