"""Media files: their type read from their bytes, and shown copies of photos without metadata.

- `sniff` reads the file's signature with **puremagic** (pure Python, maintained): the type comes
  from the content, never from the name. `asamblea.core.archive.media.classify` decides whether
  the archive accepts it.
- `shown_copy` makes the copy of a photo that pages may show: decoded with **Pillow**, turned
  upright by its EXIF orientation, and re-encoded from its pixels alone, so no EXIF (GPS position,
  device, time), XMP, IPTC, ICC profile or text chunk survives. The original keeps everything,
  sealed in its envelope: that is the evidence.
- Videos and audio are **not** stripped: no maintained pure-Python library removes every
  container's metadata (MP4 ``udta``/``meta`` boxes, QuickTime GPS ``©xyz``), so the archive never
  shows them publicly as uploaded (docs/archive.md).
"""

from __future__ import annotations

import io
import warnings

import puremagic
from PIL import Image, ImageOps, UnidentifiedImageError

from asamblea.core.errors import N_, Invalid

SNIFF_BYTES = 8192
MAX_PIXELS = 50_000_000
_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}


def sniff(head: bytes) -> str | None:
    """The media type the first bytes of a file declare, or None when none is recognised."""
    try:
        media_type = puremagic.from_string(head[:SNIFF_BYTES], mime=True)
    except (puremagic.PureError, ValueError):
        return None
    return media_type or None


def shown_copy(data: bytes, media_type: str) -> bytes:
    """A copy of the photo ``data`` with no metadata, upright, in the same format."""
    target = _FORMATS.get(media_type)
    if target is None:
        raise Invalid(N_("Only photos get a shown copy"))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=[target])
            if image.width * image.height > MAX_PIXELS:
                raise Invalid(N_("This photo is too large to show"))
            upright = ImageOps.exif_transpose(image)
            upright.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError,
            Image.DecompressionBombWarning, SyntaxError) as error:
        raise Invalid(N_("This photo cannot be read")) from error
    mode = upright.mode if upright.mode in {"RGB", "RGBA", "L", "LA"} else "RGBA"
    pixels = upright.convert(mode)
    if target == "JPEG" and mode not in {"RGB", "L"}:
        pixels = pixels.convert("RGB")
    clean = Image.frombytes(pixels.mode, pixels.size, pixels.tobytes())
    out = io.BytesIO()
    clean.save(out, format=target, **({"quality": 85} if target != "PNG" else {}))
    return out.getvalue()
