"""One run of the Method of Equal Shares at a given per-voter budget.

Each voter gets the same share of the budget. In every round, each project still affordable by its
supporters gets its price per point ``rho``: the smallest value such that supporters paying
``min(their budget, rho × points)`` cover its cost. The project with the smallest ``rho`` is
bought (ties: the tie-break order), its supporters pay, and rounds go on until no project can be
paid for. This is the definition used by equalshares.net and pabutools.

Speed: ballots are merged into groups; budgets are a float64 array per group; a project's last
price is a lower bound of its next one (budgets only shrink), so each round evaluates projects in
order of that bound and only recomputes those whose supporters paid since. Precision: decisions
within a relative 1e-9 of a tie (two prices, or what supporters have against a cost) are taken
again in exact rationals by `ExactReplay`, so no float error can flip them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from asamblea.core.budgeting.exact import ExactReplay
from asamblea.core.budgeting.explanation import PaymentGroup
from asamblea.core.budgeting.table import BoolArray, FloatArray, IntArray, Table

SWEEP_EVERY = 4
"""In add1 runs, find every project out of reach once per this many rounds (for the early stop)."""

TOLERANCE = 1e-9
"""Relative gap under which two floats are treated as a possible tie and compared exactly."""


@dataclass
class RunResult:
    """What one run produced: the projects bought (free ones first) and, if recorded, why."""

    initial: Fraction
    free: list[int]
    bought: list[int] = field(default_factory=list)
    infeasible: bool = False
    open: bool = False
    cost: int = 0
    payments: dict[int, tuple[PaymentGroup, ...]] = field(default_factory=dict)
    short: dict[int, tuple[int, float]] = field(default_factory=dict)

    @property
    def selected(self) -> list[int]:
        """Free projects, then projects in the round they were bought."""
        return self.free + self.bought


def candidates(table: Table, *, cost_utility: bool = False) -> tuple[IntArray, IntArray]:
    """Projects Equal Shares considers (supported, positive cost) and the free supported ones.

    Under cost utilities a free project is worth nothing to anyone, so it is not taken (as in
    pabutools); the greedy completion may still fund it.
    """
    supported = table.support > 0
    positive = table.costs > 0
    free = np.flatnonzero(supported & ~positive) if not cost_utility else np.array([], np.int64)
    return np.flatnonzero(supported & positive), free


class _Run:
    """State of one run (float budgets, price lower bounds, exact replay for near-ties)."""

    def __init__(
        self, table: Table, initial: Fraction, *, record: bool, cost_utility: bool
    ) -> None:
        self.table = table
        self.record = record
        self.budgets: FloatArray = np.full(len(table.counts), float(initial))
        pool, free = candidates(table, cost_utility=cost_utility)
        self.alive = np.zeros(table.num_projects, dtype=bool)
        self.alive[pool] = True
        self.dropped = np.zeros(table.num_projects, dtype=bool)
        costs = table.costs.astype(np.float64)
        self.costs = costs
        self.scale: FloatArray = costs if cost_utility else np.ones(table.num_projects)
        self.int_scale = table.costs if cost_utility else np.ones(table.num_projects, np.int64)
        with np.errstate(divide="ignore", invalid="ignore"):
            self.bound: FloatArray = costs / np.maximum(table.support, 1) / self.scale
        self.dirty = np.ones(table.num_projects, dtype=bool)
        self.exact = ExactReplay(table, initial)
        self.result = RunResult(initial=initial, free=sorted(free.tolist(), key=self._rank))

    def _rank(self, project: int) -> int:
        return int(self.table.rank[project])

    def run(self, limit: int | None) -> RunResult:
        """Play rounds until nothing is affordable, or the cost passes ``limit``."""
        result = self.result
        while self.alive.any():
            if self.record or (limit is not None and len(result.bought) % SWEEP_EVERY == 0):
                self._drop_short_all()
            choice = self._choose()
            if choice is None:
                break
            project, price = choice
            self._pay(project, price)
            result.bought.append(project)
            result.cost += int(self.table.costs[project])
            if limit is not None and result.cost > limit:
                result.infeasible = True
                break
            if limit is not None and self._surely_open(limit):
                result.open = True
                break
        return result

    def _surely_open(self, limit: int) -> bool:
        """The final outcome will be within ``limit`` and not exhaustive, whatever comes next.

        It can only add projects still alive, so its cost is at most what was bought plus their
        costs; if a project already dropped (short of shares) fits in what that leaves, the
        outcome will be feasible and not exhaustive — all the add1 search needs to know.
        """
        if not self.dropped.any():
            return False
        costs = self.table.costs
        slack = limit - self.result.cost - int(costs[self.alive].sum())
        return slack >= 0 and int(costs[self.dropped].min()) <= slack

    def _round(self) -> int:
        return len(self.result.bought)

    def _is_short(self, project: int, available: float) -> bool:
        """Supporters have less than the cost (exact check when within the tolerance)."""
        cost = self.costs[project]
        if available >= cost * (1 + TOLERANCE):
            return False
        if available < cost * (1 - TOLERANCE):
            return True
        exact = self.exact.available(project, self._round())
        return exact < int(self.table.costs[project])

    def _mark_short(self, project: int, available: float) -> None:
        self.alive[project] = False
        self.dropped[project] = True
        self.result.short.setdefault(project, (self._round() + 1, available))

    def _drop_short_all(self) -> None:
        table = self.table
        available = table.support_matrix @ self.budgets
        for project in np.flatnonzero(self.alive & (available < self.costs * (1 + TOLERANCE))):
            if self._is_short(int(project), float(available[project])):
                self._mark_short(int(project), float(available[project]))

    def _price(self, project: int) -> float | None:
        """Float price per point for ``project`` now, or None when its supporters fall short."""
        table = self.table
        lo, hi = table.p_indptr[project], table.p_indptr[project + 1]
        budgets = self.budgets[table.p_groups[lo:hi]]
        weights = table.p_weights[lo:hi]
        available = float(np.dot(weights, budgets))
        if self._is_short(project, available):
            self._mark_short(project, available)
            return None
        cost = self.costs[project]
        total = float(table.support[project])
        price = cost / total
        if table.approval:
            if budgets.min() >= price:
                return float(price)
            return _poor_rich(budgets, weights, weights, cost, price)
        points = table.p_points_f[lo:hi]
        if (budgets >= price * points).all():
            return float(price)
        return _poor_rich(budgets, weights, weights * points, cost, price, points=points)

    def _choose(self) -> tuple[int, float] | None:
        alive = np.flatnonzero(self.alive)
        order = alive[np.argsort(self.bound[alive], kind="stable")]
        best = np.inf
        seen: list[int] = []
        for project in order.tolist():
            if self.bound[project] > best * (1 + TOLERANCE):
                break
            if self.dirty[project]:
                price = self._price(project)
                if price is None:
                    continue
                self.bound[project] = price / self.scale[project]
                self.dirty[project] = False
            seen.append(project)
            best = min(best, float(self.bound[project]))
        tied = [p for p in seen if self.bound[p] <= best * (1 + TOLERANCE)]
        if not tied:
            return None
        if len(tied) == 1:
            self.exact.push(tied[0], None)
            return tied[0], float(self.bound[tied[0]] * self.scale[tied[0]])
        return self._break_tie(tied)

    def _break_tie(self, tied: list[int]) -> tuple[int, float] | None:
        """Near-tie: compare exact prices, then the tie-break order."""
        now = self._round()
        exact: list[tuple[Fraction, int, int, Fraction]] = []
        for project in tied:
            float_price = float(self.bound[project] * self.scale[project])
            price = self.exact.price_now(project, self.budgets, float_price)
            if price is None:
                self._mark_short(project, float(self.exact.available(project, now)))
                continue
            scale = int(self.int_scale[project])
            exact.append((price / scale, self._rank(project), project, price))
        if not exact:
            return None
        _, _, project, price = min(exact)
        self.exact.push(project, price)
        return project, float(price)

    def _pay(self, project: int, price: float) -> None:
        table = self.table
        groups, points = table.groups_of(project)
        before = self.budgets[groups]
        due = price * points
        paid = np.minimum(before, due)
        self.budgets[groups] = before - paid
        self.dirty |= table.overlap[project]
        self.alive[project] = False
        if self.record:
            self.result.payments[project] = _payment_groups(
                table.counts[groups], points, paid, before <= due
            )


def _poor_rich(
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


def _payment_groups(
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


def equal_shares_run(
    table: Table,
    initial: Fraction,
    *,
    limit: int | None = None,
    record: bool = False,
    cost_utility: bool = False,
) -> RunResult:
    """Run Equal Shares with ``initial`` céntimos per voter.

    With ``cost_utility`` a supporter values a project at its cost (approval ballots), so rounds
    compare the price per sol of utility instead of the price per supporter.
    ``limit`` stops the run as soon as the cost bought exceeds it (the add1 completion only needs
    to know the run went over budget). ``record`` keeps payments and shortfalls for explanations.
    """
    return _Run(table, initial, record=record, cost_utility=cost_utility).run(limit)
