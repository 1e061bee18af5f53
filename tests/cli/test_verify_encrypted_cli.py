"""``asamblea verify`` on an encrypted vote's board: exit codes, trackers, parallel checking."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from asamblea.core.crypto.ballot import tracker
from asamblea.formats import encrypted_board_jobs
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


def test_parallel_checking_finds_what_one_process_finds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Runs of one ballot each, so the workers' answers must come back in board order: two
    ballots with swapped proofs and an altered tally give the same findings either way, and a
    malformed ballot is named with the file."""
    monkeypatch.setattr(encrypted_board_jobs, "RUN", 1)
    first, second = BOARD.ballots[1], BOARD.ballots[2]
    swapped = [
        replace(
            first,
            options=(replace(first.options[0], proof=second.options[0].proof), *first.options[1:]),
        ),
        replace(
            second,
            options=(replace(second.options[0], proof=first.options[0].proof), *second.options[1:]),
        ),
    ]
    tally = (BOARD.tally[1], BOARD.tally[0], *BOARD.tally[2:])
    tampered = dump_encrypted_board(
        replace(BOARD, ballots=[BOARD.ballots[0], *swapped, *BOARD.ballots[3:]], tally=tally)
    )
    reports = []
    for jobs in ("1", "2"):
        code, output = run(tmp_path, tampered, "--jobs", jobs, "--json")
        assert code == 1, output
        reports.append(json.loads(output)["findings"])
    assert reports[0] == reports[1]
    flagged = {(f["code"], f.get("index")) for f in reports[0]}
    assert {("ballot.proof", 1), ("ballot.proof", 2), ("tally.mismatch", None)} <= flagged
    broken = DATA.replace(b'"alpha":"', b'"alpha":"zz', 1)
    code, output = run(tmp_path, broken, "--jobs", "2")
    assert code == 2
    assert "ballots[0].options[0].alpha" in output
