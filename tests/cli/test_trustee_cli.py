"""``asamblea trustee``: a key ceremony by three trustees (threshold two) through their files,
an election on the resulting key, and a verified result with one trustee absent."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
import typer
from nacl.pwhash import argon2id
from typer.testing import CliRunner

from asamblea.cli import trustee as trustee_cli
from asamblea.core.crypto import ballot, board, tally, threshold
from asamblea.core.crypto.verify import verify_encrypted_board
from asamblea.formats.encrypted_board import (
    load_encrypted_board,
    share_from_json,
    write_encrypted_board,
)
from asamblea.formats.trustee import read_dealing
from tests.formats import encrypted_election

CEREMONY = "ab" * 32
VOTES = [[1, 0, 1, 0, 0], [0, 1, 1, 0, 0], [0, 0, 1, 1, 1]]


def _app() -> typer.Typer:
    app = typer.Typer(add_completion=False)

    @app.callback()
    def _root() -> None:
        """Test app."""

    trustee_cli.register(app)
    return app


def run(*args: str | Path) -> tuple[int, str]:
    result = CliRunner().invoke(_app(), ["trustee", *map(str, args), "--kdf", "interactive"])
    return result.exit_code, result.output


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ASAMBLEA_TRUSTEE_PASSPHRASE", "una frase larga de custodia")
    # Argon2id at its minimum here only (the file records its limits; users get moderate).
    monkeypatch.setitem(trustee_cli.LIMITS, "interactive",
                        (argon2id.OPSLIMIT_MIN, argon2id.MEMLIMIT_MIN))
    return tmp_path


def _ceremony(folder: Path) -> list[Path]:
    dealings = []
    for i in (1, 2, 3):
        code, output = run("init", "--secret", folder / f"s{i}", "--ceremony", CEREMONY,
                           "--index", i, "--threshold", 2, "--out", folder / f"d{i}.json")
        assert code == 0, output
        dealings.append(folder / f"d{i}.json")
    assert (folder / "s1").stat().st_mode & 0o777 == 0o600
    dealing_args = [arg for d in dealings for arg in ("--dealing", d)]
    for i in (1, 2, 3):
        code, output = run("shares", "--secret", folder / f"s{i}", *dealing_args,
                           "--out", folder / f"p{i}.json")
        assert code == 0, output
    return dealings


def _combine(folder: Path, i: int, dealings: list[Path]) -> tuple[int, str]:
    dealing_args = [arg for d in dealings for arg in ("--dealing", d)]
    share_args = [arg for j in (1, 2, 3) if j != i for arg in ("--share", folder / f"p{j}.json")]
    return run("combine", "--secret", folder / f"s{i}", *dealing_args, *share_args)


def test_three_trustees_two_decrypt_and_the_board_verifies(folder: Path) -> None:
    dealings = _ceremony(folder)
    for i in (1, 2, 3):
        code, output = _combine(folder, i, dealings)
        assert code == 0, output
    dealt = tuple(read_dealing(d.read_bytes())[2] for d in dealings)
    manifest = board.Manifest(encrypted_election.header(), 0, 5, 2, bytes.fromhex(CEREMONY),
                              dealt, threshold.election_key(dealt))
    election = ballot.Election(manifest.election_hash(), manifest.public_key, 5, 0, 5)
    cast = [ballot.encrypt_ballot(election, v)[0] for v in VOTES]
    summed = tally.tally_ciphertexts([[o.ciphertext for o in b.options] for b in cast], 5)
    draft = board.seal_board(board.EncryptedBoard(
        manifest=manifest, voters=3, closed_at="2026-11-29T00:00:00Z", ballots=cast,
        audited=[], genesis="", heads=[], tally=summed, shares=(), counts=None,
        signing_key="", head_signature="", seal_signature=""), encrypted_election.SIGNING_KEY)
    write_encrypted_board(draft, folder / "borrador.json")
    shares = []
    for i in (1, 3):  # trustee 2 does not show up
        code, output = run("decrypt", "--secret", folder / f"s{i}", "--board",
                           folder / "borrador.json", "--out", folder / f"x{i}.json")
        assert code == 0, output
        shares.append(share_from_json(json.loads((folder / f"x{i}.json").read_text())["share"]))
    counts = tally.decrypt_tally(summed, shares, 2, 3)
    assert counts == (1, 1, 3, 1, 1)
    final = board.seal_board(replace(draft, shares=tuple(shares), counts=counts),
                             encrypted_election.SIGNING_KEY)
    assert verify_encrypted_board(final) == []
    tampered = load_encrypted_board((folder / "borrador.json").read_bytes().replace(
        b'"voters":3', b'"voters":2'))
    write_encrypted_board(tampered, folder / "malo.json")
    code, output = run("decrypt", "--secret", folder / "s1", "--board", folder / "malo.json",
                       "--out", folder / "x.json")
    assert code == 1
    assert "no verifica" in output


def test_a_share_off_its_commitments_is_refused_naming_its_sender(folder: Path) -> None:
    dealings = _ceremony(folder)
    (folder / "s2").unlink()  # trustee 2 redraws a polynomial but keeps its old dealing
    run("init", "--secret", folder / "s2", "--ceremony", CEREMONY, "--index", 2,
        "--threshold", 2, "--out", folder / "otro.json")
    dealing_args = [arg for d in [*dealings[:1], folder / "otro.json", dealings[2]]
                    for arg in ("--dealing", d)]
    code, _ = run("shares", "--secret", folder / "s2", *dealing_args, "--out",
                  folder / "p2.json")
    assert code == 0
    code, output = _combine(folder, 1, dealings)
    assert code == 1
    assert "custodio 2" in output


def test_wrong_passphrase_and_overwrite_are_refused(folder: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    _ceremony(folder)
    code, output = run("init", "--secret", folder / "s1", "--ceremony", CEREMONY, "--index", 1,
                       "--threshold", 2, "--out", folder / "d.json")
    assert code == 2
    assert "ya existe" in output
    monkeypatch.setenv("ASAMBLEA_TRUSTEE_PASSPHRASE", "otra frase")
    code, output = _combine(folder, 1, [folder / f"d{i}.json" for i in (1, 2, 3)])
    assert code == 2
    assert "frase de paso incorrecta" in output
    code, _ = run("bailar", "--secret", folder / "s1")
    assert code == 2
