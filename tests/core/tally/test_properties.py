"""Properties every rule must have: anonymity, neutrality up to tie-break, Condorcet consistency."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from asamblea.core.tally import Profile, count
from tests.core.tally.strategies import expand, profiles

RANKED_RULES = ["plurality", "approval", "irv", "schulze", "ranked_pairs"]


def per_voter(profile: Profile, order: list[int]) -> Profile:
    """The same ballots, one row per voter, in another order of voters, rebuilt from scratch."""
    rows = expand(profile)[order]
    groups = []
    for row in rows.tolist():
        levels: dict[int, list[int]] = {}
        for c, r in enumerate(row):
            if r != 255:
                levels.setdefault(r, []).append(c)
        groups.append(tuple(tuple(levels[r]) for r in sorted(levels)))
    return Profile.from_ballots(profile.candidates, groups)


@settings(max_examples=60, deadline=None)
@given(profiles(), st.sampled_from(RANKED_RULES), st.randoms(use_true_random=False))
def test_anonymity(profile: Profile, rule: str, rnd) -> None:
    """Shuffling the voters (and splitting distinct ballots into single voters) changes nothing."""
    order = list(range(profile.n_ballots))
    rnd.shuffle(order)
    assert (
        count(rule, per_voter(profile, order), seed="s").to_json()
        == count(rule, profile, seed="s").to_json()
    )


def relabel(profile: Profile, perm: list[int]) -> Profile:
    """Candidate c becomes candidate perm[c] (names travel with the candidate)."""
    names = [""] * profile.n_candidates
    for c, target in enumerate(perm):
        names[target] = profile.candidates[c]
    ranks = np.empty_like(profile.ranks)
    ranks[:, perm] = profile.ranks
    return Profile(tuple(names), ranks, profile.counts)


@settings(max_examples=80, deadline=None)
@given(profiles(), st.sampled_from(RANKED_RULES), st.randoms(use_true_random=False))
def test_neutrality_up_to_tie_break(profile: Profile, rule: str, rnd) -> None:
    """Reordering the ballot paper changes no winner unless a tie had to be broken."""
    perm = list(range(profile.n_candidates))
    rnd.shuffle(perm)
    before = count(rule, profile, seed="s")
    after = count(rule, relabel(profile, perm), seed="s")
    if not before.tie_breaks and not after.tie_breaks:
        assert before.winners == after.winners
        if before.ranking is not None:
            assert [set(g) for g in before.ranking] == [set(g) for g in after.ranking]
    for outcome in (before, after):  # whatever happened, the winners come from the tied groups
        assert len(outcome.winners) == 1


def condorcet_winner(profile: Profile) -> str | None:
    margins = profile.pairwise() - profile.pairwise().T
    for c in range(profile.n_candidates):
        if all(margins[c, d] > 0 for d in range(profile.n_candidates) if d != c):
            return profile.candidates[c]
    return None


@settings(max_examples=150, deadline=None)
@given(profiles(), st.sampled_from(["schulze", "ranked_pairs"]), st.text(max_size=3))
def test_condorcet_winner_wins(profile: Profile, rule: str, seed: str) -> None:
    winner = condorcet_winner(profile)
    outcome = count(rule, profile, seed=seed)
    if winner is not None:
        assert outcome.winners == (winner,)
        assert outcome.ranking[0] == (winner,)


def test_a_condorcet_winner_exists_often_enough_for_the_property_to_bite() -> None:
    """Guard: on a plain profile with a clear Condorcet winner both rules find it."""
    p = Profile.from_ballots(
        ("A", "B", "C"),
        [((0,), (1,), (2,)), ((1,), (0,), (2,)), ((2,), (0,), (1,))],
        weights=[2, 3, 3],
    )
    assert condorcet_winner(p) == "A"
    assert count("schulze", p).winners == ("A",)
    assert count("ranked_pairs", p).winners == ("A",)
    assert count("irv", p).winners != ("A",)  # IRV is not Condorcet-consistent: A is out first
