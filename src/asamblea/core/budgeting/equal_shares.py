"""One run of the Method of Equal Shares at a given per-voter budget.

Each voter gets the same share of the budget. In every round, each project still affordable by its
supporters gets its price per point ``rho``: the smallest value such that supporters paying
``min(their budget, rho × points)`` cover its cost. The project with the smallest ``rho`` is
bought (ties: the tie-break order), its supporters pay, and rounds go on until no project can be
paid for. This is the definition used by equalshares.net and pabutools.

Speed: ballots are merged into groups; budgets are a float64 array per group; a project's last
price is a lower bound of its next one (budgets only shrink), so each round evaluates projects in
order of that bound and only recomputes those whose supporters paid since. Precision: every
budget carries a proven error bound and every price a proven interval (`kernels.py`); a decision
is taken in floats when the intervals separate, by a few integer products when tied projects'
supporters all pay their full share (price = cost / support), and otherwise in exact rationals
by `ExactReplay` — so no float error can flip a decision (docs/budgeting.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from asamblea.core.budgeting import kernels
from asamblea.core.budgeting.exact import ExactReplay, Hint
from asamblea.core.budgeting.explanation import PaymentGroup
from asamblea.core.budgeting.kernels import (
    AFFORDABLE,
    ALIVE,
    AVAILABLE,
    BUDGET,
    COST,
    DIRTY,
    DROPPED,
    ERROR,
    EVERY,
    FINISHED,
    INFEASIBLE,
    LIMIT,
    LOWER,
    NEED_PRICE,
    NEED_SHORT,
    NEED_SWEEP,
    NEED_TIE,
    NOW,
    OPEN,
    PAUSE_AT,
    PAYING,
    PRICE,
    SAFETY,
    SCALE,
    SHORT_AVAIL,
    SHORT_ROUND,
    SPENT,
    SUPPORT,
    UNIT,
    UPPER,
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
        kernels.load()
        self.table = table
        self.record = record
        self.exact_always = exact
        count = table.num_projects
        self.gb: FloatArray = np.empty((len(table.counts), 2))
        self.gb[:, BUDGET] = float(initial)
        self.gb[:, ERROR] = float(initial) * UNIT * SAFETY
        self.budgets: FloatArray = self.gb[:, BUDGET]
        self.errors: FloatArray = self.gb[:, ERROR]
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
        self.ctl: IntArray = np.zeros(6, dtype=np.int64)
        self.ints = (table.costs, self.int_scale, table.rank)
        self.bought: IntArray = np.zeros(count, dtype=np.int64)
        self.poor_log: BoolArray = np.zeros(len(table.p_groups), dtype=bool)
        self.hinted: BoolArray = np.zeros(count, dtype=bool)
        self.log = (self.bought, self.poor_log, self.hinted)
        self.exact.hint_of = self._hint
        self.result = RunResult(initial=initial, free=sorted(free.tolist(), key=self._rank))

    def _rank(self, project: int) -> int:
        return int(self.table.rank[project])

    def run(self, limit: int | None) -> RunResult:
        """Play rounds until nothing is affordable, or the cost passes ``limit``.

        The compiled `rounds` plays as long as floats (or integers, for ties of all-share
        prices) decide; what it hands back is decided here exactly, and it is called again.
        With ``limit`` (add1), a run also stops as soon as its outcome will surely be within the
        limit and not exhaustive (`kernels._surely_open`: if a project already dropped, short of
        shares, fits in what the limit leaves after every project still alive, that is all the
        add1 search needs to know).
        """
        result = self.result
        ctl = self.ctl
        ctl[LIMIT] = -1 if limit is None else limit
        ctl[EVERY] = 1 if self.record else (0 if limit is None else SWEEP_EVERY)
        ctl[PAUSE_AT] = 1 if self.record else np.iinfo(np.int64).max
        while True:
            before = self.budgets.copy() if self.record else None
            played = int(ctl[NOW])
            status, value = kernels.rounds(
                ctl,
                self.arrays,
                self.gb,
                self.pf,
                self.pi,
                self.pb,
                self.ints,
                self.table.overlap,
                self.exact_always,
                self.out,
                self.log,
            )
            self._flush()
            if status == NEED_PRICE:
                self._price_exactly(value)
            elif status == NEED_SHORT:
                self._short_exactly(value)
            elif status == NEED_SWEEP:
                for project in self.out[:value].tolist():
                    self._short_exactly(project)
            elif status == NEED_TIE:
                choice = self._break_tie(self.out[:value].tolist())
                if choice is not None:
                    status = self._buy(*choice)
            if before is not None and ctl[NOW] > played:
                self._record(played, before)
                ctl[PAUSE_AT] = ctl[NOW] + 1
            if status in (FINISHED, INFEASIBLE, OPEN):
                result.infeasible = status == INFEASIBLE
                result.open = status == OPEN
                break
        result.bought = self.bought[: ctl[NOW]].tolist()
        result.cost = int(ctl[SPENT])
        found = np.flatnonzero(self.pi[SHORT_ROUND]).tolist()
        result.short = {
            p: (int(self.pi[SHORT_ROUND, p]), float(self.pf[SHORT_AVAIL, p])) for p in found
        }
        return result

    def _flush(self) -> None:
        """Tell the exact replay the rounds the kernel played since last time."""
        table, exact = self.table, self.exact
        for project in self.bought[len(exact.order) : self.ctl[NOW]].tolist():
            paying = int(self.pi[PAYING, project])
            price = (
                Fraction(int(table.costs[project]), paying)
                if paying
                else self.exact_price.get(project)
            )
            exact.push(project, price, hinted=bool(self.hinted[project]))

    def _hint(self, project: int) -> Hint:
        """The float split of ``project``'s supporters when bought (its rich side proven)."""
        table = self.table
        groups, points = table.groups_of(project)
        lo, hi = table.p_indptr[project], table.p_indptr[project + 1]
        poor = self.poor_log[lo:hi]
        rich = ~poor
        rich_points = int(np.dot(table.counts[groups[rich]], points[rich]))
        return Hint(groups[poor], points[poor], rich_points)

    def _buy(self, project: int, price: float, error: float, exact: Fraction | None) -> int:
        """Buy a project chosen here (a tie decided exactly); the kernel's status after it."""
        status = kernels.buy(
            project,
            price,
            error,
            self.ctl,
            self.arrays,
            self.gb,
            self.pf,
            self.pb,
            self.table.overlap,
            self.ints[0],
            self.log,
        )
        self.exact.push(project, exact)
        return int(status)

    def _record(self, played: int, before: FloatArray) -> None:
        """Keep who paid what in round ``played`` (explanations)."""
        table = self.table
        project = int(self.bought[played])
        groups, points = table.groups_of(project)
        after = self.budgets[groups]
        self.result.payments[project] = payment_groups(
            table.counts[groups], points, before[groups] - after, after == 0.0
        )

    def _round(self) -> int:
        return int(self.ctl[NOW])

    def _mark_short(self, project: int, available: float) -> None:
        kernels.mark_short(project, self._round(), available, self.pf, self.pi, self.pb)

    def _short_exactly(self, project: int) -> None:
        """Floats could not tell whether ``project``'s supporters can still pay: decide exactly."""
        exact = self.exact.available(project, self._round())
        if exact < int(self.table.costs[project]):
            self._mark_short(project, float(self.pf[AVAILABLE, project]))
        else:
            self.pb[AFFORDABLE, project] = True

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
        kernels.set_price(
            project, price, price * (1.0 - 2.0 * UNIT), price * (1.0 + 2.0 * UNIT), self.pf, self.pb
        )

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
