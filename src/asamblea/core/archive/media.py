"""What the archive accepts: media types decided by content, and a size limit for each kind.

The type of a file is what its bytes say (sniffed by `asamblea.formats.archive.media`), never its
name or the type a browser claims: a witness's phone may call a video ``.bin``, and an attacker
may call a script ``foto.jpg``. Text without any known signature is accepted as plain text only
when it is valid UTF-8. Everything else is refused with a message that says what is accepted.
"""

from __future__ import annotations

from enum import StrEnum

from asamblea.core.errors import N_, Invalid

MB = 1_000_000


class Kind(StrEnum):
    """The kinds of material a case holds."""

    TEXT = "text"
    PHOTO = "photo"
    AUDIO = "audio"
    VIDEO = "video"
    DOCUMENT = "document"


ACCEPTED: dict[str, Kind] = {
    "text/plain": Kind.TEXT,
    "image/jpeg": Kind.PHOTO, "image/png": Kind.PHOTO, "image/webp": Kind.PHOTO,
    "audio/mpeg": Kind.AUDIO, "audio/ogg": Kind.AUDIO, "audio/wav": Kind.AUDIO,
    "audio/x-wav": Kind.AUDIO, "audio/mp4": Kind.AUDIO, "audio/aac": Kind.AUDIO,
    "audio/webm": Kind.AUDIO,
    "video/mp4": Kind.VIDEO, "video/quicktime": Kind.VIDEO, "video/webm": Kind.VIDEO,
    "video/3gpp": Kind.VIDEO,
    "application/pdf": Kind.DOCUMENT,
}
LIMITS: dict[Kind, int] = {Kind.TEXT: 1 * MB, Kind.PHOTO: 50 * MB, Kind.AUDIO: 500 * MB,
                           Kind.VIDEO: 2_000 * MB, Kind.DOCUMENT: 100 * MB}
MAX_UPLOAD = max(LIMITS.values())
#: Photos whose shown copy is made without metadata; other kinds are never shown publicly as is.
STRIPPABLE = frozenset({"image/jpeg", "image/png", "image/webp"})


def classify(media_type: str | None, head: bytes) -> tuple[str, Kind]:
    """The accepted media type and kind of a file whose sniffed type is ``media_type``.

    ``head`` is the file's first bytes (for the UTF-8 test of plain text). `Invalid` when the
    content is of a kind the archive does not take.
    """
    if media_type is None:
        if _is_text(head):
            return "text/plain", Kind.TEXT
        raise Invalid(N_("This file's content is not of a kind the archive accepts (photo, "
                         "audio, video, PDF or text)"))
    kind = ACCEPTED.get(media_type)
    if kind is None:
        raise Invalid(N_("Files of type {media_type} are not accepted (photo, audio, video, "
                         "PDF or text)"), media_type=media_type)
    return media_type, kind


def _is_text(head: bytes) -> bool:
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as error:  # a multi-byte character cut at the end of the head
        if error.start < len(head) - 3:
            return False
        text = head[:error.start].decode("utf-8")
    return all(c.isprintable() or c in "\n\r\t" for c in text)


def check_size(kind: Kind, size: int) -> None:
    """`Invalid` when ``size`` bytes is over the limit for this kind."""
    if size > LIMITS[kind]:
        raise Invalid(N_("A {kind} may be at most {limit} MB"), kind=kind.value,
                      limit=LIMITS[kind] // MB)
