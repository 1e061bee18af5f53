"""Greedy selection: by votes (the common rule) or by votes per sol; also the greedy completion.

Projects are taken in order of their score — votes (points for cumulative ballots), or votes
divided by cost — and each one that still fits in the budget left is funded; one that does not
fit is skipped and the next is tried. Projects that cost nothing come first. Ties follow the
tie-break order (by default the project id, as pabutools' lexicographic tie-break). Scores are
compared exactly (integers and fractions).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from asamblea.core.budgeting.table import Table


def greedy_order(table: Table, *, per_cost: bool) -> list[int]:
    """Project positions from highest to lowest score, ties by the tie-break order."""

    def key(project: int) -> tuple[int, Fraction, int]:
        cost = int(table.costs[project])
        support = int(table.support[project])
        if cost == 0:
            return (0, Fraction(0), int(table.rank[project]))
        score = Fraction(support, cost) if per_cost else Fraction(support)
        return (1, -score, int(table.rank[project]))

    return sorted(range(table.num_projects), key=key)


@dataclass
class GreedyPass:
    """What a greedy pass did: the projects it added and, per project, its turn and budget left."""

    added: list[int] = field(default_factory=list)
    turn: dict[int, int] = field(default_factory=dict)
    left_at_turn: dict[int, int] = field(default_factory=dict)


def greedy_fill(table: Table, order: Sequence[int], chosen: Sequence[int]) -> GreedyPass:
    """Walk ``order`` adding every project not yet chosen that fits in the budget left."""
    result = GreedyPass()
    taken = set(chosen)
    left = table.budget - sum(int(table.costs[p]) for p in chosen)
    for turn, project in enumerate(order, start=1):
        if project in taken:
            continue
        result.turn[project] = turn
        result.left_at_turn[project] = left
        cost = int(table.costs[project])
        if cost <= left:
            result.added.append(project)
            taken.add(project)
            left -= cost
    return result
