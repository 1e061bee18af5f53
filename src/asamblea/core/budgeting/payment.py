"""What supporters pay for a project under Equal Shares (float64, used by `equal_shares`)."""

from __future__ import annotations

import numpy as np

from asamblea.core.budgeting.explanation import PaymentGroup
from asamblea.core.budgeting.table import BoolArray, FloatArray, IntArray


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
