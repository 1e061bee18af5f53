"""The tus 1.0 rules: version, counts, metadata, and the offset of each PATCH."""

from __future__ import annotations

import base64

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from asamblea.core.archive.tus import (
    OFFSET_CONTENT_TYPE,
    TooLarge,
    UnsupportedVersion,
    Upload,
    WrongContentType,
    check_version,
    parse_count,
    parse_length,
    parse_metadata,
)
from asamblea.core.errors import Conflict, Invalid


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def test_version() -> None:
    check_version("1.0.0")
    for other in [None, "", "0.2.2", "1.0"]:
        with pytest.raises(UnsupportedVersion) as caught:
            check_version(other)
        assert caught.value.status == 412


@pytest.mark.parametrize("bad", [None, "", "-1", "1.5", "²", "１２", "1e3", "9" * 16, " "])
def test_counts_are_plain_decimals(bad: str | None) -> None:
    with pytest.raises(Invalid):
        parse_count(bad, "Upload-Offset")


def test_length_limit() -> None:
    assert parse_length("100", 100) == 100
    with pytest.raises(TooLarge) as caught:
        parse_length("101", 100)
    assert caught.value.status == 413


def test_metadata_as_the_spec_writes_it() -> None:
    header = f"filename {b64('foto del puente.jpg')},filetype {b64('image/jpeg')},is_confidential"
    assert parse_metadata(header) == {"filename": "foto del puente.jpg",
                                      "filetype": "image/jpeg", "is_confidential": ""}
    assert parse_metadata(None) == {}


@pytest.mark.parametrize("bad", [f"a {b64('x')},a {b64('y')}", "a !!!", f"a {b64('x')} extra",
                                 "a " + base64.b64encode(b"\xff").decode(), "x" * 5000])
def test_malformed_metadata(bad: str) -> None:
    with pytest.raises(Invalid):
        parse_metadata(bad)


def test_patch_rules() -> None:
    upload = Upload(10, 4)
    assert upload.check_patch(OFFSET_CONTENT_TYPE, "4") == 4
    with pytest.raises(WrongContentType):
        upload.check_patch("application/octet-stream", "4")
    with pytest.raises(Conflict):
        upload.check_patch(OFFSET_CONTENT_TYPE, "3")
    with pytest.raises(Conflict, match="complete"):
        Upload(10, 10).check_patch(OFFSET_CONTENT_TYPE, "10")
    with pytest.raises(TooLarge):
        upload.received(7)


@settings(max_examples=60)
@given(st.integers(0, 10_000), st.lists(st.integers(0, 3000), max_size=12))
def test_offsets_only_grow_to_the_length(length: int, pieces: list[int]) -> None:
    upload = Upload(length)
    for piece in pieces:
        if upload.offset + piece > length:
            with pytest.raises(TooLarge):
                upload.received(piece)
            continue
        before = upload.offset
        upload = upload.received(piece)
        assert upload.offset == before + piece <= length
    assert upload.complete == (upload.offset == length)
