"""The encrypted board: it round-trips through its file, verifies, and every check catches the
alteration it exists for — whether or not the server re-signs the altered board."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest

from asamblea.core.crypto import ballot, board, group, tally, threshold
from asamblea.core.crypto.board import EncryptedBoard
from asamblea.core.crypto.elgamal import Ciphertext
from asamblea.core.crypto.proofs import Response
from asamblea.core.crypto.verify import verify_encrypted_board
from asamblea.formats.encrypted_board import (
    dump_encrypted_board,
    is_encrypted_board,
    load_encrypted_board,
)
from asamblea.formats.errors import FormatError
from tests.formats import encrypted_election, slow_verifier

VOTES = [[1, 0, 1, 0, 0], [0, 0, 1, 1, 0], [1, 1, 1, 1, 1], [0, 0, 0, 0, 0]]
ELECTION = encrypted_election.run(VOTES)
BOARD = ELECTION.board


def _codes(subject: EncryptedBoard, resign: bool = True) -> set[str]:
    if resign:
        subject = board.seal_board(subject, encrypted_election.SIGNING_KEY)
    return {finding.code for finding in verify_encrypted_board(subject)}


def test_the_board_verifies_and_round_trips_through_its_file() -> None:
    assert verify_encrypted_board(BOARD) == []
    assert BOARD.counts == (2, 1, 3, 2, 1)
    data = dump_encrypted_board(BOARD)
    assert is_encrypted_board(data)
    again = load_encrypted_board(data)
    assert again == BOARD
    assert dump_encrypted_board(again) == data


def test_a_ballot_with_a_bad_proof() -> None:
    first = BOARD.ballots[1]
    option = first.options[0]
    c, s = option.proof[0]
    bad = ballot.EncryptedOption(option.ciphertext,
                                 (Response(c, group.scalar_add(s, group.ONE)), option.proof[1]))
    altered = replace(first, options=(bad, *first.options[1:]))
    ballots = [BOARD.ballots[0], altered, *BOARD.ballots[2:]]
    assert _codes(replace(BOARD, ballots=ballots)) >= {"ballot.proof"}
    assert "chain.link" in _codes(replace(BOARD, ballots=ballots), resign=False)


def test_a_dropped_ballot() -> None:
    dropped = replace(BOARD, ballots=BOARD.ballots[1:])
    assert "tally.mismatch" in _codes(dropped)
    assert {"chain.link", "chain.length"} <= _codes(dropped, resign=False)


def test_a_duplicated_ballot() -> None:
    doubled = replace(BOARD, ballots=[*BOARD.ballots, BOARD.ballots[0]],
                      voters=BOARD.voters + 1)
    assert {"ballot.duplicate", "tally.mismatch"} <= _codes(doubled)


def test_an_altered_tally() -> None:
    first = BOARD.tally[0]
    shifted = Ciphertext(first.alpha, group.add(first.beta, group.GENERATOR))
    altered = replace(BOARD, tally=(shifted, *BOARD.tally[1:]))
    assert "tally.mismatch" in _codes(altered)
    assert "signature.seal" in _codes(altered, resign=False)


def test_a_share_with_a_bad_proof() -> None:
    share = BOARD.shares[0]
    parts = (group.add(share.parts[0], group.GENERATOR), *share.parts[1:])
    altered = replace(BOARD, shares=(replace(share, parts=parts), *BOARD.shares[1:]))
    assert "share.proof" in _codes(altered)


def test_a_share_from_an_unknown_or_repeated_trustee_and_too_few() -> None:
    repeated = replace(BOARD, shares=(BOARD.shares[0], BOARD.shares[0]))
    assert "share.trustee" in _codes(repeated)
    alone = replace(BOARD, shares=BOARD.shares[:1])
    assert "share.too_few" in _codes(alone)
    stranger = replace(BOARD.shares[0], trustee=9)
    assert "share.trustee" in _codes(replace(BOARD, shares=(stranger, BOARD.shares[1])))


def test_a_result_that_does_not_match_the_shares() -> None:
    counts = list(BOARD.counts or ())
    counts[2] -= 1
    assert _codes(replace(BOARD, counts=tuple(counts))) == {"result.mismatch"}
    assert "result.missing" in _codes(replace(BOARD, counts=None))


def test_a_swapped_trustee_key() -> None:
    manifest = BOARD.manifest
    _, impostor = threshold.deal(manifest.ceremony, 2, manifest.threshold)
    dealings = (manifest.dealings[0], impostor, manifest.dealings[2])
    swapped = replace(BOARD, manifest=replace(manifest, dealings=dealings))
    assert "key.mismatch" in _codes(swapped)
    election_key = threshold.election_key(dealings)
    both = replace(BOARD, manifest=replace(manifest, dealings=dealings,
                                           public_key=election_key))
    assert {"ballot.proof", "share.proof"} <= _codes(both)  # every proof named the old hash


def test_a_dealing_with_a_bad_proof_and_bad_numbering() -> None:
    manifest = BOARD.manifest
    first = manifest.dealings[0]
    moved = replace(first, index=4)
    assert {"trustees.numbering", "trustees.proof"} <= _codes(
        replace(BOARD, manifest=replace(manifest, dealings=(moved, *manifest.dealings[1:]))))


def test_audited_ballots_must_match_their_secrets_and_never_be_cast() -> None:
    spoiled = BOARD.audited[0]
    lying = replace(spoiled, selections=tuple(1 - m for m in spoiled.selections))
    assert "audit.mismatch" in _codes(replace(BOARD, audited=[lying]))
    cast = board.AuditedBallot(BOARD.ballots[0], tuple(VOTES[0]), spoiled.nonces)
    assert "audit.cast" in _codes(replace(BOARD, audited=[spoiled, cast]))


def test_counts_of_voters_and_signatures() -> None:
    assert "counts.voters" in _codes(replace(BOARD, voters=2))
    assert "signature.seal" in _codes(replace(BOARD, voters=5), resign=False)
    assert "signature.key" in {f.code for f in verify_encrypted_board(BOARD,
                                                                       expected_key="00" * 32)}
    other = replace(BOARD, manifest=replace(BOARD.manifest, min_selections=1))
    assert "chain.genesis" in _codes(other, resign=False)


def test_one_trustee_absent_still_decrypts_with_any_two() -> None:
    for present in ((1, 2), (2, 3)):
        summed = BOARD.tally
        shares = tuple(tally.make_share(BOARD.manifest.election_hash(), j,
                                        ELECTION.secrets[j], summed) for j in present)
        assert tally.decrypt_tally(summed, shares, 2, 4) == BOARD.counts


@pytest.mark.parametrize(("edit", "where"), [
    (lambda d: d.replace(b'"alpha":"', b'"alpha":"0', 1), "ballots[0].options[0].alpha"),
    (lambda d: d.replace(b'"voters":4', b'"voters":4.0'), "decimales"),
    (lambda d: d.replace(b'"schema":"asamblea-encrypted-board/1"',
                         b'"schema":"asamblea-encrypted-board/9"'), "schema"),
    (lambda d: d.replace(b'"threshold":2', b'"threshold":"2"'), "manifest.threshold"),
    (lambda d: d.replace(b'"closed_at":"2026-11-29T00:00:00Z"', b'"closed_at":"ayer"'),
     "vote.closed_at"),
    (lambda d: d[:-20], "JSON"),
])
def test_malformed_files_are_refused_with_the_field(
        edit: Callable[[bytes], bytes], where: str) -> None:
    with pytest.raises(FormatError) as raised:
        load_encrypted_board(edit(dump_encrypted_board(BOARD)))
    assert where in str(raised.value)


def test_a_non_canonical_point_is_a_format_error() -> None:
    data = dump_encrypted_board(BOARD).decode()
    alpha = BOARD.ballots[0].options[0].ciphertext.alpha.hex()
    broken = data.replace(alpha, "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
                          1)
    with pytest.raises(FormatError, match=r"ballots\[0\]\.options\[0\]\.alpha"):
        load_encrypted_board(broken)


RESTARTED = encrypted_election.run(
    VOTES[:2], audits=0, earlier=(encrypted_election.stopped_attempt(b"\x51" * 32),)
).board


def _both(subject: EncryptedBoard) -> tuple[set[str], set[str]]:
    sealed = board.seal_board(subject, encrypted_election.SIGNING_KEY)
    return _codes(sealed), slow_verifier.verify(dump_encrypted_board(sealed))


def test_a_restarted_ceremony_is_on_the_board_and_verifies() -> None:
    data = dump_encrypted_board(RESTARTED)
    assert b'"earlier_attempts":[{"ceremony":"5151' in data
    assert load_encrypted_board(data) == RESTARTED
    assert verify_encrypted_board(RESTARTED) == []
    assert slow_verifier.verify(data) == set()
    assert b"earlier_attempts" not in dump_encrypted_board(BOARD)  # absent when none


def test_an_earlier_attempt_is_bound_by_the_election_hash() -> None:
    dropped = replace(RESTARTED, manifest=replace(RESTARTED.manifest, earlier=()))
    assert all("ballot.proof" in codes for codes in _both(dropped))


@pytest.mark.parametrize(
    ("attempt", "code"),
    [
        (encrypted_election.stopped_attempt(encrypted_election.CEREMONY), "attempt.ceremony"),
        (encrypted_election.stopped_attempt(b"\x52" * 32, complaints=()), "attempt.complaint"),
        (encrypted_election.stopped_attempt(b"\x52" * 32, complaints=((2, 2),)),
         "attempt.complaint"),
        (encrypted_election.stopped_attempt(b"\x52" * 32, complaints=((1, 5),)),
         "attempt.complaint"),
        (encrypted_election.stopped_attempt(b"\x52" * 32, t=3, n=2, complaints=((1, 2),)),
         "attempt.numbering"),
        (replace(encrypted_election.stopped_attempt(b"\x52" * 32),
                 dealings=encrypted_election.stopped_attempt(b"\x53" * 32).dealings),
         "attempt.proof"),
    ],
)
def test_a_bad_earlier_attempt_is_found_by_both_verifiers(
    attempt: board.EarlierAttempt, code: str
) -> None:
    altered = replace(RESTARTED, manifest=replace(RESTARTED.manifest, earlier=(attempt,)))
    ours, theirs = _both(altered)
    assert code in ours
    assert code in theirs


def test_a_repeated_earlier_ceremony_and_a_non_canonical_list_are_refused() -> None:
    first = RESTARTED.manifest.earlier[0]
    twice = replace(RESTARTED, manifest=replace(RESTARTED.manifest, earlier=(first, first)))
    assert all("attempt.ceremony" in codes for codes in _both(twice))
    data = dump_encrypted_board(BOARD).replace(
        b'"public_key":', b'"earlier_attempts":[],"public_key":', 1
    )
    with pytest.raises(FormatError, match="canónica"):
        load_encrypted_board(data)
