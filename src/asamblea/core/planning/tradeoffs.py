"""What limits the plan and what each target costs.

For a solved plan: every finite limit (labour, each resource, each capacity) with its use, its
availability, whether it binds and its shadow price (gain in least fulfilment per extra unit);
and, with the techniques the plan uses, the labour value of every product (hours embodied per
unit) and its resource content — what one more unit of a target costs in hours and in each
resource, as long as the same techniques stay in use.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from asamblea.core.planning.leontief import embodied
from asamblea.core.planning.model import Economy, FloatArray, IntArray
from asamblea.core.planning.solution import Plan

__all__ = ["Limit", "TradeOffs", "chosen_techniques", "trade_offs"]

BINDING_TOL = 1e-7


@dataclass(frozen=True)
class Limit:
    """One limit of the plan: how much is used of how much, and its shadow price."""

    kind: Literal["labour", "resource", "capacity"]
    name: str
    used: float
    available: float
    shadow_price: float

    @property
    def binding(self) -> bool:
        """True when (almost) all of it is used."""
        return self.used >= self.available * (1 - BINDING_TOL) - 1e-12


@dataclass(frozen=True, eq=False)
class TradeOffs:
    """Limits of a plan and the marginal cost of each product in hours and resources."""

    limits: tuple[Limit, ...]
    labour_values: FloatArray
    resource_content: FloatArray
    fulfilment_price: FloatArray

    @property
    def binding(self) -> tuple[Limit, ...]:
        """The limits that bind, highest shadow price first."""
        return tuple(sorted((x for x in self.limits if x.binding), key=lambda x: -x.shadow_price))


def chosen_techniques(economy: Economy, activity: FloatArray) -> IntArray:
    """The most used technique of each product (the first listed when none is used)."""
    product = economy.technique_product
    order = np.lexsort((np.arange(product.size), -activity, product))
    first = np.ones(order.size, dtype=bool)
    first[1:] = product[order][1:] != product[order][:-1]
    chosen = np.empty(economy.n_products, dtype=np.int64)
    chosen[product[order][first]] = order[first]
    return chosen


def trade_offs(economy: Economy, plan: Plan) -> TradeOffs:
    """Binding limits, shadow prices, labour values and resource content of a plan."""
    chosen = chosen_techniques(economy, plan.activity)
    resources = economy.resource_use.toarray()[:, chosen] if economy.resources else None
    costs = economy.labour[chosen][None, :]
    if resources is not None:
        costs = np.vstack([costs, resources])
    content = embodied(economy, chosen, costs)
    duals = plan.duals
    prices = duals.products if duals is not None and duals.products.size else content[0] * 0
    return TradeOffs(
        limits=_limits(economy, plan),
        labour_values=content[0],
        resource_content=content[1:],
        fulfilment_price=prices,
    )


def _limits(economy: Economy, plan: Plan) -> tuple[Limit, ...]:
    duals = plan.duals
    limits: list[Limit] = []
    if np.isfinite(economy.labour_limit):
        price = duals.labour if duals else 0.0
        limits.append(Limit("labour", "labour", plan.labour_used, economy.labour_limit, price))
    for k, name in enumerate(economy.resources):
        if np.isfinite(economy.resource_limits[k]):
            price = float(duals.resources[k]) if duals else 0.0
            used, available = float(plan.resource_used[k]), float(economy.resource_limits[k])
            limits.append(Limit("resource", name, used, available, price))
    for j in np.flatnonzero(np.isfinite(economy.capacity_array)):
        price = float(duals.capacity[j]) if duals and duals.capacity.size else 0.0
        limits.append(Limit("capacity", economy.technique_names[j], float(plan.activity[j]),
                            float(economy.capacity_array[j]), price))
    return tuple(limits)
