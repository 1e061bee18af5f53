"""Proven error bounds for the float64 Equal Shares run (the argument is in docs/budgeting.md).

The run keeps, beside every ballot group's float budget ``b̃``, a float ``e`` with
``|b̃ − b| ≤ e`` for the exact budget ``b``. A price is *certified* by evaluating, in floats with
their rounding error bounded, the function the price is defined by,
``f(ρ) = Σ_g count_g · min(b_g, ρ · points_g)`` (nondecreasing; the price is the least ``ρ`` with
``f(ρ) ≥ cost``): if even with budgets ``b̃ + e`` the supporters cannot reach the cost at ``lo``,
the exact price is above ``lo``; if even with ``b̃ − e`` they reach it at ``hi``, it is at most
``hi``. Decisions whose intervals separate are taken in floats; the rest go to exact fractions.
"""

from __future__ import annotations

import numpy as np

from asamblea.core.budgeting.table import FloatArray

UNIT = 2.0**-53
"""Unit roundoff of float64 (round to nearest)."""
SAFETY = 1.0 + 2.0**-40
"""Inflates every computed bound, so rounding in the bound's own arithmetic cannot shrink it."""
MAX_WIDTH = 1e-6
"""Widest relative interval tried for a price; past it the price is computed exactly."""


def sum_error(total: float, terms: int) -> float:
    """Bound on |computed − exact| for a float sum of ``terms`` nonnegative products.

    Each term adds three roundings (``b̃ ± e``, ``ρ × points``, ``count × min``) and any
    summation order adds at most ``(terms − 1) · UNIT`` relative to the exact sum (Higham,
    *Accuracy and Stability of Numerical Algorithms*, §3.1 and §4.2); ``1.01`` covers ``γ_n``'s
    denominator for every ``n < 10¹⁴``.
    """
    return 1.01 * (terms + 3) * UNIT * total * SAFETY


def reach(counts: FloatArray, budgets: FloatArray, points: FloatArray, price: float) -> float:
    """What supporters pay at ``price`` per point (computed in floats)."""
    return float(np.dot(counts, np.minimum(budgets, price * points)))


def certify(
    counts: FloatArray,
    budgets: FloatArray,
    errors: FloatArray,
    points: FloatArray,
    *,
    cost: float,
    price: float,
) -> tuple[float, float] | None:
    """An interval ``[lo, hi]`` proven to hold the exact price near the float ``price``, or None.

    The first width tried is what the budgets' error can move the price by (``Σ count · e``
    over the points of those who pay their share, times 1.5), then 8 and 64 times it; None when
    none is proven within `MAX_WIDTH` (the caller then computes the price exactly).
    """
    terms = len(counts)
    slack = float(np.dot(counts, errors)) * SAFETY
    share = budgets >= price * points
    payers = float(np.dot(counts[share], points[share])) * price
    width = 1.5 * slack / max(payers, cost * 1e-3) + 16.0 * (terms + 3) * UNIT
    low_budgets = np.maximum(budgets - errors, 0.0)
    high_budgets = budgets + errors
    for _ in range(3):
        if width > MAX_WIDTH:
            return None
        lo, hi = price * (1.0 - width), price * (1.0 + width)
        above = reach(counts, high_budgets, points, lo)
        below = reach(counts, low_budgets, points, hi)
        if above + sum_error(above, terms) < cost and below - sum_error(below, terms) >= cost:
            return lo, hi
        width *= 8.0
    return None


def after_payment(
    before: FloatArray,
    after: FloatArray,
    errors: FloatArray,
    due: FloatArray,
    due_error: FloatArray,
) -> FloatArray:
    """Error bounds of budgets after paying ``min(budget, due)``.

    ``b' = max(b − d, 0)`` is 1-Lipschitz in ``b`` and ``d``, so ``|b̃' − b'| ≤ e + |d̃ − d|`` plus
    the subtraction's rounding; a voter surely unable to pay (``b̃ + e < d̃ − |d̃ − d|``) is left with
    exactly 0 in both, so its bound resets to 0.
    """
    bound = (errors + due_error + UNIT * after) * SAFETY
    surely_poor = before + errors < due - due_error
    return np.where(surely_poor, 0.0, bound)
