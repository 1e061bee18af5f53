"""Encrypted blobs of the archive on disk: what the database points to, never plaintext.

Every blob is an envelope (`asamblea.core.archive.envelope`) written by streaming: to a
temporary file in the same directory, flushed to disk, then renamed into place — a crash
leaves either the whole blob or no blob. Upload segments (one per tus ``PATCH``) live under
``uploads/<upload id>/`` until the upload completes and they are sealed into one blob.

A blob written by a transaction that then rolls back stays on disk unreferenced: it is ciphertext
whose key was never stored, so it reveals nothing; `sweep` removes such orphans.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path

READ_SIZE = 1024 * 1024
_ID = re.compile(r"[0-9a-f]{32}")


def new_blob_id() -> str:
    """A fresh random blob id (16 bytes, hex): it says nothing about the content."""
    return secrets.token_hex(16)


class BlobStore:
    """A directory of encrypted blobs."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, blob_id: str) -> Path:
        if _ID.fullmatch(blob_id) is None:
            msg = f"not a blob id: {blob_id!r}"
            raise ValueError(msg)
        return self.root / "blobs" / blob_id[:2] / blob_id

    def _segment_dir(self, upload_id: str) -> Path:
        if _ID.fullmatch(upload_id) is None:
            msg = f"not an upload id: {upload_id!r}"
            raise ValueError(msg)
        return self.root / "uploads" / upload_id

    @staticmethod
    def _write(path: Path, chunks: Iterable[bytes]) -> int:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
        size = 0
        try:
            with temporary.open("xb") as out:
                for chunk in chunks:
                    out.write(chunk)
                    size += len(chunk)
                out.flush()
                os.fsync(out.fileno())
            temporary.replace(path)
        finally:
            temporary.unlink(missing_ok=True)
        return size

    @staticmethod
    def _read(path: Path) -> Iterator[bytes]:
        with path.open("rb") as handle:
            while chunk := handle.read(READ_SIZE):
                yield chunk

    def write(self, blob_id: str, chunks: Iterable[bytes]) -> int:
        """Store the envelope given as ``chunks``; its size in bytes."""
        return self._write(self._path(blob_id), chunks)

    def read(self, blob_id: str) -> Iterator[bytes]:
        """The envelope's bytes, 1 MiB at a time."""
        return self._read(self._path(blob_id))

    def delete(self, blob_id: str) -> None:
        """Remove a blob (nothing if it is already gone)."""
        self._path(blob_id).unlink(missing_ok=True)

    def write_segment(self, upload_id: str, index: int, chunks: Iterable[bytes]) -> int:
        """Store segment ``index`` of an upload (an envelope of one ``PATCH`` body)."""
        return self._write(self._segment_dir(upload_id) / f"{index:06d}", chunks)

    def segments(self, upload_id: str, count: int) -> list[Iterator[bytes]]:
        """Readers of the first ``count`` segments of an upload, in order."""
        folder = self._segment_dir(upload_id)
        return [self._read(folder / f"{index:06d}") for index in range(count)]

    def drop_segments(self, upload_id: str) -> None:
        """Remove an upload's segments (completed or terminated)."""
        shutil.rmtree(self._segment_dir(upload_id), ignore_errors=True)

    def blob_ids(self, *, before: float | None = None) -> set[str]:
        """Every blob id on disk (for `sweep`); only those last written before ``before``
        (seconds since the epoch) when given."""
        folder = self.root / "blobs"
        if not folder.exists():
            return set()
        return {p.name for p in folder.glob("*/*") if _ID.fullmatch(p.name)
                and (before is None or p.stat().st_mtime < before)}

    def sweep(self, referenced: set[str], *, before: float | None = None) -> int:
        """Remove blobs the database does not reference; how many were removed.

        ``before``: only blobs written before then — a blob written by a transaction still
        running is not referenced *yet*, and must not be swept from under it.
        """
        orphans = self.blob_ids(before=before) - referenced
        for blob_id in orphans:
            self.delete(blob_id)
        return len(orphans)

    def upload_ids(self, *, before: float) -> set[str]:
        """The uploads with a segment folder on disk last changed before ``before`` (seconds
        since the epoch)."""
        folder = self.root / "uploads"
        if not folder.exists():
            return set()
        return {p.name for p in folder.iterdir() if _ID.fullmatch(p.name) and p.is_dir()
                and p.stat().st_mtime < before}
