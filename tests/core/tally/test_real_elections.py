"""Real ballots: the Glasgow 2007 ward elections counted by IRV, Schulze and ranked pairs, checked
against pref-voting on the same ballots (the STV reference counts are tested in test_stv_*)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
from pref_voting.iterative_methods import instant_runoff, instant_runoff_put
from pref_voting.margin_based_methods import beat_path, ranked_pairs_tb

from asamblea.core.tally import Profile, count
from asamblea.formats.blt import read_blt
from tests.core.tally.strategies import names_of, to_pref_voting
from tests.datasets import data_dir

WARDS = [
    "Anderston-City",
    "Baillieston",
    "Calton",
    "Canal",
    "Craigton",
    "Drumchapel-Anniesland",
    "East-Centre",
    "Garscadden-Scotsounhill",
    "Govan",
    "Greater-Pollock",
    "Hillhead",
    "Langside",
    "Linn",
    "Maryhill-Kelvin",
    "Newlands-Auldburn",
    "North-East",
    "Partick-West",
    "Pollokshields",
    "Shettleston",
    "Southside-Central",
    "Springburn",
]
ORACLE = ["Springburn", "Govan", "Linn", "Pollokshields"]  # pref-voting is slow: a sample
IRV_ORACLE = {"Springburn"}


def ward(name: str) -> Profile:
    return _read_ward(data_dir("stv", "droop") / "blt" / f"scotland__{name}-2007.blt")


@cache
def _read_ward(path: Path) -> Profile:
    """Each ward is read once per test session (profiles are immutable)."""
    election = read_blt(path)
    withdrawn = [election.profile.candidates[i] for i in election.withdrawn]
    return election.profile.without(withdrawn)


@pytest.mark.parametrize("name", ORACLE)
def test_condorcet_rules_agree_with_pref_voting(name: str) -> None:
    profile = ward(name)
    oracle = to_pref_voting(profile)
    schulze = count("schulze", profile)
    assert set(schulze.ranking[0]) == names_of(profile, beat_path(oracle))
    pairs = count("ranked_pairs", profile)
    tbrc = pairs.details["tie_breaking_ranking"] or list(profile.candidates)
    expected = ranked_pairs_tb(oracle, tie_breaker=[profile.index(c) for c in tbrc])
    assert set(pairs.winners) == names_of(profile, expected)


@pytest.mark.parametrize("name", WARDS)
def test_irv_conserves_votes_and_agrees_with_pref_voting(name: str) -> None:
    profile = ward(name)
    outcome = count("irv", profile, seed="glasgow")
    for rnd in outcome.rounds:
        assert sum(rnd.tallies.values()) + rnd.exhausted == outcome.valid
    assert outcome.valid + outcome.invalid == profile.n_ballots + profile.invalid
    if name in IRV_ORACLE:
        oracle = to_pref_voting(profile.with_overvotes("exhaust"))
        assert outcome.winners[0] in names_of(profile, instant_runoff_put(oracle))
        if not outcome.tie_breaks:
            assert set(outcome.winners) == names_of(profile, instant_runoff(oracle))


@pytest.mark.parametrize("name", WARDS)
def test_condorcet_winner_wins_every_ward_that_has_one(name: str) -> None:
    profile = ward(name)
    margins = profile.pairwise() - profile.pairwise().T
    n = profile.n_candidates
    winners = [c for c in range(n) if all(margins[c, d] > 0 for d in range(n) if d != c)]
    for rule in ("schulze", "ranked_pairs"):
        outcome = count(rule, profile)
        if winners:
            assert outcome.winners == (profile.candidates[winners[0]],)
