"""The compiled kernels' claims at the extremes, and whole runs against an independent oracle.

`test_kernels.py` checks each kernel's claim in exact rationals on moderate supporters; here the
same claims are pushed to the edges the run can meet: counts up to 10⁶, points up to 10, costs up
to 10¹², budgets from nothing to huge, error bounds from 0 to well past their usual size (and
budgets at exactly 0 with an error bound left), best prices exactly at the exact price and one
float either side. The scan order is compared with NumPy's stable argsort, and `scan_ahead`'s
int64 comparison with Python's integers on products far past 2⁶³.

The reference mode of a run (``exact=True``) shares `kernels.surely_above` and `scan_ahead` with
the fast mode, so it cannot catch an unsound rejection; `_oracle` below is an Equal Shares written
from its definition in `Fraction`s, with no float at all.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
from hypothesis import event, given, settings
from hypothesis import strategies as st

from asamblea.core.budgeting import BallotKind, Ballots, Instance, Project, kernels
from asamblea.core.budgeting.equal_shares import Chain, _before, equal_shares_run
from asamblea.core.budgeting.table import Table, build_table
from tests.core.budgeting.test_kernels import (
    Supporters,
    assert_evaluation_holds,
    assert_paid_within_bounds,
    exact_price,
)

UNIT = 2.0**-53


@st.composite
def extreme_supporters(draw: st.DrawFn) -> Supporters:
    """Supporters at the edges: huge counts and costs, budgets near 0 or huge, wide errors."""
    n = draw(st.integers(1, 10))
    magnitude = draw(st.sampled_from([1e-3, 1.0, 1e3, 1e6, 1e9, 1e12]))
    floats = []
    for _ in range(n):
        kind = draw(st.sampled_from(["zero", "value", "round", "tiny", "equal"]))
        value = draw(st.floats(0.0, 10.0)) * magnitude
        floats.append(
            {
                "zero": 0.0,
                "value": value,
                "round": float(round(value)),
                "tiny": value * 1e-12,
                "equal": magnitude,
            }[kind]
        )
    errors = []
    for b in floats:
        k = draw(st.sampled_from([0.0, 1.0, 3.0, 64.0, 1e3, 1e6]))
        errors.append(draw(st.sampled_from([0.0, b * k * UNIT, magnitude * k * UNIT, b * 1e-9])))
    exact = []
    for b, e in zip(floats, errors, strict=True):
        side = draw(st.sampled_from([-1, 0, 1, None]))
        offset = Fraction(draw(st.integers(-1000, 1000)), 1000) if side is None else side
        exact.append(max(Fraction(b) + offset * Fraction(e), Fraction(0)))
    counts = draw(st.lists(st.sampled_from([1, 2, 7, 999, 10**6]), min_size=n, max_size=n))
    points = draw(st.lists(st.integers(1, 10), min_size=n, max_size=n))
    held = sum(c * b for c, b in zip(counts, floats, strict=True))
    ceiling = min(10**12, max(1, math.ceil(held * 1.1)))
    cost = draw(st.one_of(st.integers(1, ceiling), st.sampled_from([1, ceiling, round(held)])))
    return Supporters(floats, errors, exact, counts, points, min(10**12, max(1, cost)))


@settings(max_examples=400, deadline=None)
@given(extreme_supporters(), st.booleans())
def test_evaluate_at_the_extremes(case: Supporters, from_exact: bool) -> None:
    exact = case.price()
    start = case.start()
    if from_exact and exact is not None:  # the fixed point started exactly at the price
        start = float(exact)
    status, paying, _, low, high, _ = case.evaluate(start)
    event(f"status {status}")
    assert_evaluation_holds(case, status, paying, low, high)
    if status == kernels.SHORT_UNSURE:  # the run asks exact fractions, then calls again
        status, paying, _, low, high, _ = case.evaluate(start, short_checked=True)
        if exact is not None and status in (kernels.PRICED, kernels.PAYING):
            assert_evaluation_holds(case, status, paying, low, high)


def _near(value: float, step: int) -> float:
    for _ in range(abs(step)):
        value = math.nextafter(value, math.inf if step > 0 else -math.inf)
    return value


@settings(max_examples=400, deadline=None)
@given(
    extreme_supporters(),
    st.sampled_from([-3, -1, 0, 1, 3]),
    st.sampled_from([1.0, 0.5, 0.999999, 1.000001, 2.0]),
    st.booleans(),
)
def test_a_rejection_at_the_extremes(
    case: Supporters, step: int, factor: float, cost_utility: bool
) -> None:
    exact = case.price()
    scale = float(case.cost) if cost_utility else 1.0
    reference = float(exact) if exact is not None else case.start()
    best = _near(reference * factor / scale, step)  # per unit of utility
    lower = np.array([0.0])
    prices = (lower, np.array([scale]), np.array([float(case.cost)]))
    rejected = kernels.surely_above(case.ledger(), case.entries(), prices, 0, best)
    event(f"rejected: {rejected}")
    if rejected:
        per_utility = None if exact is None else exact / Fraction(scale)
        assert per_utility is None or per_utility > Fraction(best)
        assert per_utility is None or Fraction(float(lower[0])) <= per_utility
        assert lower[0] > 0.0
    else:
        assert lower[0] == 0.0


@settings(max_examples=300, deadline=None)
@given(
    extreme_supporters(),
    st.sampled_from([0.5, 1.0, 1.5]),
    st.sampled_from([0.0, 2 * UNIT, 1e-12, 1e-7]),
    st.sampled_from([-1, 0, 1]),
)
def test_payment_bounds_at_the_extremes(
    case: Supporters, fraction: float, relative: float, side: int
) -> None:
    exact = case.price()
    base = float(exact) if exact is not None else case.start()
    price = base * fraction
    error = price * relative
    true_price = Fraction(price) + side * Fraction(error)
    ledger = case.ledger()
    kernels.pay(ledger, case.entries(), 0, price, error)
    assert_paid_within_bounds(case, ledger, true_price)  # exactly 0 where both floats are 0


def test_short_margin_covers_the_rounding_of_the_error_sum() -> None:
    """200,000 groups with budget 0 and error bounds ~1 whose float sum rounds down each time:
    the exact budgets ``b = e`` hold the cost, so the kernel must not claim SHORT."""
    n = 200_000
    errors = np.empty(n)
    total = 0.0
    for k in range(n):
        base = 1.0 if k else 1.0 - 1.2e-6
        errors[k] = base + 0.49 * (math.ulp(total + base) if k else 0.0)
        total += errors[k]
    exact_total = sum((Fraction(float(e)) for e in errors), start=Fraction(0))
    cost = 200_000
    assert exact_total >= cost  # the exact budgets b = e hold the cost
    ledger = (np.zeros(n), errors)
    entries = (np.array([0, n]), np.arange(n), np.ones(n), np.ones(n))
    one = np.ones(1, dtype=np.int64)
    sizes = (np.array([float(cost)]), cost * one, n * one, one, 0 * one)
    status, *_ = kernels.evaluate(ledger, entries, sizes, 0, start=cost / n, short_checked=False)
    assert status != kernels.SHORT
    assert total * (1.0 + 2.0**-40) < cost  # the float sum of the bounds lost it
    # The run's own shortfall sweep must not decide it in floats either.
    statuses, held = kernels.shortfalls(np.array([0]), ledger, entries, sizes[0])
    assert held[0] == 0.0
    assert statuses[0] != kernels.SHORT


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_scan_order_is_numpy_stable_argsort(data: st.DataObject) -> None:
    n = data.draw(st.integers(1, 40))
    values = st.sampled_from([0.5, 1.0, 1.0 + 2**-52, 3.0, np.inf, 1e-300, 5e-324])
    lower = np.array(data.draw(st.lists(values, min_size=n, max_size=n)))
    alive = np.array(data.draw(st.lists(st.booleans(), min_size=n, max_size=n)))
    by_rank = np.array(data.draw(st.permutations(range(n))), dtype=np.int64)
    guess = data.draw(st.integers(-1, n - 1))
    ranked = by_rank[alive[by_rank]]
    expected = ranked[np.argsort(lower[ranked], kind="stable")].tolist()
    if guess >= 0 and alive[guess]:
        expected = [guess, *(p for p in expected if p != guess)]
    assert kernels.scan_order(by_rank, alive, lower, guess).tolist() == expected


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_scan_ahead_opening_prices_match_python_integers(data: st.DataObject) -> None:
    n = data.draw(st.integers(1, 12))
    big = st.one_of(st.integers(1, 10), st.integers(1, 10**12), st.integers(2**30, 2**31))
    costs = np.array(data.draw(st.lists(big, min_size=n, max_size=n)), dtype=np.int64)
    support = np.array(
        data.draw(st.lists(st.integers(1, 10**7), min_size=n, max_size=n)), dtype=np.int64
    )
    cost_utility = data.draw(st.booleans())
    int_scale = costs.copy() if cost_utility else np.ones(n, dtype=np.int64)
    ranks = np.array(data.draw(st.permutations(range(n))), dtype=np.int64)
    which = data.draw(st.integers(0, n - 1))
    paying = data.draw(st.integers(1, int(support[which])))
    key = (int(costs[which]), paying * int(int_scale[which]), int(ranks[which]))
    known = key if max(key) < 2**62 else (kernels.TOO_LARGE, 1, 0)
    sizes = (costs.astype(np.float64), costs, support, int_scale, ranks)
    prices = (np.zeros(n), int_scale.astype(np.float64), costs.astype(np.float64))
    dirty = np.zeros(n, dtype=bool)
    ledger = (np.zeros(1), np.zeros(1))
    entries = (np.zeros(n + 1, dtype=np.int64), np.zeros(0, np.int64), np.zeros(0), np.zeros(0))
    scan = np.arange(n, dtype=np.int64)
    position = 0
    while position < n:
        reached, status = kernels.scan_ahead(
            scan, position, 1.0, known, prices=prices, dirty=dirty, sizes=sizes,
            ledger=ledger, entries=entries,
        )  # fmt: skip
        for skipped in range(position, reached):
            opening = (int(costs[skipped]), int(support[skipped] * int_scale[skipped]))
            assert not _before((*opening, int(ranks[skipped])), key)
        if status == kernels.SCAN_DONE:
            assert reached == n
            break
        event(f"status {status}")
        if status == kernels.SCAN_LOOK:
            opening = (int(costs[reached]), int(support[reached]) * int(int_scale[reached]))
            assert _before((*opening, int(ranks[reached])), key)
        position = reached + 1


def _oracle(table: Table, share: Fraction, cost_utility: bool) -> list[int]:
    """Equal Shares from its definition, in `Fraction`s: the projects bought, in order."""
    budgets = [share] * len(table.counts)
    alive = {p for p in range(table.num_projects) if table.support[p] > 0 and table.costs[p] > 0}
    bought = []
    while True:
        best: tuple[Fraction, int, int, Fraction] | None = None
        for project in sorted(alive):
            groups, points = table.groups_of(project)
            price = exact_price(
                [budgets[g] for g in groups.tolist()],
                [int(table.counts[g]) for g in groups.tolist()],
                points.tolist(),
                Fraction(int(table.costs[project])),
            )
            if price is None:
                alive.discard(project)
                continue
            scale = int(table.costs[project]) if cost_utility else 1
            key = (price / scale, int(table.rank[project]), project, price)
            if best is None or key[:2] < best[:2]:
                best = key
        if best is None:
            return bought
        _, _, project, price = best
        groups, points = table.groups_of(project)
        for g, w in zip(groups.tolist(), points.tolist(), strict=True):
            budgets[g] -= min(budgets[g], price * w)
        bought.append(project)
        alive.discard(project)


@st.composite
def adversarial_tables(draw: st.DrawFn) -> tuple[Table, Fraction]:
    """Few projects with costs and supports made to tie, points up to 10, large counts."""
    num_projects = draw(st.integers(2, 6))
    unit = draw(st.sampled_from([1, 7, 10**6, 10**11]))
    costs = [unit * draw(st.sampled_from([1, 2, 3, 4, 6, 12])) for _ in range(num_projects)]
    kind = draw(st.sampled_from([BallotKind.APPROVAL, BallotKind.CUMULATIVE]))
    high = 10 if kind is BallotKind.CUMULATIVE else 1
    ballot = st.dictionaries(
        st.integers(0, num_projects - 1), st.integers(1, high), min_size=1, max_size=num_projects
    )
    voters = draw(st.lists(ballot, min_size=1, max_size=8))
    counts = draw(
        st.lists(st.sampled_from([1, 2, 3, 6, 10**6]), min_size=len(voters), max_size=len(voters))
    )
    projects = tuple(Project(f"p{k}", c) for k, c in enumerate(costs))
    ballots = Ballots.merge(kind, num_projects, voters, counts)
    budget = sum(costs) * draw(st.sampled_from([1, 2])) // draw(st.sampled_from([1, 2, 3]))
    table = build_table(Instance(budget, projects), ballots)
    per = draw(
        st.sampled_from(
            [
                Fraction(1),
                Fraction(1, 3),
                Fraction(2, 3),
                Fraction(5, 4),
                Fraction(0),
                Fraction(1, 10**9),
                Fraction(10**6),
            ]  # next to nothing, and everything cheap
        )
    )
    return table, Fraction(budget, ballots.num_voters) * per


@settings(max_examples=150, deadline=None)
@given(adversarial_tables(), st.booleans())
def test_runs_buy_what_exact_equal_shares_buys(case: tuple[Table, Fraction], cost: bool) -> None:
    table, share = case
    expected = _oracle(table, share, cost)
    assert equal_shares_run(table, share, cost_utility=cost).bought == expected
    assert equal_shares_run(table, share, cost_utility=cost, exact=True).bought == expected
    assert equal_shares_run(table, share, cost_utility=cost, record=True).bought == expected


@settings(max_examples=60, deadline=None)
@given(adversarial_tables(), st.booleans(), st.sampled_from([1, 3, 50]))
def test_resumed_runs_buy_what_exact_equal_shares_buys(
    case: tuple[Table, Fraction], cost: bool, divisor: int
) -> None:
    """add1's chain (rounds replayed from runs at lower shares, `_reach`) against the oracle."""
    table, share = case
    step = max(Fraction(1), share / divisor)
    chain = Chain()
    for _ in range(6):
        expected = _oracle(table, share, cost)
        assert equal_shares_run(table, share, cost_utility=cost, chain=chain).bought == expected
        share += step
    event(f"rounds replayed: {min(chain.replayed, 3)}")
