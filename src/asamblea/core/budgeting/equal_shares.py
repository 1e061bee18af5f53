"""One run of the Method of Equal Shares at a given per-voter budget.

Each voter gets the same share of the budget. In every round, each project still affordable by its
supporters gets its price per point ``rho``: the smallest value such that supporters paying
``min(their budget, rho × points)`` cover its cost. The project with the smallest ``rho`` is
bought (ties: the tie-break order), its supporters pay, and rounds go on until no project can be
paid for. This is the definition used by equalshares.net and pabutools.

Speed: ballots are merged into groups; budgets are a float64 array per group; a project's last
price is a lower bound of its next one (budgets only shrink), so each round evaluates projects in
order of that bound and only recomputes those whose supporters paid since; once a best price is
known, a candidate is first tried with one proven sum (`_surely_above`), which rejects most of
them without pricing and raises their lower bound. The loops over a project's supporters are
compiled (`kernels.py`). Precision: every budget carries a proven error bound and every price a
proven interval (`bounds.py`, `kernels.evaluate`); a decision
is taken in floats when the intervals separate, by a few integer products when tied projects'
supporters all pay their full share (price = cost / support), and otherwise in exact rationals
by `ExactReplay` — so no float error can flip a decision (docs/budgeting.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from functools import partial

import numpy as np

from asamblea.core.budgeting import kernels
from asamblea.core.budgeting.bounds import SAFETY, UNIT, sum_error
from asamblea.core.budgeting.exact import ExactReplay, Hint
from asamblea.core.budgeting.explanation import PaymentGroup
from asamblea.core.budgeting.payment import payment_groups
from asamblea.core.budgeting.table import FloatArray, IntArray, Table

SWEEP_EVERY = 16
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


@dataclass
class Chain:
    """Leading full-share rounds of earlier add1 runs, which a run at a higher share may replay.

    Round ``j`` bought ``projects[j]`` in the run at share ``shares[j]``, every supporter paying
    its full share (price ``cost / support`` per point), after rounds ``0..j-1`` of the chain.
    While rounds ``0..j-1`` replay at a share ``s ≥ shares[j]``, every budget at the start of
    round ``j`` is exactly the one at ``shares[j]`` plus ``s − shares[j]``, and the winner's price
    is the same; ``reach[j]`` is proven such that every other project still costs more (per unit
    of utility) whenever ``s − shares[j] < reach[j]``, so round ``j`` is decided the same way.
    ``starts[j]`` is the float state (share, budgets, error bounds) at the start of round ``j``
    in a run that played rounds ``0..j-1`` of the chain (docs/budgeting.md, "Resuming add1").
    ``previous`` is what the last run bought: while a run repeats it, the project bought next
    there is priced first (a guess only: the round's proof is the usual one).
    """

    projects: list[int] = field(default_factory=list)
    shares: list[Fraction] = field(default_factory=list)
    reach: list[float] = field(default_factory=list)
    starts: list[tuple[Fraction, FloatArray, FloatArray]] = field(default_factory=list)
    previous: list[int] = field(default_factory=list)
    replayed: int = 0


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

    ``lower[p]`` is a proven lower bound of project ``p``'s exact price per unit of utility (its
    exact price only grows, so an old bound stays valid); ``upper[p]`` a proven upper bound, valid
    while ``p`` is not dirty. ``lo_pt``/``hi_pt``/``price_pt`` are per point.
    """

    def __init__(
        self,
        table: Table,
        initial: Fraction,
        *,
        record: bool,
        cost_utility: bool,
        exact: bool = False,
        chain: Chain | None = None,
    ) -> None:
        self.table = table
        self.chain = None if exact or record else chain
        self.record = record
        self.exact_always = exact
        self.budgets: FloatArray = np.full(len(table.counts), float(initial))
        self.errors: FloatArray = np.full(len(table.counts), float(initial) * UNIT * SAFETY)
        pool, free = candidates(table, cost_utility=cost_utility)
        self.alive = np.zeros(table.num_projects, dtype=bool)
        self.alive[pool] = True
        self.dropped = np.zeros(table.num_projects, dtype=bool)
        self.by_rank = np.argsort(table.rank)
        self.entries = (table.p_indptr, table.p_groups, table.p_weights, table.p_points_f)
        self.terms = np.diff(table.p_indptr)
        costs = table.costs.astype(np.float64)
        self.costs = costs
        self.scale: FloatArray = costs if cost_utility else np.ones(table.num_projects)
        self.int_scale = table.costs if cost_utility else np.ones(table.num_projects, np.int64)
        self.sizes = (costs, table.costs, table.support, self.int_scale, table.rank)
        with np.errstate(divide="ignore", invalid="ignore"):
            opening = costs / np.maximum(table.support, 1) / self.scale
        self.lower: FloatArray = opening * (1.0 - 4.0 * UNIT)
        self.prices = (self.lower, self.scale, self.costs)
        self.upper: FloatArray = np.full(table.num_projects, np.inf)
        self.price_pt: FloatArray = np.zeros(table.num_projects)
        self.lo_pt: FloatArray = np.zeros(table.num_projects)
        self.hi_pt: FloatArray = np.zeros(table.num_projects)
        self.paying = np.zeros(table.num_projects, dtype=np.int64)
        self.exact_price: dict[int, Fraction] = {}
        self.dirty = np.ones(table.num_projects, dtype=bool)
        self.exact = ExactReplay(table, initial)
        self.result = RunResult(initial=initial, free=sorted(free.tolist(), key=self._rank))
        self.extending = self.chain is not None
        self.guesses = [] if self.chain is None else self.chain.previous

    def _resume(self, limit: int | None) -> None:
        """Replay the chain's rounds whose decisions are proven to hold at this share.

        The state then is the snapshot taken at the start of the first round not replayed,
        every budget raised by the share's difference (exact, see `Chain`); its error bound
        grows by two roundings. Lower bounds restart at the opening prices (always valid).
        """
        chain = self.chain
        if chain is None or not chain.starts:
            return
        result, table = self.result, self.table
        done = 0
        while done < len(chain.projects) and done + 1 < len(chain.starts):
            gap, reach = self.result.initial - chain.shares[done], chain.reach[done]
            if gap < 0 or (reach < np.inf and gap >= Fraction(reach)):
                break
            project = chain.projects[done]
            result.bought.append(project)
            result.cost += int(table.costs[project])
            self.alive[project] = False
            self.exact.push(
                project, Fraction(int(table.costs[project]), int(table.support[project]))
            )
            done += 1
            if limit is not None and result.cost > limit:
                result.infeasible = True
                break
        del chain.projects[done:], chain.shares[done:], chain.reach[done:], chain.starts[done + 1 :]
        chain.replayed += done
        share, budgets, errors = chain.starts[done]
        gap = self.result.initial - share
        if gap < 0:  # pragma: no cover - add1 only raises the share
            raise ArithmeticError("a chain is replayed at a lower share")
        self.budgets = budgets + float(gap)
        self.errors = (errors + 2.0 * UNIT * self.budgets) * SAFETY

    def _rank(self, project: int) -> int:
        return int(self.table.rank[project])

    def run(self, limit: int | None) -> RunResult:
        """Play rounds until nothing is affordable, or the cost passes ``limit``."""
        result = self.result
        self._resume(limit)
        if result.infeasible:
            return result
        while self.alive.any():
            if self.extending:
                self._snapshot()
            if self.record or (limit is not None and len(result.bought) % SWEEP_EVERY == 0):
                self._drop_short_all()
            now = len(result.bought)
            guess = self.guesses[now] if now < len(self.guesses) else None
            choice = self._choose(guess)
            if choice is None:
                break
            project, price, error, exact = choice
            if project != guess:
                self.guesses = []
            if self.extending:
                self._extend(project)
            self._pay(project, price, error, exact)
            result.bought.append(project)
            result.cost += int(self.table.costs[project])
            if limit is not None and result.cost > limit:
                result.infeasible = True
                break
            if limit is not None and self._surely_open(limit):
                result.open = True
                break
        if self.chain is not None:
            self.chain.previous = list(result.bought)
        return result

    def _snapshot(self) -> None:
        chain = self.chain
        if chain is None:  # pragma: no cover - only called while extending
            return
        state = (self.result.initial, self.budgets.copy(), self.errors.copy())
        del chain.starts[len(chain.projects) :]
        chain.starts.append(state)

    def _extend(self, project: int) -> None:
        """Add this round to the chain if every supporter of ``project`` pays its full share."""
        chain = self.chain
        if chain is None or int(self.paying[project]) != int(self.table.support[project]):
            self.extending = False
            return
        chain.projects.append(project)
        chain.shares.append(self.result.initial)
        chain.reach.append(self._reach(project))

    def _reach(self, winner: int) -> float:
        """How far every budget may rise with ``winner`` still the only cheapest (proven).

        ``winner`` is bought at ``cost / support`` per point, all supporters paying their share.
        Any other project ``q`` left whose opening price does not already lose to that (exact
        integers, `_cannot_beat`) must cost more: at the point price ``x`` matching the
        winner's price per unit of utility (rounded up), what its supporters pay with every
        budget raised by ``d`` is at most ``F + d · P`` — ``F`` the one-sum bound of
        `_surely_above` (budgets ``b̃ + e``), ``P`` the voters short of ``x`` there (the others
        pay ``x`` at most whatever ``d``). While ``F + d · P < cost`` the exact price of ``q`` is
        above ``x``. The least such limit on ``d`` over all ``q`` is returned (0: none proven).
        """
        table = self.table
        key = self._exact_key(winner)
        per_utility = float(self.costs[winner]) / float(table.support[winner])
        per_utility /= float(self.scale[winner])
        rest = self.alive | self.dropped
        rest[winner] = False
        reach = np.inf
        for q in np.flatnonzero(rest).tolist():
            if self._cannot_beat(q, key):
                continue
            price = per_utility * float(self.scale[q]) * (1.0 + 8.0 * UNIT)
            reached, short, _ = kernels.supporters_pay(self.ledger, self.entries, q, price)
            terms = int(self.terms[q])
            bound = (reached + sum_error(reached, terms)) * (1.0 + 1e-12)
            cost = float(self.costs[q])
            if bound >= cost:
                return 0.0
            if short > 0.0:
                reach = min(reach, (cost - bound) / short * (1.0 - 1e-12))
        return float(reach)

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

    def _exactly_short(self, project: int) -> bool:
        exact = self.exact.available(project, self._round())
        return exact < int(self.table.costs[project])

    def _mark_short(self, project: int, available: float) -> None:
        self.alive[project] = False
        self.dropped[project] = True
        self.result.short.setdefault(project, (self._round() + 1, available))

    def _drop_short_all(self) -> None:
        """Mark every project alive whose supporters hold less than its cost (`kernels.shortfall`
        in floats where it is sure, except in the reference mode; exact fractions otherwise)."""
        alive = np.flatnonzero(self.alive)
        statuses, available = kernels.shortfalls(alive, self.ledger, self.entries, self.costs)
        for at in np.flatnonzero(statuses != kernels.HELD).tolist():
            project = int(alive[at])
            sure = statuses[at] == kernels.SHORT and not self.exact_always
            if sure or self._exactly_short(project):
                self._mark_short(project, float(available[at]))

    def _evaluate(self, project: int) -> bool:
        """Price ``project`` now with a proven interval; False when its supporters fall short.

        Supporters left with exactly nothing (float 0 with error bound 0) pay nothing; when every
        other supporter surely holds its full share, the exact price is ``cost / their points``
        (`paying`) and no sum of budgets is needed; otherwise the float price is certified
        (`kernels.evaluate`), or computed in exact fractions when no interval is proven.
        """
        if self.exact_always:
            self.paying[project] = 0
            found = self._exact_price(project)
        else:
            found = self._float_evaluation(project)
        if found is None:
            return False
        price, interval = found
        self.price_pt[project] = price
        self.lo_pt[project], self.hi_pt[project] = interval
        scale = self.scale[project]
        self.lower[project] = interval[0] / scale * (1.0 - 2.0 * UNIT)
        self.upper[project] = interval[1] / scale * (1.0 + 2.0 * UNIT)
        self.dirty[project] = False
        return True

    def _float_evaluation(self, project: int) -> tuple[float, tuple[float, float]] | None:
        cost = float(self.costs[project])
        # Start the fixed point from the known lower bound: the poor set it finds there is part
        # of the final one, so fewer passes are needed (the result is certified either way).
        start = cost / float(self.table.support[project])
        start = max(start, float(self.lower[project] * self.scale[project]) * (1.0 - 1e-9))
        checked = False
        while True:
            status, paying, price, low, high, available = kernels.evaluate(
                self.ledger, self.entries, self.sizes, project, start=start, short_checked=checked
            )
            self.paying[project] = paying
            if status == kernels.PAYING:
                price = cost / float(paying)
                return price, (price * (1.0 - 2.0 * UNIT), price * (1.0 + 2.0 * UNIT))
            if status == kernels.PRICED:
                return price, (low, high)
            if status == kernels.SHORT_UNSURE and not self._exactly_short(project):
                checked = True
                continue
            if status in (kernels.SHORT, kernels.SHORT_UNSURE):
                self._mark_short(project, available)
                return None
            exact = self.exact.price_now(project, self.budgets, self.errors, price)
            if exact is None:
                self._mark_short(project, available)
                return None
            price = float(exact)
            return price, (price * (1.0 - 2.0 * UNIT), price * (1.0 + 2.0 * UNIT))

    def _exact_price(self, project: int) -> tuple[float, tuple[float, float]] | None:
        """Reference mode: every price computed in exact rationals (no float decision)."""
        value = self.exact.affordability(project, self._round())
        if value is None:
            self._mark_short(project, float(self.exact.available(project, self._round())))
            return None
        price = float(value)
        self.exact_price[project] = value
        return price, (price * (1.0 - 2.0 * UNIT), price * (1.0 + 2.0 * UNIT))

    @property
    def ledger(self) -> kernels.Ledger:
        """The budgets and their error bounds, as the kernels take them."""
        return self.budgets, self.errors

    def _choose(self, guess: int | None = None) -> tuple[int, float, float, Fraction | None] | None:
        """The project to buy, the float price per point paid, its error and exact price.

        ``guess`` (the previous add1 run's purchase at this round) is priced first, so that the
        others are mostly rejected by one sum; the scan and its proof are otherwise unchanged
        (every project not looked at has a lower bound above the best upper bound found).
        """
        first = -1 if guess is None else guess
        scan = kernels.scan_order(self.by_rank, self.alive, self.lower, first)
        best = np.inf
        seen: list[int] = []
        known: tuple[int, int, int] | None = None
        position = 0
        while True:
            position, status = kernels.scan_ahead(
                scan,
                position,
                best,
                _for_kernels(known),
                prices=self.prices,
                dirty=self.dirty,
                sizes=self.sizes,
                ledger=self.ledger,
                entries=self.entries,
            )
            if status == kernels.SCAN_DONE:
                break
            project = int(scan[position])
            position += 1
            if status == kernels.SCAN_EXACT:
                if known is not None and self._cannot_beat(project, known):
                    continue
                if self.dirty[project] and best < np.inf and self._surely_above(project, best):
                    continue
            if self.dirty[project] and not self._evaluate(project):
                continue
            seen.append(project)
            best = min(best, float(self.upper[project]))
            if self.paying[project]:
                key = self._exact_key(project)
                if known is None or _before(key, known):
                    known = key
        tied = [p for p in seen if self.lower[p] <= best]
        if not tied:
            return None
        if len(tied) == 1:
            project = tied[0]
            table = self.table
            paying = int(self.paying[project])
            share = Fraction(int(table.costs[project]), paying) if paying else None
            share = self.exact_price.get(project, share)
            price = float(self.price_pt[project])
            error = max(price - self.lo_pt[project], self.hi_pt[project] - price)
            return project, price, float(error) * SAFETY, share
        return self._break_tie(tied)

    def _surely_above(self, project: int, best: float) -> bool:
        """``project``'s exact price per unit of utility is proven above ``best`` by one sum
        (`kernels.surely_above`, which raises its lower bound)."""
        return bool(kernels.surely_above(self.ledger, self.entries, self.prices, project, best))

    def _exact_key(self, project: int) -> tuple[int, int, int]:
        """A full-share project's exact price per unit of utility (numerator, denominator), rank."""
        den = int(self.paying[project]) * int(self.int_scale[project])
        return int(self.table.costs[project]), den, self._rank(project)

    def _cannot_beat(self, project: int, known: tuple[int, int, int]) -> bool:
        """``project`` loses to the project whose exact price and rank are ``known``, unpriced.

        A project's price never falls below its opening one (``cost / support`` per point: its
        supporters can at most all pay their share), so a project whose opening price is above
        the known exact price, or equal with a later rank, cannot be the cheapest. With cost
        utilities, projects of equal support tie at that price until one is bought: this spares
        pricing all but the first of them in the tie-break order.
        """
        table = self.table
        den = int(table.support[project]) * int(self.int_scale[project])
        opening = (int(table.costs[project]), den, self._rank(project))
        return not _before(opening, known)

    def _break_tie(self, tied: list[int]) -> tuple[int, float, float, Fraction | None] | None:
        """Possible tie: compare exact prices, then the tie-break order.

        When every supporter of every tied project with money left surely pays its full share,
        each exact price is cost / (their points): a few integer products decide. Otherwise exact
        prices are rebuilt.
        """
        table = self.table
        exact: list[tuple[Fraction, int, int, Fraction]] = []
        if self.exact_always:
            for project in tied:
                known = self.exact_price[project]
                scale = int(self.int_scale[project])
                exact.append((known / scale, self._rank(project), project, known))
        elif bool(self.paying[tied].all()):
            for project in tied:
                price = Fraction(int(table.costs[project]), int(self.paying[project]))
                scale = int(self.int_scale[project])
                exact.append((price / scale, self._rank(project), project, price))
        else:
            now = self._round()
            for project in tied:
                found = self.exact.price_now(
                    project, self.budgets, self.errors, float(self.price_pt[project])
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
        table = self.table
        groups, points = table.groups_of(project)
        if exact is None:
            self.exact.push(
                project,
                None,
                partial(
                    _hint,
                    self.table.counts,
                    groups,
                    points,
                    before=self.budgets[groups],
                    errors=self.errors[groups],
                    hi_pt=float(self.hi_pt[project]),
                ),
            )
        else:
            self.exact.push(project, exact)
        before = self.budgets[groups] if self.record else None
        kernels.pay(self.ledger, self.entries, project, price, error)
        self.dirty |= table.overlap[project]
        self.alive[project] = False
        if before is not None:
            due = price * points.astype(np.float64)
            paid = np.minimum(before, due)
            self.result.payments[project] = payment_groups(
                table.counts[groups], points, paid, before <= due
            )


def _hint(
    counts: IntArray,
    groups: IntArray,
    points: IntArray,
    *,
    before: FloatArray,
    errors: FloatArray,
    hi_pt: float,
) -> Hint | None:
    """The float split of a bought project's supporters, if its rich side is proven.

    ``before`` and ``errors`` are their budgets and error bounds before paying, ``counts`` every
    group's voters; the rich side is checked against the price's upper bound ``hi_pt``.
    """
    hi_due = hi_pt * points.astype(np.float64) * (1.0 + 8.0 * UNIT)
    poor = before < hi_due
    rich = ~poor
    if not bool(np.all(before[rich] - errors[rich] >= hi_due[rich])):
        return None
    rich_points = int(np.dot(counts[groups[rich]], points[rich]))
    return Hint(groups[poor], points[poor], rich_points)


def _for_kernels(known: tuple[int, int, int] | None) -> tuple[int, int, int]:
    """A known exact price as `kernels.scan_ahead` takes it (int64, or a marker)."""
    if known is None:
        return kernels.NONE_KNOWN, 1, 0
    if max(known) >= 2**62:
        return kernels.TOO_LARGE, 1, 0
    return known


def _before(a: tuple[int, int, int], b: tuple[int, int, int]) -> bool:
    """Price ``a[0] / a[1]`` with rank ``a[2]`` comes strictly before ``b``'s (exact integers)."""
    left, right = a[0] * b[1], b[0] * a[1]
    return left < right or (left == right and a[2] < b[2])


def equal_shares_run(
    table: Table,
    initial: Fraction,
    *,
    limit: int | None = None,
    record: bool = False,
    cost_utility: bool = False,
    exact: bool = False,
    chain: Chain | None = None,
) -> RunResult:
    """Run Equal Shares with ``initial`` céntimos per voter.

    With ``cost_utility`` a supporter values a project at its cost (approval ballots), so rounds
    compare the price per sol of utility instead of the price per supporter.
    ``limit`` stops the run as soon as the cost bought exceeds it (the add1 completion only needs
    to know the run went over budget). ``record`` keeps payments and shortfalls for explanations.
    ``exact`` is the reference mode the tests compare with: every price and every check in exact
    rationals, no decision taken in floats. ``chain`` (add1 only): replay the leading rounds of
    earlier runs at lower shares where they are proven to hold, and extend it (`Chain`).
    """
    run = _Run(table, initial, record=record, cost_utility=cost_utility, exact=exact, chain=chain)
    return run.run(limit)
