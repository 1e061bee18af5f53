"""The iterative method: feasible plans, an honest gap, the LP optimum when nothing else binds."""

from __future__ import annotations

import numpy as np
import pytest

from asamblea.core.planning import PlanStatus, constraint_violation, solve_plan
from asamblea.core.planning.large import cheapest_techniques, solve_iterative
from asamblea.core.planning.synthetic import synthetic_economy, synthetic_targets
from tests.core.planning.economies import village
from tests.core.planning.oracle import linprog_fulfilment
from tests.core.planning.test_oracle import generated


@pytest.mark.parametrize("seed", range(5))
def test_reaches_the_lp_optimum_without_capacities(seed: int) -> None:
    economy, goal = generated(60, seed, 0.9, capacities=False, floors=False)
    plan = solve_plan(economy, goal, method="iterative")
    expected = linprog_fulfilment(economy, goal)
    assert plan.status == PlanStatus.OPTIMAL
    assert plan.fulfilment == pytest.approx(expected, rel=1e-6)
    assert plan.fulfilment <= plan.bound * (1 + 1e-12)
    assert constraint_violation(economy, goal, plan) <= 1e-9


@pytest.mark.parametrize("seed", range(5))
def test_with_capacities_and_floors_is_feasible_and_bounded(seed: int) -> None:
    economy, goal = generated(60, seed, 0.5, capacities=True, floors=True)
    expected = linprog_fulfilment(economy, goal)
    plan = solve_plan(economy, goal, method="iterative")
    if not plan.has_plan:
        return
    assert constraint_violation(economy, goal, plan) <= 1e-9
    if expected is not None:
        assert plan.fulfilment <= expected * (1 + 1e-9)
        assert plan.bound >= expected * (1 - 1e-9)  # the stated bound is a true bound


def test_cheapest_techniques_by_hand() -> None:
    # Prices: an hour costs 1, a unit of wood 2. Wood oven: 1 h + 2 + 0.5 corn; solar: 2 h +
    # 0.5 corn. Corn value v = 1/0.8 = 1.25. Wood oven 3.625 > solar 2.625: solar is chosen.
    economy = village()
    cost = economy.labour + 2.0 * economy.resource_use.toarray()[0]
    chosen, values, cheapest = cheapest_techniques(economy, cost)
    assert cheapest
    np.testing.assert_array_equal(chosen, [0, 2])
    np.testing.assert_allclose(values, [1.25, 2.625])


def test_time_limit_still_gives_a_feasible_plan() -> None:
    economy = synthetic_economy(2000, alternatives=0.3, resources=2, seed=1)
    goal = synthetic_targets(2000, seed=1)
    plan = solve_iterative(economy, goal, time_limit=0.0)
    assert plan.status == PlanStatus.FEASIBLE  # the starting columns give a feasible plan
    assert plan.bound == np.inf  # but no round ran, so there is no bound to claim
    assert constraint_violation(economy, goal, plan) <= 1e-9
