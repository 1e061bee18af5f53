"""Removing the archive's orphan blobs, on the runner's schedule.

A withdrawn item's blob, a shown copy taken down when consent narrowed, and the blob of a
transaction that rolled back are ciphertext whose key is gone or was never stored: unreadable,
but they still take disk space and show a seized disk that something was there. `BlobSweep` is
a job of the runner (`asamblea.services.runner.Runner.jobs`): at most once per ``every``
seconds it reads which blobs the database references and removes the others, keeping any blob
written in the last ``grace`` seconds (a transaction may still be about to reference it).

The same job sweeps **abandoned resumable uploads** (`sweep_uploads`): an upload that received no
``PATCH`` for ``idle`` (a day) is forgotten — its row, with the key it held, goes from the
database, and its encrypted segments from the disk — as a tus ``DELETE`` would. A segment folder
the database no longer knows (a transaction that rolled back, a crash between the two steps) goes
too once ``grace`` has passed. A witness whose link cut for longer than a day starts again (their
intake link stays usable until it expires).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from asamblea.clock import utcnow
from asamblea.store.archive_blobs import BlobStore
from asamblea.store.archive_repository import ArchiveRepository

log = logging.getLogger("asamblea.archive")

EVERY = 3600.0
GRACE = 3600.0
IDLE = timedelta(hours=24)


def sweep_blobs(sessions: sessionmaker[Session], blobs: BlobStore, *,
                grace: float = GRACE) -> int:
    """Remove unreferenced blobs older than ``grace`` seconds; how many were removed."""
    before = time.time() - grace
    with sessions.begin() as db:
        referenced = ArchiveRepository(db).referenced_blobs()
    return blobs.sweep(referenced, before=before)


@dataclass(frozen=True)
class UploadsSwept:
    """What `sweep_uploads` removed: uploads forgotten, and segment folders removed."""

    uploads: int
    folders: int


def sweep_uploads(sessions: sessionmaker[Session], blobs: BlobStore, *, now: datetime,
                  idle: timedelta = IDLE, grace: float = GRACE) -> UploadsSwept:
    """Forget uploads untouched for ``idle`` and remove their segments; remove segment folders
    no upload owns that are older than ``grace`` seconds."""
    with sessions.begin() as db:
        dropped = ArchiveRepository(db).drop_idle_uploads(now - idle)
    for upload_id in dropped:  # after the commit: a rolled-back sweep leaves them whole
        blobs.drop_segments(upload_id)
    on_disk = blobs.upload_ids(before=time.time() - grace)
    if on_disk:
        with sessions.begin() as db:
            strays = on_disk - ArchiveRepository(db).upload_ids()
        for upload_id in strays:
            blobs.drop_segments(upload_id)
    else:
        strays = set()
    return UploadsSwept(len(dropped), len(strays))


@dataclass
class BlobSweep:
    """The runner's job: `sweep_blobs` and `sweep_uploads` at most once per ``every`` seconds,
    errors logged."""

    sessions: sessionmaker[Session]
    root: Path
    every: float = EVERY
    grace: float = GRACE
    idle: timedelta = IDLE
    _last: float = field(default=float("-inf"))

    def __call__(self, when: datetime | None = None) -> int:
        """Sweep if it is time (kept by its own clock); how many blobs and abandoned uploads
        were removed."""
        if time.monotonic() - self._last < self.every:
            return 0
        self._last = time.monotonic()
        blobs = BlobStore(self.root)
        try:
            uploads = sweep_uploads(self.sessions, blobs, now=when or utcnow(), idle=self.idle,
                                    grace=self.grace)
            removed = sweep_blobs(self.sessions, blobs, grace=self.grace)
        except Exception:  # a database or disk that went away: the next hour tries again
            log.exception("sweeping the archive's blobs failed")
            return 0
        if removed:
            log.info("removed %s unreferenced archive blobs", removed)
        if uploads.uploads or uploads.folders:
            log.info("removed %s abandoned uploads and %s stray upload folders",
                     uploads.uploads, uploads.folders)
        return removed + uploads.uploads + uploads.folders
