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
