"""A person's private-feed address: a secret token the person can see, rotate and revoke.

The token is ``base64url(HMAC-SHA256(feed key, nonce))`` where the feed key is derived from
the server's secret and the nonce is random and kept in the database with SHA-256 of the
token. So the person can be shown their address again (it is derived, not stored), a copy of
the database alone yields no working address, and the lookup of a token reads its hash only.
Rotating draws a new nonce (the old address stops working at once); revoking deletes the row.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from asamblea.core.errors import N_, NotFound
from asamblea.core.feeds import is_token_shaped
from asamblea.core.people import Person
from asamblea.store.federation_repository import FederationRepository, PeopleRepository
from asamblea.store.feeds_repository import FeedsRepository


def feed_key(server_secret: str) -> bytes:
    """The key private-feed tokens are derived with (one per server secret)."""
    return hmac.new(server_secret.encode(), b"asamblea feed tokens v1", hashlib.sha256).digest()


def _token(key: bytes, nonce: str) -> str:
    digest = hmac.new(key, nonce.encode("ascii"), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


@dataclass(frozen=True)
class FeedAddress:
    """A person's token and when it was made (the routes build the URLs from it)."""

    token: str


def feed_address(db: Session, person: Person, key: bytes) -> FeedAddress | None:
    """The person's current private-feed token, or None when they have none."""
    nonce = FeedsRepository(db).token_nonce(person.id)
    return None if nonce is None else FeedAddress(_token(key, nonce))


def rotate(db: Session, person: Person, key: bytes, now: datetime) -> FeedAddress:
    """A new token for the person (the first one, or one replacing the old)."""
    nonce = secrets.token_hex(32)
    token = _token(key, nonce)
    FeedsRepository(db).set_token(person.id, nonce, _hash(token), now)
    return FeedAddress(token)


def revoke(db: Session, person: Person) -> bool:
    """The person's private feeds stop working; True when they had a token."""
    return FeedsRepository(db).drop_token(person.id)


def person_for_token(db: Session, token: str) -> Person:
    """Whose private feed ``token`` opens; NotFound for an unknown (or revoked) token."""
    person_id = FeedsRepository(db).person_by_hash(_hash(token)) if is_token_shaped(token) else None
    person = PeopleRepository(db).get(person_id) if person_id is not None else None
    if person is None:
        raise NotFound(N_("This feed address does not exist or was revoked."))
    return person


def private_assembly(db: Session, person: Person, assembly_id: int) -> None:
    """Refuse (NotFound, as for a page one may not see) unless the person is an active member."""
    membership = FederationRepository(db).membership_of(assembly_id, person.id)
    if membership is None or not membership.is_active:
        raise NotFound(N_("This feed address does not exist or was revoked."))


def feed_assemblies(db: Session, person: Person) -> list[tuple[int, str]]:
    """(id, name) of the assemblies whose private feeds the person may read, by name."""
    federation = FederationRepository(db)
    found = []
    for membership in federation.memberships_of_person(person.id):
        assembly = federation.assembly(membership.assembly_id) if membership.is_active else None
        if assembly is not None:
            found.append((assembly.id, assembly.name))
    return sorted(found, key=lambda item: item[1].casefold())
