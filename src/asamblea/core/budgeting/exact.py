"""Exact (rational) replay of an Equal Shares run, used only at near-ties.

The fast run keeps voters' budgets in float64. Every voter's budget is its initial share minus
the prices ``rho_r * points`` of the projects it supports that were bought in earlier rounds
(never below zero), so the exact budget of any ballot group at any round can be rebuilt from the
exact prices ``rho_r`` of the earlier rounds. Those prices are computed lazily, only for the
rounds a near-tie depends on, with `fractions.Fraction`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from asamblea.core.budgeting.table import FloatArray, IntArray, Table


@dataclass(frozen=True)
class Hint:
    """How the float run split a bought project's supporters, proven for the rich side.

    ``poor`` (with the points each gave) paid all they had; everyone else surely had at least the
    exact price's due (checked against the price's proven upper bound when it was bought). The
    exact price is then ``(cost − what the poor had) / rich_points`` once the poor side is checked
    exactly — only the poor groups' exact budgets are needed.
    """

    poor: IntArray
    poor_points: IntArray
    rich_points: int


class ExactReplay:
    """Exact prices and budgets for the rounds a float run has taken so far."""

    def __init__(self, table: Table, initial: Fraction) -> None:
        self.table = table
        self.initial = initial
        self.order: list[int] = []
        self.round_of: dict[int, int] = {}
        self.prices: list[Fraction | None] = []
        self.hints: list[Hint | Callable[[], Hint | None] | None] = []
        self._budgets: dict[tuple[int, int], Fraction] = {}

    def push(
        self,
        project: int,
        price: Fraction | None,
        hint: Hint | Callable[[], Hint | None] | None = None,
    ) -> None:
        """Record that ``project`` was bought in the next round (its exact price if known).

        ``hint`` may be a function that builds it: it runs only if that round's exact price is
        ever needed (rarely: at a near-tie depending on it).
        """
        self.round_of[project] = len(self.order)
        self.order.append(project)
        self.prices.append(price)
        self.hints.append(hint)

    def price(self, round_index: int) -> Fraction:
        """The exact price per point of the project bought in round ``round_index`` (0-based)."""
        pending = [round_index]
        while pending:
            current = pending[-1]
            if self.prices[current] is not None:
                pending.pop()
                continue
            project, hint = self.order[current], self.hints[current]
            if callable(hint):
                hint = self.hints[current] = hint()
            missing = self._missing(project, current, None if hint is None else hint.poor)
            if missing:
                pending.extend(missing)
                continue
            value = None if hint is None else self._hinted(project, current, hint)
            if value is None and hint is not None:
                self.hints[current] = None  # the split did not hold: compute in full
                continue
            if value is None:
                value = self.affordability(project, current)
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

    def _hinted(self, project: int, before: int, hint: Hint) -> Fraction | None:
        """The exact price from the float split, or None when the poor side does not hold."""
        counts = self.table.counts
        rows = [(self.budget(g, before), int(counts[g])) for g in hint.poor.tolist()]
        cost = int(self.table.costs[project])
        paid = sum((c * left for left, c in rows), start=Fraction(0))
        if hint.rich_points <= 0 or paid >= cost:
            return None
        price = (cost - paid) / hint.rich_points
        points = hint.poor_points.tolist()
        if all(left <= price * p for (left, _), p in zip(rows, points, strict=True)):
            return price
        return None

    def _missing(self, project: int, before: int, groups: IntArray | None = None) -> list[int]:
        if groups is None:
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
        self, project: int, float_budgets: FloatArray, float_errors: FloatArray, float_price: float
    ) -> Fraction | None:
        """Exact price at the current round, helped by the float state.

        The float price splits supporters into those who surely pay their share and the others,
        who are taken to pay all they have (a voter left with exactly its due is on either side
        alike, so doubtful ones go to the "poor" side, whose check is exact); the exact price
        then needs the exact budgets of the latter only (none when everyone pays the share). The
        split is checked afterwards — every "poor" exact budget at most the exact price's due,
        every "rich" float budget surely (by its error bound) at least it — and when the check
        fails the full exact computation runs.
        """
        before = len(self.order)
        groups, points = self.table.groups_of(project)
        budgets = float_budgets[groups] - float_errors[groups]
        poor = budgets < float_price * points * (1.0 + 16.0 * 2.0**-53)
        counts = self.table.counts[groups]
        rich_points = int(np.dot(counts[~poor], points[~poor]))
        if rich_points == 0:
            return self.affordability(project, before)
        poor_rows = [
            (self.budget(g, before), c, p)
            for g, c, p in zip(
                groups[poor].tolist(), counts[poor].tolist(), points[poor].tolist(), strict=True
            )
        ]
        paid = sum((c * left for left, c, _ in poor_rows), start=Fraction(0))
        cost = int(self.table.costs[project])
        if paid >= cost:
            return self.affordability(project, before)
        price = (cost - paid) / rich_points
        rich = ~poor
        sure_rich = float_budgets[groups[rich]] - float_errors[groups[rich]] >= (
            float(price) * points[rich] * (1.0 + 4.0 * 2.0**-53)
        )
        if sure_rich.all() and all(left <= price * p for left, _, p in poor_rows):
            return price
        return self.affordability(project, before)

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
