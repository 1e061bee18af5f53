"""What a planning round publishes: the plan's status, fulfilment per good, the limits with
their shadow prices, labour values, which assemblies' targets counted, and the comparison with
the last plan. Plain JSON values, stored with the round and served as they are by the pages
and the API.
"""

from __future__ import annotations

import math
from typing import Any

from asamblea.core.planning import (
    Economy,
    Plan,
    Targets,
    TargetVote,
    compare_plans,
    solve_plan,
    trade_offs,
)
from asamblea.store.planning_repository import PlanningRound


def plan_result(
    planning_round: PlanningRound,
    economy: Economy,
    targets: Targets,
    plan: Plan,
    votes: list[TargetVote],
    *,
    counted: list[dict[str, Any]],
) -> dict[str, Any]:
    """What is published: status, fulfilment per good, limits, shadow prices, labour values,
    and `counted`, the adopted targets that went into it (assembly, weight, deciding vote)."""
    products = economy.products
    goods = set(planning_round.goods)
    values = trade_offs(economy, plan) if plan.has_plan else None
    rows = []
    for i, name in enumerate(products):
        if targets.levels[i] <= 0 and name not in goods:
            continue
        rows.append(
            {
                "name": name,
                "good": name in goods,
                "target": _num(targets.levels[i]),
                "net_output": _num(plan.net_output[i]) if plan.has_plan else None,
                "fulfilment": _num(plan.target_fulfilment[i]) if plan.has_plan else None,
                "labour_value": _num(values.labour_values[i]) if values is not None else None,
                "resource_content": [
                    {"name": resource, "value": _num(values.resource_content[k, i])}
                    for k, resource in enumerate(economy.resources)
                ]
                if values is not None
                else [],
            }
        )
    limits = []
    if values is not None:
        for limit in values.limits:
            if limit.kind == "capacity" and not limit.binding:
                continue
            limits.append(
                {
                    "kind": limit.kind,
                    "name": limit.name,
                    "used": _num(limit.used),
                    "available": _num(limit.available),
                    "shadow_price": _num(limit.shadow_price),
                    "binding": limit.binding,
                }
            )
    others = [
        float(r["fulfilment"]) for r in rows if not r["good"] and isinstance(r["fulfilment"], float)
    ]
    return {
        "status": plan.status.value,
        "method": plan.method,
        "message": plan.message,
        "fulfilment": _num(plan.fulfilment) if plan.has_plan else None,
        "gap": _num(plan.gap) if plan.has_plan else None,
        "seconds": _num(plan.seconds),
        "lexicographic_complete": plan.lexicographic_complete,
        "aggregation": planning_round.aggregation,
        "assemblies": len(votes),
        "members": sum(v.members for v in votes),
        "counted": counted,
        "targets": {p: float(v) for p, v in zip(products, targets.levels, strict=True) if v > 0},
        "goods": [r for r in rows if r["good"]],
        "others": {"count": len(others), "least": min(others) if others else None},
        "limits": limits,
        "labour_used": _num(plan.labour_used) if plan.has_plan else None,
        "labour_limit": _num(economy.labour_limit),
        "comparison": None,
    }


def comparison_with(
    previous: PlanningRound, economy: Economy, after: Plan, time_limit: float
) -> dict[str, Any]:
    """The difference to the last plan (re-solved from its published targets, on this model)."""
    assert previous.result is not None  # noqa: S101 - checked by the caller
    levels = previous.result.get("targets", {})
    before_targets = Targets.from_mapping(economy, {str(k): float(v) for k, v in levels.items()})
    before = solve_plan(economy, before_targets, time_limit=time_limit)
    if not (before.has_plan and after.has_plan):
        return {"previous_id": previous.id, "available": False}
    comparison = compare_plans(economy, before, economy, after)
    goods = []
    for name in previous.goods:
        i = economy.index(name)
        goods.append(
            {
                "name": name,
                "before": _num(before.net_output[i]),
                "after": _num(after.net_output[i]),
                "change": _num(comparison.net_output_change[i]),
            }
        )
    return {
        "previous_id": previous.id,
        "available": True,
        "fulfilment_before": _num(before.fulfilment),
        "fulfilment_after": _num(after.fulfilment),
        "fulfilment_change": _num(comparison.fulfilment_change),
        "labour_change": _num(comparison.labour_change),
        "resources": [
            {"name": name, "change": _num(comparison.resource_change[k])}
            for k, name in enumerate(economy.resources)
        ],
        "goods": goods,
        "binding_before": list(comparison.binding_before),
        "binding_after": list(comparison.binding_after),
    }


def _num(value: float) -> float | None:
    """A float for JSON: None for infinities and NaN (PostgreSQL's JSON refuses them)."""
    number = float(value)
    return number if math.isfinite(number) else None
