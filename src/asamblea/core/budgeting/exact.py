"""Exact (rational) replay of an Equal Shares run, used only at near-ties.

The fast run keeps voters' budgets in float64. Every voter's budget is its initial share minus
the prices ``rho_r * points`` of the projects it supports that were bought in earlier rounds
(never below zero), so the exact budget of any ballot group at any round can be rebuilt from the
exact prices ``rho_r`` of the earlier rounds. Those prices are computed lazily, only for the
rounds a near-tie depends on, with `fractions.Fraction`.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from asamblea.core.budgeting.table import FloatArray, Table

MARGIN = 1e-7
"""Relative distance from a threshold under which a float classification is not trusted."""


class ExactReplay:
    """Exact prices and budgets for the rounds a float run has taken so far."""

    def __init__(self, table: Table, initial: Fraction) -> None:
        self.table = table
        self.initial = initial
        self.order: list[int] = []
        self.round_of: dict[int, int] = {}
        self.prices: list[Fraction | None] = []
        self._budgets: dict[tuple[int, int], Fraction] = {}

    def push(self, project: int, price: Fraction | None) -> None:
        """Record that ``project`` was bought in the next round (its exact price if known)."""
        self.round_of[project] = len(self.order)
        self.order.append(project)
        self.prices.append(price)

    def price(self, round_index: int) -> Fraction:
        """The exact price per point of the project bought in round ``round_index`` (0-based)."""
        pending = [round_index]
        while pending:
            current = pending[-1]
            if self.prices[current] is not None:
                pending.pop()
                continue
            missing = self._missing(self.order[current], current)
            if missing:
                pending.extend(missing)
                continue
            value = self.affordability(self.order[current], current)
            if value is None:
                raise ArithmeticError("float run bought a project its supporters cannot pay for")
            self.prices[current] = value
            pending.pop()
        value = self.prices[round_index]
        if value is None:  # pragma: no cover - the loop above filled it
            raise ArithmeticError("exact price missing")
        return value

    def _paid_rounds(self, group: int, before: int) -> list[tuple[int, int]]:
        """Rounds (before ``before``) in which ``group`` paid, with its points, in round order."""
        table = self.table
        lo, hi = int(table.g_indptr[group]), int(table.g_indptr[group + 1])
        paid = []
        for k in range(lo, hi):
            r = self.round_of.get(int(table.g_projects[k]))
            if r is not None and r < before:
                paid.append((r, int(table.g_points[k])))
        paid.sort()
        return paid

    def _missing(self, project: int, before: int) -> list[int]:
        groups, _ = self.table.groups_of(project)
        missing: set[int] = set()
        for group in groups.tolist():
            for r, _points in self._paid_rounds(group, before):
                if self.prices[r] is None:
                    missing.add(r)
        return sorted(missing)

    def budget(self, group: int, before: int) -> Fraction:
        """Exact budget of one voter of ``group`` at the start of round ``before`` (0-based)."""
        key = (group, before)
        cached = self._budgets.get(key)
        if cached is not None:
            return cached
        left = self.initial
        for r, points in self._paid_rounds(group, before):
            left -= min(left, self.price(r) * points)
        self._budgets[key] = left
        return left

    def price_now(
        self, project: int, float_budgets: FloatArray, float_price: float
    ) -> Fraction | None:
        """Exact price at the current round, helped by the float state.

        When no supporter's float budget is within ``MARGIN`` of what it would pay, the split into
        voters who pay their share and voters who pay all they have is certain, and the exact
        price needs the exact budgets of the latter only (none at all when everyone can pay).
        Otherwise the full exact computation runs.
        """
        before = len(self.order)
        groups, points = self.table.groups_of(project)
        budgets = float_budgets[groups]
        due = float_price * points
        if np.any(np.abs(budgets - due) <= MARGIN * np.maximum(due, 1.0)):
            return self.affordability(project, before)
        poor = budgets < due
        counts = self.table.counts[groups]
        rich_points = int(np.dot(counts[~poor], points[~poor]))
        if rich_points == 0:
            return self.affordability(project, before)
        pairs = zip(groups[poor].tolist(), counts[poor].tolist(), strict=True)
        paid = sum((c * self.budget(g, before) for g, c in pairs), start=Fraction(0))
        if paid >= int(self.table.costs[project]):
            return None
        return (int(self.table.costs[project]) - paid) / rich_points

    def available(self, project: int, before: int) -> Fraction:
        """Exact total that a project's supporters have left at the start of round ``before``."""
        groups, _ = self.table.groups_of(project)
        counts = self.table.counts
        return sum(
            (int(counts[g]) * self.budget(g, before) for g in groups.tolist()), start=Fraction(0)
        )

    def affordability(self, project: int, before: int) -> Fraction | None:
        """Exact price per point at which supporters can buy ``project``; None if they cannot."""
        table = self.table
        groups, points = table.groups_of(project)
        rows = []
        for group, pts in zip(groups.tolist(), points.tolist(), strict=True):
            left = self.budget(group, before)
            rows.append((left / pts, left, int(table.counts[group]), pts))
        cost = Fraction(int(table.costs[project]))
        if sum((count * left for _, left, count, _ in rows), start=Fraction(0)) < cost:
            return None
        rows.sort(key=lambda row: row[0])
        remaining_points = int(table.support[project])
        for ratio, left, count, pts in rows:
            price = cost / remaining_points
            if price <= ratio:
                return price
            cost -= count * left
            remaining_points -= count * pts
        return None
