"""What the archive accepts, by content, and the size limit of each kind."""

from __future__ import annotations

import pytest

from asamblea.core.archive.media import LIMITS, Kind, check_size, classify
from asamblea.core.errors import Invalid


@pytest.mark.parametrize(("sniffed", "head", "expected"), [
    ("image/jpeg", b"\xff\xd8\xff", ("image/jpeg", Kind.PHOTO)),
    ("video/mp4", b"", ("video/mp4", Kind.VIDEO)),
    ("application/pdf", b"%PDF", ("application/pdf", Kind.DOCUMENT)),
    (None, "Vi pasar a los policías por el puente.\n".encode(), ("text/plain", Kind.TEXT)),
    (None, "ñ".encode() * 10 + "ñ".encode()[:1], ("text/plain", Kind.TEXT)),  # cut at the end
])
def test_accepted(sniffed: str | None, head: bytes, expected: tuple[str, Kind]) -> None:
    assert classify(sniffed, head) == expected


@pytest.mark.parametrize(("sniffed", "head"), [
    ("application/x-msdownload", b"MZ"),
    ("text/html", b"<html>"),
    (None, b"\x00\x01\x02binary"),
    (None, b"\xff\xfe\xfa not utf-8 at the start"),
])
def test_refused(sniffed: str | None, head: bytes) -> None:
    with pytest.raises(Invalid, match="accept"):
        classify(sniffed, head)


def test_limits() -> None:
    check_size(Kind.PHOTO, LIMITS[Kind.PHOTO])
    with pytest.raises(Invalid, match="at most 50 MB"):
        check_size(Kind.PHOTO, LIMITS[Kind.PHOTO] + 1)
