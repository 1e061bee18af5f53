"""Plurality and approval: hand-worked cases and the pref-voting oracle."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pref_voting.grade_methods import approval as pv_approval
from pref_voting.grade_profiles import GradeProfile

from asamblea.core.tally import UNRANKED, Lot, Profile, count
from tests.core.tally.strategies import names_of, profiles, to_pref_voting

ABCD = ("A", "B", "C", "D")

# (ballots as rank groups, weights, seats, winners)
PLURALITY_CASES = [
    ([((0,), (1,)), ((1,),), ((2,), (1,))], [8, 5, 4], 1, ("A",)),
    ([((0,),), ((1,),), ((2,),)], [3, 5, 4], 2, ("B", "C")),
    ([((0, 1),), ((1,),), ((2,),)], [9, 2, 1], 1, ("B",)),  # the 9 overvotes count for nobody
]


@pytest.mark.parametrize(("ballots", "weights", "seats", "winners"), PLURALITY_CASES)
def test_plurality_hand_worked(ballots, weights, seats, winners) -> None:
    p = Profile.from_ballots(ABCD, ballots, weights=weights)
    outcome = count("plurality", p, seats=seats)
    assert outcome.winners == winners


def test_plurality_overvotes_are_invalid_and_reported() -> None:
    p = Profile.from_ballots(ABCD, [((0, 1),), ((1,),)], weights=[9, 2])
    outcome = count("plurality", p)
    assert outcome.details["overvotes"] == 9
    assert outcome.invalid == 9
    assert outcome.valid == 2
    assert outcome.rounds[0].tallies == {"A": 0, "B": 2, "C": 0, "D": 0}


def test_plurality_tie_at_the_last_seat_is_drawn_from_the_seed() -> None:
    p = Profile.from_ballots(ABCD, [((0,),), ((1,),), ((2,),)], weights=[5, 3, 3])
    outcome = count("plurality", p, seats=2, seed="acta 7")
    expected = Lot("acta 7").choose(["B", "C"], "last seat")
    assert outcome.winners == ("A", expected)
    assert outcome.tie_breaks[0].among == ("B", "C")
    assert outcome.details["draws"][0]["chosen"] == expected


APPROVAL_CASES = [
    # ballots, weights, seats, max_choices, winners, over_max
    ([((0, 1),), ((1, 2),), ((2,),)], [3, 3, 1], 1, None, ("B",), 0),
    ([((0, 1, 2),), ((0,),), ((1,),)], [10, 3, 4], 1, 2, ("B",), 10),
    ([((0, 1),), ((2, 3),), ((1, 3),)], [5, 4, 2], 2, 2, ("B", "D"), 0),
]


@pytest.mark.parametrize(
    ("ballots", "weights", "seats", "max_choices", "winners", "over_max"), APPROVAL_CASES
)
def test_approval_hand_worked(  # noqa: PLR0917 - one argument per column of the table
    ballots, weights, seats, max_choices, winners, over_max
) -> None:
    p = Profile.from_ballots(ABCD, ballots, weights=weights)
    outcome = count("approval", p, seats=seats, max_choices=max_choices)
    assert outcome.winners == winners
    assert outcome.details["over_max"] == over_max
    assert outcome.invalid == over_max


@settings(max_examples=120, deadline=None)
@given(profiles(), st.text(max_size=4))
def test_plurality_agrees_with_pref_voting(profile: Profile, seed: str) -> None:
    scores = to_pref_voting(profile).plurality_scores_ignoring_overvotes()
    ours = count("plurality", profile, seed=seed)
    assert ours.rounds[0].tallies == {profile.candidates[c]: s for c, s in scores.items()}
    best = max(scores.values())
    oracle_winners = names_of(profile, [c for c, s in scores.items() if s == best])
    assert set(ours.ranking[0]) == oracle_winners
    if len(oracle_winners) == 1:
        assert set(ours.winners) == oracle_winners
        assert ours.tie_breaks == ()
    else:  # documented tie-break: one draw among the tied, in ballot-paper order
        tied = [c for c in profile.candidates if c in oracle_winners]
        assert ours.winners == (Lot(seed).choose(tied, "last seat"),)


@settings(max_examples=120, deadline=None)
@given(profiles(), st.integers(1, 4), st.text(max_size=4))
def test_approval_agrees_with_pref_voting(profile: Profile, limit: int, seed: str) -> None:

    approved = profile.ranks != UNRANKED
    keep = approved.sum(axis=1) <= limit
    maps = [{c: 1 for c in range(profile.n_candidates) if row[c]} for row in approved[keep]]
    if not maps:
        maps, weights = [{}], [1]
    else:
        weights = profile.counts[keep].tolist()
    oracle = GradeProfile(
        maps, [0, 1], gcounts=weights, candidates=list(range(profile.n_candidates))
    )
    oracle_winners = names_of(profile, pv_approval(oracle))
    ours = count("approval", profile, max_choices=limit, seed=seed)
    assert set(ours.ranking[0]) == oracle_winners
    assert ours.winners[0] in oracle_winners
    if len(oracle_winners) > 1:
        tied = [c for c in profile.candidates if c in oracle_winners]
        assert ours.winners == (Lot(seed).choose(tied, "last seat"),)
    assert ours.valid + ours.invalid - profile.invalid == profile.n_ballots
