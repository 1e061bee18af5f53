"""Generated tie-heavy instances: many projects at equal support and equal cost (seeded).

Under cost utilities every project opens Equal Shares at a price per unit of utility of
1 / (its supporters), so projects with equal support tie exactly, round after round. Real
instances have such ties (a district where 40 projects each drew the same count is not rare in
small cities); this family makes them the rule, for the tests that compare the fast tie-breaks
with exact-always ones and for `make bench-pb`.
"""

from __future__ import annotations

import numpy as np

from asamblea.core.budgeting.instance import BallotKind, Ballots, Instance, Project

SUPPORT_LEVELS = (1, 2, 3, 4, 5)
"""Each project is supported by one of these multiples of a base count of voters."""
COST_LEVELS = (50_000, 100_000, 150_000, 200_000)
"""Costs in currency units (× 100 céntimos)."""


def tie_heavy(
    projects: int, voters: int, *, seed: int = 2026, budget_share: float = 0.3
) -> tuple[Instance, Ballots]:
    """``projects`` projects over ``voters`` voters, supports and costs from a few levels.

    Each project draws a support level (a multiple of ``voters // 50``) and a cost level; its
    supporters are a uniform random subset of that size. The budget is ``budget_share`` of the
    total cost, rounded to whole units.
    """
    rng = np.random.default_rng(seed)
    base = max(1, voters // 50)
    levels = rng.choice(np.array(SUPPORT_LEVELS), size=projects)
    costs = rng.choice(np.array(COST_LEVELS), size=projects)
    approvals: list[list[int]] = [[] for _ in range(voters)]
    for project in range(projects):
        size = min(voters, int(levels[project]) * base)
        for voter in rng.choice(voters, size=size, replace=False).tolist():
            approvals[voter].append(project)
    ballots = Ballots.merge(BallotKind.APPROVAL, projects, (dict.fromkeys(a, 1) for a in approvals))
    units = int(costs.sum() * budget_share)
    instance = Instance(
        budget=units * 100,
        projects=tuple(Project(f"t{k:03d}", int(c) * 100) for k, c in enumerate(costs)),
    )
    return instance, ballots
