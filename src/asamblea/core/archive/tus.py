"""The tus 1.0 resumable-upload protocol: the rules of its headers and offsets, without HTTP.

We implement the core protocol and two extensions (https://tus.io/protocols/resumable-upload,
version 1.0.0): **creation** (``POST`` with ``Upload-Length`` and ``Upload-Metadata``), the core
``HEAD`` (answers ``Upload-Offset`` and ``Upload-Length``) and ``PATCH`` (appends bytes at
``Upload-Offset`` with ``Content-Type: application/offset+octet-stream``), and **termination**
(``DELETE``). Not implemented: creation-defer-length, creation-with-upload, concatenation,
checksum and expiration (a client asks ``OPTIONS`` and sees ``Tus-Extension``).

Why not a library: the maintained FastAPI tus server (``tuspyserver``) writes each upload to a
plain file as it arrives; an archive of testimonies must never hold a witness's bytes in the
clear on disk, so the service encrypts each ``PATCH`` as it arrives (docs/archive.md, "Intake").
The rules below are the part of tus that is easy to get subtly wrong; the web layer maps each
error to the status the protocol names.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

from asamblea.core.errors import N_, Conflict, DomainError, Invalid

TUS_VERSION = "1.0.0"
EXTENSIONS = ("creation", "termination")
OFFSET_CONTENT_TYPE = "application/offset+octet-stream"
MAX_METADATA = 4096
MAX_DIGITS = 15


class UnsupportedVersion(DomainError):
    """``Tus-Resumable`` names a version we do not speak."""

    status = 412


class TooLarge(DomainError):
    """The upload is larger than this archive accepts."""

    status = 413


class WrongContentType(DomainError):
    """A ``PATCH`` that is not ``application/offset+octet-stream``."""

    status = 415


def check_version(header: str | None) -> None:
    """Every request but ``OPTIONS`` carries ``Tus-Resumable: 1.0.0``."""
    if header != TUS_VERSION:
        raise UnsupportedVersion(N_("This server speaks tus {version} only"), version=TUS_VERSION)


def parse_count(header: str | None, name: str) -> int:
    """A non-negative decimal header (``Upload-Length``, ``Upload-Offset``); `Invalid` else."""
    text = (header or "").strip()
    if not text or len(text) > MAX_DIGITS or not text.isascii() or not text.isdecimal():
        raise Invalid(N_("{name} must be a whole number of bytes"), name=name)
    return int(text)


def parse_length(header: str | None, limit: int) -> int:
    """``Upload-Length`` within ``limit`` bytes (`TooLarge` above it)."""
    length = parse_count(header, "Upload-Length")
    if length > limit:
        raise TooLarge(N_("The file is larger than {limit} MB"), limit=limit // 1_000_000)
    return length


def parse_metadata(header: str | None) -> dict[str, str]:
    """``Upload-Metadata``: comma-separated ``key base64(value)`` pairs (value may be absent).

    Keys are unique ASCII without spaces or commas; values must be UTF-8 text here (a file
    name, a media type). `Invalid` on anything else.
    """
    text = (header or "").strip()
    if len(text) > MAX_METADATA:
        raise Invalid(N_("Upload metadata is too long"))
    pairs: dict[str, str] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        key, _, encoded = part.partition(" ")
        if not key.isascii() or not key.isprintable() or key in pairs or " " in encoded.strip():
            raise Invalid(N_("Malformed upload metadata"))
        try:
            value = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError) as error:
            raise Invalid(N_("Malformed upload metadata")) from error
        pairs[key] = value
    return pairs


@dataclass(frozen=True)
class Upload:
    """Where an upload stands: bytes received out of the declared length."""

    length: int
    offset: int = 0

    @property
    def complete(self) -> bool:
        """Whether every declared byte has arrived."""
        return self.offset == self.length

    def check_patch(self, content_type: str | None, offset_header: str | None) -> int:
        """The offset a ``PATCH`` may write at; the errors tus names otherwise.

        415 when the body is not ``application/offset+octet-stream``; 409 (`Conflict`) when
        ``Upload-Offset`` is not where the upload stands (the client must ``HEAD`` and resume);
        409 when the upload is already complete.
        """
        kind = (content_type or "").split(";")[0].strip().lower()
        if kind != OFFSET_CONTENT_TYPE:
            raise WrongContentType(N_("A tus PATCH must be sent as {kind}"),
                                   kind=OFFSET_CONTENT_TYPE)
        offset = parse_count(offset_header, "Upload-Offset")
        if offset != self.offset:
            raise Conflict(N_("Upload-Offset {given} does not match the {held} bytes received"),
                           given=offset, held=self.offset)
        if self.complete:
            raise Conflict(N_("This upload is already complete"))
        return offset

    def received(self, count: int) -> Upload:
        """The upload after ``count`` more bytes; `TooLarge` past the declared length."""
        if count < 0 or self.offset + count > self.length:
            raise TooLarge(N_("More bytes than the declared Upload-Length"))
        return Upload(self.length, self.offset + count)
