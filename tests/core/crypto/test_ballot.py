"""Encrypted ballots and the tally: proofs, trackers, audits, and tally == plaintext tally."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from asamblea.core.crypto import ballot, group, tally, threshold
from asamblea.core.crypto.elgamal import Ciphertext
from asamblea.core.errors import Invalid
from tests.core.crypto.strategies import selections

CEREMONY = b"k" * 32
DEALT = [threshold.deal(CEREMONY, i, 2) for i in (1, 2, 3)]
DEALINGS = [d for _, d in DEALT]
SECRETS = {j: threshold.combine_shares([threshold.evaluate(c, j) for c, _ in DEALT])
           for j in (1, 2, 3)}
KEY = threshold.election_key(DEALINGS)
APPROVAL = ballot.Election(b"a" * 32, KEY, 5, 0, 5)
BOUNDED = ballot.Election(b"b" * 32, KEY, 5, 1, 3)
CHOICE = ballot.Election(b"c" * 32, KEY, 3, 0, 1)


@pytest.mark.parametrize("election", [APPROVAL, BOUNDED, CHOICE])
def test_an_honest_ballot_verifies_and_an_altered_one_does_not(
        election: ballot.Election) -> None:
    chosen = [1] + [0] * (election.options - 1)
    encrypted, nonces = ballot.encrypt_ballot(election, chosen)
    assert ballot.is_valid_ballot(election, encrypted)
    assert (encrypted.count_proof is None) == (not election.needs_count_proof)
    assert ballot.is_audit_consistent(election, encrypted, chosen, nonces)
    assert not ballot.is_audit_consistent(election, encrypted, chosen[::-1], nonces)
    first = encrypted.options[0]
    swapped = ballot.EncryptedOption(encrypted.options[1].ciphertext, first.proof)
    altered = ballot.EncryptedBallot((swapped, *encrypted.options[1:]), encrypted.count_proof)
    assert not ballot.is_valid_ballot(election, altered)
    other = ballot.Election(b"z" * 32, KEY, election.options, election.min_selections,
                            election.max_selections)
    assert not ballot.is_valid_ballot(other, encrypted)


def test_a_ballot_over_the_bounds_cannot_be_proven() -> None:
    with pytest.raises(Invalid):
        ballot.encrypt_ballot(BOUNDED, [1, 1, 1, 1, 0])
    with pytest.raises(Invalid):
        ballot.encrypt_ballot(CHOICE, [1, 1, 0])
    with pytest.raises(Invalid):
        ballot.encrypt_ballot(APPROVAL, [2, 0, 0, 0, 0])


def test_a_forged_ballot_with_two_choices_fails_the_count_proof() -> None:
    """A dishonest device encrypts 1 twice in a choice vote and proves count 1 anyway."""
    nonces = [group.random_scalar() for _ in range(3)]
    honest, _ = ballot.encrypt_ballot(CHOICE, [1, 0, 0], nonces)
    two = ballot.encrypt_ballot(ballot.Election(b"c" * 32, KEY, 3, 0, 3), [1, 1, 0])[0]
    forged = ballot.EncryptedBallot(two.options, honest.count_proof)
    assert not ballot.is_valid_ballot(CHOICE, forged)


def test_trackers_differ_and_cover_every_byte() -> None:
    first, _ = ballot.encrypt_ballot(APPROVAL, [1, 0, 0, 0, 1])
    second, _ = ballot.encrypt_ballot(APPROVAL, [1, 0, 0, 0, 1])
    assert ballot.tracker(first) != ballot.tracker(second)
    assert len(ballot.ballot_bytes(first)) == 5 * (64 + 128)


@settings(max_examples=5, deadline=None)
@given(st.lists(selections(5, 1, 3), min_size=1, max_size=6), st.sampled_from([(1, 2), (2, 3),
                                                                              (1, 3)]))
def test_encrypted_tally_is_the_plaintext_tally(votes: list[list[int]],
                                                present: tuple[int, int]) -> None:
    cast = [ballot.encrypt_ballot(BOUNDED, vote)[0] for vote in votes]
    assert all(ballot.is_valid_ballot(BOUNDED, b) for b in cast)
    columns = [[option.ciphertext for option in b.options] for b in cast]
    summed = tally.tally_ciphertexts(columns, 5)
    shares = [tally.make_share(BOUNDED.election_hash, j, SECRETS[j], summed) for j in present]
    for share in shares:
        key = threshold.verification_key(DEALINGS, share.trustee)
        assert tally.is_valid_share(BOUNDED.election_hash, key, summed, share)
    counts = tally.decrypt_tally(summed, shares, 2, len(votes))
    assert list(counts) == [sum(column) for column in zip(*votes, strict=True)]
    assert tally.check_result(summed, shares, counts) == []
    wrong = list(counts)
    wrong[0] += 1
    assert tally.check_result(summed, shares, wrong) == [0]


def test_a_share_from_the_wrong_secret_is_refused_and_too_few_shares_refused() -> None:
    summed = tally.tally_ciphertexts(
        [[o.ciphertext for o in ballot.encrypt_ballot(APPROVAL, [1, 0, 1, 0, 0])[0].options]], 5)
    share = tally.make_share(APPROVAL.election_hash, 1, SECRETS[2], summed)
    key = threshold.verification_key(DEALINGS, 1)
    assert not tally.is_valid_share(APPROVAL.election_hash, key, summed, share)
    good = tally.make_share(APPROVAL.election_hash, 1, SECRETS[1], summed)
    assert tally.is_valid_share(APPROVAL.election_hash, key, summed, good)
    assert not tally.is_valid_share(APPROVAL.election_hash, key, summed[:4], good)
    with pytest.raises(Invalid):
        tally.decrypt_tally(summed, [good], 2, 1)
    short: list[Ciphertext] = list(summed)
    assert tally.check_result(short, [good], [1, 0]) == [0, 1, 2, 3, 4]
