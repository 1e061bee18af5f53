"""What supporters pay for a project under Equal Shares (float64, used by `equal_shares`)."""

from __future__ import annotations

import numpy as np

from asamblea.core.budgeting.explanation import PaymentGroup
from asamblea.core.budgeting.table import BoolArray, FloatArray, IntArray


def poor_rich(
    budgets: FloatArray,
    weights: FloatArray,
    weighted_points: FloatArray,
    cost: float,
    price: float,
    *,
    points: FloatArray | None = None,
) -> float:
    """Fixed point of: voters who cannot pay ``price × points`` pay all they have, the rest share.

    Starting from the all-rich price, each pass moves the voters who cannot pay to "poor"; the
    price only grows, so the poor set only grows: each pass adds the newly poor to two running
    sums. It ends in a handful of passes in practice and needs no sort.
    """
    ratios = budgets if points is None else budgets / points
    paid_by_poor = 0.0
    rich_points = float(weighted_points.sum())
    poor = np.zeros(len(budgets), dtype=bool)
    while True:
        newly = (ratios < price) & ~poor
        if not newly.any():
            return price
        poor |= newly
        paid_by_poor += float(np.dot(weights[newly], budgets[newly]))
        rich_points -= float(weighted_points[newly].sum())
        if rich_points < 0.5:  # integer counts: nobody left to share
            return float(ratios.max())
        price = (cost - paid_by_poor) / rich_points


def payment_groups(
    counts: IntArray, points: IntArray, paid: FloatArray, everything: BoolArray
) -> tuple[PaymentGroup, ...]:
    """Summarise who paid: one group per (points given, paid all they had left)."""
    groups = []
    for pts in sorted(set(points.tolist())):
        for flag in (False, True):
            mask = (points == pts) & (everything == flag)
            voters = int(counts[mask].sum())
            if voters:
                total = float(np.dot(counts[mask], paid[mask]))
                groups.append(PaymentGroup(voters, int(pts), total / voters, flag))
    return tuple(groups)
