"""Compiled loops over projects' supporting ballot groups (the inner loops of `equal_shares`).

A round of Equal Shares looks at a dozen projects, each through a sum over its ~600 supporting
ballot groups; as NumPy calls, the per-call overhead was most of the round. These are the same
sums written as loops and compiled by Numba (LLVM with IEEE arithmetic: no fast-math, so no
reassociation, no flush of subnormals). The error analysis of docs/budgeting.md holds as it is:
each term carries the same roundings, and the sums' bound holds in any summation order.

Arguments come packed as the run keeps them:
- ``ledger``: the per-group float budgets ``b̃`` and their error bounds ``e`` (written by `pay`);
- ``entries``: the project-major ``indptr``, ``groups``, ``weights`` (voters) and ``points``
  of `table.Table` (project ``p``'s supporters are entries ``indptr[p]..indptr[p + 1]``);
- ``sizes``: per project, its float cost and its integer cost, support, utility scale and
  tie-break rank;
- ``prices``: per project, the proven lower bound of its price per unit of utility (raised in
  place by `surely_above`), its utility scale (1, or its cost under cost utilities) and its
  float cost.

Compiled once per machine on first use and cached beside this file (Numba's ``cache=True``;
``NUMBA_CACHE_DIR`` moves the cache where the package's folder is read-only).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

import numba
import numpy as np

from asamblea.core.budgeting.bounds import MAX_WIDTH, SAFETY, UNIT, sum_error
from asamblea.core.budgeting.table import BoolArray, FloatArray, IntArray

Ledger = tuple[FloatArray, FloatArray]
Entries = tuple[IntArray, IntArray, FloatArray, FloatArray]
Sizes = tuple[FloatArray, IntArray, IntArray, IntArray, IntArray]
Local = tuple[FloatArray, FloatArray, FloatArray, FloatArray]
Prices = tuple[FloatArray, FloatArray, FloatArray]

F = TypeVar("F", bound=Callable[..., Any])


def _compiled(func: F) -> F:
    return cast(F, numba.njit(cache=True, nogil=True)(func))


_sum_error = _compiled(sum_error)


@_compiled
def supporters_pay(
    ledger: Ledger, entries: Entries, project: int, price: float
) -> tuple[float, float, float]:
    """One sum over ``project``'s supporters at ``price`` per point, with budgets ``b̃ + e``:
    ``(Σ count · min(b̃ + e, due), voters short of their due, points of those who may hold
    more)``, ``due = price · points``.

    The voters short (``b̃ + e < due``) bound the add1 reach; the points of those with
    ``b̃ + e ≥ due · (1 − 4u)`` — a superset of those whose exact budget exceeds their due —
    bound the slope of what the supporters pay past ``price`` (`_raised`).
    """
    budgets, errors = ledger
    indptr, groups, weights, points = entries
    total = 0.0
    short = 0.0
    slope = 0.0
    for k in range(indptr[project], indptr[project + 1]):
        group = groups[k]
        high = budgets[group] + errors[group]
        due = price * points[k]
        total += weights[k] * min(high, due)
        if high < due:
            short += weights[k]
        if high >= due * (1.0 - 4.0 * UNIT):
            slope += weights[k] * points[k]
    return total, short, slope


PRICED = 0
"""`evaluate`: the float price is certified within ``(low, high)``."""
PAYING = 1
"""`evaluate`: every supporter with money left surely pays its full share: ``cost / paying``."""
SHORT = 2
"""`evaluate`: the supporters surely hold less than the cost (decided in floats)."""
SHORT_UNSURE = 3
"""`evaluate`: floats cannot tell whether the supporters hold the cost: ask exact fractions,
then call again with ``short_checked``."""
UNCERTIFIED = 4
"""`evaluate`: no interval is proven around the float ``price``: compute it exactly."""
HELD = 5
"""`shortfall`: the supporters surely hold the cost (decided in floats)."""


@_compiled
def shortfall(available: float, error: float, cost: float, terms: int) -> int:
    """Whether supporters holding ``available`` (``Σ count · b̃``, a float sum of ``terms``)
    surely hold the ``cost``: `HELD`, `SHORT`, or `SHORT_UNSURE` (ask exact fractions).

    ``error`` is ``Σ count · e`` as summed in floats: it is itself a float sum of ``terms``, so
    its rounding (``terms · u`` relative, more than `bounds.SAFETY` covers past ~8,000 terms) is
    bounded like the budgets' own sum.
    """
    margin = error * SAFETY + _sum_error(available + error, terms)
    if available - margin >= cost:
        return HELD
    return SHORT if available + margin < cost else SHORT_UNSURE


@_compiled
def shortfalls(
    projects: IntArray, ledger: Ledger, entries: Entries, costs: FloatArray
) -> tuple[IntArray, FloatArray]:
    """`shortfall` of each of ``projects``, and what their supporters hold (``Σ count · b̃``)."""
    budgets, errors = ledger
    indptr, groups, weights, _ = entries
    statuses = np.empty(len(projects), dtype=np.int64)
    held = np.empty(len(projects))
    for at in range(len(projects)):
        project = projects[at]
        lo, hi = indptr[project], indptr[project + 1]
        total = 0.0
        slack = 0.0
        for k in range(lo, hi):
            total += weights[k] * budgets[groups[k]]
            slack += weights[k] * errors[groups[k]]
        statuses[at] = shortfall(total, slack, costs[project], hi - lo)
        held[at] = total
    return statuses, held


@_compiled
def evaluate(
    ledger: Ledger,
    entries: Entries,
    sizes: Sizes,
    project: int,
    *,
    start: float,
    short_checked: bool,
) -> tuple[int, int, float, float, float, float]:
    """Price ``project`` now: ``(status, paying, price, low, high, available)``.

    In the order `equal_shares._Run._evaluate` takes them: (1) if every supporter with money
    left surely holds its full share, the exact price is ``cost / paying`` (`PAYING`);
    (2) what the supporters hold against the cost, with its error bound (`SHORT`,
    `SHORT_UNSURE`; skipped when ``short_checked``); (3) the float price, the poor/rich fixed
    point from ``start`` upwards, and (4) an interval proven to hold the exact price
    (`PRICED`, else `UNCERTIFIED`). The supporters' budgets, error bounds, counts and points
    are gathered once into contiguous arrays.
    """
    budgets, errors = ledger
    indptr, groups, weights, points = entries
    cost, support = sizes[0][project], sizes[2][project]
    lo, hi = indptr[project], indptr[project + 1]
    n = hi - lo
    held, slack, count, pts = np.empty(n), np.empty(n), np.empty(n), np.empty(n)
    empty = 0.0
    least = np.inf
    available = 0.0
    error = 0.0
    for k in range(n):
        group = groups[lo + k]
        held[k], slack[k] = budgets[group], errors[group]
        count[k], pts[k] = weights[lo + k], points[lo + k]
        if held[k] == 0.0 and slack[k] == 0.0:  # exactly nothing left: pays nothing
            empty += count[k] * pts[k]
        else:
            least = min(least, (held[k] - slack[k]) / pts[k])
        available += count[k] * held[k]
        error += count[k] * slack[k]
    paying = support - round(empty)
    if paying > 0 and least >= cost / float(paying) * (1.0 + 8.0 * UNIT):
        return PAYING, paying, 0.0, 0.0, 0.0, available
    if not short_checked:
        status = shortfall(available, error, cost, n)
        if status != HELD:
            return status, 0, 0.0, 0.0, 0.0, available
    local = (held, slack, count, pts)
    price = _fixed_point(local, cost, start)
    proven, low, high = _certify(local, cost, price)
    return (PRICED if proven else UNCERTIFIED), 0, price, low, high, available


@_compiled
def _fixed_point(local: Local, cost: float, price: float) -> float:
    """Float price per point: voters who cannot pay ``price × points`` pay all they have, the
    rest share what is left (from ``price`` upwards).

    The price only grows, so the poor set only grows: each pass adds the newly poor to two
    running sums, and the voters still rich are kept at the front of a scratch list, so a pass
    reads only them. The result is only a guess, certified by `_certify`.
    """
    held, _, count, pts = local
    n = len(held)
    rich = np.arange(n)
    left = n
    paid_by_poor = 0.0
    rich_points = 0.0
    for k in range(n):
        rich_points += count[k] * pts[k]
    while True:
        kept = 0
        paid_now = 0.0
        points_now = 0.0
        for at in range(left):
            k = rich[at]
            if held[k] / pts[k] < price:
                paid_now += count[k] * held[k]
                points_now += count[k] * pts[k]
            else:
                rich[kept] = k
                kept += 1
        if kept == left:
            return price
        left = kept
        paid_by_poor += paid_now
        rich_points -= points_now
        if rich_points < 0.5:  # integer counts: nobody left to share
            most = 0.0
            for k in range(n):
                most = max(most, held[k] / pts[k])
            return most
        price = (cost - paid_by_poor) / rich_points


@_compiled
def _reach_at(local: Local, price: float, sign: float) -> float:
    """``Σ count · min(max(b̃ + sign · e, 0), price · points)``."""
    held, slack, count, pts = local
    total = 0.0
    for k in range(len(held)):
        budget = max(held[k] + sign * slack[k], 0.0)
        total += count[k] * min(budget, price * pts[k])
    return total


@_compiled
def _certify(local: Local, cost: float, price: float) -> tuple[bool, float, float]:
    """An interval proven to hold the exact price near the float ``price``: if even with budgets
    ``b̃ + e`` the supporters cannot reach the cost at ``low``, and with ``max(b̃ − e, 0)`` they
    reach it at ``high``, then ``low < ρ ≤ high`` (docs/budgeting.md, step 2). The first width
    tried is what the budgets' errors can move the price by, then 8 and 64 times it, up to
    `bounds.MAX_WIDTH`; ``(False, 0, 0)`` when none is proven.
    """
    held, slack, count, pts = local
    terms = len(held)
    error = 0.0
    payers = 0.0
    for k in range(terms):
        error += count[k] * slack[k]
        if held[k] >= price * pts[k]:
            payers += count[k] * pts[k]
    error *= SAFETY
    payers *= price
    width = 1.5 * error / max(payers, cost * 1e-3) + 16.0 * (terms + 3) * UNIT
    for _ in range(3):
        if width > MAX_WIDTH:
            return False, 0.0, 0.0
        low, high = price * (1.0 - width), price * (1.0 + width)
        above = _reach_at(local, low, 1.0)
        below = _reach_at(local, high, -1.0)
        if above + _sum_error(above, terms) < cost and below - _sum_error(below, terms) >= cost:
            return True, low, high
        width *= 8.0
    return False, 0.0, 0.0


@_compiled
def pay(ledger: Ledger, entries: Entries, project: int, price: float, error: float) -> None:
    """Supporters pay ``min(b̃, price · points)``, the price known within ``error``; budgets and
    their error bounds are updated in place (docs/budgeting.md, step 1: ``|b̃' − b'|`` is at
    most ``e + |d̃ − d|`` plus the subtraction's rounding, and a group surely unable to pay is
    left with exactly 0 in both)."""
    budgets, errors = ledger
    indptr, groups, _, points = entries
    for k in range(indptr[project], indptr[project + 1]):
        group = groups[k]
        before = budgets[group]
        due = price * points[k]
        after = before - min(before, due)
        due_error = (points[k] * error + UNIT * due) * SAFETY
        surely_poor = before + errors[group] < due - due_error
        bound = (errors[group] + due_error + UNIT * after) * SAFETY
        budgets[group] = after
        errors[group] = 0.0 if surely_poor else bound


@_compiled
def scan_order(by_rank: IntArray, alive: BoolArray, lower: FloatArray, guess: int) -> IntArray:
    """Projects alive by lower bound, equal bounds in tie-break order (``by_rank`` lists the
    projects in that order); ``guess``, if alive, first (``-1``: none)."""
    ranked = by_rank[alive[by_rank]]
    order = ranked[np.argsort(lower[ranked], kind="mergesort")]
    if guess < 0 or not alive[guess]:
        return order
    scan = np.empty(len(order), dtype=np.int64)
    scan[0] = guess
    at = 1
    for project in order:
        if project != guess:
            scan[at] = project
            at += 1
    return scan


@_compiled
def _raised(price: float, cost: float, bound: float, slope: float) -> float:
    """A lower bound of the exact price per point, from ``bound`` (proven ``≥`` what supporters
    pay at ``price``, and ``< cost``) and ``slope`` (proven ``≥`` the points of those who pay
    more when the price rises past ``price``).

    What supporters pay is concave in the price and 0 at 0, so at the exact price ``ρ`` it is at
    most ``(ρ / price) · bound`` and at most ``bound + slope · (ρ − price)``; both reach the cost
    only if ``ρ`` is at least ``price · cost / bound`` and ``price + (cost − bound) / slope``.
    Nobody can pay more (``bound`` or ``slope`` 0): the price is infinite.
    """
    if bound <= 0.0 or slope <= 0.0:
        return np.inf
    by_ratio = price * (cost / bound) * (1.0 - 4.0 * UNIT)
    by_slope = (price + (cost - bound) / slope * (1.0 - 4.0 * UNIT)) * (1.0 - 4.0 * UNIT)
    return max(by_ratio, by_slope)


@_compiled
def surely_above(
    ledger: Ledger, entries: Entries, prices: Prices, project: int, best: float
) -> bool:
    """``project``'s exact price per unit of utility is proven above ``best`` (one sum).

    At a price ``x`` per point (``best`` times the utility scale, rounded up), supporters pay
    ``Σ count · min(budget, x · points)``; if even with every budget raised by its error bound,
    plus the sum's rounding bound, that stays below the cost, the exact price is above ``x``
    (docs/budgeting.md, step 3). The lower bound then proven (`_raised`) is stored in
    ``prices``' lower bounds, which keeps the project out of the next rounds' scans until the
    best price reaches it.
    """
    lower, scale, costs = prices
    price = best * scale[project] * (1.0 + 4.0 * UNIT)
    reached, _, slope = supporters_pay(ledger, entries, project, price)
    terms = entries[0][project + 1] - entries[0][project]
    bound = (reached + _sum_error(reached, terms)) * (1.0 + 2.0 * UNIT)
    if bound >= costs[project]:
        return False
    raised = _raised(price, costs[project], bound, slope)
    lower[project] = max(lower[project], raised / scale[project] * (1.0 - 2.0 * UNIT))
    return True


SCAN_DONE = 0
"""`scan_ahead`: the scan is over (the end of the order, or a lower bound above ``best``)."""
SCAN_EXACT = 1
"""`scan_ahead`: this project's opening price against the known one needs Python's integers."""
SCAN_LOOK = 2
"""`scan_ahead`: this project is not rejected: price it if dirty, then it is seen."""
NONE_KNOWN = -1
"""`scan_ahead`'s ``known`` numerator when no full-share candidate is known yet."""
TOO_LARGE = -2
"""`scan_ahead`'s ``known`` numerator when the known price does not fit in int64."""
_SAFE_PRODUCT = 4.0e18
"""Below 2⁶³ with room: integer products whose float estimate is below it do not overflow."""


@_compiled
def scan_ahead(
    scan: IntArray,
    position: int,
    best: float,
    known: tuple[int, int, int],
    *,
    prices: Prices,
    dirty: BoolArray,
    sizes: Sizes,
    ledger: Ledger,
    entries: Entries,
) -> tuple[int, int]:
    """Walk ``scan`` from ``position`` past every project a round of `equal_shares` can skip.

    A project is skipped when its opening price (``cost / support`` per point, never beaten)
    loses to the ``known`` exact price of a full-share candidate (numerator, denominator and
    rank; the numerator `NONE_KNOWN`, or `TOO_LARGE` for int64), compared in int64 when no
    product can overflow (``_cannot_beat``); or when it is ``dirty`` (its supporters paid since
    it was priced) and `surely_above` proves its exact price above ``best``. Returns the
    position reached and `SCAN_DONE`, `SCAN_EXACT` or `SCAN_LOOK` for the project there.
    """
    lower = prices[0]
    _, int_costs, support, int_scale, ranks = sizes
    number, den, rank = known
    while position < len(scan):
        project = scan[position]
        if lower[project] > best:
            return position, SCAN_DONE
        if number != NONE_KNOWN:
            if number == TOO_LARGE:
                return position, SCAN_EXACT
            opening_f = float(support[project]) * float(int_scale[project])
            left_f = float(int_costs[project]) * float(den)
            right_f = float(number) * opening_f
            if max(opening_f, left_f, right_f) >= _SAFE_PRODUCT:
                return position, SCAN_EXACT
            left = int_costs[project] * den
            right = number * (support[project] * int_scale[project])
            if not (left < right or (left == right and ranks[project] < rank)):
                position += 1
                continue
        if (
            dirty[project]
            and best < np.inf
            and surely_above(ledger, entries, prices, project, best)
        ):
            position += 1
            continue
        return position, SCAN_LOOK
    return position, SCAN_DONE
