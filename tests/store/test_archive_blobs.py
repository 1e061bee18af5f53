"""The blob directory: atomic writes, reads in pieces, segments, and the orphan sweep."""

from __future__ import annotations

from pathlib import Path

import pytest

from asamblea.store.archive_blobs import BlobStore, new_blob_id


def test_write_read_delete(tmp_path: Path) -> None:
    store = BlobStore(tmp_path)
    blob = new_blob_id()
    assert store.write(blob, [b"abc", b"def"]) == 6
    assert b"".join(store.read(blob)) == b"abcdef"
    assert not list(tmp_path.rglob("*.tmp"))
    store.delete(blob)
    assert store.blob_ids() == set()


def test_failed_write_leaves_nothing(tmp_path: Path) -> None:
    store = BlobStore(tmp_path)

    def broken() -> object:
        yield b"part"
        raise RuntimeError

    with pytest.raises(RuntimeError):
        store.write(new_blob_id(), broken())  # type: ignore[arg-type]
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_segments_and_sweep(tmp_path: Path) -> None:
    store = BlobStore(tmp_path)
    upload = new_blob_id()
    for index, part in enumerate([b"a", b"bc", b"d"]):
        store.write_segment(upload, index, [part])
    assert [b"".join(s) for s in store.segments(upload, 3)] == [b"a", b"bc", b"d"]
    store.drop_segments(upload)
    assert not (tmp_path / "uploads" / upload).exists()
    kept, orphan = new_blob_id(), new_blob_id()
    store.write(kept, [b"1"])
    store.write(orphan, [b"2"])
    assert store.sweep({kept}) == 1
    assert store.blob_ids() == {kept}


def test_ids_cannot_climb_out(tmp_path: Path) -> None:
    store = BlobStore(tmp_path)
    with pytest.raises(ValueError, match="blob id"):
        store.write("../../etc/passwd", [b""])
    with pytest.raises(ValueError, match="upload id"):
        store.segments("../x", 1)
