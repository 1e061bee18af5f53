"""Items of a case: received (encrypted as they stream in), listed, read, re-consented, withdrawn.

Receiving streams the content once: it is hashed (SHA-256 of the original, for the custody log),
its first bytes kept for the type check, and encrypted with a fresh file key into the blob
directory — the plaintext never touches the disk. The file key is wrapped to every active team
member and then forgotten. Reading needs a member's unlocked private key and writes a ``viewed``
entry, so it is a POST in the web layer (GET only reads).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

from nacl.public import PrivateKey
from sqlalchemy.orm import Session

from asamblea.core.archive import Action, Consent, Viewer, can_see, check_consent_change, keys
from asamblea.core.archive.case import Case, Item, Victim
from asamblea.core.archive.envelope import (
    decrypt,
    decrypt_bytes,
    encrypt,
    encrypt_bytes,
    new_file_key,
)
from asamblea.core.archive.media import MAX_UPLOAD, Kind, check_size, classify
from asamblea.core.errors import N_, Forbidden, Invalid, NotFound
from asamblea.core.ledger import JsonValue
from asamblea.core.people import Person
from asamblea.formats.archive.media import SNIFF_BYTES, sniff
from asamblea.services.archive import custody
from asamblea.services.archive.access import case_for, seen_by_team, team_member, viewer_of
from asamblea.services.archive.custody import Vault
from asamblea.store.archive_blobs import BlobStore, new_blob_id
from asamblea.store.archive_repository import ArchiveRepository

MAX_NAME = 200


@dataclass
class Measured:
    """Passes content through while taking its SHA-256, size and first bytes."""

    source: Iterable[bytes]
    limit: int
    digest: hashlib._Hash = field(default_factory=hashlib.sha256)
    size: int = 0
    head: bytes = b""

    def __iter__(self) -> Iterator[bytes]:
        for piece in self.source:
            self.size += len(piece)
            if self.size > self.limit:
                raise Invalid(N_("The file is larger than {limit} MB"),
                              limit=self.limit // 1_000_000)
            self.digest.update(piece)
            if len(self.head) < SNIFF_BYTES:
                self.head += piece[:SNIFF_BYTES - len(self.head)]
            yield piece


@dataclass(frozen=True)
class Incoming:
    """What a sender says about new material (the content comes separately, as a stream)."""

    consent: Consent
    file_name: str | None = None
    title: str | None = None
    tags: str | None = None


@dataclass(frozen=True)
class Received:
    """What intake gives back: the item, the holder's token, the receipt ``SEQ:HEAD``."""

    item: Item
    holder_token: str
    receipt: str


def clean_text(value: str | None, limit: int) -> str | None:
    """A title or tags on one line, None when blank; `Invalid` when over ``limit``."""
    if value is None or not value.strip():
        return None
    if "\x00" in value:
        raise Invalid(N_("Text with characters that are not allowed"))
    cleaned = " ".join(value.split())
    if len(cleaned) > limit:
        raise Invalid(N_("Text longer than {n} characters"), n=limit)
    return cleaned


def store_encrypted(blobs: BlobStore, content: Iterable[bytes], file_key: bytes
                    ) -> tuple[str, Measured, str, Kind]:
    """Encrypt ``content`` into a new blob: its id, measurements, media type and kind.

    The type is read from the content's first bytes; a refused type or size removes the blob.
    """
    measured = Measured(content, MAX_UPLOAD)
    blob_id = new_blob_id()
    blobs.write(blob_id, encrypt(file_key, measured))
    try:
        if measured.size == 0:
            raise Invalid(N_("The file is empty"))
        media_type, kind = classify(sniff(measured.head), measured.head)
        check_size(kind, measured.size)
    except Invalid:
        blobs.delete(blob_id)
        raise
    return blob_id, measured, media_type, kind


def receive(db: Session, vault: Vault, case_id: str, incoming: Incoming,
            content: Iterable[bytes], *, actor: str, file_key: bytes | None = None,
            wraps: dict[int, bytes] | None = None, now: datetime) -> Received:
    """Store new material for a case (any sender): the item, holder token and intake receipt.

    The holder token lets the witness or family change consent later; only its digest is kept.
    The receipt is the custody entry's ``SEQ:HEAD``, signed in the log.
    """
    repo = ArchiveRepository(db)
    file_key = file_key or new_file_key()
    wraps = wraps if wraps is not None else keys.wrap_for_team(file_key, repo.team_keys(case_id))
    if not wraps:
        raise Invalid(N_("This case's team has no keys yet"))
    blob_id, measured, media_type, kind = store_encrypted(vault.blobs, content, file_key)
    item_id = secrets.token_hex(16)
    detail: dict[str, JsonValue] = {"sha256": measured.digest.hexdigest(),
                                    "size": measured.size, "media_type": media_type}
    signed = custody.record(db, vault.key, case_id, Action.RECEIVED, actor, item=item_id,
                            detail=detail, now=now)
    holder = secrets.token_urlsafe(24)
    item = Item(item_id, case_id, kind, media_type, measured.size, measured.digest.hexdigest(),
                incoming.consent, False, clean_text(incoming.title, 200),
                clean_text(incoming.tags, 400), signed.seq, False, now)
    name = clean_text(incoming.file_name, MAX_NAME)
    repo.add_item(item, blob_id=blob_id,
                  name_box=None if name is None else encrypt_bytes(file_key, name.encode()),
                  holder_digest=holder_digest(holder))
    repo.put_wraps(item_id, wraps)
    return Received(item, holder, f"{signed.seq}:{signed.head}")


def add_item(db: Session, vault: Vault, actor: Person, case_id: str, content: Iterable[bytes],
             *, incoming: Incoming, now: datetime) -> Received:
    """A team member adds material to the case."""
    case = case_for(db, actor, case_id)
    member = team_member(db, actor, case)
    return receive(db, vault, case.id, incoming, content, actor=member.handle, now=now)


@dataclass(frozen=True)
class CaseView:
    """A case as one person may see it: its public facts and the victims they may see."""

    case: Case
    victims: tuple[Victim, ...]
    clearance: Consent


def case_view(db: Session, viewer: Person | None, case_id: str) -> CaseView:
    """The case's title, place, date, and the victims whose consent reaches this person."""
    case = case_for(db, viewer, case_id)
    clearance = viewer_of(db, viewer, case).clearance
    victims = tuple(v for v in ArchiveRepository(db).victims(case.id) if v.consent <= clearance)
    return CaseView(case, victims, clearance)


def visible_items(db: Session, viewer: Person | None, case_id: str) -> list[Item]:
    """The items of the case this person may see (withdrawn ones never)."""
    case = case_for(db, viewer, case_id)
    clearance = viewer_of(db, viewer, case).clearance
    levels = [level for level in Consent if level <= clearance]
    return ArchiveRepository(db).items(case.id, levels)


@dataclass(frozen=True)
class Opened:
    """An item opened by a team member: its record, original file name and plaintext stream."""

    item: Item
    file_name: str | None
    content: Iterator[bytes]


def open_item(db: Session, vault: Vault, actor: Person, item_id: str, *, private: PrivateKey,
              now: datetime) -> Opened:
    """Decrypt an item for a team member (logged as ``viewed``)."""
    opened, handle = _decrypted(db, vault, actor, item_id, private)
    custody.record(db, vault.key, opened.item.case_id, Action.VIEWED, handle, item=item_id,
                   now=now)
    return opened


def record_view(db: Session, vault: Vault, actor: Person, item_id: str, *,
                private: PrivateKey, now: datetime) -> Item:
    """Log that a team member opens an item (``viewed``), after checking they can decrypt it.

    The pages do this on the POST that opens an item, then show it on a GET with
    `read_viewed` while a short grant for that view holds (POST-redirect-GET, issue #13).
    """
    opened = open_item(db, vault, actor, item_id, private=private, now=now)
    return opened.item


def read_viewed(db: Session, vault: Vault, actor: Person, item_id: str, *,
                private: PrivateKey) -> Opened:
    """Decrypt an item whose view `record_view` has just logged (no second custody entry).

    The same checks as `open_item` run again (the item may have been withdrawn or the person
    removed from the team since); only the caller's grant ties this read to the logged view.
    """
    return _decrypted(db, vault, actor, item_id, private)[0]


def _decrypted(db: Session, vault: Vault, actor: Person, item_id: str, private: PrivateKey
               ) -> tuple[Opened, str]:
    """The item decrypted for ``actor`` and their team handle; `NotFound` beyond their circle."""
    repo = ArchiveRepository(db)
    item = repo.item(item_id)
    if item is None:
        raise NotFound(N_("No such item"))
    _, _, member = seen_by_team(db, actor, item.case_id, item.access, N_("No such item"))
    wrapped = repo.wrap_for(item.id, actor.id)
    blob_id, _, name_box = repo.blobs(item.id)
    if wrapped is None or blob_id is None:
        raise Forbidden(N_("This item's key is not wrapped for you"))
    file_key = keys.unwrap(wrapped, private)
    name = None if name_box is None else decrypt_bytes(file_key, name_box).decode()
    return Opened(item, name, decrypt(file_key, vault.blobs.read(blob_id))), member.handle


def holder_digest(holder_token: str) -> str:
    """What the store keeps of a holder token: its SHA-256 (hex)."""
    return hashlib.sha256(holder_token.encode()).hexdigest()


def held_item(db: Session, holder_token: str) -> Item:
    """The item this holder token belongs to (a withdrawn one too: its holder may see that it
    was withdrawn); `NotFound` for any other token."""
    item = ArchiveRepository(db).item_by_holder(holder_digest(holder_token))
    if item is None:
        raise NotFound(N_("No item has this code"))
    return item


def change_consent(db: Session, vault: Vault, item_id: str, new: Consent | None, *,
                   holder_token: str | None = None, actor: Person | None = None,
                   now: datetime) -> Item:
    """Change an item's consent (``new`` None: withdraw), by its holder or a team member.

    The holder (the witness or family, with the token given at intake) may set any level; a
    team member may only narrow it or withdraw it (`asamblea.core.archive.consent`). Withdrawal
    forgets the item's key wraps, file name, title and tags at once: its content can never be
    read again; the custody log keeps that it was withdrawn.
    """
    repo = ArchiveRepository(db)
    holder = holder_token is not None
    item = (repo.item_by_holder(holder_digest(holder_token))
            if holder_token is not None else repo.item(item_id))
    if item is None or (holder and item.id != item_id):
        raise NotFound(N_("No such item"))
    case = case_for(db, actor, item.case_id)
    viewer = Viewer() if actor is None else viewer_of(db, actor, case)
    if not holder:
        if actor is None or not can_see(viewer, item.access):
            raise NotFound(N_("No such item"))
        member_handle = team_member(db, actor, case).handle
    check_consent_change(item.access, new, holder=holder, viewer=viewer)
    by = "holder" if holder else "team"
    who = "testigo" if holder else member_handle
    if new is None:
        repo.withdraw(item.id)
        custody.record(db, vault.key, case.id, Action.WITHDRAWN, who, item=item.id,
                       detail={"by": by}, now=now)
    else:
        repo.set_consent(item.id, new)
        if new is not Consent.PUBLIC:
            repo.set_shown_copy(item.id, None)
        custody.record(db, vault.key, case.id, Action.CONSENT_CHANGED, who, item=item.id,
                       detail={"from": item.consent.code, "to": new.code, "by": by}, now=now)
    changed = repo.item(item.id)
    if changed is None:  # pragma: no cover - the row was just updated
        raise NotFound(N_("No such item"))
    return changed
