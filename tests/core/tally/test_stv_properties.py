"""Properties of both STV rules on generated profiles (hypothesis)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal, localcontext

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from asamblea.core.tally.profile import Profile
from asamblea.core.tally.stv_meek import meek_stv
from asamblea.core.tally.stv_scottish import scottish_stv

UNIT = Decimal("0.00001")


def exact_sum(values: Iterable[Decimal]) -> Decimal:
    """Sum without the default 28-digit context rounding (Meek values have up to 27 places)."""
    with localcontext() as ctx:
        ctx.prec = 200
        return sum(values, Decimal(0))


@st.composite
def profiles(draw: st.DrawFn, equal_ranks: bool = False) -> tuple[Profile, int]:
    """A profile of 1–6 candidates, up to 12 distinct truncated ballots, and a number of seats."""
    n = draw(st.integers(1, 6))
    names = [f"c{i}" for i in range(n)]
    ballots = []
    for _ in range(draw(st.integers(1, 12))):
        order = draw(st.permutations(range(n)))
        length = draw(st.integers(1, n))
        groups: list[list[int]] = []
        for c in order[:length]:
            if equal_ranks and groups and draw(st.booleans()):
                groups[-1].append(c)
            else:
                groups.append([c])
        ballots.append(groups)
    weights = draw(st.lists(st.integers(1, 40), min_size=len(ballots), max_size=len(ballots)))
    seats = draw(st.integers(1, 4))
    return Profile.from_ballots(names, ballots, weights=weights), seats


FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(profiles(equal_ranks=True), st.text(max_size=5))
def test_scottish_fills_the_seats_and_conserves_votes(case: tuple[Profile, int], seed: str) -> None:
    profile, seats = case
    outcome = scottish_stv(profile, seats=seats, seed=seed)
    assert len(outcome.winners) == min(seats, profile.n_candidates)
    assert len(set(outcome.winners)) == len(outcome.winners)
    valid = Decimal(outcome.valid)
    assert valid + outcome.invalid + outcome.blank == profile.n_ballots + profile.invalid
    previous_loss = Decimal(0)
    for rnd, stage in zip(outcome.rounds, outcome.details["stages"], strict=True):
        loss = stage["loss"]
        # elected + continuing + non-transferable + truncation loss = valid ballots, exactly
        assert exact_sum([*rnd.tallies.values(), rnd.exhausted, loss]) == valid
        # truncating transfer values to 5 places loses less than 0.00001 per paper, only when a
        # surplus is transferred
        step = loss - previous_loss
        assert step >= 0
        assert step == 0 or step < valid * UNIT
        if stage.get("action") != "surplus":
            assert step == 0
        previous_loss = loss
        assert all(v >= 0 for v in rnd.tallies.values())


@FAST
@given(profiles(), st.text(max_size=5))
def test_scottish_is_anonymous(case: tuple[Profile, int], seed: str) -> None:
    """Reordering the distinct ballots (the voters) changes nothing, draws included."""
    profile, seats = case
    perm = np.random.default_rng(len(seed)).permutation(profile.n_unique)
    shuffled = Profile(profile.candidates, profile.ranks[perm], profile.counts[perm])
    first = scottish_stv(profile, seats=seats, seed=seed).to_json()
    assert scottish_stv(shuffled, seats=seats, seed=seed).to_json() == first


@FAST
@given(profiles())
def test_scottish_is_neutral_without_ties(case: tuple[Profile, int]) -> None:
    """Relabelling the candidates relabels the winners when no tie had to be broken."""
    profile, seats = case
    outcome = scottish_stv(profile, seats=seats)
    perm = np.arange(profile.n_candidates)[::-1]
    names = tuple(profile.candidates[p] for p in perm)
    relabelled = Profile(names, profile.ranks[:, perm], profile.counts)
    other = scottish_stv(relabelled, seats=seats)
    if not outcome.tie_breaks and not other.tie_breaks:
        assert set(other.winners) == set(outcome.winners)


@FAST
@given(profiles(equal_ranks=True), st.sampled_from(["droop", "prf"]))
def test_meek_fills_the_seats_and_never_creates_votes(
    case: tuple[Profile, int], convention: str
) -> None:
    profile, seats = case
    outcome = meek_stv(profile, seats=seats, convention=convention)  # type: ignore[arg-type]
    assert len(outcome.winners) == min(seats, profile.n_candidates)
    assert len(set(outcome.winners)) == len(outcome.winners)
    valid = Decimal(outcome.valid)
    for rnd in outcome.rounds:
        # votes of the candidates + residual (exhausted ballots and rounding) = valid ballots
        assert exact_sum([*rnd.tallies.values(), rnd.exhausted]) == valid
        assert rnd.exhausted >= 0
        assert all(v >= 0 for v in rnd.tallies.values())


@FAST
@given(profiles(equal_ranks=True), st.text(max_size=5))
def test_meek_is_anonymous(case: tuple[Profile, int], seed: str) -> None:
    profile, seats = case
    perm = np.random.default_rng(len(seed)).permutation(profile.n_unique)
    shuffled = Profile(profile.candidates, profile.ranks[perm], profile.counts[perm])
    first = meek_stv(profile, seats=seats, seed=seed).to_json()
    assert meek_stv(shuffled, seats=seats, seed=seed).to_json() == first


@FAST
@given(profiles())
def test_single_seat_rules_agree_without_ties(case: tuple[Profile, int]) -> None:
    """With one seat and strict ballots both rules are instant-runoff, unless a tie decided."""
    profile, _ = case
    scottish = scottish_stv(profile, seats=1)
    meek = meek_stv(profile, seats=1, batch_defeat=False)
    if not scottish.tie_breaks and not meek.tie_breaks:
        assert scottish.winners == meek.winners
