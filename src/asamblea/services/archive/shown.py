"""Shown copies: what the public memorial shows of a photo consented public.

The original is evidence and stays sealed, metadata and all. A team member with their unlocked
key asks for the public copy of a photo whose consent is ``public``: the original is decrypted in
memory (photos are at most 50 MB), re-encoded from its pixels alone by Pillow
(`asamblea.formats.archive.media.shown_copy`: no EXIF GPS position, no device, no XMP, ICC or
text), and stored; the custody log records ``copy_shown`` with the copy's SHA-256.

The copy is public, so the server must be able to serve it without anyone's key: it is stored as
an envelope under a key derived from the archive's signing key and the blob's id (so the blob
directory holds no plaintext file at all), which a seized server can derive — it learns nothing
the memorial does not already show. A narrower consent or a withdrawal drops the copy at once;
`asamblea.services.archive.sweep` removes its blob.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from nacl.public import PrivateKey
from sqlalchemy.orm import Session

from asamblea.core.archive import Action, Consent, keys
from asamblea.core.archive.envelope import decrypt, encrypt
from asamblea.core.archive.media import STRIPPABLE
from asamblea.core.errors import N_, Forbidden, Invalid, NotFound
from asamblea.core.people import Person
from asamblea.formats.archive.media import shown_copy
from asamblea.services.archive import custody
from asamblea.services.archive.access import case_for, team_member
from asamblea.services.archive.custody import Vault
from asamblea.store.archive_blobs import new_blob_id
from asamblea.store.archive_repository import ArchiveRepository

_PERSON = b"asamblea-shown/1"


def copy_key(vault: Vault, blob_id: str) -> bytes:
    """The key of a shown copy's envelope (derivable by the server alone: the copy is public)."""
    return hashlib.blake2b(bytes.fromhex(blob_id), key=bytes(vault.key), digest_size=32,
                           person=_PERSON[:16]).digest()


def make_shown_copy(db: Session, vault: Vault, actor: Person, item_id: str, *,
                    private: PrivateKey, now: datetime) -> str:
    """A team member makes the public copy of a photo consented public; the copy's SHA-256."""
    repo = ArchiveRepository(db)
    item = repo.item(item_id, lock=True)
    if item is None or item.withdrawn:
        raise NotFound(N_("No such item"))
    case = case_for(db, actor, item.case_id)
    member = team_member(db, actor, case)
    if item.consent is not Consent.PUBLIC or item.media_type not in STRIPPABLE:
        raise Invalid(N_("Only photos consented as public get a public copy"))
    wrapped = repo.wrap_for(item.id, actor.id)
    blob_id, _, _ = repo.blobs(item.id)
    if wrapped is None or blob_id is None:
        raise Forbidden(N_("This item's key is not wrapped for you"))
    original = b"".join(decrypt(keys.unwrap(wrapped, private), vault.blobs.read(blob_id)))
    copy = shown_copy(original, item.media_type)
    shown_id = new_blob_id()
    vault.blobs.write(shown_id, encrypt(copy_key(vault, shown_id), [copy]))
    repo.set_shown_copy(item.id, shown_id)
    digest = hashlib.sha256(copy).hexdigest()
    custody.record(db, vault.key, case.id, Action.COPY_SHOWN, member.handle, item=item.id,
                   detail={"sha256": digest}, now=now)
    return digest


@dataclass(frozen=True)
class ShownCopy:
    """A public copy as served: its media type and bytes."""

    media_type: str
    content: bytes


def public_copy(db: Session, vault: Vault, case_id: str, item_id: str) -> ShownCopy:
    """The shown copy of a public item of this case (anyone may read it); `NotFound` for any
    item that is not public, withdrawn, of another case, or without a copy."""
    repo = ArchiveRepository(db)
    item = repo.item(item_id)
    _, shown_id, _ = repo.blobs(item_id)
    if (item is None or item.case_id != case_id or item.withdrawn
            or item.consent is not Consent.PUBLIC or shown_id is None):
        raise NotFound(N_("No such item"))
    try:
        content = b"".join(decrypt(copy_key(vault, shown_id), vault.blobs.read(shown_id)))
    except FileNotFoundError:
        raise NotFound(N_("No such item")) from None
    return ShownCopy(item.media_type, content)


def case_of(db: Session, item_id: str) -> str:
    """The case an item belongs to (after a change the caller was allowed to make on it)."""
    item = ArchiveRepository(db).item(item_id)
    if item is None:
        raise NotFound(N_("No such item"))
    return item.case_id
