"""Members' archive keys: made under a passphrase, unlocked into the person's session only.

The unlocked private key is never stored as is. The web layer keeps it *held* under the login
session's token (which only the browser has; the server stores its hash): ``hold_unlocked`` /
``release_unlocked`` — so it lives exactly as long as the session, in any worker process, and a
seized database holds it only sealed under a secret it does not have.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from nacl import pwhash
from nacl.public import PrivateKey
from sqlalchemy.orm import Session

from asamblea.core.archive import keys
from asamblea.core.archive.intake import hold_key, release_key
from asamblea.core.errors import N_, Conflict, Invalid
from asamblea.core.people import Person
from asamblea.store.archive_repository import ArchiveRepository

_limits = {"opslimit": keys.OPSLIMIT, "memlimit": keys.MEMLIMIT}


def use_kdf_limits(opslimit: int, memlimit: int) -> None:
    """Swap the Argon2id limits for new keys (the tests use libsodium's minimum to stay fast)."""
    if opslimit < pwhash.argon2id.OPSLIMIT_MIN or memlimit < pwhash.argon2id.MEMLIMIT_MIN:
        msg = "below libsodium's minimum"
        raise ValueError(msg)
    _limits.update(opslimit=opslimit, memlimit=memlimit)


def has_key(db: Session, person: Person) -> bool:
    """Whether the person made their archive key."""
    return ArchiveRepository(db).member_key(person.id) is not None


def set_up_key(db: Session, actor: Person, passphrase: str) -> bytes:
    """Make the person's key pair under their passphrase; its public key."""
    repo = ArchiveRepository(db)
    if repo.member_key(actor.id) is not None:
        raise Conflict(N_("You already have an archive key; change its passphrase instead"))
    private = keys.new_member_key()
    repo.set_member_key(actor.id, keys.public_bytes(private),
                        keys.protect(private, passphrase, **_limits))
    return keys.public_bytes(private)


def unlock(db: Session, actor: Person, passphrase: str) -> PrivateKey:
    """The person's private key, opened with their passphrase (`Invalid` when wrong)."""
    stored = ArchiveRepository(db).member_key(actor.id)
    if stored is None:
        raise Invalid(N_("You have no archive key yet"))
    return keys.unlock(stored[1], passphrase)


def change_passphrase(db: Session, actor: Person, old: str, new: str) -> None:
    """Protect the same key under a new passphrase (the wraps stay valid)."""
    private = unlock(db, actor, old)
    ArchiveRepository(db).set_member_key(actor.id, keys.public_bytes(private),
                                         keys.protect(private, new, **_limits))


def hold_unlocked(private: PrivateKey, session_token: str, session_hash: str) -> bytes:
    """The unlocked key sealed under the login session's token (kept with the session)."""
    return hold_key(bytes(private), session_token, session_hash[:32])


def release_unlocked(held: bytes, session_token: str, session_hash: str) -> PrivateKey:
    """The unlocked key back from its session seal."""
    return PrivateKey(release_key(held, session_token, session_hash[:32]))


UNLOCK_HOURS = 8


def _session_digest(session_token: str) -> str:
    return hashlib.sha256(b"asamblea-archive-unlock/1" + session_token.encode()).hexdigest()


def unlock_session(db: Session, actor: Person, passphrase: str, session_token: str, *,
                   now: datetime) -> None:
    """Unlock the person's key for this login session only (sealed under its token)."""
    private = unlock(db, actor, passphrase)
    digest = _session_digest(session_token)
    ArchiveRepository(db).put_unlock(digest, actor.id,
                                     hold_unlocked(private, session_token, digest),
                                     now + timedelta(hours=UNLOCK_HOURS))


def session_key(db: Session, actor: Person, session_token: str | None, *,
                now: datetime) -> PrivateKey | None:
    """The key this session unlocked, or None."""
    if session_token is None:
        return None
    digest = _session_digest(session_token)
    held = ArchiveRepository(db).unlock_of(digest, actor.id, now)
    return None if held is None else release_unlocked(held, session_token, digest)
