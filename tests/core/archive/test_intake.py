"""Intake secrets: link tokens stored only as digests; a file key held under an upload secret."""

from __future__ import annotations

import pytest

from asamblea.core.archive.envelope import new_file_key
from asamblea.core.archive.intake import (
    hold_key,
    new_secret,
    release_key,
    token_digest,
    token_matches,
)
from asamblea.core.errors import Invalid

UPLOAD = "0123456789abcdef0123456789abcdef"


def test_link_tokens() -> None:
    token = new_secret()
    assert len(token) >= 43
    digest = token_digest(token)
    assert token not in digest
    assert token_matches(token, digest)
    assert not token_matches(new_secret(), digest)


def test_held_key_needs_the_upload_secret_and_id() -> None:
    key, secret = new_file_key(), new_secret()
    held = hold_key(key, secret, UPLOAD)
    assert key not in held
    assert release_key(held, secret, UPLOAD) == key
    with pytest.raises(Invalid, match="Unknown upload"):
        release_key(held, new_secret(), UPLOAD)
    with pytest.raises(Invalid, match="Unknown upload"):
        release_key(held, secret, "f" * 32)
