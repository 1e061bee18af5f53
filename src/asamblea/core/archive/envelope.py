"""The envelope: one file encrypted with its own key by libsodium's secretstream, chunk by chunk.

Why here, in `core`: it is computation over bytes — iterators of chunks in, iterators of chunks
out — with no file, socket, clock or database; the store streams an upload through it and writes
what comes out, the export streams a stored blob back through it. Memory stays constant (one
chunk and the piece being read) whatever the size of the file.

The bytes, for a reader in any language (docs/archive.md, "Envelope")::

    prefix  = "ASAENV" 0x00 0x01            (8 bytes: magic and format version 1)
              chunk_size                    (4 bytes, big-endian; 1 KiB .. 16 MiB)
    header  = secretstream header           (24 bytes, crypto_secretstream_xchacha20poly1305)
    frames  = push(chunk_1, ad=prefix) ... push(chunk_n, ad=prefix)

Every plaintext chunk is ``chunk_size`` bytes except the last, which holds 0..chunk_size bytes
and is the only one tagged ``TAG_FINAL`` (a file of exactly k chunks ends with an empty final
chunk only if it is empty; otherwise its k-th chunk is final). Each frame is its chunk plus 17
bytes. A reader refuses: a wrong prefix, a frame that does not authenticate (wrong key, changed
byte, frames swapped or dropped — secretstream's internal counter), a stream that ends before
its final frame (truncated), and any byte after it.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable, Iterator

from nacl import bindings as sodium
from nacl.exceptions import CryptoError

from asamblea.core.errors import N_, Invalid

MAGIC = b"ASAENV\x00\x01"
CHUNK_SIZE = 64 * 1024
MIN_CHUNK, MAX_CHUNK = 1024, 16 * 1024 * 1024
ABYTES = sodium.crypto_secretstream_xchacha20poly1305_ABYTES
HEADER_BYTES = sodium.crypto_secretstream_xchacha20poly1305_HEADERBYTES
KEY_BYTES = sodium.crypto_secretstream_xchacha20poly1305_KEYBYTES
PREFIX_BYTES = len(MAGIC) + 4
TAG_MESSAGE = sodium.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE
TAG_FINAL = sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL


def new_file_key() -> bytes:
    """A fresh random key for one file (32 bytes)."""
    return sodium.crypto_secretstream_xchacha20poly1305_keygen()


def _prefix(chunk_size: int) -> bytes:
    return MAGIC + struct.pack(">I", chunk_size)


def _check_key(key: bytes) -> None:
    if len(key) != KEY_BYTES:
        raise Invalid(N_("A file key is 32 bytes"))


def encrypt(key: bytes, pieces: Iterable[bytes], chunk_size: int = CHUNK_SIZE) -> Iterator[bytes]:
    """The envelope of the plaintext given as ``pieces`` (any sizes), as frames."""
    _check_key(key)
    if not MIN_CHUNK <= chunk_size <= MAX_CHUNK:
        raise Invalid(N_("Chunk size out of range"))
    ad = _prefix(chunk_size)
    state = sodium.crypto_secretstream_xchacha20poly1305_state()
    header = sodium.crypto_secretstream_xchacha20poly1305_init_push(state, key)
    push = sodium.crypto_secretstream_xchacha20poly1305_push
    yield ad + header
    buffer = b""
    for piece in pieces:
        buffer = buffer + piece if buffer else bytes(piece)
        if len(buffer) <= chunk_size:
            continue
        view, start = memoryview(buffer), 0
        while len(buffer) - start > chunk_size:  # keep a chunk back: it may be the final one
            yield push(state, bytes(view[start:start + chunk_size]), ad, TAG_MESSAGE)
            start += chunk_size
        buffer = bytes(view[start:])
    yield push(state, buffer, ad, TAG_FINAL)


def decrypt(key: bytes, pieces: Iterable[bytes]) -> Iterator[bytes]:
    """The plaintext of an envelope given as ``pieces`` (any sizes), chunk by chunk.

    Raises `Invalid` at the first frame that does not authenticate, on truncation, or on
    trailing bytes. A caller must not trust (show, hash as final) what was yielded before an
    error: streaming gives no all-or-nothing promise, so the store decrypts into a temporary
    file and keeps it only when the whole stream passes.
    """
    _check_key(key)
    stream = iter(pieces)
    buffer = b""
    while len(buffer) < PREFIX_BYTES + HEADER_BYTES:
        piece = next(stream, None)
        if piece is None:
            raise Invalid(N_("Not an encrypted archive file (too short)"))
        buffer += piece
    chunk_size = _read_prefix(buffer[:PREFIX_BYTES])
    state = sodium.crypto_secretstream_xchacha20poly1305_state()
    header = buffer[PREFIX_BYTES:PREFIX_BYTES + HEADER_BYTES]
    sodium.crypto_secretstream_xchacha20poly1305_init_pull(state, header, key)
    yield from _frames(state, stream, buffer[PREFIX_BYTES + HEADER_BYTES:], chunk_size)


def _read_prefix(prefix: bytes) -> int:
    if prefix[:len(MAGIC)] != MAGIC:
        raise Invalid(N_("Not an encrypted archive file (unknown format)"))
    (chunk_size,) = struct.unpack(">I", prefix[len(MAGIC):])
    if not MIN_CHUNK <= chunk_size <= MAX_CHUNK:
        raise Invalid(N_("Not an encrypted archive file (chunk size out of range)"))
    return int(chunk_size)


def _frames(
    state: sodium.crypto_secretstream_xchacha20poly1305_state, stream: Iterator[bytes],
    buffer: bytes, chunk_size: int,
) -> Iterator[bytes]:
    """Pull frames of ``chunk_size + ABYTES``; the last may be shorter and must be final."""
    frame, ad = chunk_size + ABYTES, _prefix(chunk_size)
    pull = sodium.crypto_secretstream_xchacha20poly1305_pull
    ended = False
    while True:
        while len(buffer) <= frame and not ended:
            piece = next(stream, None)
            ended = piece is None
            buffer = buffer + piece if piece is not None else buffer
        if not buffer:
            raise Invalid(N_("The encrypted file is truncated"))
        view, start = memoryview(buffer), 0
        while len(buffer) - start > frame or (ended and start < len(buffer)):
            size = min(frame, len(buffer) - start)
            try:
                message, tag = pull(state, bytes(view[start:start + size]), ad)
            except CryptoError as error:
                raise Invalid(N_("The encrypted file is damaged or the key is wrong")) from error
            start += size
            if tag == TAG_FINAL:
                if start < len(buffer) or next(stream, None) is not None:
                    raise Invalid(N_("Unexpected bytes after the end of the encrypted file"))
                yield message
                return
            yield message
        buffer = bytes(view[start:])
        if ended:
            raise Invalid(N_("The encrypted file is truncated"))


def encrypt_bytes(key: bytes, plaintext: bytes, chunk_size: int = CHUNK_SIZE) -> bytes:
    """The whole envelope of a small plaintext (a testimony's text, a note)."""
    return b"".join(encrypt(key, [plaintext], chunk_size))


def decrypt_bytes(key: bytes, envelope: bytes) -> bytes:
    """The plaintext of a whole envelope held in memory."""
    return b"".join(decrypt(key, [envelope]))
