"""Privacy of the ceremony's files: everything a server relays or publishes (dealing files, sealed
shares files, the board) opens no ballot; t − 1 trustees' secrets do not either; t do.

This is the cryptographic half of the privacy test; the stored-rows half belongs with the
encrypted-vote service (docs/encrypted-votes.md, §9)."""

from __future__ import annotations

from pathlib import Path

import pytest
from nacl.pwhash import argon2id

from asamblea.core.crypto import ballot, elgamal, group, threshold
from asamblea.core.errors import Invalid
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

CEREMONY = b"\x0e" * 32
LIMITS = {"opslimit": argon2id.OPSLIMIT_MIN, "memlimit": argon2id.MEMLIMIT_MIN}


def test_relayed_files_open_nothing_and_fewer_than_t_secrets_decrypt_nothing(
        tmp_path: Path) -> None:
    trustees = [new_trustee(CEREMONY, i, 2) for i in (1, 2, 3)]
    dealings = [dealing_file(t) for t in trustees]
    keys = {t.index: read_dealing(d)[1] for t, d in zip(trustees, dealings, strict=True)}
    relayed = [shares_file(t, keys) for t in trustees]
    locked = [seal_secret(t, f"frase {t.index}", **LIMITS) for t in trustees]
    server_sees = b"".join(dealings + relayed + locked)
    for t in trustees:  # no coefficient, box key or share appears in what the server holds
        for secret in [*t.coefficients, t.box_key]:
            assert secret.hex().encode() not in server_sees
    for sealed in relayed:  # a share opens only with its recipient's box key
        stranger = new_trustee(CEREMONY, 4, 2)
        with pytest.raises(FormatError):
            open_share(stranger, sealed)
    with pytest.raises(FormatError):
        open_secret(locked[0], "frase 2")
    x = {}
    for t in trustees:
        received = [threshold.evaluate(t.coefficients, t.index)]
        received += [open_share(t, f)[1] for f in relayed if f is not relayed[t.index - 1]]
        x[t.index] = threshold.combine_shares(received)
    key = threshold.election_key([t.dealing for t in trustees])
    election = ballot.Election(b"\x0f" * 32, key, 3, 0, 1)
    cast, _ = ballot.encrypt_ballot(election, [0, 1, 0])
    chosen = cast.options[1].ciphertext
    for alone in (1, 2, 3):  # one trustee (t − 1 = 1) gets a point that is no count
        part = threshold.combine_points([(alone, group.mul(x[alone], chosen.alpha))])
        with pytest.raises(Invalid, match="not between"):
            elgamal.discrete_log(group.sub(chosen.beta, part), 1000)
    both = threshold.combine_points([(j, group.mul(x[j], chosen.alpha)) for j in (1, 3)])
    assert elgamal.discrete_log(group.sub(chosen.beta, both), 1) == 1
