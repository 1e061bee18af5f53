"""What a solved plan is: its status, quantities, shadow prices and how far from the bound.

The solvers (``leontief`` path in ``plan``, ``lp``, ``large``) build these; ``plan`` chooses
among the solvers and sits above them, so nothing here imports a solver.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from asamblea.core.planning.model import Economy, FloatArray, Targets

__all__ = [
    "Basis",
    "Duals",
    "Plan",
    "PlanStatus",
    "constraint_violation",
    "empty_plan",
    "plan_from_activity",
]

Basis = tuple[tuple[int, ...], tuple[int, ...]]


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
