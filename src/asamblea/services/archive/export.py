"""Exporting a case for a prosecutor, an ombudsman's office or a commission.

A legal-team member with their unlocked key chooses items; each is decrypted as it streams into
the bundle (its SHA-256 must be the one taken at intake: `asamblea.core.archive.export_case`
refuses otherwise), the ``exported`` entry is appended to the custody log, entries about other
items are redacted, and the manifest is signed. The bundle is checked by anyone with
``asamblea archive verify``.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import IO

from nacl.public import PrivateKey
from sqlalchemy.orm import Session

from asamblea.core.archive import ManifestFile, can_export, export_case, keys
from asamblea.core.archive.envelope import decrypt, decrypt_bytes
from asamblea.core.errors import N_, Invalid, NotFound
from asamblea.core.ledger import format_utc
from asamblea.core.people import Person
from asamblea.formats.archive import safe_name, write_bundle, write_zip
from asamblea.services.archive import custody
from asamblea.services.archive.access import case_for, team_member, viewer_of
from asamblea.services.archive.custody import Vault
from asamblea.store.archive_repository import ArchiveRepository
from asamblea.store.federation_repository import AuditRepository


def export_bundle(db: Session, vault: Vault, actor: Person, case_id: str,
                  target: Path | IO[bytes], *, item_ids: Sequence[str], recipient: str,
                  private: PrivateKey, now: datetime) -> int:
    """Write the bundle of the chosen items to ``target``: a directory, a ``.zip`` path, or an
    open binary stream (a ZIP, for a download built in memory).

    Returns the custody log's length after the export. Nothing is logged if writing fails.
    """
    case = case_for(db, actor, case_id)
    member = team_member(db, actor, case, legal=True)
    viewer = viewer_of(db, actor, case)
    recipient = " ".join(recipient.split())
    if not 1 <= len(recipient) <= 200:
        raise Invalid(N_("Say who receives the export"))
    repo = ArchiveRepository(db)
    files: list[ManifestFile] = []
    sources: dict[str, Iterator[bytes]] = {}
    for item_id in sorted(set(item_ids)):
        item = repo.item(item_id)
        if item is None or item.case_id != case.id or not can_export(viewer, item.access):
            raise NotFound(N_("No such item"))
        wrapped = repo.wrap_for(item.id, actor.id)
        blob_id, _, name_box = repo.blobs(item.id)
        if wrapped is None or blob_id is None:
            raise Invalid(N_("This item's key is not wrapped for you"))
        file_key = keys.unwrap(wrapped, private)
        name = "original" if name_box is None else decrypt_bytes(file_key, name_box).decode()
        path = f"originals/{item.id}/{safe_name(name)}"
        files.append(ManifestFile(path, item.id, item.sha256, item.size, item.media_type))
        sources[path] = decrypt(file_key, vault.blobs.read(blob_id))
    header = custody.header_of(case, vault.key)
    repo.case(case.id, lock=True)
    export = export_case(vault.key, header, repo.records(case.id), files, at=format_utc(now),
                         actor=member.handle, recipient=recipient)
    if not isinstance(target, Path):
        write_zip(target, export, sources)
        repo.add_record(case.id, export.record)
        AuditRepository(db).record(actor.id, "archive.exported", case.assembly_id, case.id)
        return export.record.seq
    try:
        write_bundle(target, export, sources)
    except Exception:  # a blob that fails to decrypt: leave no half-written bundle behind
        if target.is_dir():
            shutil.rmtree(target, ignore_errors=True)
        elif target.exists():
            target.unlink()
        raise
    repo.add_record(case.id, export.record)
    AuditRepository(db).record(actor.id, "archive.exported", case.assembly_id, case.id)
    return export.record.seq
