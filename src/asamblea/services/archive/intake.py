"""Intake: one-time links for witnesses without an account, and resumable (tus 1.0) uploads.

A team member makes a link (its token is shown once; only its digest is stored). Through it, or
from their own session, a sender starts an upload: the server draws the file key, wraps it to the
team at once, and keeps it only *held* under the upload's secret (part of the upload URL, known to
the sender's client alone). Each ``PATCH`` body is encrypted into a segment as it arrives. When the
last byte is in, the segments are decrypted in order into `items.receive`, which hashes the
original, checks its type by content, writes the final envelope and logs ``received``; then the
segments, the held key and the upload row are deleted and the link is spent.
"""

from __future__ import annotations

import itertools
import secrets
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from asamblea.core.archive import Consent, keys
from asamblea.core.archive.case import IntakeLink, UploadState
from asamblea.core.archive.envelope import (
    decrypt,
    decrypt_bytes,
    encrypt,
    encrypt_bytes,
    new_file_key,
)
from asamblea.core.archive.intake import (
    hold_key,
    new_secret,
    release_key,
    token_digest,
)
from asamblea.core.archive.media import MAX_UPLOAD
from asamblea.core.archive.tus import TooLarge, Upload
from asamblea.core.errors import N_, Invalid, NotFound
from asamblea.core.people import Person
from asamblea.services.archive.access import case_for, team_member
from asamblea.services.archive.custody import Vault
from asamblea.services.archive.items import Incoming, Received, clean_text, receive
from asamblea.store.archive_repository import ArchiveRepository
from asamblea.store.federation_repository import AuditRepository

LINK_DAYS = 14
WITNESS = "testigo"


def create_link(db: Session, actor: Person, case_id: str, consent: Consent, *,
                now: datetime, days: int = LINK_DAYS) -> str:
    """A team member makes a one-time intake link; its token (shown once, never stored)."""
    case = case_for(db, actor, case_id)
    team_member(db, actor, case)
    if not 1 <= days <= 90:
        raise Invalid(N_("A link lasts from 1 to 90 days"))
    token = new_secret()
    ArchiveRepository(db).add_link(case.id, token_digest(token), consent, actor.id,
                                   now + timedelta(days=days))
    AuditRepository(db).record(actor.id, "archive.link_created", case.assembly_id, case.id)
    return token


def link_for(db: Session, token: str, now: datetime, *, lock: bool = False) -> IntakeLink:
    """The open link with this token; `NotFound` when unknown, used or expired."""
    link = ArchiveRepository(db).link(token_digest(token), lock=lock)
    if link is None or link.used_at is not None or link.expires_at <= now:
        raise NotFound(N_("This intake link does not exist, was already used or has expired"))
    return link


@dataclass(frozen=True)
class Started:
    """A started upload: its id and secret make its URL."""

    upload_id: str
    secret: str


def start_upload(db: Session, *, case_id: str, length: int, file_name: str | None,
                 consent: Consent | None = None, link_token: str | None = None,
                 actor: Person | None = None, title: str | None = None,
                 now: datetime) -> Started:
    """Begin an upload through a link (``link_token``) or by a team member (``actor``)."""
    repo = ArchiveRepository(db)
    link_id = None
    if link_token is not None:
        link = link_for(db, link_token, now)
        if link.case_id != case_id:
            raise NotFound(N_("This intake link does not exist, was already used or has expired"))
        link_id, consent = link.id, link.consent
    else:
        if actor is None:
            raise NotFound(N_("No such case"))
        team_member(db, actor, case_for(db, actor, case_id))
    if length > MAX_UPLOAD:
        raise TooLarge(N_("The file is larger than {limit} MB"), limit=MAX_UPLOAD // 1_000_000)
    file_key, upload_id, secret = new_file_key(), secrets.token_hex(16), new_secret()
    wraps = keys.wrap_for_team(file_key, repo.team_keys(case_id))
    if not wraps:
        raise Invalid(N_("This case's team has no keys yet"))
    state = UploadState(upload_id, case_id, link_id, None if actor is None else actor.id,
                        length, 0, 0, consent or Consent.TEAM)
    name_box = None if not file_name else encrypt_bytes(file_key, file_name[:200].encode())
    repo.add_upload(state, held_key=hold_key(file_key, secret, upload_id), wraps=wraps,
                    name_box=name_box, title=clean_text(title, 200), now=now)
    return Started(upload_id, secret)


def _open(db: Session, upload_id: str, secret: str, *, lock: bool = False
          ) -> tuple[UploadState, bytes, dict[int, bytes], bytes | None]:
    found = ArchiveRepository(db).upload(upload_id, lock=lock) if len(upload_id) == 32 else None
    if found is None:
        raise NotFound(N_("Unknown upload"))
    state, held, wraps, name_box = found
    try:
        file_key = release_key(held, secret, upload_id)
    except Invalid:
        raise NotFound(N_("Unknown upload")) from None
    return state, file_key, wraps, name_box


def upload_state(db: Session, upload_id: str, secret: str) -> UploadState:
    """Where an upload stands (tus ``HEAD``)."""
    return _open(db, upload_id, secret)[0]


@dataclass(frozen=True)
class Appended:
    """After a ``PATCH``: the upload's state, and what intake gave back once complete."""

    state: UploadState
    received: Received | None = None


class _Counted:
    def __init__(self, body: Iterable[bytes], room: int) -> None:
        self.body, self.room, self.count = body, room, 0

    def __iter__(self) -> Iterator[bytes]:
        for piece in self.body:
            self.count += len(piece)
            if self.count > self.room:
                raise TooLarge(N_("More bytes than the declared Upload-Length"))
            yield piece


def append(db: Session, vault: Vault, upload_id: str, secret: str, body: Iterable[bytes], *,
           content_type: str | None, offset: str | None, now: datetime) -> Appended:
    """Append a ``PATCH`` body at ``offset`` (tus rules), encrypted as it streams in."""
    state, file_key, wraps, name_box = _open(db, upload_id, secret, lock=True)
    Upload(state.length, state.offset).check_patch(content_type, offset)
    counted = _Counted(body, state.length - state.offset)
    vault.blobs.write_segment(upload_id, state.segments, encrypt(file_key, counted))
    repo = ArchiveRepository(db)
    state = UploadState(state.id, state.case_id, state.link_id, state.person_id, state.length,
                        state.offset + counted.count, state.segments + 1, state.consent,
                        state.title)
    repo.advance_upload(upload_id, state.offset, state.segments, now=now)
    if state.offset < state.length:
        return Appended(state)
    return _complete(db, vault, state, file_key=file_key, wraps=wraps, name_box=name_box,
                     now=now)


def _complete(db: Session, vault: Vault, state: UploadState, *, file_key: bytes,
              wraps: dict[int, bytes], name_box: bytes | None, now: datetime) -> Appended:
    repo = ArchiveRepository(db)
    actor = WITNESS
    if state.person_id is not None:
        member = repo.team_member(state.case_id, state.person_id)
        actor = member.handle if member is not None else WITNESS
    segments = vault.blobs.segments(state.id, state.segments)
    plaintext = itertools.chain.from_iterable(decrypt(file_key, s) for s in segments)
    name = None if name_box is None else decrypt_bytes(file_key, name_box).decode()
    received = receive(db, vault, state.case_id, Incoming(state.consent, name, state.title),
                       plaintext,
                       actor=actor, file_key=file_key, wraps=wraps, now=now)
    if state.link_id is not None:
        repo.spend_link(state.link_id, now)
    repo.delete_upload(state.id)
    vault.blobs.drop_segments(state.id)
    return Appended(state, received)


def terminate(db: Session, vault: Vault, upload_id: str, secret: str) -> None:
    """Abandon an upload (tus ``DELETE``): its segments and held key are deleted."""
    _open(db, upload_id, secret, lock=True)
    ArchiveRepository(db).delete_upload(upload_id)
    vault.blobs.drop_segments(upload_id)


def open_link(db: Session, token: str, now: datetime) -> tuple[IntakeLink, str]:
    """The open link and the title of its case (for the witness's page)."""
    link = link_for(db, token, now)
    return link, case_for(db, None, link.case_id).title


def submit_text(db: Session, vault: Vault, token: str, text: str, *, title: str | None,
                now: datetime) -> Received:
    """A witness sends a written testimony through a link (the link is spent)."""
    link = link_for(db, token, now, lock=True)
    body = text.strip()
    if not body:
        raise Invalid(N_("Write your testimony before sending it"))
    received = receive(db, vault, link.case_id, Incoming(link.consent, None, title),
                       [body.encode("utf-8")], actor=WITNESS, now=now)
    ArchiveRepository(db).spend_link(link.id, now)
    return received


def submit_file(db: Session, vault: Vault, token: str, content: Iterable[bytes], *,
                file_name: str | None, title: str | None, now: datetime) -> Received:
    """A witness sends a file through a link from its page (no script: one request, not
    resumable); it is encrypted as it streams in, and the link is spent."""
    link = link_for(db, token, now, lock=True)
    received = receive(db, vault, link.case_id, Incoming(link.consent, file_name, title),
                       content, actor=WITNESS, now=now)
    ArchiveRepository(db).spend_link(link.id, now)
    return received
