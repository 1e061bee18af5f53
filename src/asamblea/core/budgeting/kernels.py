"""The float loops of an Equal Shares round, compiled with Numba (used by `equal_shares`).

One call of `choose` plays a round's search for the cheapest project: it visits alive projects in
order of their price's proven lower bound, prices the dirty ones (the all-share price
``cost / points`` when every supporter surely pays it, else the float fixed point and its proven
interval, `bounds.py`), and stops when the next lower bound is above the best proven upper bound.
When floats cannot decide (shortness or an interval), it hands the project back to the caller,
which decides in exact rationals and calls again. `pay` charges a bought project's supporters and
updates their error bounds. The arithmetic and its bounds are those of `bounds.py` and
docs/budgeting.md, written as loops so that a round costs microseconds instead of NumPy calls.

State lives in a few stacked arrays so that a call passes few arguments: per project, ``pf``
(float rows `LOWER` … `SHORT_AVAIL`), ``pi`` (integer rows) and ``pb`` (boolean rows); per ballot
group, ``gb`` (budgets and their error bounds).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

import numba
import numpy as np

F = TypeVar("F", bound=Callable[..., Any])


def _compiled(function: F) -> F:
    """Compile ``function`` in nopython mode (cached on disk beside this module)."""
    return cast(F, numba.njit(cache=True, nogil=True)(function))


LOWER, UPPER, PRICE, LO, HI, COST, SCALE, SHORT_AVAIL, AVAILABLE = range(9)
"""Rows of ``pf``: proven bounds of the price per unit of utility, the float price per point and
its proven interval, the cost, the utility per point, the money seen when found short, and the
float money of a project handed back for an exact shortness check."""
PAYING, SUPPORT, SHORT_ROUND = range(3)
"""Rows of ``pi``: points of supporters all paying the share (0 if not), total points, the round
(1-based) in which a project was found short (0: not yet)."""
ALIVE, DROPPED, DIRTY, AFFORDABLE = range(4)
"""Rows of ``pb``: still buyable, found short, price out of date, proven affordable this round."""
BUDGET, ERROR = range(2)
"""Rows of ``gb``."""

DONE, NEED_PRICE, NEED_SHORT = range(3)
"""What `choose` returns: candidates found, or a project whose price or shortness needs exact
arithmetic."""

UNIT = 2.0**-53
SAFETY = 1.0 + 2.0**-40
MAX_WIDTH = 1e-6


@_compiled
def _sum_error(total: float, terms: int) -> float:
    return 1.01 * (terms + 3) * UNIT * total * SAFETY


@_compiled
def _reach(
    lo: int, hi: int, groups: Any, weights: Any, points: Any, gb: Any, sign: float, price: float
) -> float:
    """What supporters pay at ``price`` with budgets ``b̃ + sign·e`` (clipped at 0)."""
    total = 0.0
    for k in range(lo, hi):
        g = groups[k]
        b = gb[BUDGET, g] + sign * gb[ERROR, g]
        b = max(b, 0.0)
        total += weights[k] * min(b, price * points[k])
    return total


@_compiled
def _certify(
    lo: int, hi: int, groups: Any, weights: Any, points: Any, gb: Any, cost: float, price: float
) -> tuple[float, float, bool]:
    """`bounds.certify` as a loop: a proven interval around ``price``, or ok False."""
    terms = hi - lo
    slack = 0.0
    payers = 0.0
    for k in range(lo, hi):
        g = groups[k]
        slack += weights[k] * gb[ERROR, g]
        if gb[BUDGET, g] >= price * points[k]:
            payers += weights[k] * points[k]
    slack *= SAFETY
    payers *= price
    width = 1.5 * slack / max(payers, cost * 1e-3) + 16.0 * (terms + 3) * UNIT
    for _ in range(3):
        if width > MAX_WIDTH:
            return 0.0, 0.0, False
        low, high = price * (1.0 - width), price * (1.0 + width)
        above = _reach(lo, hi, groups, weights, points, gb, 1.0, low)
        below = _reach(lo, hi, groups, weights, points, gb, -1.0, high)
        if above + _sum_error(above, terms) < cost and below - _sum_error(below, terms) >= cost:
            return low, high, True
        width *= 8.0
    return 0.0, 0.0, False


@_compiled
def _poor_rich(
    lo: int, hi: int, groups: Any, weights: Any, points: Any, gb: Any, cost: float, price: float
) -> float:
    """`payment.poor_rich` as a loop: the float fixed point of the pay-all-or-share split."""
    poor = np.zeros(hi - lo, dtype=np.bool_)
    paid_by_poor = 0.0
    rich_points = 0.0
    for k in range(lo, hi):
        rich_points += weights[k] * points[k]
    while True:
        moved = False
        for k in range(lo, hi):
            if poor[k - lo]:
                continue
            b = gb[BUDGET, groups[k]]
            if b / points[k] < price:
                poor[k - lo] = True
                moved = True
                paid_by_poor += weights[k] * b
                rich_points -= weights[k] * points[k]
        if not moved:
            return price
        if rich_points < 0.5:
            top = 0.0
            for k in range(lo, hi):
                top = max(top, gb[BUDGET, groups[k]] / points[k])
            return top
        price = (cost - paid_by_poor) / rich_points


@_compiled
def _paying(
    p: int, lo: int, hi: int, groups: Any, weights: Any, points: Any, gb: Any, pi: Any, pf: Any
) -> int:
    """Points of supporters with money left, if all of them surely pay their share; else 0."""
    total = pi[SUPPORT, p]
    empty = 0.0
    sure = np.inf
    for k in range(lo, hi):
        g = groups[k]
        b, e = gb[BUDGET, g], gb[ERROR, g]
        if b == 0.0 and e == 0.0:
            empty += weights[k] * points[k]
            continue
        sure = min(sure, (b - e) / points[k])
    total -= round(empty)
    if total == 0:
        return 0
    price = pf[COST, p] / float(total)
    return total if sure >= price * (1.0 + 8.0 * UNIT) else 0


@_compiled
def set_price(p: int, price: float, low: float, high: float, pf: Any, pb: Any) -> None:
    pf[PRICE, p] = price
    pf[LO, p] = low
    pf[HI, p] = high
    scale = pf[SCALE, p]
    pf[LOWER, p] = low / scale * (1.0 - 2.0 * UNIT)
    pf[UPPER, p] = high / scale * (1.0 + 2.0 * UNIT)
    pb[DIRTY, p] = False


@_compiled
def _evaluate(
    p: int, now: int, table: Any, gb: Any, pf: Any, pi: Any, pb: Any, exact: bool
) -> int:
    """Price ``p``; DONE (priced or found short: ``pb[ALIVE, p]`` tells), or what needs exact."""
    indptr, groups, weights, points = table
    if exact:
        return NEED_PRICE
    lo, hi = indptr[p], indptr[p + 1]
    cost = pf[COST, p]
    paying = _paying(p, lo, hi, groups, weights, points, gb, pi, pf)
    pi[PAYING, p] = paying
    if paying:
        price = cost / float(paying)
        set_price(p, price, price * (1.0 - 2.0 * UNIT), price * (1.0 + 2.0 * UNIT), pf, pb)
        return DONE
    available = 0.0
    error = 0.0
    smallest = np.inf
    for k in range(lo, hi):
        g = groups[k]
        available += weights[k] * gb[BUDGET, g]
        error += weights[k] * gb[ERROR, g]
        smallest = min(smallest, gb[BUDGET, g] / points[k])
    error *= SAFETY
    if not pb[AFFORDABLE, p]:
        margin = error + _sum_error(available, hi - lo)
        if available + margin < cost:
            mark_short(p, now, available, pf, pi, pb)
            return DONE
        if available - margin < cost:
            pf[AVAILABLE, p] = available
            return NEED_SHORT
    price = cost / float(pi[SUPPORT, p])
    if smallest < price:
        price = _poor_rich(lo, hi, groups, weights, points, gb, cost, price)
    pf[PRICE, p] = price
    low, high, ok = _certify(lo, hi, groups, weights, points, gb, cost, price)
    if not ok:
        return NEED_PRICE
    set_price(p, price, low, high, pf, pb)
    return DONE


@_compiled
def mark_short(p: int, now: int, available: float, pf: Any, pi: Any, pb: Any) -> None:
    """Drop ``p``: its supporters cannot pay for it (first round and money seen are kept)."""
    pb[ALIVE, p] = False
    pb[DROPPED, p] = True
    if pi[SHORT_ROUND, p] == 0:
        pi[SHORT_ROUND, p] = now + 1
        pf[SHORT_AVAIL, p] = available


@_compiled
def choose(
    now: int, table: Any, gb: Any, pf: Any, pi: Any, pb: Any, exact: bool, out: Any
) -> tuple[int, int]:
    """One round's search: (DONE, how many candidates in ``out``) or (NEED_…, project)."""
    alive = np.flatnonzero(pb[ALIVE])
    order = alive[np.argsort(pf[LOWER][alive], kind="mergesort")]
    best = np.inf
    seen = 0
    for p in order:
        if pf[LOWER, p] > best:
            break
        if pb[DIRTY, p]:
            status = _evaluate(p, now, table, gb, pf, pi, pb, exact)
            if status != DONE:
                return status, p
            if not pb[ALIVE, p]:
                continue
        out[seen] = p
        seen += 1
        best = min(best, pf[UPPER, p])
    tied = 0
    for k in range(seen):
        p = out[k]
        if pf[LOWER, p] <= best:
            out[tied] = p
            tied += 1
    return DONE, tied


@_compiled
def pay(
    p: int,
    price: float,
    error: float,
    table: Any,
    gb: Any,
    pf: Any,
    pb: Any,
    overlap: Any,
    poor: Any,
) -> bool:
    """Charge ``p``'s supporters ``min(budget, price × points)``; mark overlapping projects dirty.

    Also tells how the float run split them, for the exact replay's hint (`_Run._hint`): ``poor``
    gets who may have paid all they had at the price's upper bound, and the return value whether
    everyone else surely had at least that (the hint holds).
    """
    indptr, groups, _weights, points = table
    lo, hi = indptr[p], indptr[p + 1]
    hint_ok = True
    for k in range(lo, hi):
        g = groups[k]
        before = gb[BUDGET, g]
        err = gb[ERROR, g]
        hi_due = pf[HI, p] * points[k] * (1.0 + 8.0 * UNIT)
        poor[k - lo] = before < hi_due
        if not poor[k - lo] and before - err < hi_due:
            hint_ok = False
        due = price * points[k]
        after = before - min(before, due)
        due_error = (points[k] * error + UNIT * due) * SAFETY
        gb[BUDGET, g] = after
        if before + err < due - due_error:
            gb[ERROR, g] = 0.0
        else:
            gb[ERROR, g] = (err + due_error + UNIT * after) * SAFETY
    row = overlap[p]
    for q in range(len(row)):
        if row[q]:
            pb[DIRTY, q] = True
            pb[AFFORDABLE, q] = False
    pb[ALIVE, p] = False
    return hint_ok


@_compiled
def sweep(now: int, table: Any, gb: Any, pf: Any, pi: Any, pb: Any, exact: bool, near: Any) -> int:
    """Drop the alive projects surely short; list in ``near`` those floats cannot decide.

    A project is surely affordable when its supporters' float money, less its error bound, covers
    the cost, and surely short when the money plus the bound does not. The others (all that may be
    short, in the exact reference mode) go to the caller's exact check, their float money in
    ``pf[AVAILABLE]``.
    """
    indptr, groups, weights, _points = table
    found = 0
    for p in range(len(indptr) - 1):
        if not pb[ALIVE, p]:
            continue
        lo, hi = indptr[p], indptr[p + 1]
        available = 0.0
        error = 0.0
        for k in range(lo, hi):
            g = groups[k]
            available += weights[k] * gb[BUDGET, g]
            error += weights[k] * gb[ERROR, g]
        margin = error * SAFETY + _sum_error(available, hi - lo)
        cost = pf[COST, p]
        if available - margin >= cost:
            continue
        if not exact and available + margin < cost:
            mark_short(p, now, available, pf, pi, pb)
            continue
        pf[AVAILABLE, p] = available
        near[found] = p
        found += 1
    return found
