"""The plan: maximise the least fulfilment of the voted targets within all limits.

``solve_plan`` picks the method: a Leontief solve plus one scaling when every product has one
technique (and nothing else can use spare capacity), the exact LP with HiGHS for interactive
sizes, and the iterative method of ``large`` above that. Every answer states how it was found,
whether it is optimal, and (for the iterative method) its gap to the best bound.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

import numpy as np

from asamblea.core.planning.leontief import embodied, gross_output
from asamblea.core.planning.model import Economy, FloatArray, Targets

__all__ = [
    "LP_MAX_TECHNIQUES",
    "Basis",
    "Duals",
    "Method",
    "Plan",
    "PlanStatus",
    "constraint_violation",
    "empty_plan",
    "leontief_plan",
    "plan_from_activity",
    "solve_plan",
]

Method = Literal["auto", "leontief", "lp", "iterative"]
Basis = tuple[tuple[int, ...], tuple[int, ...]]
LP_MAX_TECHNIQUES = 2_000
"""Above this many techniques ``auto`` uses the iterative method: the LP's basis factors fill
in (a generated economy of 3,000 products did not solve in 60 s; 1,000 take about 1 s)."""


class PlanStatus(StrEnum):
    """How far the solver got; only ``OPTIMAL`` and ``FEASIBLE`` carry a plan."""

    OPTIMAL = "optimal"
    FEASIBLE = "feasible"
    INFEASIBLE = "infeasible"
    UNBOUNDED = "unbounded"
    TIME_LIMIT = "time_limit"
    UNKNOWN = "unknown"
    """The method stopped without a feasible plan, although one may exist (try the LP)."""
    ERROR = "error"


@dataclass(frozen=True, eq=False)
class Duals:
    """Shadow prices of the first (max–min) stage, in fulfilment ratio per unit of limit.

    ``labour``: gain in least fulfilment per extra hour; ``resources``: per extra unit of each
    resource; ``capacity``: per extra unit of capacity of each technique; ``products``: loss
    per unit of net output of each product taken away (the plan's valuation of products).
    """

    labour: float
    resources: FloatArray
    capacity: FloatArray
    products: FloatArray


@dataclass(frozen=True, eq=False)
class Plan:
    """A solved plan (or the honest reason why there is none)."""

    status: PlanStatus
    method: str
    fulfilment: float
    activity: FloatArray
    gross_output: FloatArray
    net_output: FloatArray
    target_fulfilment: FloatArray
    labour_used: float
    resource_used: FloatArray
    bound: float
    seconds: float
    message: str = ""
    duals: Duals | None = None
    rounds: int = 1
    lexicographic_complete: bool = True
    basis: Basis | None = None
    """The LP's optimal basis (status codes of columns, then rows): a warm start for what-ifs."""

    @property
    def gap(self) -> float:
        """Relative gap between the least fulfilment found and the best known upper bound."""
        if not np.isfinite(self.bound) or not np.isfinite(self.fulfilment):
            return float("inf")
        return max(0.0, self.bound - self.fulfilment) / max(abs(self.bound), 1e-12)

    @property
    def has_plan(self) -> bool:
        """True when the plan's quantities are meaningful (optimal or feasible)."""
        return self.status in (PlanStatus.OPTIMAL, PlanStatus.FEASIBLE)


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
    from asamblea.core.planning import large, lp  # noqa: PLC0415 (they import this module)

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
    return large.solve_iterative(economy, targets, time_limit=remaining)


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


def plan_from_activity(
    economy: Economy,
    targets: Targets,
    activity: FloatArray,
    *,
    status: PlanStatus,
    method: str,
    bound: float,
    seconds: float,
    **extra: object,
) -> Plan:
    """Derive every reported quantity from the technique activity levels."""
    activity = np.clip(activity, 0.0, economy.capacity_array)
    gross = np.bincount(
        economy.technique_product, weights=activity, minlength=economy.n_products
    ).astype(np.float64)
    net = gross - economy.inputs @ activity
    wanted = targets.levels > 0
    shares = np.full(economy.n_products, np.nan)
    shares[wanted] = net[wanted] / targets.levels[wanted]
    least = float(shares[wanted].min())
    return Plan(
        status=status,
        method=method,
        fulfilment=least,
        activity=activity,
        gross_output=gross,
        net_output=net,
        target_fulfilment=shares,
        labour_used=float(economy.labour @ activity),
        resource_used=economy.resource_use @ activity,
        bound=max(bound, least),
        seconds=seconds,
        **extra,  # type: ignore[arg-type]
    )


def empty_plan(
    economy: Economy, status: PlanStatus, method: str, message: str, start: float
) -> Plan:
    """A plan without quantities, for a status that has none (infeasible, time limit …)."""
    zeros = np.zeros(economy.n_products)
    return Plan(
        status=status, method=method, fulfilment=float("nan"),
        activity=np.zeros(economy.n_techniques), gross_output=zeros, net_output=zeros,
        target_fulfilment=np.full(economy.n_products, np.nan), labour_used=0.0,
        resource_used=np.zeros(len(economy.resources)), bound=float("inf"),
        seconds=time.perf_counter() - start, message=message,
    )


def constraint_violation(economy: Economy, targets: Targets, plan: Plan) -> float:
    """Largest violation of any constraint by the plan, relative to the size of its bound.

    Each row ``a·x <= b`` counts ``max(0, a·x - b) / max(1, |b|)``, so 0 means every
    constraint holds exactly and 1e-9 means to nine significant digits.
    """
    x, net = plan.activity, plan.net_output
    cap = economy.capacity_array
    wanted = plan.fulfilment * targets.levels
    checks = [
        _worst(-x, np.zeros_like(x)),
        _worst(x[np.isfinite(cap)] - cap[np.isfinite(cap)], cap[np.isfinite(cap)]),
        _worst(wanted - net, wanted),
        _worst(targets.floors - net, targets.floors),
        _worst(-net, np.zeros_like(net)),
        _worst(np.array([economy.labour @ x - economy.labour_limit]),
               np.array([economy.labour_limit])),
        _worst(economy.resource_use @ x - economy.resource_limits, economy.resource_limits),
    ]
    return max(0.0, *checks)


def _worst(excess: FloatArray, bound: FloatArray) -> float:
    """Largest ``excess / max(1, |bound|)`` (0 for empty rows or infinite bounds)."""
    finite = np.isfinite(bound)
    if not np.any(finite):
        return 0.0
    return float(np.max(excess[finite] / np.maximum(1.0, np.abs(bound[finite])), initial=0.0))
