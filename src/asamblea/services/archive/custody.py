"""Appending to a case's custody log, and the archive's signing key.

Appends to one case's log are serialised by locking the case's row (PostgreSQL; SQLite writers
serialise anyway); ``(case, seq)`` is the table's key, so even without the lock two writers could
never both add entry *n*. The signing key is derived from the server's secret like the vote
board's, under its own label: a seized configuration gives it away (docs/archive.md).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from nacl.signing import SigningKey
from sqlalchemy.orm import Session

from asamblea.core.archive import Action, CaseHeader, Record, append, genesis, new_entry
from asamblea.core.archive.case import Case
from asamblea.core.errors import N_, NotFound
from asamblea.core.ledger import JsonValue, format_utc, public_key_hex, signing_key_from_seed
from asamblea.store.archive_blobs import BlobStore
from asamblea.store.archive_repository import ArchiveRepository

_LABEL = b"asamblea-archive-ed25519-seed/1"


@dataclass(frozen=True)
class Vault:
    """What the archive's use cases need besides the session: the signing key and the blobs."""

    key: SigningKey
    blobs: BlobStore


@lru_cache(maxsize=4)
def vault_for(secret: str, root: str) -> Vault:
    """The archive's vault for a server: its key from the secret, its blobs under ``root``."""
    return Vault(archive_key(secret), BlobStore(Path(root)))


def archive_key(secret: str) -> SigningKey:
    """The archive's Ed25519 key, derived from the server's secret (HMAC-SHA256 as a KDF)."""
    return signing_key_from_seed(hmac.new(secret.encode("utf-8"), _LABEL,
                                          hashlib.sha256).digest())


def header_of(case: Case, key: SigningKey) -> CaseHeader:
    """The header that fixes the case's chain."""
    return CaseHeader(case.id, format_utc(case.created_at), public_key_hex(key))


def record(db: Session, key: SigningKey, case_id: str, action: Action, actor: str, *,
           item: str | None = None, detail: Mapping[str, JsonValue] | None = None,
           now: datetime) -> Record:
    """Append one signed entry to the case's log, in the caller's transaction."""
    repo = ArchiveRepository(db)
    case = repo.case(case_id, lock=True)
    if case is None:
        raise NotFound(N_("No such case"))
    header = header_of(case, key)
    last = repo.last_record(case_id)
    previous = genesis(header) if last is None else bytes.fromhex(last[1])
    seq = 1 if last is None else last[0] + 1
    entry = new_entry(seq, action, format_utc(now), actor, item, detail=detail)
    signed = append(key, header, previous, entry)
    repo.add_record(case_id, signed)
    return signed
