"""The trustee's secret file: nothing secret in clear, the right passphrase opens it, a wrong
one or an altered file is refused; shares open only for their recipient."""

from __future__ import annotations

import pytest
from nacl.pwhash import argon2id

from asamblea.core.crypto import group
from asamblea.formats.errors import FormatError
from asamblea.formats.trustee import (
    dealing_file,
    new_trustee,
    open_secret,
    open_share,
    read_dealing,
    seal_secret,
    shares_file,
)

CEREMONY = b"\x0c" * 32
LIMITS = {"opslimit": argon2id.OPSLIMIT_MIN, "memlimit": argon2id.MEMLIMIT_MIN}


def test_the_secret_file_round_trips_and_hides_every_secret() -> None:
    secret = new_trustee(CEREMONY, 2, 2).with_secret(group.random_scalar())
    data = seal_secret(secret, "frase correcta", **LIMITS)
    text = data.decode()
    for hidden in [*secret.coefficients, secret.box_key, secret.secret or b""]:
        assert hidden.hex() not in text
    assert open_secret(data, "frase correcta") == secret
    with pytest.raises(FormatError, match="frase de paso incorrecta"):
        open_secret(data, "frase incorrecta")
    at = text.index('"box": "') + len('"box": "') + 60  # a byte inside the ciphertext
    flipped = text[:at] + ("0" if text[at] != "0" else "1") + text[at + 1:]
    with pytest.raises(FormatError, match="alterado"):
        open_secret(flipped.encode(), "frase correcta")


def test_shares_open_only_for_their_recipient() -> None:
    one, two, three = (new_trustee(CEREMONY, i, 2) for i in (1, 2, 3))
    keys = {t.index: read_dealing(dealing_file(t))[1] for t in (one, two, three)}
    sealed = shares_file(one, keys)
    sender, value = open_share(two, sealed)
    assert sender == 1
    assert group.base_mul(value) != group.IDENTITY
    with pytest.raises(FormatError):
        open_share(one, sealed)  # none addressed to the sender itself
    other = new_trustee(b"\x0d" * 32, 3, 2)
    with pytest.raises(FormatError, match="otra ceremonia"):
        open_share(other, sealed)
