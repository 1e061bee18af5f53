"""Schulze and ranked pairs: hand-worked elections and the pref-voting oracle."""

from __future__ import annotations

from math import factorial, prod

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pref_voting.margin_based_methods import beat_path, ranked_pairs, ranked_pairs_tb

from asamblea.core.tally import Lot, Profile, count
from tests.core.tally.strategies import names_of, profiles, to_pref_voting


def from_strings(names: str, ballots: list[tuple[str, int]]) -> Profile:
    """Strict ballots written as strings of candidate letters, with weights."""
    groups = [tuple((names.index(ch),) for ch in text) for text, _ in ballots]
    return Profile.from_ballots(tuple(names), groups, weights=[w for _, w in ballots])


# Wikipedia, "Schulze method", worked example: 45 voters, winner E, order E > A > C > B > D.
WIKIPEDIA = [
    ("ACBED", 5),
    ("ADECB", 5),
    ("BEDAC", 8),
    ("CABED", 3),
    ("CAEBD", 7),
    ("CBADE", 2),
    ("DCEBA", 7),
    ("EBADC", 8),
]
# Wikipedia, "Tennessee capital" example (M, N, C, K): Nashville is the Condorcet winner and
# both rules rank N > C > K > M.
TENNESSEE = [("MNCK", 42), ("NCKM", 26), ("CKNM", 15), ("KCNM", 17)]


def test_schulze_wikipedia_example() -> None:
    outcome = count("schulze", from_strings("ABCDE", WIKIPEDIA))
    assert outcome.winners == ("E",)
    assert outcome.ranking == (("E",), ("A",), ("C",), ("B",), ("D",))
    d = outcome.details["pairwise"]
    assert (d[0][1], d[1][0]) == (20, 25)  # d[A,B] = 20, d[B,A] = 25 in the article
    paths = outcome.details["strongest_paths"]
    assert paths[4][0] == 5  # margins: E→B (27−18 = 9) then B→A (25−20 = 5): min 5; direct E→A is 1


def test_schulze_wikipedia_example_with_winning_votes() -> None:
    """The article counts winning votes; its table of strongest paths has p[E,A] = 25 (E→B 27,
    B→A 25) and p[A,E] = 24; the order is the same."""
    outcome = count("schulze", from_strings("ABCDE", WIKIPEDIA), strength="winning_votes")
    assert outcome.ranking == (("E",), ("A",), ("C",), ("B",), ("D",))
    paths = outcome.details["strongest_paths"]
    assert (paths[4][0], paths[0][4]) == (25, 24)


@pytest.mark.parametrize("rule", ["schulze", "ranked_pairs"])
def test_tennessee(rule: str) -> None:
    outcome = count(rule, from_strings("MNCK", TENNESSEE))
    assert outcome.winners == ("N",)
    assert outcome.ranking == (("N",), ("C",), ("K",), ("M",))
    assert outcome.tie_breaks == ()


def test_ranked_pairs_locks_largest_margins_first() -> None:
    """6 ABC, 5 BCA, 2 CAB. Margins: B>C 11−2 = 9, A>B 8−5 = 3, C>A 7−6 = 1 (a cycle). B>C and
    A>B are locked; C>A would close the cycle and is skipped: the order is A > B > C."""
    p = from_strings("ABC", [("ABC", 6), ("BCA", 5), ("CAB", 2)])
    outcome = count("ranked_pairs", p)
    assert outcome.details["locked"] == [["B", "C"], ["A", "B"]]
    assert outcome.ranking == (("A",), ("B",), ("C",))


def test_schulze_tie_is_drawn_by_lot() -> None:
    p = from_strings("ABC", [("ABC", 1), ("BCA", 1), ("CAB", 1)])
    outcome = count("schulze", p, seed="semilla")
    assert outcome.ranking == (("A", "B", "C"),)
    assert outcome.winners == (Lot("semilla").choose(["A", "B", "C"], "schulze winner"),)


def test_seats_take_the_top_of_the_ranking() -> None:
    outcome = count("schulze", from_strings("MNCK", TENNESSEE), seats=2)
    assert outcome.winners == ("N", "C")


@settings(max_examples=150, deadline=None)
@given(profiles(), st.sampled_from(["margin", "winning_votes"]), st.text(max_size=3))
def test_schulze_agrees_with_pref_voting(profile: Profile, strength: str, seed: str) -> None:
    oracle = to_pref_voting(profile)
    function = oracle.margin if strength == "margin" else oracle.support
    expected = names_of(profile, beat_path(oracle, strength_function=function))
    outcome = count("schulze", profile, strength=strength, seed=seed)
    assert set(outcome.ranking[0]) == expected
    tied = [c for c in profile.candidates if c in expected]
    chosen = tied[0] if len(tied) == 1 else Lot(seed).choose(tied, "schulze winner")
    assert outcome.winners == (chosen,)


def orderings(profile: Profile) -> int:
    """How many tie-breaking orders pref-voting's ranked_pairs would enumerate."""
    m = profile.pairwise() - profile.pairwise().T
    edges = [int(m[i, j]) for i in range(len(m)) for j in range(len(m)) if i != j and m[i, j] >= 0]
    return prod(factorial(edges.count(v)) for v in set(edges))


@settings(max_examples=150, deadline=None)
@given(profiles(), st.text(max_size=3))
def test_ranked_pairs_agrees_with_pref_voting(profile: Profile, seed: str) -> None:
    oracle = to_pref_voting(profile)
    outcome = count("ranked_pairs", profile, seed=seed)
    tbrc = outcome.details["tie_breaking_ranking"] or list(profile.candidates)
    tie_breaker = [profile.index(c) for c in tbrc]
    expected = names_of(profile, ranked_pairs_tb(oracle, tie_breaker=tie_breaker))
    assert {outcome.winners[0]} == expected
    if outcome.details["tie_breaking_ranking"] is not None:
        drawn = Lot(seed).order(profile.candidates, "ranked pairs tie-breaking ranking")
        assert tbrc == list(drawn)
    if orderings(profile) <= 2000:  # the full set of winners over every order of equal margins
        assert outcome.winners[0] in names_of(profile, ranked_pairs(oracle))
    assert [len(g) for g in outcome.ranking] == [1] * profile.n_candidates
