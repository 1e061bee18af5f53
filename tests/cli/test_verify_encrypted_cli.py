"""``asamblea verify`` on an encrypted vote's board: exit codes, trackers, parallel checking."""

from __future__ import annotations

import json
from pathlib import Path

from asamblea.core.crypto.ballot import tracker
from asamblea.formats.encrypted_board import dump_encrypted_board
from tests.cli.test_verify_cli import run
from tests.formats.test_encrypted_board import BOARD

DATA = dump_encrypted_board(BOARD)


def test_a_good_board_verifies_with_its_counts(tmp_path: Path) -> None:
    code, output = run(tmp_path, DATA)
    assert code == 0, output
    assert "Tablero cifrado verificado: 4 papeletas" in output
    assert "Proyecto 2: 3" in output


def test_parallel_checking_gives_the_same_answer(tmp_path: Path) -> None:
    code, output = run(tmp_path, DATA, "--jobs", "2", "--json")
    assert code == 0, output
    report = json.loads(output)
    assert report["ok"] is True
    assert report["counts"] == [2, 1, 3, 2, 1]


def test_an_altered_result_fails_with_exit_1(tmp_path: Path) -> None:
    altered = DATA.replace(b'"counts":[2,1,3,2,1]', b'"counts":[2,1,4,2,1]')
    code, output = run(tmp_path, altered)
    assert code == 1
    assert "NO verifica" in output
    assert "result.counts[2]" in output


def test_trackers_are_found_and_mistyped_ones_refused(tmp_path: Path) -> None:
    mine = tracker(BOARD.ballots[2]).hex()
    code, output = run(tmp_path, DATA, "--receipt", mine.upper())
    assert code == 0, output
    assert "papeleta 2" in output
    code, output = run(tmp_path, DATA, "--receipt", "ab" * 32)
    assert code == 1
    assert "NO está" in output
    code, _ = run(tmp_path, DATA, "--receipt", "7K3M-QX9T-2BHD-04RW")
    assert code == 2


def test_a_malformed_encrypted_board_exits_2(tmp_path: Path) -> None:
    code, output = run(tmp_path, DATA[:-40])
    assert code == 2
    assert "Error:" in output
