"""Type by content (puremagic) and shown copies of photos without metadata (Pillow)."""

from __future__ import annotations

import io

import pytest
from PIL import Image, PngImagePlugin

from asamblea.core.errors import Invalid
from asamblea.formats.archive.media import shown_copy, sniff

GPS_IFD = 0x8825
MAKE, ORIENTATION = 0x010F, 0x0112


def jpeg_with_gps(orientation: int = 1) -> bytes:
    image = Image.new("RGB", (40, 20), (200, 30, 30))
    exif = Image.Exif()
    exif[MAKE] = "TelefonoMarca"
    exif[ORIENTATION] = orientation
    exif.get_ifd(GPS_IFD).update({1: "S", 2: (12.0, 3.0, 4.0), 3: "W", 4: (77.0, 1.0, 2.0)})
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes(), icc_profile=b"\x00" * 128)
    return out.getvalue()


def test_sniff_reads_content_not_names() -> None:
    assert sniff(jpeg_with_gps()) == "image/jpeg"
    assert sniff(b"%PDF-1.7\n...") == "application/pdf"
    assert sniff(b"plain words") is None


def test_jpeg_copy_has_no_exif_gps_or_device() -> None:
    original = jpeg_with_gps()
    assert b"TelefonoMarca" in original
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(GPS_IFD)
    copy = shown_copy(original, "image/jpeg")
    shown = Image.open(io.BytesIO(copy))
    assert b"TelefonoMarca" not in copy
    assert b"Exif" not in copy
    assert not shown.getexif()
    assert "icc_profile" not in shown.info
    assert shown.size == (40, 20)


def test_copy_is_turned_upright() -> None:
    copy = shown_copy(jpeg_with_gps(orientation=6), "image/jpeg")  # rotated 90° on the phone
    assert Image.open(io.BytesIO(copy)).size == (20, 40)


def test_png_text_chunks_are_dropped() -> None:
    info = PngImagePlugin.PngInfo()
    info.add_text("Location", "-12.05,-77.03")
    out = io.BytesIO()
    Image.new("RGBA", (8, 8)).save(out, "PNG", pnginfo=info)
    copy = shown_copy(out.getvalue(), "image/png")
    assert b"-12.05" in out.getvalue()
    assert b"-12.05" not in copy
    assert Image.open(io.BytesIO(copy)).mode == "RGBA"


@pytest.mark.parametrize(("data", "media_type"), [
    (b"\xff\xd8\xff garbage", "image/jpeg"),
    (b"%PDF-1.7", "application/pdf"),
])
def test_unreadable_or_not_a_photo(data: bytes, media_type: str) -> None:
    with pytest.raises(Invalid):
        shown_copy(data, media_type)
