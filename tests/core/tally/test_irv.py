"""Instant-runoff: hand-worked counts, tie-breaks, policies, conservation, pref-voting oracle."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pref_voting.iterative_methods import instant_runoff, instant_runoff_put

from asamblea.core.tally import Lot, Outcome, Profile, count
from tests.core.tally.strategies import names_of, profiles, to_pref_voting

ABCD = ("A", "B", "C", "D")


def test_transfer_decides() -> None:
    """A leads on first preferences, C's ballots go to B, B wins 9–8."""
    p = Profile.from_ballots(ABCD[:3], [((0,), (1,)), ((1,),), ((2,), (1,))], weights=[8, 5, 4])
    outcome = count("irv", p)
    assert outcome.winners == ("B",)
    assert [r.eliminated for r in outcome.rounds] == [("C",), ()]
    assert outcome.rounds[1].tallies == {"A": 8, "B": 9}


def test_ties_broken_by_earlier_rounds() -> None:
    """Worked by hand in docs/counting.md: D out; B and C tie at 4 in round 2 but C had fewer in
    round 1; then A and B tie at 7 and B had fewer in round 2."""
    ballots = [((0,),), ((1,),), ((2,), (1,)), ((3,), (2,)), ((3,),)]
    p = Profile.from_ballots(ABCD, ballots, weights=[7, 4, 3, 1, 1])
    outcome = count("irv", p)
    assert outcome.winners == ("A",)
    assert [r.eliminated for r in outcome.rounds] == [("D",), ("C",), ("B",), ()]
    assert [r.exhausted for r in outcome.rounds] == [0, 1, 2, 9]
    assert [t.method for t in outcome.tie_breaks] == ["earlier_rounds", "earlier_rounds"]
    assert outcome.tie_breaks[0].among == ("B", "C")
    assert outcome.tie_breaks[0].chosen == "C"


def test_first_round_tie_goes_to_the_lot() -> None:
    p = Profile.from_ballots(ABCD[:3], [((0,),), ((1,),), ((2,),)], weights=[3, 3, 3])
    outcome = count("irv", p, seed="acta 9")
    first = Lot("acta 9").choose(["A", "B", "C"], "eliminate round 1")
    assert outcome.rounds[0].eliminated == (first,)
    assert outcome.tie_breaks[0].method == "lot"
    assert outcome.seed == "acta 9"
    assert outcome.details["draws"][0]["chosen"] == first


@pytest.mark.parametrize(
    ("policy", "winner", "invalid"),
    [("exhaust", "A", 4), ("skip_rank", "C", 0), ("invalid", "A", 4)],
)
def test_overvote_policies(policy: str, winner: str, invalid: int) -> None:
    """4 ballots rank B=D first then C: under skip_rank they go to C; under exhaust they end
    before their first preference, so they are invalid (as in Scottish STV)."""
    ballots = [((0,),), ((1, 3), (2,)), ((2,),)]
    p = Profile.from_ballots(ABCD, ballots, weights=[5, 4, 2])
    outcome = count("irv", p, overvote=policy)
    assert outcome.winners == (winner,)
    assert outcome.invalid == invalid


def test_keep_is_refused_and_several_seats_too() -> None:
    p = Profile.from_ballots(ABCD, [((0,),)])
    with pytest.raises(ValueError, match="rangos iguales"):
        count("irv", p, overvote="keep")
    with pytest.raises(ValueError, match="un solo ganador"):
        count("irv", p, seats=2)


def replay_tie_breaks(outcome: Outcome, profile: Profile, seed: str) -> None:
    """Check every elimination against the documented rule, from the rounds alone."""
    lot = Lot(seed)
    for i, rnd in enumerate(outcome.rounds):
        if not rnd.eliminated:
            continue
        fewest = min(rnd.tallies.values())
        tied = [c for c in profile.candidates if rnd.tallies.get(c) == fewest]
        for earlier in reversed(outcome.rounds[:i]):
            if len(tied) == 1:
                break
            low = min(earlier.tallies[c] for c in tied)
            tied = [c for c in tied if earlier.tallies[c] == low]
        expected = tied[0] if len(tied) == 1 else lot.choose(tied, f"eliminate round {i + 1}")
        assert rnd.eliminated == (expected,)


@settings(max_examples=150, deadline=None)
@given(profiles(), st.sampled_from(["exhaust", "skip_rank"]), st.text(max_size=3))
def test_agrees_with_pref_voting(profile: Profile, policy: str, seed: str) -> None:

    outcome = count("irv", profile, overvote=policy, seed=seed)
    oracle_profile = to_pref_voting(profile.with_overvotes(policy))
    possible = names_of(profile, instant_runoff_put(oracle_profile))
    assert outcome.winners[0] in possible
    if not outcome.tie_breaks:  # no tie met: pref-voting's own IRV gives the same single winner
        assert {outcome.winners[0]} == names_of(profile, instant_runoff(oracle_profile))
    replay_tie_breaks(outcome, profile, seed)


@settings(max_examples=150, deadline=None)
@given(profiles(), st.sampled_from(["exhaust", "skip_rank", "invalid"]))
def test_votes_are_conserved(profile: Profile, policy: str) -> None:
    outcome = count("irv", profile, overvote=policy)
    for rnd in outcome.rounds:
        assert sum(rnd.tallies.values()) + rnd.exhausted == outcome.valid
    assert outcome.valid + outcome.invalid == profile.n_ballots + profile.invalid
    exhausted = [r.exhausted for r in outcome.rounds]
    assert exhausted == sorted(exhausted)
