"""The compiled kernels' claims hold in exact rationals (docs/budgeting.md, steps 1–3).

One project's supporters: float budgets ``b̃`` with error bounds ``e``, and exact budgets ``b``
drawn within them. The exact price is computed here independently, in `Fraction`s, by sorting
the supporters by budget per point (the least ``ρ`` with ``Σ count · min(b, ρ · points) ≥ cost``).
Every claim a kernel makes must hold for every such ``b``: a certified interval holds the exact
price, a full share is the exact price, "short" means the supporters hold less than the cost,
a rejection by one sum means the exact price is above the best one and the raised lower bound
is below it, and after a payment every budget is within its new error bound.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
from hypothesis import event, given, settings
from hypothesis import strategies as st

from asamblea.core.budgeting import kernels


@dataclass(frozen=True)
class Supporters:
    """One project's supporting groups: floats as the run keeps them, exact budgets within."""

    floats: list[float]
    errors: list[float]
    exact: list[Fraction]
    counts: list[int]
    points: list[int]
    cost: int

    def ledger(self) -> kernels.Ledger:
        return np.array(self.floats, dtype=np.float64), np.array(self.errors, dtype=np.float64)

    def entries(self) -> kernels.Entries:
        n = len(self.floats)
        return (
            np.array([0, n], dtype=np.int64),
            np.arange(n, dtype=np.int64),
            np.array(self.counts, dtype=np.float64),
            np.array(self.points, dtype=np.float64),
        )

    def sizes(self) -> kernels.Sizes:
        support = sum(c * p for c, p in zip(self.counts, self.points, strict=True))
        one = np.ones(1, dtype=np.int64)
        return (np.array([float(self.cost)]), self.cost * one, support * one, one, 0 * one)

    def price(self) -> Fraction | None:
        """The exact price per point, None when the supporters hold less than the cost."""
        return exact_price(self.exact, self.counts, self.points, Fraction(self.cost))

    def start(self) -> float:
        """The opening price per point (``cost / support``), where a pricing starts."""
        return self.cost / float(self.sizes()[2][0])

    def evaluate(
        self, start: float, *, short_checked: bool = False
    ) -> tuple[int, int, float, float, float, float]:
        """`kernels.evaluate` on these supporters (project 0)."""
        return kernels.evaluate(  # type: ignore[no-any-return]
            self.ledger(), self.entries(), self.sizes(), 0, start=start, short_checked=short_checked
        )


def exact_price(
    budgets: list[Fraction], counts: list[int], points: list[int], cost: Fraction
) -> Fraction | None:
    """Equal Shares' price per point in `Fraction`s: the least ``ρ`` with
    ``Σ count · min(budget, ρ · points) ≥ cost``, found by sorting the supporters by budget per
    point; None when they hold less than the cost."""
    if sum(c * b for c, b in zip(counts, budgets, strict=True)) < cost:
        return None
    order = sorted(range(len(budgets)), key=lambda k: budgets[k] / points[k])
    paid = Fraction(0)
    rich = sum(c * p for c, p in zip(counts, points, strict=True))
    for k in order:
        price = (cost - paid) / rich
        if budgets[k] / points[k] >= price:
            return price
        paid += counts[k] * budgets[k]
        rich -= counts[k] * points[k]
    raise AssertionError("the supporters hold the cost, so some ratio reaches the price")


def assert_evaluation_holds(
    case: Supporters, status: int, paying: int, low: float, high: float
) -> None:
    """What `kernels.evaluate` claims holds for the exact budgets (no claim when it asks
    exact fractions)."""
    exact = case.price()
    if status == kernels.SHORT:
        assert exact is None
    elif status == kernels.PAYING:
        assert exact == Fraction(case.cost, paying)
    elif status == kernels.PRICED:
        assert exact is not None
        assert Fraction(low) < exact <= Fraction(high)
    else:
        assert status in (kernels.SHORT_UNSURE, kernels.UNCERTIFIED)


def assert_paid_within_bounds(case: Supporters, ledger: kernels.Ledger, price: Fraction) -> None:
    """After supporters paid the exact ``price`` per point, every exact budget is within the
    error bound `kernels.pay` left beside its float."""
    budgets, errors = ledger
    for k, before in enumerate(case.exact):
        after = max(before - price * case.points[k], Fraction(0))
        assert abs(Fraction(float(budgets[k])) - after) <= Fraction(float(errors[k]))


@st.composite
def supporters(draw: st.DrawFn) -> Supporters:
    n = draw(st.integers(1, 12))
    floats = draw(st.lists(st.floats(0.0, 5000.0), min_size=n, max_size=n))
    floats = [draw(st.sampled_from([b, 0.0, float(round(b)), 1000.0])) for b in floats]
    errors = [draw(st.sampled_from([0.0, b * 2**-50, b * 1e-9, 1e-6])) for b in floats]
    exact = []
    for b, e in zip(floats, errors, strict=True):
        offset = Fraction(draw(st.integers(-1000, 1000)), 1000) * Fraction(e)
        exact.append(max(Fraction(b) + offset, Fraction(0)))
    counts = draw(st.lists(st.integers(1, 40), min_size=n, max_size=n))
    points = draw(st.lists(st.integers(1, 3), min_size=n, max_size=n))
    held = sum(c * b for c, b in zip(counts, floats, strict=True))
    cost = draw(st.integers(1, max(1, math.ceil(held * 1.2))))
    return Supporters(floats, errors, exact, counts, points, cost)


@settings(max_examples=300, deadline=None)
@given(supporters())
def test_what_evaluate_claims_holds_exactly(case: Supporters) -> None:
    status, paying, price, low, high, _ = case.evaluate(case.start())
    event(f"status {status}")
    assert_evaluation_holds(case, status, paying, low, high)
    if status == kernels.PRICED:
        assert low <= price <= high


@settings(max_examples=300, deadline=None)
@given(supporters(), st.floats(0.01, 2.0))
def test_a_rejection_by_one_sum_is_proven(case: Supporters, fraction: float) -> None:
    exact = case.price()
    start = case.start()
    best = start * fraction
    lower = np.array([start * 0.5])
    prices = (lower, np.ones(1), np.array([float(case.cost)]))
    rejected = kernels.surely_above(case.ledger(), case.entries(), prices, 0, best)
    event(f"rejected: {rejected}")
    if rejected:
        assert exact is None or exact > Fraction(best)
        assert exact is None or Fraction(float(lower[0])) <= exact
    else:
        assert lower[0] == start * 0.5


@settings(max_examples=300, deadline=None)
@given(supporters(), st.floats(0.5, 1.5), st.sampled_from([0.0, 1e-12, 1e-7]))
def test_after_paying_every_budget_is_within_its_bound(
    case: Supporters, fraction: float, relative: float
) -> None:
    exact = case.price()
    price = (float(exact) if exact is not None else case.start()) * fraction
    true_price = Fraction(price) * (1 + Fraction(relative) / 2)
    error = price * relative
    ledger = case.ledger()
    kernels.pay(ledger, case.entries(), 0, price, error)
    assert_paid_within_bounds(case, ledger, true_price)
