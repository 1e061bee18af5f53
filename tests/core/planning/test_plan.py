"""Plans of hand-solved economies: max–min, two techniques, lexicographic, floors, statuses."""

from __future__ import annotations

import time
from dataclasses import replace

import numpy as np
import pytest
from scipy import sparse

from asamblea.core.planning import (
    Economy,
    PlanStatus,
    Targets,
    constraint_violation,
    solve_plan,
)
from asamblea.core.planning.lp import LpSession
from asamblea.core.planning.plan import HANDED_OVER, PROVEN_BY_LP, _proven
from tests.core.planning.economies import corn_iron, targets, village
from tests.core.planning.oracle import linprog_fulfilment
from tests.core.planning.test_oracle import generated

EXACT = 1e-9


@pytest.mark.parametrize("method", ["auto", "leontief", "lp", "iterative"])
def test_corn_iron_every_method(method: str) -> None:
    economy, goal = corn_iron(), targets(1.0, 1.0)
    plan = solve_plan(economy, goal, method=method)  # type: ignore[arg-type]
    assert plan.status == PlanStatus.OPTIMAL
    assert plan.fulfilment == pytest.approx(2.5, rel=EXACT)
    np.testing.assert_allclose(plan.activity, [2.5, 3.75], rtol=1e-8)
    assert plan.labour_used == pytest.approx(10.0)
    assert plan.duals is not None
    assert plan.duals.labour == pytest.approx(0.25, rel=1e-8)
    assert constraint_violation(economy, goal, plan) <= EXACT


def test_auto_uses_the_leontief_fast_path() -> None:
    plan = solve_plan(corn_iron(), targets(1.0, 1.0))
    assert plan.method == "leontief"
    assert plan.duals is not None
    np.testing.assert_allclose(plan.duals.products, [0.5, 0.5])  # labour value 2 / 4 h


@pytest.mark.parametrize("method", ["auto", "lp", "iterative"])
def test_village_two_techniques(method: str) -> None:
    economy, goal = village(), targets(10.0, 20.0)
    plan = solve_plan(economy, goal, method=method)  # type: ignore[arg-type]
    t = 28 / 13
    assert plan.fulfilment == pytest.approx(t, rel=EXACT)
    np.testing.assert_allclose(plan.activity, [25 * t, 40.0, 20 * t - 40], rtol=1e-8)
    assert plan.labour_used == pytest.approx(100.0)
    np.testing.assert_allclose(plan.resource_used, [40.0])
    assert plan.duals is not None
    assert plan.duals.labour == pytest.approx(1 / 65, rel=1e-6)
    np.testing.assert_allclose(plan.duals.resources, [1 / 65], rtol=1e-6)
    assert constraint_violation(economy, goal, plan) <= EXACT


def test_plenty_of_wood_uses_only_the_wood_oven() -> None:
    # Wood unlimited: the wood oven needs fewer hours; labour 25t + 20t = 45t ≤ 100.
    plan = solve_plan(village(wood=1e9), targets(10.0, 20.0))
    assert plan.fulfilment == pytest.approx(100 / 45, rel=EXACT)
    assert plan.activity[2] == pytest.approx(0.0, abs=1e-9)


def capacity_economy() -> Economy:
    """a and b made from labour alone (1 h each); a's capacity 5; labour 20."""
    return Economy(
        products=("a", "b"),
        technique_product=np.array([0, 1]),
        inputs=sparse.csc_array((2, 2)),
        labour=np.ones(2),
        labour_limit=20.0,
        capacity=np.array([5.0, np.inf]),
    )


def test_lexicographic_max_min_uses_spare_labour() -> None:
    # Stage 1: t ≤ 5 (capacity of a) and 2t ≤ 20; t* = 5. Then a is fixed at 5 and b takes
    # the 15 hours left: b is fulfilled 15 times, not 5.
    economy, goal = capacity_economy(), targets(1.0, 1.0)
    plan = solve_plan(economy, goal)
    assert plan.method == "lp"
    assert plan.fulfilment == pytest.approx(5.0)
    np.testing.assert_allclose(plan.target_fulfilment, [5.0, 15.0], rtol=1e-9)
    assert plan.rounds == 2
    assert plan.lexicographic_complete
    flat = solve_plan(economy, goal, lexicographic=False)
    assert flat.fulfilment == pytest.approx(5.0)
    assert flat.labour_used <= 20.0 + 1e-9


def test_floor_is_met_before_targets() -> None:
    # Only iron is targeted; corn must reach 2: corn 2 (2 h) + iron 1 for it (2 h) leaves 6 h,
    # i.e. 3 more units of iron at 2 h each.
    economy = corn_iron()
    goal = targets(0.0, 1.0, floors=(2.0, 0.0))
    plan = solve_plan(economy, goal)
    assert plan.fulfilment == pytest.approx(3.0, rel=EXACT)
    np.testing.assert_allclose(plan.net_output, [2.0, 3.0], rtol=1e-9)
    assert constraint_violation(economy, goal, plan) <= EXACT


def test_floor_and_target_on_the_same_product() -> None:
    # corn target 1 and floor 4, iron target 1: labour 2·corn_net + 2·iron_net ≤ 10 with
    # corn_net ≥ max(t, 4): t = 1 (iron gets 1) and corn stays at its floor 4.
    plan = solve_plan(corn_iron(), targets(1.0, 1.0, floors=(4.0, 0.0)))
    assert plan.fulfilment == pytest.approx(1.0, rel=EXACT)
    assert plan.net_output[0] >= 4.0 - 1e-9


@pytest.mark.parametrize("method", ["lp", "iterative"])
def test_infeasible_floors(method: str) -> None:
    plan = solve_plan(corn_iron(labour_limit=1.0), targets(1.0, 1.0, floors=(1.0, 0.0)),
                      method=method)  # type: ignore[arg-type]
    assert plan.status == PlanStatus.INFEASIBLE
    assert not plan.has_plan


def test_no_limit_is_unbounded() -> None:
    plan = solve_plan(corn_iron(labour_limit=np.inf), targets(1.0, 1.0))
    assert plan.status == PlanStatus.UNBOUNDED
    assert "limit" in plan.message


def test_time_limit_is_reported_honestly() -> None:
    plan = solve_plan(village(), targets(10.0, 20.0), method="lp", time_limit=0.0)
    assert plan.status == PlanStatus.TIME_LIMIT
    assert not plan.has_plan


def test_session_resolves_warm_with_new_targets() -> None:
    session = LpSession(village())
    first = session.solve(targets(10.0, 20.0))
    second = session.solve(targets(10.0, 30.0))
    # corn 31.25t; labour 31.25t + b1 + 2(30t - b1) = 91.25t - 40 ≤ 100 → t = 140/91.25
    assert first.fulfilment == pytest.approx(28 / 13, rel=EXACT)
    assert second.fulfilment == pytest.approx(140 / 91.25, rel=EXACT)


def test_targets_of_the_wrong_length() -> None:
    with pytest.raises(ValueError, match="entries"):
        solve_plan(village(), Targets(levels=np.ones(3), floors=np.zeros(3)))


def test_warm_start_from_a_previous_plan() -> None:
    economy = village()
    before = solve_plan(economy, targets(10.0, 20.0), method="lp")
    assert before.basis is not None
    assert len(before.basis[0]) == economy.n_techniques + 1
    after = solve_plan(economy.with_limits(labour_limit=120.0), targets(10.0, 20.0),
                       method="lp", warm_start=before)
    # 65t - 40 ≤ 120 → t = 160/65
    assert after.fulfilment == pytest.approx(160 / 65, rel=EXACT)


def test_leontief_method_refuses_when_it_does_not_apply() -> None:
    plan = solve_plan(village(), targets(10.0, 20.0), method="leontief")
    assert plan.status == PlanStatus.ERROR
    assert "fast path" in plan.message
    capped = solve_plan(capacity_economy(), targets(1.0, 1.0), method="leontief")
    assert capped.status == PlanStatus.ERROR


@pytest.mark.parametrize("seed", [1, 2])
def test_iterative_gap_on_capacities_is_closed_by_the_lp(seed: int) -> None:
    economy, goal = generated(60, seed, 0.5, capacities=True, floors=True)
    expected = linprog_fulfilment(economy, goal)
    assert expected is not None
    plan = solve_plan(economy, goal, method="iterative")
    assert plan.status is PlanStatus.OPTIMAL
    assert plan.gap <= 1e-6
    assert plan.fulfilment == pytest.approx(expected, rel=1e-7)
    assert plan.method == "iterative+lp"
    assert plan.message == HANDED_OVER


def test_an_optimal_iterative_answer_with_an_open_gap_is_proven_optimal() -> None:
    economy, goal = generated(60, 1, 0.5, capacities=True, floors=True)
    exact = solve_plan(economy, goal, method="lp")
    loose = replace(
        exact, status=PlanStatus.FEASIBLE, method="iterative", bound=exact.fulfilment * 1.155
    )
    assert loose.gap > 0.1  # what the iterative bound alone reported
    proven = _proven(economy, goal, loose, start=time.perf_counter(), time_limit=30.0)
    assert proven.status is PlanStatus.OPTIMAL
    assert proven.method == "iterative"
    assert proven.gap == 0.0
    assert proven.message == PROVEN_BY_LP
