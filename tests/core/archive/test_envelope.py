"""The envelope: round trips at every size and split, and every tampering refused."""

from __future__ import annotations

import struct

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from nacl import bindings as sodium

from asamblea.core.archive.envelope import (
    ABYTES,
    HEADER_BYTES,
    MAGIC,
    MIN_CHUNK,
    PREFIX_BYTES,
    decrypt,
    decrypt_bytes,
    encrypt,
    encrypt_bytes,
    new_file_key,
)
from asamblea.core.errors import Invalid

KEY = bytes(range(32))
CHUNK = MIN_CHUNK


def split(data: bytes, sizes: list[int]) -> list[bytes]:
    """``data`` cut into pieces of the given sizes (cycled), as a reader would deliver it."""
    pieces, start, i = [], 0, 0
    while start < len(data):
        size = sizes[i % len(sizes)]
        pieces.append(data[start:start + size])
        start, i = start + size, i + 1
    return pieces


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=5 * CHUNK), st.lists(st.integers(1, 3 * CHUNK), min_size=1, max_size=4),
       st.lists(st.integers(1, 3 * CHUNK), min_size=1, max_size=4))
def test_round_trip_whatever_the_pieces(data: bytes, cut_in: list[int], cut_out: list[int]
                                        ) -> None:
    envelope = b"".join(encrypt(KEY, split(data, cut_in), CHUNK))
    full, last = divmod(len(data), CHUNK)
    frames = max(1, full + (1 if last else 0))
    assert len(envelope) == PREFIX_BYTES + HEADER_BYTES + len(data) + frames * ABYTES
    assert b"".join(decrypt(KEY, split(envelope, cut_out))) == data


@pytest.mark.parametrize("size", [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK])
def test_boundaries(size: int) -> None:
    data = bytes(i % 251 for i in range(size))
    assert decrypt_bytes(KEY, encrypt_bytes(KEY, data, CHUNK)) == data


def test_independent_decoder_reads_the_written_format() -> None:
    """Decode with raw libsodium calls, following docs/archive.md, not our reader."""
    data = b"x" * (2 * CHUNK + 5)
    envelope = encrypt_bytes(KEY, data, CHUNK)
    assert envelope[:8] == MAGIC
    assert struct.unpack(">I", envelope[8:12]) == (CHUNK,)
    state = sodium.crypto_secretstream_xchacha20poly1305_state()
    sodium.crypto_secretstream_xchacha20poly1305_init_pull(state, envelope[12:36], KEY)
    frames = [envelope[36 + i * (CHUNK + 17): 36 + (i + 1) * (CHUNK + 17)] for i in range(3)]
    out = [sodium.crypto_secretstream_xchacha20poly1305_pull(state, f, envelope[:12])
           for f in frames]
    assert b"".join(m for m, _ in out) == data
    assert [t for _, t in out] == [0, 0, sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL]


def test_each_file_gets_its_own_key_and_header() -> None:
    first, second = new_file_key(), new_file_key()
    assert first != second
    assert len(first) == 32
    assert encrypt_bytes(KEY, b"same") != encrypt_bytes(KEY, b"same")


ENVELOPE = encrypt_bytes(KEY, b"t" * (3 * CHUNK), CHUNK)
FRAME = CHUNK + ABYTES
BODY = PREFIX_BYTES + HEADER_BYTES


@pytest.mark.parametrize(("name", "damaged", "message"), CASES := [
    ("wrong magic", b"X" + ENVELOPE[1:], "unknown format"),
    ("chunk size", ENVELOPE[:8] + struct.pack(">I", 7) + ENVELOPE[12:], "chunk size"),
    ("too short", ENVELOPE[:20], "too short"),
    ("byte flipped", ENVELOPE[:BODY + 5] + bytes([ENVELOPE[BODY + 5] ^ 1])
     + ENVELOPE[BODY + 6:], "damaged"),
    ("frame dropped", ENVELOPE[:BODY] + ENVELOPE[BODY + FRAME:], "damaged"),
    ("frames swapped", ENVELOPE[:BODY] + ENVELOPE[BODY + FRAME:BODY + 2 * FRAME]
     + ENVELOPE[BODY:BODY + FRAME] + ENVELOPE[BODY + 2 * FRAME:], "damaged"),
    ("truncated at a frame", ENVELOPE[:BODY + 2 * FRAME], "truncated"),
    ("truncated inside", ENVELOPE[:-3], "damaged"),
    ("header only", ENVELOPE[:BODY], "truncated"),
    ("trailing bytes", ENVELOPE + b"\x00", "after the end"),
], ids=[case[0] for case in CASES])
def test_tampering_is_refused(name: str, damaged: bytes, message: str) -> None:
    with pytest.raises(Invalid, match=message):
        decrypt_bytes(KEY, damaged)


def test_wrong_key_is_refused() -> None:
    with pytest.raises(Invalid, match="key is wrong"):
        decrypt_bytes(bytes(32), ENVELOPE)
    with pytest.raises(Invalid, match="32 bytes"):
        encrypt_bytes(b"short", b"")
