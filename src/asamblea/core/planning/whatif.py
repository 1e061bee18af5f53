"""What-if: change targets or limits, re-solve, and show the difference to the previous plan."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from asamblea.core.planning.model import Economy, FloatArray, ModelError, Targets
from asamblea.core.planning.plan import Method, solve_plan
from asamblea.core.planning.solution import Plan
from asamblea.core.planning.tradeoffs import trade_offs

__all__ = ["Change", "ChangeKind", "Comparison", "apply_changes", "compare_plans", "what_if"]

ChangeKind = Literal["target", "floor", "labour_limit", "resource_limit", "capacity"]


@dataclass(frozen=True)
class Change:
    """Set (``percent=False``) or change by a percentage (``percent=True``) one quantity.

    ``name`` is the product (target, floor), the resource, or the technique (capacity);
    it is ignored for the labour limit.
    """

    kind: ChangeKind
    name: str
    value: float
    percent: bool = False

    def apply(self, old: float) -> float:
        """The new value given the old one."""
        return old * (1 + self.value / 100) if self.percent else self.value


@dataclass(frozen=True, eq=False)
class Comparison:
    """Two plans side by side: what moved and which limits bind in each."""

    before: Plan
    after: Plan
    fulfilment_change: float
    net_output_change: FloatArray
    gross_output_change: FloatArray
    labour_change: float
    resource_change: FloatArray
    binding_before: tuple[str, ...]
    binding_after: tuple[str, ...]


def apply_changes(
    economy: Economy, targets: Targets, changes: Sequence[Change]
) -> tuple[Economy, Targets]:
    """The economy and targets after the changes (the inputs are left as they were)."""
    levels, floors = np.array(targets.levels), np.array(targets.floors)
    labour = economy.labour_limit
    limits = dict(zip(economy.resources, economy.resource_limits.tolist(), strict=True))
    capacity = np.array(economy.capacity_array)
    for change in changes:
        if change.kind == "target":
            i = economy.index(change.name)
            levels[i] = change.apply(levels[i])
        elif change.kind == "floor":
            i = economy.index(change.name)
            floors[i] = change.apply(floors[i])
        elif change.kind == "labour_limit":
            labour = change.apply(labour)
        elif change.kind == "resource_limit":
            if change.name not in limits:
                raise ModelError(f"unknown resource: {change.name!r}")
            limits[change.name] = change.apply(limits[change.name])
        else:
            j = _technique(economy, change.name)
            capacity[j] = change.apply(capacity[j])
    changed = economy.with_limits(labour_limit=labour, resource_limits=limits, capacity=capacity)
    return changed, Targets(levels=levels, floors=floors)


def _technique(economy: Economy, name: str) -> int:
    if name in economy.technique_names:
        return economy.technique_names.index(name)
    raise ModelError(f"unknown technique: {name!r}")


def compare_plans(economy_before: Economy, before: Plan, economy_after: Economy,
                  after: Plan) -> Comparison:
    """The difference ``after - before`` of two plans of the same products."""
    return Comparison(
        before=before,
        after=after,
        fulfilment_change=after.fulfilment - before.fulfilment,
        net_output_change=after.net_output - before.net_output,
        gross_output_change=after.gross_output - before.gross_output,
        labour_change=after.labour_used - before.labour_used,
        resource_change=after.resource_used - before.resource_used,
        binding_before=_binding(economy_before, before),
        binding_after=_binding(economy_after, after),
    )


def _binding(economy: Economy, plan: Plan) -> tuple[str, ...]:
    if not plan.has_plan:
        return ()
    return tuple(limit.name for limit in trade_offs(economy, plan).binding)


def what_if(
    economy: Economy,
    targets: Targets,
    changes: Sequence[Change],
    *,
    before: Plan | None = None,
    method: Method = "auto",
    time_limit: float = 60.0,
) -> Comparison:
    """Apply the changes, re-solve, and compare with the plan before them."""
    if before is None:
        before = solve_plan(economy, targets, method=method, time_limit=time_limit)
    new_economy, new_targets = apply_changes(economy, targets, changes)
    after = solve_plan(new_economy, new_targets, method=method, time_limit=time_limit,
                       warm_start=before)
    return compare_plans(economy, before, new_economy, after)
