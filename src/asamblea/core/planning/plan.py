"""The plan: maximise the least fulfilment of the voted targets within all limits.

``solve_plan`` picks the method: a Leontief solve plus one scaling when every product has one
technique (and nothing else can use spare capacity), the exact LP with HiGHS for interactive
sizes, and the iterative method of ``large`` above that. Every answer states how it was found,
whether it is optimal, and (for the iterative method) its gap to the best bound; when that gap
stays open on an economy the LP can take (capacities and floors loosen the iterative bound), the
LP closes it: it proves the iterative answer optimal or replaces it (``_proven``). What an answer
holds is defined in ``solution``, which the solvers share; this module sits above them.
"""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Literal

import numpy as np

from asamblea.core.planning import large, lp
from asamblea.core.planning.leontief import embodied, gross_output
from asamblea.core.planning.model import Economy, Targets
from asamblea.core.planning.solution import (
    Duals,
    Plan,
    PlanStatus,
    empty_plan,
    plan_from_activity,
)

__all__ = ["LP_MAX_TECHNIQUES", "Method", "leontief_plan", "solve_plan"]

Method = Literal["auto", "leontief", "lp", "iterative"]
LP_MAX_TECHNIQUES = 2_000
"""Above this many techniques ``auto`` uses the iterative method: the LP's basis factors fill
in (a generated economy of 3,000 products did not solve in 60 s; 1,000 take about 1 s)."""


def solve_plan(
    economy: Economy,
    targets: Targets,
    *,
    method: Method = "auto",
    time_limit: float = 60.0,
    lexicographic: bool = True,
    warm_start: Plan | None = None,
) -> Plan:
    """The best feasible plan: max–min fulfilment, then lexicographic max–min.

    ``warm_start``: a previous plan of an economy of the same shape (e.g. before a what-if);
    the LP starts from its basis.
    """
    if targets.levels.shape != (economy.n_products,):
        msg = f"targets have {targets.levels.size} entries for {economy.n_products} products"
        raise ValueError(msg)
    start = time.perf_counter()
    fast = None
    if method in ("auto", "leontief") and economy.is_leontief:
        fast = leontief_plan(economy, targets, start=start)
    if fast is not None or method == "leontief":
        return fast or empty_plan(
            economy, PlanStatus.ERROR, "leontief", "the fast path does not apply here "
            "(several techniques, a binding capacity or floor, or a target free to rise)", start
        )
    small = economy.n_techniques <= LP_MAX_TECHNIQUES
    if method == "lp" or (method == "auto" and small):
        session = lp.LpSession(economy, basis=warm_start.basis if warm_start else None)
        exact = session.solve(targets, time_limit=time_limit, lexicographic=lexicographic)
        if exact.status != PlanStatus.TIME_LIMIT or method == "lp":
            return exact
    remaining = max(1.0, time_limit - (time.perf_counter() - start))
    iterative = large.solve_iterative(economy, targets, time_limit=remaining)
    if method == "iterative" or small:
        return _proven(economy, targets, iterative, start=start, time_limit=time_limit)
    return iterative


GAP_TOLERANCE = 1e-6
"""A relative gap below this counts as closed (the iterative method's own stopping rule)."""
HANDED_OVER = "the iterative method's bound could not close the gap; the exact LP solved it"
PROVEN_BY_LP = "the iterative answer is optimal: the exact LP's optimum equals it"


def _proven(
    economy: Economy, targets: Targets, plan: Plan, *, start: float, time_limit: float
) -> Plan:
    """Close the iterative method's gap with the exact LP when the economy is small enough.

    With capacities or floors the iterative method's dual bound can stay loose even when its plan
    is optimal; the LP's optimum is the exact bound. If the LP finds the same least fulfilment,
    the iterative plan is reported optimal (bound = the LP's optimum); if it finds more, its plan
    is returned instead. A gap already closed, or an economy too large for the LP, is left alone.
    """
    if plan.has_plan and plan.gap <= GAP_TOLERANCE:
        return plan
    if economy.n_techniques > LP_MAX_TECHNIQUES:
        return plan
    remaining = time_limit - (time.perf_counter() - start)
    if remaining <= 0.5:
        return plan
    exact = lp.LpSession(economy).solve(targets, time_limit=remaining, lexicographic=True)
    if exact.status != PlanStatus.OPTIMAL:
        return plan if plan.has_plan else replace(exact, method="iterative+lp")
    seconds = time.perf_counter() - start
    if plan.has_plan and plan.fulfilment >= exact.fulfilment * (1 - GAP_TOLERANCE):
        return replace(
            plan, status=PlanStatus.OPTIMAL, bound=exact.fulfilment, seconds=seconds,
            message=PROVEN_BY_LP,
        )
    return replace(exact, method="iterative+lp", seconds=seconds, message=HANDED_OVER)


def leontief_plan(economy: Economy, targets: Targets, *, start: float) -> Plan | None:
    """One Leontief solve plus one scaling; ``None`` when the LP is needed instead.

    With one technique per product, net output ``t × targets`` needs gross output ``t × x``
    where ``x = (I - A)^-1 targets``; ``t`` is the largest value that keeps labour, every
    resource and every capacity within its limit. The plan is lexicographically optimal when the
    binding limit is labour or a resource that every target embodies; floors above ``t ×
    targets`` or a binding capacity need the LP.
    """
    levels = targets.levels
    x = gross_output(economy, levels, refine=2)
    uses = np.concatenate([[economy.labour @ x], economy.resource_use @ x])
    limits = np.concatenate([[economy.labour_limit], economy.resource_limits])
    with np.errstate(divide="ignore", invalid="ignore"):
        ratios = np.where(uses > 0, limits / uses, np.inf)
        cap_ratios = np.where(x > 0, economy.capacity_array / x, np.inf)
    t = float(min(ratios.min(), cap_ratios.min()))
    capacity_binds = cap_ratios.min() <= ratios.min()
    if not np.isfinite(t) or capacity_binds or np.any(targets.floors > t * levels):
        return None
    binding = int(np.argmin(ratios))
    costs = np.vstack([economy.labour, economy.resource_use.toarray()])[binding][None, :]
    content = embodied(economy, np.arange(economy.n_products), costs)[0]
    if np.any(content[levels > 0] <= 0):
        return None
    price = 1.0 / float(uses[binding])
    prices = np.zeros(limits.size)
    prices[binding] = price
    duals = Duals(
        labour=float(prices[0]),
        resources=prices[1:],
        capacity=np.zeros(economy.n_techniques),
        products=price * content,
    )
    activity = t * x
    return plan_from_activity(
        economy, targets, activity, status=PlanStatus.OPTIMAL, method="leontief", bound=t,
        seconds=time.perf_counter() - start, duals=duals,
    )
