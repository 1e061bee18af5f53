"""Hypothesis strategies for ballot profiles and converters to the pref-voting oracle."""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import strategies as st
from pref_voting.profiles_with_ties import ProfileWithTies

from asamblea.core.tally import UNRANKED, Profile

Groups = tuple[tuple[int, ...], ...]

NAMES = ("Ana", "Beto", "Carla", "Dante", "Eva", "Fausto")


@st.composite
def rank_groups(draw: st.DrawFn, n: int, *, ties: bool, truncate: bool) -> Groups:
    """One valid ballot: a (possibly truncated) order of candidates, maybe with equal ranks."""
    order = draw(st.permutations(range(n)))
    length = draw(st.integers(1, n)) if truncate else n
    chosen = list(order[:length])
    if not ties:
        return tuple((c,) for c in chosen)
    cuts = draw(st.lists(st.booleans(), min_size=length - 1, max_size=length - 1))
    groups: list[list[int]] = [[chosen[0]]]
    for c, cut in zip(chosen[1:], cuts, strict=True):
        if cut:
            groups[-1].append(c)
        else:
            groups.append([c])
    return tuple(tuple(sorted(g)) for g in groups)


@st.composite
def profiles(
    draw: st.DrawFn,
    *,
    min_candidates: int = 2,
    max_candidates: int = 5,
    ties: bool = True,
    truncate: bool = True,
    max_distinct: int = 10,
) -> Profile:
    """A small weighted profile (distinct ballots × counts 1..6)."""
    n = draw(st.integers(min_candidates, max_candidates))
    ballots = draw(
        st.lists(rank_groups(n, ties=ties, truncate=truncate), min_size=1, max_size=max_distinct)
    )
    weights = draw(st.lists(st.integers(1, 6), min_size=len(ballots), max_size=len(ballots)))
    return Profile.from_ballots(NAMES[:n], ballots, weights=weights)


def to_pref_voting(profile: Profile) -> Any:
    """The same ballots as a pref-voting ProfileWithTies (candidates 0..n-1), where a ranked
    candidate is preferred to an unranked one (its *extended strict preference*)."""

    rankings = [
        {c: int(r) + 1 for c, r in enumerate(row) if r != UNRANKED}
        for row in profile.ranks.tolist()
    ]
    pv = ProfileWithTies(
        rankings, rcounts=profile.counts.tolist(), candidates=list(range(profile.n_candidates))
    )
    pv.use_extended_strict_preference()
    return pv


def names_of(profile: Profile, indices: list[int]) -> set[str]:
    """Candidate names for pref-voting's integer candidates."""
    return {profile.candidates[i] for i in indices}


def expand(profile: Profile) -> np.ndarray:
    """One row per voter (for tests that need the voters themselves; small profiles only)."""
    return np.repeat(profile.ranks, profile.counts, axis=0)
