"""The independent verifier (written from docs/encrypted-votes.md) agrees with `asamblea verify`:
it accepts the honest board, and on each altered board it names the same failed checks."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest

from asamblea.core.crypto import board, group, threshold
from asamblea.core.crypto.board import EncryptedBoard
from asamblea.core.crypto.elgamal import Ciphertext
from asamblea.core.crypto.verify import verify_encrypted_board
from asamblea.formats.encrypted_board import dump_encrypted_board
from tests.formats import encrypted_election, slow_verifier
from tests.formats.test_encrypted_board import BOARD

Edit = Callable[[EncryptedBoard], EncryptedBoard]


def _shift_tally(b: EncryptedBoard) -> EncryptedBoard:
    first = b.tally[0]
    return replace(b, tally=(Ciphertext(first.alpha, group.add(first.beta, group.GENERATOR)),
                             *b.tally[1:]))


def _bad_share(b: EncryptedBoard) -> EncryptedBoard:
    share = b.shares[1]
    parts = (*share.parts[:-1], group.add(share.parts[-1], group.GENERATOR))
    return replace(b, shares=(b.shares[0], replace(share, parts=parts)))


def _swap_key(b: EncryptedBoard) -> EncryptedBoard:
    _, impostor = threshold.deal(b.manifest.ceremony, 3, b.manifest.threshold)
    dealings = (*b.manifest.dealings[:2], impostor)
    return replace(b, manifest=replace(b.manifest, dealings=dealings))


def _bump_count(b: EncryptedBoard) -> EncryptedBoard:
    return replace(b, counts=(*(b.counts or ())[:-1], (b.counts or (0,))[-1] + 1))


EDITS: dict[str, Edit] = {
    "honest": lambda b: b,
    "dropped": lambda b: replace(b, ballots=b.ballots[:-1]),
    "duplicated": lambda b: replace(b, ballots=[*b.ballots, b.ballots[1]], voters=b.voters + 1),
    "altered tally": _shift_tally,
    "bad share": _bad_share,
    "swapped key": _swap_key,
    "result off": _bump_count,
    "lying audit": lambda b: replace(b, audited=[replace(b.audited[0], selections=tuple(
        1 - m for m in b.audited[0].selections))]),
    "too many ballots": lambda b: replace(b, voters=1),
}


@pytest.mark.parametrize("name", list(EDITS))
def test_both_verifiers_name_the_same_failures(name: str) -> None:
    altered = board.seal_board(EDITS[name](BOARD), encrypted_election.SIGNING_KEY)
    ours = {finding.code for finding in verify_encrypted_board(altered)}
    theirs = slow_verifier.verify(dump_encrypted_board(altered))
    assert theirs == ours
    assert (name == "honest") == (not ours)


def test_unsealed_edits_break_the_signatures_for_both() -> None:
    altered = _bump_count(BOARD)
    ours = {finding.code for finding in verify_encrypted_board(altered)}
    theirs = slow_verifier.verify(dump_encrypted_board(altered))
    assert theirs == ours == {"result.mismatch", "signature.seal"}
