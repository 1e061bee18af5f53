"""One run of the Method of Equal Shares at a given per-voter budget.

Each voter gets the same share of the budget. In every round, each project still affordable by its
supporters gets its price per point ``rho``: the smallest value such that supporters paying
``min(their budget, rho × points)`` cover its cost. The project with the smallest ``rho`` is
bought (ties: the tie-break order), its supporters pay, and rounds go on until no project can be
paid for. This is the definition used by equalshares.net and pabutools.

Speed: ballots are merged into groups; budgets are a float64 array per group; a project's last
price is a lower bound of its next one (budgets only shrink), so each round evaluates projects in
order of that bound and only recomputes those whose supporters paid since. Precision: every
budget carries a proven error bound and every price a proven interval (`bounds.py`); a decision
is taken in floats when the intervals separate, by a few integer products when tied projects'
supporters all pay their full share (price = cost / support), and otherwise in exact rationals
by `ExactReplay` — so no float error can flip a decision (docs/budgeting.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from asamblea.core.budgeting.exact import ExactReplay, Hint
from asamblea.core.budgeting.explanation import PaymentGroup
from asamblea.core.budgeting.kernels import (
    AFFORDABLE,
    ALIVE,
    AVAILABLE,
    BUDGET,
    COST,
    DIRTY,
    DONE,
    DROPPED,
    ERROR,
    HI,
    LO,
    LOWER,
    NEED_SHORT,
    PAYING,
    PRICE,
    SAFETY,
    SCALE,
    SHORT_AVAIL,
    SHORT_ROUND,
    SUPPORT,
    UNIT,
    UPPER,
    choose,
    mark_short,
    pay,
    set_price,
    sweep,
)
from asamblea.core.budgeting.payment import payment_groups
from asamblea.core.budgeting.table import BoolArray, FloatArray, IntArray, Table

SWEEP_EVERY = 4
"""In add1 runs, find every project out of reach once per this many rounds (for the early stop)."""


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
    """State of one run: float budgets with proven error bounds, certified price intervals.

    The per-project and per-group arrays are the stacked rows of `kernels` (``pf``, ``pi``,
    ``pb``, ``gb``): ``pf[LOWER, p]`` is a proven lower bound of project ``p``'s exact price per
    unit of utility (its exact price only grows, so an old bound stays valid), ``pf[UPPER, p]``
    a proven upper bound, valid while ``p`` is not dirty; ``PRICE``/``LO``/``HI`` are per point.
    The compiled kernels play the float part of each round; this class takes the decisions they
    hand back (exact prices and shortness, ties) and keeps the exact replay.
    """

    def __init__(
        self,
        table: Table,
        initial: Fraction,
        *,
        record: bool,
        cost_utility: bool,
        exact: bool = False,
    ) -> None:
        self.table = table
        self.record = record
        self.exact_always = exact
        count = table.num_projects
        self.gb: FloatArray = np.empty((2, len(table.counts)))
        self.gb[BUDGET] = float(initial)
        self.gb[ERROR] = float(initial) * UNIT * SAFETY
        self.budgets: FloatArray = self.gb[BUDGET]
        self.errors: FloatArray = self.gb[ERROR]
        pool, free = candidates(table, cost_utility=cost_utility)
        self.pb: BoolArray = np.zeros((4, count), dtype=bool)
        self.pb[ALIVE, pool] = True
        self.pb[DIRTY] = True
        self.alive: BoolArray = self.pb[ALIVE]
        self.dropped: BoolArray = self.pb[DROPPED]
        costs = table.costs.astype(np.float64)
        self.pf: FloatArray = np.zeros((9, count))
        self.pf[COST] = costs
        self.pf[SCALE] = costs if cost_utility else 1.0
        with np.errstate(divide="ignore", invalid="ignore"):
            opening = costs / np.maximum(table.support, 1) / self.pf[SCALE]
        self.pf[LOWER] = opening * (1.0 - 4.0 * UNIT)
        self.pf[UPPER] = np.inf
        self.pi: IntArray = np.zeros((3, count), dtype=np.int64)
        self.pi[SUPPORT] = table.support
        self.int_scale = table.costs if cost_utility else np.ones(count, np.int64)
        self.exact_price: dict[int, Fraction] = {}
        self.exact = ExactReplay(table, initial)
        self.arrays = (table.p_indptr, table.p_groups, table.p_weights, table.p_points_f)
        self.out: IntArray = np.empty(count, dtype=np.int64)
        widest = int(np.diff(table.p_indptr).max()) if count else 0
        self.poor: BoolArray = np.empty(widest, dtype=bool)
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
            project, price, error, exact = choice
            self._pay(project, price, error, exact)
            result.bought.append(project)
            result.cost += int(self.table.costs[project])
            if limit is not None and result.cost > limit:
                result.infeasible = True
                break
            if limit is not None and self._surely_open(limit):
                result.open = True
                break
        found = np.flatnonzero(self.pi[SHORT_ROUND]).tolist()
        result.short = {p: (int(self.pi[SHORT_ROUND, p]), float(self.pf[SHORT_AVAIL, p])) for p in found}
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

    def _mark_short(self, project: int, available: float) -> None:
        mark_short(project, self._round(), available, self.pf, self.pi, self.pb)

    def _short_exactly(self, project: int) -> None:
        """Floats could not tell whether ``project``'s supporters can still pay: decide exactly."""
        exact = self.exact.available(project, self._round())
        if exact < int(self.table.costs[project]):
            self._mark_short(project, float(self.pf[AVAILABLE, project]))
        else:
            self.pb[AFFORDABLE, project] = True

    def _drop_short_all(self) -> None:
        now = self._round()
        found = sweep(now, self.arrays, self.gb, self.pf, self.pi, self.pb, self.exact_always, self.out)
        for project in self.out[:found].tolist():
            self._short_exactly(project)

    def _price_exactly(self, project: int) -> None:
        """Floats could not bound ``project``'s price (or the reference mode): price it exactly."""
        now = self._round()
        self.pi[PAYING, project] = 0
        if self.exact_always:
            value = self.exact.affordability(project, now)
        else:
            value = self.exact.price_now(
                project, self.budgets, self.errors, float(self.pf[PRICE, project])
            )
        if value is None:
            self._mark_short(project, float(self.exact.available(project, now)))
            return
        if self.exact_always:
            self.exact_price[project] = value
        price = float(value)
        set_price(project, price, price * (1.0 - 2.0 * UNIT), price * (1.0 + 2.0 * UNIT), self.pf, self.pb)

    def _choose(self) -> tuple[int, float, float, Fraction | None] | None:
        """The project to buy, the float price per point paid, its error and exact price."""
        now = self._round()
        while True:
            status, value = choose(
                now, self.arrays, self.gb, self.pf, self.pi, self.pb, self.exact_always, self.out
            )
            if status == DONE:
                break
            if status == NEED_SHORT:
                self._short_exactly(value)
            else:
                self._price_exactly(value)
        tied = self.out[:value].tolist()
        if not tied:
            return None
        if len(tied) == 1:
            project = tied[0]
            table = self.table
            paying = int(self.pi[PAYING, project])
            share = Fraction(int(table.costs[project]), paying) if paying else None
            share = self.exact_price.get(project, share)
            price = float(self.pf[PRICE, project])
            error = max(price - self.pf[LO, project], self.pf[HI, project] - price)
            return project, price, float(error) * SAFETY, share
        return self._break_tie(tied)

    def _break_tie(self, tied: list[int]) -> tuple[int, float, float, Fraction | None] | None:
        """Possible tie: compare exact prices, then the tie-break order.

        When every supporter of every tied project with money left surely pays its full share,
        each exact price is cost / (their points): a few integer products decide. Otherwise exact
        prices are rebuilt.
        """
        table = self.table
        exact: list[tuple[Fraction, int, int, Fraction]] = []
        paying = self.pi[PAYING]
        if self.exact_always:
            for project in tied:
                known = self.exact_price[project]
                scale = int(self.int_scale[project])
                exact.append((known / scale, self._rank(project), project, known))
        elif bool(paying[tied].all()):
            for project in tied:
                price = Fraction(int(table.costs[project]), int(paying[project]))
                scale = int(self.int_scale[project])
                exact.append((price / scale, self._rank(project), project, price))
        else:
            now = self._round()
            for project in tied:
                found = self.exact.price_now(
                    project, self.budgets, self.errors, float(self.pf[PRICE, project])
                )
                if found is None:
                    self._mark_short(project, float(self.exact.available(project, now)))
                    continue
                scale = int(self.int_scale[project])
                exact.append((found / scale, self._rank(project), project, found))
        if not exact:
            return None
        _, _, project, price = min(exact)
        value = float(price)
        return project, value, value * UNIT * SAFETY, price

    def _pay(self, project: int, price: float, error: float, exact: Fraction | None) -> None:
        """Charge the supporters (compiled), record the float split for the exact replay."""
        table = self.table
        groups, points = table.groups_of(project)
        before = self.budgets[groups] if self.record else None
        poor = self.poor[: len(groups)]
        hint_ok = pay(
            project, price, error, self.arrays, self.gb, self.pf, self.pb, table.overlap, poor
        )
        hint = None
        if exact is None and hint_ok:
            rich = ~poor
            rich_points = int(np.dot(table.counts[groups[rich]], points[rich]))
            hint = Hint(groups[poor], points[poor], rich_points)
        self.exact.push(project, exact, hint)
        if before is not None:
            paid = before - self.budgets[groups]
            due = price * table.p_points_f[table.p_indptr[project] : table.p_indptr[project + 1]]
            self.result.payments[project] = payment_groups(
                table.counts[groups], points, paid, before <= due
            )


def equal_shares_run(
    table: Table,
    initial: Fraction,
    *,
    limit: int | None = None,
    record: bool = False,
    cost_utility: bool = False,
    exact: bool = False,
) -> RunResult:
    """Run Equal Shares with ``initial`` céntimos per voter.

    With ``cost_utility`` a supporter values a project at its cost (approval ballots), so rounds
    compare the price per sol of utility instead of the price per supporter.
    ``limit`` stops the run as soon as the cost bought exceeds it (the add1 completion only needs
    to know the run went over budget). ``record`` keeps payments and shortfalls for explanations.
    ``exact`` is the reference mode the tests compare with: every price and every check in exact
    rationals, no decision taken in floats.
    """
    return _Run(table, initial, record=record, cost_utility=cost_utility, exact=exact).run(limit)
