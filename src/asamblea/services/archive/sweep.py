"""Removing the archive's orphan blobs, on the runner's schedule.

A withdrawn item's blob, a shown copy taken down when consent narrowed, and the blob of a
transaction that rolled back are ciphertext whose key is gone or was never stored: unreadable,
but they still take disk space and show a seized disk that something was there. `BlobSweep` is
a job of the runner (`asamblea.services.runner.Runner.jobs`): at most once per ``every``
seconds it reads which blobs the database references and removes the others, keeping any blob
written in the last ``grace`` seconds (a transaction may still be about to reference it).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from asamblea.store.archive_blobs import BlobStore
from asamblea.store.archive_repository import ArchiveRepository

log = logging.getLogger("asamblea.archive")

EVERY = 3600.0
GRACE = 3600.0


def sweep_blobs(sessions: sessionmaker[Session], blobs: BlobStore, *,
                grace: float = GRACE) -> int:
    """Remove unreferenced blobs older than ``grace`` seconds; how many were removed."""
    before = time.time() - grace
    with sessions.begin() as db:
        referenced = ArchiveRepository(db).referenced_blobs()
    return blobs.sweep(referenced, before=before)


@dataclass
class BlobSweep:
    """The runner's job: `sweep_blobs` at most once per ``every`` seconds, errors logged."""

    sessions: sessionmaker[Session]
    root: Path
    every: float = EVERY
    grace: float = GRACE
    _last: float = field(default=float("-inf"))

    def __call__(self, _when: datetime | None = None) -> int:
        """Sweep if it is time (kept by its own clock); how many blobs were removed."""
        if time.monotonic() - self._last < self.every:
            return 0
        self._last = time.monotonic()
        try:
            removed = sweep_blobs(self.sessions, BlobStore(self.root), grace=self.grace)
        except Exception:  # a database or disk that went away: the next hour tries again
            log.exception("sweeping the archive's blobs failed")
            return 0
        if removed:
            log.info("removed %s unreferenced archive blobs", removed)
        return removed
