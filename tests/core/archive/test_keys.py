"""Members' keys under a passphrase, file keys sealed to the team, re-wrapping without a leaver."""

from __future__ import annotations

from dataclasses import replace

import pytest
from nacl import pwhash

from asamblea.core.archive import keys
from asamblea.core.archive.envelope import decrypt_bytes, encrypt_bytes, new_file_key
from asamblea.core.errors import Invalid

FAST = {"opslimit": pwhash.argon2id.OPSLIMIT_MIN, "memlimit": pwhash.argon2id.MEMLIMIT_MIN}
PASSPHRASE = "una frase larga de prueba"


def test_passphrase_protects_the_private_key() -> None:
    private = keys.new_member_key()
    protected = keys.protect(private, PASSPHRASE, **FAST)
    assert bytes(private) not in protected.ciphertext
    assert bytes(keys.unlock(protected, PASSPHRASE)) == bytes(private)
    with pytest.raises(Invalid, match="Wrong passphrase"):
        keys.unlock(protected, PASSPHRASE + "!")
    assert protected.to_json()["kdf"] == "argon2id13"


def test_default_limits_are_libsodium_interactive_and_short_passphrases_refused() -> None:
    assert keys.OPSLIMIT >= pwhash.argon2id.OPSLIMIT_INTERACTIVE
    assert keys.MEMLIMIT >= pwhash.argon2id.MEMLIMIT_INTERACTIVE
    with pytest.raises(Invalid, match="characters"):
        keys.protect(keys.new_member_key(), "corta", **FAST)
    protected = keys.protect(keys.new_member_key(), PASSPHRASE, **FAST)
    with pytest.raises(Invalid, match="parameters"):
        keys.unlock(replace(protected, opslimit=0), PASSPHRASE)


def test_a_file_opens_for_each_team_member_and_no_one_else() -> None:
    team = {name: keys.new_member_key() for name in ("ana", "beto", "chela")}
    outsider = keys.new_member_key()
    file_key = new_file_key()
    envelope = encrypt_bytes(file_key, b"testimonio")
    wraps = keys.wrap_for_team(file_key, {n: keys.public_bytes(k) for n, k in team.items()})
    assert all(len(w) == keys.WRAPPED_BYTES for w in wraps.values())
    for name, private in team.items():
        assert decrypt_bytes(keys.unwrap(wraps[name], private), envelope) == b"testimonio"
    with pytest.raises(Invalid, match="not wrapped"):
        keys.unwrap(wraps["ana"], outsider)
    with pytest.raises(Invalid, match="not wrapped"):
        keys.unwrap(wraps["ana"], team["beto"])


def test_rewrap_leaves_out_the_member_who_left() -> None:
    team = {name: keys.new_member_key() for name in ("ana", "beto", "chela")}
    file_key = new_file_key()
    wraps = keys.wrap_for_team(file_key, {n: keys.public_bytes(k) for n, k in team.items()})
    staying = {n: keys.public_bytes(k) for n, k in team.items() if n != "chela"}
    new = keys.rewrap(wraps["ana"], team["ana"], staying)
    assert set(new) == {"ana", "beto"}
    assert keys.unwrap(new["beto"], team["beto"]) == file_key
    for wrapped in new.values():
        with pytest.raises(Invalid):
            keys.unwrap(wrapped, team["chela"])


def test_wrap_refuses_wrong_sizes() -> None:
    with pytest.raises(Invalid):
        keys.wrap(b"short", bytes(32))
