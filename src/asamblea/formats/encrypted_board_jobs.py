"""Read and check an encrypted board over several processes (``asamblea verify --jobs N``).

A board of 100,000 ballots is ~250 MB of JSON and ~3 ms of proofs per ballot. The parent reads
the JSON once and parses everything but the ballots; the workers, forked after that (so they
share the raw ballots without copying them through a pipe), each take runs of consecutive
ballots, parse them (`ballot_from_json`: every point decoded and checked canonical) and check
them (`asamblea.core.crypto.verify.check_ballots`: the proofs and the run's partial tally). The
parent puts the runs back in order and hands the merged checks to `verify_encrypted_board`,
which does the rest (duplicates, chain, signatures, shares, result) exactly as with one process.

Only `asamblea.core` and the standard library are used, as for the rest of `formats`.
"""

from __future__ import annotations

import multiprocessing
from dataclasses import replace
from pathlib import Path
from typing import Any

from asamblea.core.crypto.ballot import Election, EncryptedBallot
from asamblea.core.crypto.board import EncryptedBoard
from asamblea.core.crypto.verify import BallotChecks, check_ballots, election_of, merge_checks
from asamblea.core.ledger import paused_gc
from asamblea.formats.board import read_board_file
from asamblea.formats.encrypted_board import ballot_from_json, load_encrypted_board_shell
from asamblea.formats.errors import FormatError

RUN = 500  # ballots per task: ~1.5 s of work, small enough to keep every worker busy

#: What forked workers inherit: the election and the raw ballots (set only around a pool).
_shared: tuple[Election, list[Any]] | None = None


def read_and_check(path: str | Path, jobs: int) -> tuple[EncryptedBoard, BallotChecks]:
    """The board and its ballots' checks, parsed and checked in ``jobs`` processes.

    `FormatError` (naming the path and the ballot) when the file is not a well-formed board.
    """
    global _shared  # noqa: PLW0603 - handed to forked workers, cleared afterwards
    shell, raw = read_board_file(path, load_encrypted_board_shell)
    election = election_of(shell)
    runs = [(start, min(start + RUN, len(raw))) for start in range(0, len(raw), RUN)]
    _shared = (election, raw)
    try:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            done = pool.map(_check_run, runs, chunksize=1)
    except FormatError as error:
        raise error.at(path) from None
    finally:
        _shared = None
    ballots = [ballot for run, _ in done for ballot in run]
    checks = merge_checks((check for _, check in done), election.options)
    return replace(shell, ballots=ballots), checks


def _check_run(bounds: tuple[int, int]) -> tuple[list[EncryptedBallot], BallotChecks]:
    """In a worker: parse and check ballots ``start..end`` of the shared raw ballots."""
    assert _shared is not None  # noqa: S101 - set before the pool forks
    election, raw = _shared
    start, end = bounds
    with paused_gc():
        ballots = [ballot_from_json(raw[i], f"ballots[{i}]") for i in range(start, end)]
    return ballots, check_ballots(election, ballots)
