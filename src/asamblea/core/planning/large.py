"""Plans for economies too large for the exact LP: column generation over Leontief solves.

Dantzig–Wolfe on the plan LP. A *column* is a choice of one technique per product together with
the gross output that makes the targets once (a Leontief solve). The master problem mixes
columns, ``max Σλ`` subject to ``Σ λ_c use_c <= limits``; its dual prices ``w`` of labour and
resources price every technique, and the cheapest choice under those prices (policy iteration:
values ``v = w·c + v A`` by BiCGSTAB, then the cheapest technique per product) is the next
column. ``w·limits / (v·targets)`` is an upper bound on the least fulfilment (Lagrangian dual),
and the master's mix, scaled down to respect capacities, is a feasible plan: the gap between
the two is reported. Without capacities and floors the method converges to the LP optimum.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

import highspy
import numpy as np
from scipy import sparse

from asamblea.core.planning.leontief import leontief_solve
from asamblea.core.planning.model import Economy, FloatArray, IntArray, Targets
from asamblea.core.planning.solution import Duals, Plan, PlanStatus, empty_plan, plan_from_activity

__all__ = ["cheapest_techniques", "solve_iterative"]

MAX_POLICY_STEPS = 30
LAMBDA_CAP = 1e12


@dataclass
class _Columns:
    activity: list[FloatArray]
    use: list[FloatArray]


@dataclass(frozen=True)
class _Problem:
    economy: Economy
    targets: Targets
    costs: sparse.csr_array
    room: FloatArray
    floor_x: FloatArray
    finite: IntArray
    start: float


def cheapest_techniques(
    economy: Economy,
    cost: FloatArray,
    start: IntArray | None = None,
    *,
    deadline: float = np.inf,
) -> tuple[IntArray, FloatArray, bool]:
    """The technique per product that minimises full cost ``v = cost + v A`` (policy iteration).

    Returns the chosen technique per product, the values ``v`` (full cost per unit) of that
    choice, and whether the choice is the cheapest (``False`` when stopped by ``deadline``).
    """
    product = economy.technique_product
    n = economy.n_products
    chosen = _group_argmin(product, cost, n) if start is None else start
    transpose = economy.inputs.T.tocsr()
    values = np.zeros(n)
    for _ in range(MAX_POLICY_STEPS):
        square_t = sparse.csr_array(economy.inputs[:, chosen].T)
        values = leontief_solve(square_t, cost[chosen])
        full = cost + transpose @ values
        best = _group_argmin(product, full, n)
        improve = full[best] < full[chosen] - 1e-12 * np.maximum(1.0, np.abs(full[chosen]))
        if not np.any(improve):
            return chosen, values, True
        if time.perf_counter() > deadline:
            break
        chosen = np.where(improve, best, chosen)
    return chosen, values, False


def _group_argmin(product: IntArray, value: FloatArray, n: int) -> IntArray:
    order = np.lexsort((value, product))
    first = np.ones(order.size, dtype=bool)
    first[1:] = product[order][1:] != product[order][:-1]
    chosen = np.empty(n, dtype=np.int64)
    chosen[product[order][first]] = order[first]
    return chosen


def solve_iterative(
    economy: Economy, targets: Targets, *, time_limit: float = 60.0, tol: float = 1e-7
) -> Plan:
    """A feasible plan with its gap to the best bound, within ``time_limit`` seconds."""
    start = time.perf_counter()
    limits = np.concatenate([[economy.labour_limit], economy.resource_limits])
    finite = np.flatnonzero(np.isfinite(limits))
    if finite.size == 0:
        return empty_plan(
            economy, PlanStatus.UNBOUNDED, "iterative",
            "no labour or resource limit: set one for the iterative method", start,
        )
    costs = sparse.vstack([sparse.csr_array(economy.labour[None, :]), economy.resource_use])
    costs = sparse.csr_array(costs)[finite]
    floor_x = _column(economy, targets.floors, _policy(economy, costs, 1 / limits[finite]))
    room = limits[finite] - costs @ floor_x
    if np.any(floor_x > economy.capacity_array * (1 + 1e-12)):
        return empty_plan(
            economy, PlanStatus.UNKNOWN, "iterative",
            "the iterative method could not meet the floors within capacities; try the LP", start,
        )
    if np.any(room < 0):  # with one technique per product no other choice could do better
        status = PlanStatus.INFEASIBLE if economy.is_leontief else PlanStatus.UNKNOWN
        return empty_plan(
            economy, status, "iterative", "the floors alone need more than the limits allow", start
        )
    problem = _Problem(economy, targets, costs, room, floor_x, finite, start)
    return _generate(problem, time_limit=time_limit, tol=tol)


def _policy(
    economy: Economy, costs: sparse.csr_array, weights: FloatArray, deadline: float = np.inf
) -> IntArray:
    return cheapest_techniques(economy, weights @ costs, deadline=deadline)[0]


def _column(economy: Economy, demand: FloatArray, chosen: IntArray) -> FloatArray:
    activity = np.zeros(economy.n_techniques)
    activity[chosen] = leontief_solve(
        sparse.csc_array(economy.inputs[:, chosen]), demand, refine=1
    )
    return activity


def _generate(problem: _Problem, *, time_limit: float, tol: float) -> Plan:
    """Column generation until the gap closes or the next round would pass the deadline."""
    economy, costs, room = problem.economy, problem.costs, problem.room
    deadline = problem.start + time_limit
    columns = _Columns([], [])
    for k in range(room.size):
        weights = np.zeros(room.size)
        weights[k] = 1.0 / max(room[k], 1e-300)
        _add(columns, problem, _policy(economy, costs, weights, deadline))
    bound, rounds, chosen, last = np.inf, 0, None, 0.0
    lam, weights = _master(columns, room)
    while time.perf_counter() + last <= deadline:
        began = time.perf_counter()
        rounds += 1
        chosen, values, cheapest = cheapest_techniques(
            economy, weights @ costs, chosen, deadline=deadline
        )
        price = float(values @ problem.targets.levels)
        if cheapest and price > 0:  # a valid bound needs the cheapest choice
            bound = min(bound, float(weights @ room) / price)
        if not cheapest or bound - lam.sum() <= tol * bound or price >= 1 - 1e-12:
            break
        _add(columns, problem, chosen)
        lam, weights = _master(columns, room)
        last = time.perf_counter() - began
    return _finish(problem, columns, lam, weights, bound=bound, rounds=rounds)


def _add(columns: _Columns, problem: _Problem, chosen: IntArray) -> None:
    activity = _column(problem.economy, problem.targets.levels, chosen)
    columns.activity.append(activity)
    columns.use.append(problem.costs @ activity)


def _master(columns: _Columns, room: FloatArray) -> tuple[FloatArray, FloatArray]:
    """``max Σλ`` s.t. ``Σ λ_c use_c <= room``; returns λ and the dual prices of the limits."""
    use = np.column_stack(columns.use)
    k, c = use.shape
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = c, k
    lp.col_cost_ = np.ones(c)
    lp.col_lower_, lp.col_upper_ = np.zeros(c), np.full(c, LAMBDA_CAP)
    lp.row_lower_, lp.row_upper_ = np.full(k, -highspy.kHighsInf), room
    lp.sense_ = highspy.ObjSense.kMaximize
    matrix = sparse.csc_array(use)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_, lp.a_matrix_.index_ = matrix.indptr, matrix.indices
    lp.a_matrix_.value_ = matrix.data
    h = highspy.Highs()  # type: ignore[no-untyped-call]
    h.silent()
    h.passModel(lp)
    h.run()
    solution = h.getSolution()
    return np.asarray(solution.col_value), np.abs(np.asarray(solution.row_dual))


def _finish(
    problem: _Problem, columns: _Columns, lam: FloatArray, weights: FloatArray, *,
    bound: float, rounds: int,
) -> Plan:
    economy, floor_x = problem.economy, problem.floor_x
    mix = np.column_stack(columns.activity) @ lam
    activity = floor_x + mix * _capacity_scale(economy, floor_x, mix)
    price = np.zeros(1 + len(economy.resources))
    price[problem.finite] = weights
    plan = plan_from_activity(
        economy, problem.targets, activity, status=PlanStatus.FEASIBLE, method="iterative",
        bound=bound, seconds=time.perf_counter() - problem.start, rounds=rounds,
        lexicographic_complete=False,
        message="max–min only: the iterative method has no lexicographic stage",
        duals=Duals(labour=float(price[0]), resources=price[1:],
                    capacity=np.zeros(economy.n_techniques), products=np.zeros(0)),
    )
    if plan.gap <= 1e-6:
        return replace(plan, status=PlanStatus.OPTIMAL)
    return plan


def _capacity_scale(economy: Economy, floor_x: FloatArray, mix: FloatArray) -> float:
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(mix > 0, (economy.capacity_array - floor_x) / mix, np.inf)
    return float(max(0.0, min(1.0, ratio.min())))
