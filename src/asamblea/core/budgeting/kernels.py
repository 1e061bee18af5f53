"""The float loops of an Equal Shares round, compiled with Numba (used by `equal_shares`).

One call of `choose` plays a round's search for the cheapest project: it visits alive projects in
order of their price's proven lower bound, prices the dirty ones (the all-share price
``cost / points`` when every supporter surely pays it, else the float fixed point and its proven
interval), and stops when the next lower bound is above the best proven upper bound.
When floats cannot decide (shortness or an interval), it hands the project back to the caller,
which decides in exact rationals and calls again. `pay` charges a bought project's supporters and
updates their error bounds. The arithmetic and its proven bounds are argued in docs/budgeting.md
("Precision strategy"), written as loops so that a round costs microseconds instead of NumPy calls.

State lives in a few stacked arrays so that a call passes few arguments: per project, ``pf``
(float rows `LOWER` … `AVAILABLE`), ``pi`` (integer rows) and ``pb`` (boolean rows); per ballot
group, ``gb`` (budgets and their error bounds, side by side).
"""

from __future__ import annotations

from typing import Any

import numpy as np

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
"""Columns of ``gb`` (one row per ballot group, so a group's budget and bound sit together)."""

DONE, NEED_PRICE, NEED_SHORT = range(3)
"""What `choose` returns: candidates found, or a project whose price or shortness needs exact
arithmetic."""

UNIT = 2.0**-53
"""Unit roundoff of float64 (round to nearest)."""
SAFETY = 1.0 + 2.0**-40
"""Inflates every computed bound, so rounding in the bound's own arithmetic cannot shrink it."""
MAX_WIDTH = 1e-6
"""Widest relative interval tried for a price; past it the price is computed exactly."""


def _sum_error(total: float, terms: int) -> float:
    """Bound on |computed − exact| for a float sum of ``terms`` nonnegative products.

    Each term adds three roundings (``b̃ ± e``, ``ρ × points``, ``count × min``) and any
    summation order adds at most ``(terms − 1) · UNIT`` relative to the exact sum (Higham,
    *Accuracy and Stability of Numerical Algorithms*, §3.1 and §4.2); ``1.01`` covers ``γ_n``'s
    denominator for every ``n < 10¹⁴``.
    """
    return 1.01 * (terms + 3) * UNIT * total * SAFETY


def _certify(
    w: Any, b: Any, e: Any, pts: Any, cost: float, price: float, slack: float, payers: float
) -> tuple[float, float, bool]:
    """A proven interval around ``price`` (gathered supporters), or ok False.

    ``f(ρ) = Σ count · min(b, ρ · points)`` is nondecreasing and the exact price is the least
    ``ρ`` with ``f(ρ) ≥ cost``: if even budgets ``b̃ + e`` do not reach the cost at ``low`` and
    budgets ``b̃ − e`` reach it at ``high`` (each float sum with its rounding bound,
    `_sum_error`), the exact price is in ``(low, high]``. Widths tried: what the budgets' errors
    can move the price by, then 8 and 64 times it, up to `MAX_WIDTH`.

    ``slack`` is ``Σ count · e`` (already inflated), ``payers`` the money the share-payers put in
    at ``price``; they only set the first width tried (any width is checked by `_sum_error`).
    """
    terms = len(w)
    width = 1.5 * slack / max(payers, cost * 1e-3) + 16.0 * (terms + 3) * UNIT
    for _ in range(3):
        if width > MAX_WIDTH:
            return 0.0, 0.0, False
        low, high = price * (1.0 - width), price * (1.0 + width)
        above = 0.0
        below = 0.0
        for k in range(terms):
            above += w[k] * min(b[k] + e[k], low * pts[k])
            below += w[k] * min(max(b[k] - e[k], 0.0), high * pts[k])
        if above + _sum_error(above, terms) < cost and below - _sum_error(below, terms) >= cost:
            return low, high, True
        width *= 8.0
    return 0.0, 0.0, False


def _poor_rich(
    w: Any, b: Any, pts: Any, ratio: Any, cost: float, price: float, rich_points: float
) -> tuple[float, float]:
    """On gathered supporters: the float fixed point of the pay-all-or-share
    split, and the points of those who pay the share at it.

    Each pass moves to "poor" the supporters whose budget per point is below the price; the
    price only grows, so the rich side only shrinks and is kept compacted.
    """
    rich = np.arange(len(w))
    left = len(w)
    paid_by_poor = 0.0
    while True:
        kept = 0
        for j in range(left):
            k = rich[j]
            if ratio[k] < price:
                paid_by_poor += w[k] * b[k]
                rich_points -= w[k] * pts[k]
            else:
                rich[kept] = k
                kept += 1
        if kept == left:
            return price, rich_points
        left = kept
        if rich_points < 0.5:
            return ratio.max(), 0.0
        price = (cost - paid_by_poor) / rich_points


def set_price(p: int, price: float, low: float, high: float, pf: Any, pb: Any) -> None:
    """Keep ``p``'s float price per point and its proven interval (and the per-utility bounds)."""
    pf[PRICE, p] = price
    pf[LO, p] = low
    pf[HI, p] = high
    scale = pf[SCALE, p]
    pf[LOWER, p] = low / scale * (1.0 - 2.0 * UNIT)
    pf[UPPER, p] = high / scale * (1.0 + 2.0 * UNIT)
    pb[DIRTY, p] = False


def _gather(
    groups: Any, w: Any, pts: Any, gb: Any
) -> tuple[Any, Any, Any, float, float, float, float, float]:
    """Supporters' budgets, bounds and budgets per point, side by side, and in one pass: the
    money they hold, its error bound, the least budget per point, the points of those left
    with exactly nothing, and the least proven budget per point of the others."""
    n = len(groups)
    b = np.empty(n)
    e = np.empty(n)
    ratio = np.empty(n)
    available = 0.0
    error = 0.0
    smallest = np.inf
    empty = 0.0
    sure = np.inf
    for k in range(n):
        g = groups[k]
        bk, ek = gb[g, BUDGET], gb[g, ERROR]
        b[k] = bk
        e[k] = ek
        one = pts[k] == 1.0  # approval ballots: no division
        ratio[k] = bk if one else bk / pts[k]
        available += w[k] * bk
        error += w[k] * ek
        smallest = min(smallest, ratio[k])
        if bk == 0.0 and ek == 0.0:
            empty += w[k] * pts[k]
        else:
            sure = min(sure, (bk - ek) if one else (bk - ek) / pts[k])
    return b, e, ratio, available, error, smallest, empty, sure


def _evaluate(p: int, now: int, table: Any, gb: Any, pf: Any, pi: Any, pb: Any, exact: bool) -> int:
    """Price ``p``; DONE (priced or found short: ``pb[ALIVE, p]`` tells), or what needs exact.

    One pass gathers the supporters' budgets and bounds. If every supporter with money left
    (float 0 with bound 0 is exactly nothing) surely holds the all-share price, the exact price
    is ``cost / their points`` (``pi[PAYING]``). Otherwise shortness is decided when the bound
    allows, and the float fixed point is certified.
    """
    indptr, groups, weights, points = table
    if exact:
        return NEED_PRICE
    lo, hi = indptr[p], indptr[p + 1]
    n = hi - lo
    cost = pf[COST, p]
    w = weights[lo:hi]
    pts = points[lo:hi]
    b, e, ratio, available, error, smallest, empty, sure = _gather(groups[lo:hi], w, pts, gb)
    support = pi[SUPPORT, p]
    paying = support - round(empty)
    if paying != 0 and sure < cost / float(paying) * (1.0 + 8.0 * UNIT):
        paying = 0
    pi[PAYING, p] = paying
    if paying:
        price = cost / float(paying)
        set_price(p, price, price * (1.0 - 2.0 * UNIT), price * (1.0 + 2.0 * UNIT), pf, pb)
        return DONE
    error *= SAFETY
    if not pb[AFFORDABLE, p]:
        margin = error + _sum_error(available, n)
        if available + margin < cost:
            mark_short(p, now, available, pf, pi, pb)
            return DONE
        if available - margin < cost:
            pf[AVAILABLE, p] = available
            return NEED_SHORT
    # prices only grow: the last proven lower bound is a valid start for the fixed point
    price = max(cost / float(support), pf[LO, p])
    rich = float(support)
    if smallest < price:
        price, rich = _poor_rich(w, b, pts, ratio, cost, price, rich)
    pf[PRICE, p] = price
    low, high, ok = _certify(w, b, e, pts, cost, price, error, rich * price)
    if not ok:
        return NEED_PRICE
    set_price(p, price, low, high, pf, pb)
    return DONE


def mark_short(p: int, now: int, available: float, pf: Any, pi: Any, pb: Any) -> None:
    """Drop ``p``: its supporters cannot pay for it (first round and money seen are kept)."""
    pb[ALIVE, p] = False
    pb[DROPPED, p] = True
    if pi[SHORT_ROUND, p] == 0:
        pi[SHORT_ROUND, p] = now + 1
        pf[SHORT_AVAIL, p] = available


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

    Also tells how the float run split them, for the exact replay's hint (`_Run._pay`): ``poor``
    gets who may have paid all they had at the price's upper bound, and the return value whether
    everyone else surely had at least that (the hint holds).
    """
    indptr, groups, _weights, points = table
    lo, hi = indptr[p], indptr[p + 1]
    hint_ok = True
    for k in range(lo, hi):
        g = groups[k]
        before = gb[g, BUDGET]
        err = gb[g, ERROR]
        hi_due = pf[HI, p] * points[k] * (1.0 + 8.0 * UNIT)
        poor[k - lo] = before < hi_due
        if not poor[k - lo] and before - err < hi_due:
            hint_ok = False
        due = price * points[k]
        after = before - min(before, due)
        due_error = (points[k] * error + UNIT * due) * SAFETY
        gb[g, BUDGET] = after
        if before + err < due - due_error:
            gb[g, ERROR] = 0.0
        else:
            gb[g, ERROR] = (err + due_error + UNIT * after) * SAFETY
    row = overlap[p]
    for q in range(len(row)):
        if row[q]:
            pb[DIRTY, q] = True
            pb[AFFORDABLE, q] = False
    pb[ALIVE, p] = False
    return hint_ok


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
        cost = pf[COST, p]
        enough = False
        for k in range(lo, hi):
            g = groups[k]
            available += weights[k] * gb[g, BUDGET]
            error += weights[k] * gb[g, ERROR]
            # the terms left are nonnegative: a partial sum that surely covers the cost is enough
            if (k - lo) % 64 == 63 and available - error * SAFETY - _sum_error(
                available, hi - lo
            ) >= cost:
                enough = True
                break
        if enough:
            continue
        margin = error * SAFETY + _sum_error(available, hi - lo)
        if available - margin >= cost:
            continue
        if not exact and available + margin < cost:
            mark_short(p, now, available, pf, pi, pb)
            continue
        pf[AVAILABLE, p] = available
        near[found] = p
        found += 1
    return found


NOW, SPENT, LIMIT, EVERY, SWEPT, PAUSE_AT = range(6)
"""Slots of ``ctl``, the run's counters: rounds played, cost bought, the add1 limit (−1: none),
sweep for short projects every this many rounds (0: never), round (1-based) of the last sweep,
round at which to hand back to the caller (recording explanations)."""
FINISHED, INFEASIBLE, OPEN, PAUSED, NEED_TIE, NEED_SWEEP = range(3, 9)
"""What `rounds` returns besides `NEED_PRICE`/`NEED_SHORT`: nothing left to buy, over the
limit, surely open (`_Run._surely_open`), paused, a tie floats and integers cannot break, or
projects the sweep could not decide."""


def _surely_open(ctl: Any, costs: Any, pb: Any) -> bool:
    """The final outcome will be within the limit and not exhaustive (see `_Run.run`)."""
    slack = ctl[LIMIT] - ctl[SPENT]
    cheapest = -1
    for q in range(len(costs)):
        if pb[ALIVE, q]:
            slack -= costs[q]
        elif pb[DROPPED, q] and (cheapest < 0 or costs[q] < cheapest):
            cheapest = costs[q]
    return cheapest >= 0 and slack >= 0 and cheapest <= slack


def buy(
    p: int,
    price: float,
    error: float,
    ctl: Any,
    table: Any,
    gb: Any,
    pf: Any,
    pb: Any,
    overlap: Any,
    costs: Any,
    log: Any,
) -> int:
    """Pay for ``p`` and log the round; INFEASIBLE, OPEN, or DONE (play on)."""
    indptr = table[0]
    bought, poor_log, hinted = log
    lo, hi = indptr[p], indptr[p + 1]
    hinted[p] = pay(p, price, error, table, gb, pf, pb, overlap, poor_log[lo:hi])
    bought[ctl[NOW]] = p
    ctl[NOW] += 1
    ctl[SPENT] += costs[p]
    if ctl[LIMIT] >= 0:
        if ctl[SPENT] > ctl[LIMIT]:
            return INFEASIBLE
        if _surely_open(ctl, costs, pb):
            return OPEN
    return DONE


def _paying_tie(count: int, out: Any, pi: Any, costs: Any, scale: Any, rank: Any) -> int:
    """Winner of a tie whose projects all have exact price cost / paying; −1 when some is not
    so, or the integer products could overflow (the caller then decides in Python)."""
    best = -1
    most = np.zeros(3)
    for k in range(count):
        p = out[k]
        if pi[PAYING, p] == 0:
            return -1
        most[0] = max(most[0], float(costs[p]))
        most[1] = max(most[1], float(pi[PAYING, p]))
        most[2] = max(most[2], float(scale[p]))
    if most[0] * most[1] * most[2] > 2.0**61:
        return -1
    for k in range(count):
        p = out[k]
        if best < 0:
            best = p
            continue
        # p's price per utility costs[p] / (paying[p] · scale[p]) against best's
        left = costs[p] * pi[PAYING, best] * scale[best]
        right = costs[best] * pi[PAYING, p] * scale[p]
        if left < right or (left == right and rank[p] < rank[best]):
            best = p
    return best


def rounds(
    ctl: Any,
    table: Any,
    gb: Any,
    pf: Any,
    pi: Any,
    pb: Any,
    ints: Any,
    overlap: Any,
    exact: bool,
    out: Any,
    log: Any,
) -> tuple[int, int]:
    """Play rounds until the run ends or needs the caller: (status, count or project).

    Each round: every ``ctl[EVERY]`` rounds a sweep drops projects surely short; `choose` finds
    the candidates; one is bought, or a tie of all-share prices is broken by integer products
    and the tie-break rank. Anything floats and integers cannot decide goes back to the caller,
    which decides exactly and calls again.
    """
    costs, scale, rank = ints
    while True:
        now = ctl[NOW]
        if now >= ctl[PAUSE_AT]:
            return PAUSED, 0
        if not pb[ALIVE].any():
            return FINISHED, 0
        if ctl[EVERY] > 0 and now % ctl[EVERY] == 0 and ctl[SWEPT] != now + 1:
            ctl[SWEPT] = now + 1
            found = sweep(now, table, gb, pf, pi, pb, exact, out)
            if found:
                return NEED_SWEEP, found
            continue
        status, value = choose(now, table, gb, pf, pi, pb, exact, out)
        if status != DONE:
            return status, value
        if value == 0:
            return FINISHED, 0
        if value == 1:
            p = out[0]
            price = pf[PRICE, p]
            error = max(price - pf[LO, p], pf[HI, p] - price) * SAFETY
        else:
            p = _paying_tie(value, out, pi, costs, scale, rank)
            if p < 0:
                return NEED_TIE, value
            price = pf[COST, p] / float(pi[PAYING, p])
            error = price * UNIT * SAFETY
        status = buy(p, price, error, ctl, table, gb, pf, pb, overlap, costs, log)
        if status != DONE:
            return status, 0


_KERNELS = (
    "_sum_error",
    "_certify",
    "_poor_rich",
    "set_price",
    "_gather",
    "_evaluate",
    "mark_short",
    "choose",
    "pay",
    "sweep",
    "_surely_open",
    "buy",
    "_paying_tie",
    "rounds",
)
_loaded: list[bool] = []


def load() -> None:
    """Compile the kernels in nopython mode, once per process (cached on disk beside this module).

    Numba is imported here, not at module import, so that only a process that runs Equal Shares
    pays for loading it. Kernels call each other through this module's globals, which hold the
    compiled versions from then on; callers reach them as ``kernels.NAME`` after `load`.
    """
    if _loaded:
        return
    import numba  # noqa: PLC0415 - heavy import, deferred to the first run

    space = globals()
    for name in _KERNELS:
        space[name] = numba.njit(cache=True, nogil=True)(space[name])
    _loaded.append(True)
