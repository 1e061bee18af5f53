"""Fast tie-breaks decide exactly as exact-always arithmetic, on tie-heavy instances.

The fast run takes a decision in floats only when proven error bounds separate it, decides ties
among projects whose supporters all pay their share with integer products, and rebuilds exact
prices otherwise (docs/budgeting.md). The reference mode (`exact=True`) computes every price and
every shortfall in exact rationals. Both must buy the same projects in the same order, and add1
must stop at the same share, on a seeded family with hundreds of equal supports and on random
small elections (hypothesis).
"""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from asamblea.core.budgeting.completion import add1_search
from asamblea.core.budgeting.equal_shares import Chain, _Run, equal_shares_run
from asamblea.core.budgeting.synthetic import tie_heavy
from asamblea.core.budgeting.table import Table, build_table
from tests.core.budgeting.strategies import Election, elections


def _runs(table_args: tuple[object, ...], share: Fraction, cost_utility: bool) -> None:
    table = build_table(*table_args)  # type: ignore[arg-type]
    fast = equal_shares_run(table, share, cost_utility=cost_utility)
    exact = equal_shares_run(table, share, cost_utility=cost_utility, exact=True)
    assert fast.selected == exact.selected
    assert fast.short.keys() == exact.short.keys()


@pytest.mark.parametrize("seed", range(2))
def test_family_fast_equals_exact_with_add1(seed: int) -> None:
    instance, ballots = tie_heavy(100, 250, seed=seed)
    table = build_table(instance, ballots)
    step = table.budget // table.num_voters // 3  # a few add1 steps: exact mode is slow
    fast = add1_search(table, step, cost_utility=True)
    exact = add1_search(table, step, cost_utility=True, exact=True)
    assert (fast.initial, fast.steps) == (exact.initial, exact.steps)
    for share in (Fraction(table.budget, table.num_voters), fast.initial):
        _runs((instance, ballots), share, cost_utility=True)
        _runs((instance, ballots), share, cost_utility=False)


def test_family_is_tie_heavy() -> None:
    _instance, ballots = tie_heavy(200, 10_000)
    supports = ballots.supporters().tolist()
    assert len(set(supports)) <= 5


@settings(max_examples=60, deadline=None)
@given(elections())
def test_random_fast_equals_exact(election: Election) -> None:
    ballots = election.ballots()
    if ballots.num_voters == 0:
        return
    table = build_table(election.instance, ballots)
    share = Fraction(table.budget, table.num_voters)
    for cost_utility in (True, False):
        fast = equal_shares_run(table, share, cost_utility=cost_utility)
        exact = equal_shares_run(table, share, cost_utility=cost_utility, exact=True)
        assert fast.selected == exact.selected


def _replayed_prices_match(table: Table, share: Fraction, cost_utility: bool) -> int:
    """Every round's exact price rebuilt from the fast run (its lazy hints) = exact mode's."""
    fast = _Run(table, share, record=False, cost_utility=cost_utility)
    exact = _Run(table, share, record=False, cost_utility=cost_utility, exact=True)
    assert fast.run(None).selected == exact.run(None).selected
    rounds = len(fast.exact.order)
    for r in range(rounds):
        assert fast.exact.price(r) == exact.exact.prices[r]
    return sum(1 for hint in fast.exact.hints if hint is not None)


@pytest.mark.parametrize("seed", range(2))
def test_family_exact_replay_of_fast_runs(seed: int) -> None:
    instance, ballots = tie_heavy(60, 200, seed=seed)
    table = build_table(instance, ballots)
    hinted = 0
    for k in range(4):
        share = Fraction(table.budget, table.num_voters) + k * 300
        hinted += _replayed_prices_match(table, share, cost_utility=True)
        hinted += _replayed_prices_match(table, share, cost_utility=False)
    assert hinted > 0  # rounds whose exact price came from the float split


@settings(max_examples=40, deadline=None)
@given(elections())
def test_random_exact_replay_of_fast_runs(election: Election) -> None:
    ballots = election.ballots()
    if ballots.num_voters == 0:
        return
    table = build_table(election.instance, ballots)
    for cost_utility in (True, False):
        _replayed_prices_match(table, Fraction(table.budget, table.num_voters), cost_utility)


def _add1_both(table: Table, step: int, cost_utility: bool) -> int:
    """add1 resuming each run from the previous ones = add1 from scratch; rounds replayed."""
    resumed = add1_search(table, step, cost_utility=cost_utility)
    scratch = add1_search(table, step, cost_utility=cost_utility, resume=False)
    assert (resumed.initial, resumed.steps) == (scratch.initial, scratch.steps)
    chain = Chain()
    share = Fraction(table.budget, table.num_voters)
    for _ in range(min(resumed.steps, 40) + 1):
        fast = equal_shares_run(table, share, cost_utility=cost_utility, chain=chain)
        plain = equal_shares_run(table, share, cost_utility=cost_utility)
        assert fast.selected == plain.selected
        share += step
    return chain.replayed


@pytest.mark.parametrize("seed", range(3))
def test_family_resumed_add1_equals_scratch(seed: int) -> None:
    instance, ballots = tie_heavy(80, 400, seed=seed)
    table = build_table(instance, ballots)
    step = table.budget // table.num_voters // 40  # some 15 add1 steps
    replayed = sum(_add1_both(table, step, cost_utility) for cost_utility in (True, False))
    assert replayed > 0  # the chain was used, not only built


@st.composite
def _tie_heavy_small(draw: st.DrawFn) -> tuple[Table, int]:
    projects = draw(st.integers(2, 30))
    voters = draw(st.integers(5, 120))
    seed = draw(st.integers(0, 10_000))
    share = draw(st.sampled_from([0.1, 0.3, 0.5, 0.8]))
    instance, ballots = tie_heavy(projects, voters, seed=seed, budget_share=share)
    table = build_table(instance, ballots)
    step = max(1, table.budget // table.num_voters // draw(st.sampled_from([3, 10, 30])))
    return table, step


@settings(max_examples=60, deadline=None)
@given(_tie_heavy_small())
def test_random_tie_heavy_resumed_add1_equals_scratch(case: tuple[Table, int]) -> None:
    table, step = case
    for cost_utility in (True, False):
        _add1_both(table, step, cost_utility)


@settings(max_examples=60, deadline=None)
@given(elections(), st.sampled_from([50, 100, 300]))
def test_random_resumed_add1_equals_scratch(election: Election, step: int) -> None:
    ballots = election.ballots()
    if ballots.num_voters == 0:
        return
    table = build_table(election.instance, ballots)
    for cost_utility in (True, False):
        _add1_both(table, step, cost_utility)
