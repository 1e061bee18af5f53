"""The runner's sweep of abandoned resumable uploads, on both databases with real files: an upload
that received no ``PATCH`` for a day loses its row (and the key it held) and its encrypted
segments on disk; one touched since is kept and still completes; a segment folder no upload owns
goes after the grace; a fresh one stays (its transaction may still be running)."""

from __future__ import annotations

import os
import time
from datetime import timedelta

import pytest
from sqlalchemy.orm import sessionmaker

from asamblea.core.archive import Consent
from asamblea.core.archive.tus import OFFSET_CONTENT_TYPE
from asamblea.core.errors import NotFound
from asamblea.services.archive import intake
from asamblea.services.archive.sweep import BlobSweep, sweep_uploads
from asamblea.services.runner import Runner
from asamblea.store.archive_models import ArchiveUploadRow
from tests.services.test_archive import NOW, World
from tests.services.test_archive import world as world  # noqa: PLC0414 - the shared fixture

DAY = timedelta(hours=24)


def begun(w: World, when: timedelta, body: bytes = b"parte cifrada ") -> intake.Started:
    """An upload by a team member, its first PATCH sent ``when`` before NOW."""
    at = NOW - when
    started = intake.start_upload(
        w.db,
        case_id=w.case_id,
        length=1000,
        file_name="audio.ogg",
        actor=w.beto,
        consent=Consent.TEAM,
        now=at,
    )
    intake.append(
        w.db,
        w.vault,
        started.upload_id,
        started.secret,
        [body],
        content_type=OFFSET_CONTENT_TYPE,
        offset="0",
        now=at,
    )
    return started


def test_abandoned_uploads_leave_the_database_and_the_disk(world: World) -> None:
    uploads = world.vault.blobs.root / "uploads"
    abandoned = begun(world, DAY + timedelta(minutes=1))
    recent = begun(world, DAY - timedelta(minutes=1))
    stray_old, stray_new = "ab" * 16, "cd" * 16  # folders no upload owns (rolled back)
    for stray in (stray_old, stray_new):
        world.vault.blobs.write_segment(stray, 0, [b"ciphertext"])
    old = time.time() - 7200
    os.utime(uploads / stray_old, (old, old))
    assert (uploads / abandoned.upload_id / "000000").is_file()
    world.db.flush()
    sessions = sessionmaker(bind=world.db.connection(), join_transaction_mode="create_savepoint")

    swept = sweep_uploads(sessions, world.vault.blobs, now=NOW)

    assert (swept.uploads, swept.folders) == (1, 1)
    assert world.db.get(ArchiveUploadRow, abandoned.upload_id) is None  # its held key too
    assert not (uploads / abandoned.upload_id).exists()
    with pytest.raises(NotFound):
        intake.upload_state(world.db, abandoned.upload_id, abandoned.secret)
    assert not (uploads / stray_old).exists()
    assert (uploads / stray_new).is_dir()
    assert (uploads / recent.upload_id / "000000").is_file()
    state = intake.upload_state(world.db, recent.upload_id, recent.secret)
    rest = b"x" * (state.length - state.offset)
    done = intake.append(
        world.db,
        world.vault,
        recent.upload_id,
        recent.secret,
        [rest],
        content_type=OFFSET_CONTENT_TYPE,
        offset=str(state.offset),
        now=NOW,
    )
    assert done.received is not None  # the upload still touched within the day completes
    assert not (uploads / recent.upload_id).exists()


def test_a_patch_keeps_an_old_upload_alive(world: World) -> None:
    started = begun(world, timedelta(days=3))
    intake.append(
        world.db,
        world.vault,
        started.upload_id,
        started.secret,
        [b"mas"],
        content_type=OFFSET_CONTENT_TYPE,
        offset="14",
        now=NOW - timedelta(hours=2),
    )
    world.db.flush()
    sessions = sessionmaker(bind=world.db.connection(), join_transaction_mode="create_savepoint")
    assert sweep_uploads(sessions, world.vault.blobs, now=NOW).uploads == 0
    assert intake.upload_state(world.db, started.upload_id, started.secret).offset == 17


def test_the_runner_job_sweeps_uploads_once_an_hour(world: World) -> None:
    abandoned = begun(world, timedelta(days=2))
    world.db.flush()
    sessions = sessionmaker(bind=world.db.connection(), join_transaction_mode="create_savepoint")
    job = BlobSweep(sessions, world.vault.blobs.root)
    Runner(sessions, world.vault.key, jobs=(lambda _when: job(NOW),)).run_jobs()
    assert world.db.get(ArchiveUploadRow, abandoned.upload_id) is None
    assert not (world.vault.blobs.root / "uploads" / abandoned.upload_id).exists()
    again = begun(world, timedelta(days=2))
    world.db.flush()
    assert job(NOW) == 0  # not again within the hour
    assert world.db.get(ArchiveUploadRow, again.upload_id) is not None
