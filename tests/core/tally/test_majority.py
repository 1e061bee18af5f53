"""Yes/no votes: every threshold and the quorum, hand-worked."""

from __future__ import annotations

from fractions import Fraction

import pytest

from asamblea.core.tally import Profile, count
from asamblea.core.tally.majority import YesNo

# Columns: yes votes, no votes, abstentions, roll size, threshold, quorum, expected winners.
CASES = [
    (10, 9, 0, None, "simple", None, ("sí",)),
    (9, 9, 5, None, "simple", None, ("no",)),
    (10, 9, 2, None, "majority_of_cast", None, ("no",)),  # 10 is not more than 11/2... of 21
    (12, 9, 2, None, "majority_of_cast", None, ("sí",)),  # 12 > 23/2
    (50, 0, 0, 100, "absolute", None, ("no",)),  # half of the roll is not more than half
    (51, 0, 0, 100, "absolute", None, ("sí",)),
    (20, 10, 7, None, "two_thirds", None, ("sí",)),  # exactly 2/3 of yes+no
    (19, 10, 0, None, "two_thirds", None, ("no",)),
    (0, 0, 4, None, "two_thirds", None, ("no",)),
    (66, 0, 0, 100, "two_thirds_of_roll", None, ("no",)),
    (67, 0, 0, 100, "two_thirds_of_roll", None, ("sí",)),
    (30, 10, 9, 100, "simple", Fraction(1, 2), ()),  # 49 of 100 took part: no quorum
    (30, 10, 10, 100, "simple", Fraction(1, 2), ("sí",)),  # 50 of 100: quorum met
]


@pytest.mark.parametrize(("yes", "no", "abstain", "roll", "threshold", "quorum", "winners"), CASES)
def test_thresholds(  # noqa: PLR0917 - one argument per column of the table
    yes, no, abstain, roll, threshold, quorum, winners
) -> None:
    votes = YesNo(yes=yes, no=no, abstain=abstain, roll=roll)
    outcome = count("majority", votes, threshold=threshold, quorum=quorum)
    assert outcome.winners == winners
    assert outcome.details["quorum_met"] == (winners != ())


def test_required_is_the_least_yes_that_passes() -> None:
    for threshold, roll in [
        ("simple", None),
        ("majority_of_cast", None),
        ("absolute", 40),
        ("two_thirds", None),
        ("two_thirds_of_roll", 40),
    ]:
        base = YesNo(yes=0, no=7, abstain=3, roll=roll)
        required = count("majority", base, threshold=threshold).details["required"]
        just = YesNo(yes=required, no=7, abstain=3, roll=roll)
        short = YesNo(yes=required - 1, no=7, abstain=3, roll=roll)
        assert count("majority", just, threshold=threshold).winners == ("sí",)
        assert count("majority", short, threshold=threshold).winners == ("no",)


def test_blank_and_invalid_count_for_quorum_but_not_for_the_threshold() -> None:
    votes = YesNo(yes=5, no=4, blank=20, invalid=21, roll=100)
    outcome = count("majority", votes, threshold="simple", quorum=Fraction(1, 2))
    assert outcome.winners == ("sí",)
    assert outcome.blank == 20
    assert outcome.invalid == 21


@pytest.mark.parametrize("threshold", ["absolute", "two_thirds_of_roll"])
def test_roll_is_required_where_the_threshold_needs_it(threshold) -> None:
    with pytest.raises(ValueError, match="padrón"):
        count("majority", YesNo(yes=1, no=0), threshold=threshold)


def test_more_ballots_than_roll_is_an_error() -> None:
    with pytest.raises(ValueError, match="padrón"):
        YesNo(yes=10, no=1, roll=5)


@pytest.mark.parametrize(
    ("ballots", "weights", "winners", "invalid"),
    [
        ([((0,),), ((1,),), ((2,),)], [6, 5, 9], ("sí",), 0),
        ([((0,),), ((1,),), ((0, 1),)], [4, 5, 3], ("no",), 3),
    ],
)
def test_from_a_single_choice_profile(ballots, weights, winners, invalid) -> None:
    """How the bulletin board re-counts a motion: options sí, no, abstención."""
    profile = Profile.from_ballots(("sí", "no", "abstención"), ballots, weights=weights)
    outcome = count("majority", profile)
    assert outcome.winners == winners
    assert outcome.invalid == invalid


def test_profile_with_roll_and_quorum() -> None:
    profile = Profile.from_ballots(("sí", "no"), [((0,),), ((1,),)], weights=[30, 10])
    outcome = count("majority", profile, roll=100, quorum=Fraction(1, 2))
    assert outcome.winners == ()
    assert count("majority", profile, roll=59, threshold="absolute").winners == ("sí",)
    assert count("majority", profile, roll=60, threshold="absolute").winners == ("no",)
